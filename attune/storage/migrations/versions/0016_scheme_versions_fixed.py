"""stored scheme versions stay as they were made: attuned-moments v1 without modifiers

The first form of revision 0012 added modifier definitions to a stored ``attuned-moments``
v1 in place, which changed that version's checksum (a template exported before no longer
matched it) and the meaning of the version. v1 never shipped with modifiers; the scheme
with them is the shipped ``attuned-moments`` v2. On a database that went through that
0012 this revision:

1. takes the ``modifiers`` back out of ``attuned-moments`` v1, so v1 is again exactly the
   document this installation stored before (nothing else of it was changed);
2. adds the shipped v2 when this installation has no v2 of its own (``attune init``
   would add it too);
3. moves the events coded under v1 that carry a chosen modifier (``name=value``: chosen
   by key in the workspace between that 0012 and this revision) to v2, whose codes,
   windows and bands are v1's: they were coded with v2's definitions, and keep them.
   Their other fields, history and clip are untouched. When this service already has a
   v2 of its own (a different document), those events stay under v1 and keep their
   modifiers as they were stored (shown by their names).

On any other database (v1 without modifiers) it changes nothing. Downgrading leaves the
schemes as they are: the fixed v1 is right for every revision.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

NAME = "attuned-moments"
V2_FILE = Path(__file__).resolve().parents[3] / "data" / "schemes" / "attuned-moments.v2.json"

schemes = sa.table("schemes", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("version", sa.Integer), sa.column("document", sa.JSON),
                   sa.column("created_by", sa.Integer),
                   sa.column("created_at", sa.DateTime(timezone=True)))
events = sa.table("events", sa.column("id", sa.Integer), sa.column("scheme_id", sa.Integer),
                  sa.column("modifiers", sa.JSON))


def _document(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)


def _canonical(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def upgrade() -> None:
    bind = op.get_bind()
    row = bind.execute(sa.select(schemes.c.id, schemes.c.document).where(
        schemes.c.name == NAME, schemes.c.version == 1)).first()
    if row is None:
        return
    v1_id, v1 = int(row[0]), _document(row[1])
    if "modifiers" not in v1:
        return  # v1 as it was made: nothing to put right
    del v1["modifiers"]
    bind.execute(schemes.update().where(schemes.c.id == v1_id).values(document=v1))

    shipped = json.loads(V2_FILE.read_text(encoding="utf-8"))
    found = bind.execute(sa.select(schemes.c.id, schemes.c.document).where(
        schemes.c.name == NAME, schemes.c.version == 2)).first()
    if found is None:
        bind.execute(schemes.insert().values(name=NAME, version=2, document=shipped,
                                             created_by=None, created_at=datetime.now(UTC)))
        found = bind.execute(sa.select(schemes.c.id, schemes.c.document).where(
            schemes.c.name == NAME, schemes.c.version == 2)).first()
    if found is None or _canonical(_document(found[1])) != _canonical(shipped):
        return  # this service's own v2: the events stay under v1
    v2_id = int(found[0])
    moved = [int(eid) for eid, mods in bind.execute(
        sa.select(events.c.id, events.c.modifiers).where(events.c.scheme_id == v1_id))
        if any("=" in str(m) for m in (json.loads(mods) if isinstance(mods, str)
                                       else mods or []))]
    for start in range(0, len(moved), 500):
        bind.execute(events.update().where(events.c.id.in_(moved[start:start + 500]))
                     .values(scheme_id=v2_id))


def downgrade() -> None:
    """Nothing: the fixed v1 and the added v2 are right for every revision."""
