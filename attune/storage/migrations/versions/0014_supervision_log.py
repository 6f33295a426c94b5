"""supervision log

Revision ID: 0014
Revises: 0011
Create Date: 2026-11-29 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Supervision sessions a supervisor logs for a practitioner (date, minutes, notes,
    agreed next steps) and the clips and reels watched in each."""
    op.create_table(
        "supervision_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"],
                                name=op.f("fk_supervision_sessions_supervisor_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["practitioner_id"], ["users.id"],
                                name=op.f("fk_supervision_sessions_practitioner_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_sessions")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervision_sessions_supervisor_id"),
                              ["supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervision_sessions_practitioner_id"),
                              ["practitioner_id"], unique=False)
    op.create_table(
        "supervision_session_clips",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["supervision_sessions.id"],
            name=op.f("fk_supervision_session_clips_session_id_supervision_sessions"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"],
                                name=op.f("fk_supervision_session_clips_clip_id_clips"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "clip_id",
                                name=op.f("pk_supervision_session_clips")),
    )
    op.create_table(
        "supervision_session_reels",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("reel_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["supervision_sessions.id"],
            name=op.f("fk_supervision_session_reels_session_id_supervision_sessions"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reel_id"], ["reels.id"],
                                name=op.f("fk_supervision_session_reels_reel_id_reels"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "reel_id",
                                name=op.f("pk_supervision_session_reels")),
    )


def downgrade() -> None:
    op.drop_table("supervision_session_reels")
    op.drop_table("supervision_session_clips")
    with op.batch_alter_table("supervision_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervision_sessions_practitioner_id"))
        batch_op.drop_index(batch_op.f("ix_supervision_sessions_supervisor_id"))
    op.drop_table("supervision_sessions")
