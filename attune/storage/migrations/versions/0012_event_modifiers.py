"""the default scheme's modifiers (how, how strongly, who started)

Events always kept their modifiers (``events.modifiers``, a JSON list since 0001). This
adds the modifier definitions of the shipped ``attuned-moments`` v1 to an installation
that stored that scheme before it had them, so its coders can choose them by key. Only
definitions are added: no code, window, band or event changes, so every event coded
before means what it meant.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SCHEME_FILE = Path(__file__).resolve().parents[3] / "data" / "schemes" / \
    "attuned-moments.v1.json"

schemes = sa.table("schemes", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("version", sa.Integer), sa.column("document", sa.JSON))


def _rows() -> list[tuple[int, dict]]:  # type: ignore[type-arg]
    bind = op.get_bind()
    found = bind.execute(sa.select(schemes.c.id, schemes.c.document).where(
        schemes.c.name == "attuned-moments", schemes.c.version == 1)).all()
    out = []
    for row_id, doc in found:
        if isinstance(doc, str):
            doc = json.loads(doc)
        out.append((int(row_id), dict(doc)))
    return out


def upgrade() -> None:
    shipped = json.loads(SCHEME_FILE.read_text(encoding="utf-8"))
    for row_id, doc in _rows():
        if "modifiers" in doc:
            continue
        doc["modifiers"] = shipped["modifiers"]
        op.get_bind().execute(schemes.update().where(schemes.c.id == row_id)
                              .values(document=doc))


def downgrade() -> None:
    for row_id, doc in _rows():
        if doc.pop("modifiers", None) is not None:
            op.get_bind().execute(schemes.update().where(schemes.c.id == row_id)
                                  .values(document=doc))
