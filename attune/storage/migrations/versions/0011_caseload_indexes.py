"""indexes for the queries pages make with a full caseload

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 03:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: (table, index name, columns): a user's families and team, a coder's assignments, a
#: moment's reels, a reel's reflections, an object's audit history, a clip's jobs.
INDEXES = (
    ("users", "ix_users_supervisor_id", ["supervisor_id"]),
    ("family_practitioners", "ix_family_practitioners_user_id", ["user_id"]),
    ("family_parents", "ix_family_parents_user_id", ["user_id"]),
    ("coding_assignments", "ix_coding_assignments_coder_id", ["coder_id"]),
    ("reel_moments", "ix_reel_moments_moment_id", ["moment_id"]),
    ("reflections", "ix_reflections_reel_id", ["reel_id"]),
    ("audit_log", "ix_audit_log_object", ["object_type", "object_id"]),
    ("jobs", "ix_jobs_kind_object", ["kind", "object_id"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
