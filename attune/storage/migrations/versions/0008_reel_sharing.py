"""reel sharing

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 12:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reels are shared with the parent on purpose: the shared version keeps its own file
    and snapshot (editing never changes what the parent sees); the rendered snapshot says
    what the rendered file shows; a caption sits at the top or the bottom of the picture.

    Existing ready reels are not shared (nothing was decided for them): the practitioner
    shares them again after looking at them."""
    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caption_position", sa.String(length=10), nullable=False,
                                      server_default="bottom"))

    # the foreign key makes SQLite rebuild the table: keep its ids never reused (0005)
    with op.batch_alter_table("reels", schema=None,
                              table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("rendered_snapshot", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("shared_path", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("shared_snapshot", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("shared_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_reels_shared_by_users"), "users",
                                    ["shared_by"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("reels", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reels_shared_by_users"), type_="foreignkey")
        batch_op.drop_column("shared_by")
        batch_op.drop_column("shared_at")
        batch_op.drop_column("shared_snapshot")
        batch_op.drop_column("shared_path")
        batch_op.drop_column("rendered_snapshot")

    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.drop_column("caption_position")
