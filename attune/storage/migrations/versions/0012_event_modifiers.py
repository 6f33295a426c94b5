"""the default scheme's modifiers: no change to a stored scheme (see 0016)

This revision first added the modifier definitions to a stored ``attuned-moments`` v1 in
place. A stored scheme version must never change (templates exported earlier carry its
checksum, and events coded under it must mean what they meant), so it now does nothing:
the scheme with modifiers is the shipped ``attuned-moments`` v2, which ``attune init``
installs beside v1. A database that went through the first form of this revision is
put right by revision 0016.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing: stored scheme versions stay as they were made."""


def downgrade() -> None:
    """Nothing to undo."""
