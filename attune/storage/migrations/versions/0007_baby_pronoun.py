"""the baby's pronoun on the family

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """How words for parents speak of the baby (she, he or they); existing families get
    'they' until the practitioner chooses."""
    with op.batch_alter_table("families") as batch:
        batch.add_column(sa.Column("pronoun", sa.String(length=8), nullable=False,
                                   server_default="they"))


def downgrade() -> None:
    with op.batch_alter_table("families") as batch:
        batch.drop_column("pronoun")
