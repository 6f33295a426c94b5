"""calibration sessions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 03:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Calibration sessions: a set of gold clips trainees code blind, with the pass line
    (percent of specific agreement per code) the supervisor set."""
    op.create_table(
        "calibrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("pass_line_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"],
                                name=op.f("fk_calibrations_supervisor_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibrations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calibrations_supervisor_id"), ["supervisor_id"],
                              unique=False)
    op.create_table(
        "calibration_clips",
        sa.Column("calibration_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["calibration_id"], ["calibrations.id"],
                                name=op.f("fk_calibration_clips_calibration_id_calibrations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"],
                                name=op.f("fk_calibration_clips_clip_id_clips"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("calibration_id", "clip_id", name=op.f("pk_calibration_clips")),
    )
    op.create_table(
        "calibration_trainees",
        sa.Column("calibration_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["calibration_id"], ["calibrations.id"],
            name=op.f("fk_calibration_trainees_calibration_id_calibrations"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["users.id"],
                                name=op.f("fk_calibration_trainees_coder_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("calibration_id", "coder_id",
                                name=op.f("pk_calibration_trainees")),
    )


def downgrade() -> None:
    op.drop_table("calibration_trainees")
    op.drop_table("calibration_clips")
    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calibrations_supervisor_id"))
    op.drop_table("calibrations")
