"""reels

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:31:05.305905
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Reels: film-stop and slow replay per moment, caption overrides, render results,
    and the parent's reflections from the shared review (existing rows get defaults)."""
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("moment_id", sa.Integer(), nullable=False),
        sa.Column("reel_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moment_id"],
            ["moments.id"],
            name=op.f("fk_reflections_moment_id_moments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_reflections_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["reel_id"], ["reels.id"], name=op.f("fk_reflections_reel_id_reels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
    )
    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reflections_moment_id"), ["moment_id"], unique=False)

    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("film_stop", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("film_stop_caption", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("slow_replay", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("caption_override", sa.Text(), nullable=False, server_default="")
        )

    with op.batch_alter_table("reels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reels", schema=None) as batch_op:
        batch_op.drop_column("rendered_at")
        batch_op.drop_column("error")
        batch_op.drop_column("duration_ms")

    with op.batch_alter_table("moments", schema=None) as batch_op:
        batch_op.drop_column("caption_override")
        batch_op.drop_column("slow_replay")
        batch_op.drop_column("film_stop_caption")
        batch_op.drop_column("film_stop")

    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reflections_moment_id"))

    op.drop_table("reflections")
