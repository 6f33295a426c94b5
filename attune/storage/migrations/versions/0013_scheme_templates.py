"""the coding scheme a clip is coded with, and a moment's crop (zoom and pan)

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clip_schemes",
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"],
                                name=op.f("fk_clip_schemes_clip_id_clips"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["scheme_id"], ["schemes.id"],
                                name=op.f("fk_clip_schemes_scheme_id_schemes")),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"],
                                name=op.f("fk_clip_schemes_assigned_by_users")),
        sa.PrimaryKeyConstraint("clip_id", name=op.f("pk_clip_schemes")),
    )
    op.create_index(op.f("ix_clip_schemes_scheme_id"), "clip_schemes", ["scheme_id"], unique=False)
    with op.batch_alter_table("moments") as batch:
        batch.add_column(sa.Column("crop", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moments") as batch:
        batch.drop_column("crop")
    op.drop_index(op.f("ix_clip_schemes_scheme_id"), table_name="clip_schemes")
    op.drop_table("clip_schemes")
