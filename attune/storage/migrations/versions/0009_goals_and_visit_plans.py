"""the family's goals (with versions) and visit plans

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Goals in the parent's words (each rewording a new version, the old ones kept) and
    the plan of each visit of a course (number, theme, what is filmed, reel reviewed).
    New tables: nothing existing changes."""
    op.create_table(
        "family_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_family_goals_created_by_users")),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"],
                                name=op.f("fk_family_goals_family_id_families"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_goals")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("family_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_goals_family_id"), ["family_id"],
                              unique=False)
    op.create_table(
        "family_goal_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("cue_codes", sa.JSON(), nullable=False),
        sa.Column("response_codes", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["family_goals.id"],
                                name=op.f("fk_family_goal_versions_goal_id_family_goals"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_family_goal_versions_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_goal_versions")),
        sa.UniqueConstraint("goal_id", "version",
                            name="uq_family_goal_versions_goal_id_version"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "visit_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("theme", sa.Text(), nullable=False),
        sa.Column("filmed", sa.Text(), nullable=False),
        sa.Column("review_reel_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["family_id"], ["families.id"],
                                name=op.f("fk_visit_plans_family_id_families"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_reel_id"], ["reels.id"],
                                name=op.f("fk_visit_plans_review_reel_id_reels"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_visit_plans_session_id_sessions"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"],
                                name=op.f("fk_visit_plans_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plans")),
        sa.UniqueConstraint("family_id", "number", name="uq_visit_plans_family_id_number"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("visit_plans")
    op.drop_table("family_goal_versions")
    with op.batch_alter_table("family_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_goals_family_id"))
    op.drop_table("family_goals")
