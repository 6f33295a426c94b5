"""where a suggestion was found: the clip's sound or its picture

A decision on a suggestion is about one observation, so re-analysis leaves out only the
new suggestions of the same signal at that moment (a rejected cry no longer hides a reach
seen in the picture). Suggestions stored before say where they came from in their plain
words only: those from the picture all begin "a movement", the rest are from the sound.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("source", sa.String(length=20), nullable=False,
                                   server_default="sound"))
    op.execute(sa.text("UPDATE suggestions SET source = 'picture' "
                       "WHERE basis LIKE 'a movement%'"))


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("source")
