"""coding assignments for blind double-coding

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:27:32.942862
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Assignments of clips to coders: primary, blind second coder, gold standard."""
    op.create_table(
        "coding_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["users.id"], name=op.f("fk_coding_assignments_assigned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_coding_assignments_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"],
            ["users.id"],
            name=op.f("fk_coding_assignments_coder_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_assignments")),
        sa.UniqueConstraint("clip_id", "coder_id", name="uq_coding_assignments_clip_coder"),
    )
    with op.batch_alter_table("coding_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coding_assignments_clip_id"), ["clip_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("coding_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coding_assignments_clip_id"))

    op.drop_table("coding_assignments")
