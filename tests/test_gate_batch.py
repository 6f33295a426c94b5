"""The batched gate (``decide_many``) answers exactly as the one gate (``decide_access``),
cell by cell over the gate's world (tests/gate_world.py: blind and done double-coding, a
withdrawn consent, a family without supervision consent, parents, admin, the job worker),
for every action, every clip and every family, on SQLite and on PostgreSQL; and it reads
the database a fixed number of times however many objects it decides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from attune.core.policy import Action
from attune.services.access import decide_access, decide_many, decisions_remembered
from tests.gate_world import DAY, World, world_fixture

world = world_fixture()
pg_world = world_fixture(postgresql=True)


def _same_answers(w: World) -> None:
    with w.ctx.db.transaction("test") as tx:
        families = tx.list_families()
        items = [(f, None) for f in families]
        items += [(f, c) for f in families for c in tx.clips_for_family(f.id)]
        items += [(f.id, None) for f in families]  # a family given by its id
        assert len(items) > len(families) * 2  # every family has a clip
        for who in [*sorted(w.users), None]:
            user = w.users[who] if who is not None else None
            for action in Action:
                for on in (None, DAY - timedelta(days=30)):  # before any consent too
                    many = decide_many(tx, user, action, items, on=on)
                    one = [decide_access(tx, user, action, f, c, on=on) for f, c in items]
                    assert many == one, (who, action, on)


def test_decide_many_is_decide_access_cell_by_cell(world: World) -> None:
    _same_answers(world)


def test_decide_many_is_decide_access_cell_by_cell_postgresql(pg_world: World) -> None:
    _same_answers(pg_world)


def test_decide_many_reads_the_same_whatever_it_decides(world: World) -> None:
    statements: list[str] = []

    def tick(*_: object) -> None:
        statements.append("")

    with world.ctx.db.transaction("test") as tx:
        families = tx.list_families()
        clips = [(f, c) for f in families for c in tx.clips_for_family(f.id)]
        counts = []
        for n in (1, len(clips)):
            statements.clear()
            event.listen(world.ctx.db.engine, "before_cursor_execute", tick)
            try:
                decide_many(tx, world.users["sue"], Action.VIEW_CLIP, clips[:n])
            finally:
                event.remove(world.ctx.db.engine, "before_cursor_execute", tick)
            counts.append(len(statements))
    assert len(clips) >= 5 and counts[0] == counts[1], counts


def test_decide_many_remembers_what_it_gives_and_checks_its_clips(world: World) -> None:
    with world.ctx.db.transaction("test") as tx:
        family = tx.get_family("FAM-A")
        other = tx.get_family("FAM-B")
        clip = tx.clips_for_family(family.id)[0]
        pat = world.users["pat"]
        with decisions_remembered():
            first = decide_many(tx, pat, Action.VIEW_CLIP, [(family, clip)])
            assert first[0].allowed
            assert decide_access(tx, pat, Action.VIEW_CLIP, family, clip) == first[0]
        with pytest.raises(ValueError, match="not of this family"):
            decide_many(tx, pat, Action.VIEW_CLIP, [(other, clip)])
        assert decide_many(tx, pat, Action.VIEW_CLIP, []) == []
