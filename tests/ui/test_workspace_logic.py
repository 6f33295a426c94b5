"""The workspace's message handling: create, move, recode, note, delete, undo, redo,
resends applied once, and conflicts reported instead of overwritten."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import pytest

from attune.core.accounts import Role
from attune.core.timebase import FrameGrid
from attune.services.events import add_event, list_events
from attune.ui.workspace import Workspace, build_view, clip_timing
from tests.factories import make_clip, make_family, make_user

_cids = itertools.count(1)


def msg(op: str, **fields: Any) -> dict[str, Any]:
    n = next(_cids)
    return {"cid": f"cid-{n}", "page": "p1", "seq": n, "op": op, **fields}


@pytest.fixture
def setup(ctx):  # type: ignore[no-untyped-def]
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    return ctx, pat, clip


def live(ctx, user, clip_id):  # type: ignore[no-untyped-def]
    return list_events(ctx, user, clip_id, coder=user.username)


def test_create_marks_a_point_and_links_a_response(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    results = ws.apply(ctx, pat, [msg("create", code="C02", start_ms=400, end_ms=400),
                                  msg("create", code="R04", start_ms=1000, end_ms=1000)])
    assert [r["ok"] for r in results] == [True, True]
    cue, response = live(ctx, pat, clip.id)
    assert (cue.code, cue.start_ms, cue.end_ms) == ("C02", 400, 400)
    assert response.answers_id == cue.id
    view = build_view(ctx, pat, clip, read_only=False, coders=["pat"])
    row = next(r for r in view["events"] if r["c"] == "R04")
    assert (row["lat"], row["band"], row["att"]) == (600, "immediate", True)
    assert [lane["id"] for lane in view["lanes"]] == ["cue:pat", "response:pat",
                                                      "reaction:pat", "moment"]
    assert {c["id"]: c["key"] for c in view["scheme"]["codes"]}["C01"] == "1"


def test_a_resent_message_is_applied_once(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    m = msg("create", code="C01", start_ms=120, end_ms=120)
    first = ws.apply(ctx, pat, [m])
    again = ws.apply(ctx, pat, [m, m])
    assert first[0]["ok"] and again == []
    assert len(live(ctx, pat, clip.id)) == 1
    assert ws.acks()[m["cid"]]["event_id"] == first[0]["event_id"]


def test_a_replay_after_a_restart_finds_the_stored_mark(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    m = msg("create", code="C01", start_ms=120, end_ms=120)
    Workspace(clip.id, "pat").apply(ctx, pat, [m])
    fresh = Workspace(clip.id, "pat")  # the server restarted: nothing remembered
    result = fresh.apply(ctx, pat, [{**m, "replay": True}])
    assert result[0]["ok"]
    assert len(live(ctx, pat, clip.id)) == 1


def test_move_recode_note_delete_by_ref_and_by_id(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    create = msg("create", code="C01", start_ms=1000, end_ms=1000)
    # the browser refers to a mark it has not heard back about by its create's cid
    ws.apply(ctx, pat, [create, msg("move", ref=create["cid"], start_ms=1000, end_ms=2040)])
    (ev,) = live(ctx, pat, clip.id)
    assert (ev.start_ms, ev.end_ms) == (1000, 2040)
    # a stale version seen by the browser is fine when the newer one was our own change
    ws.apply(ctx, pat, [msg("recode", id=ev.id, version=1, code="C02"),
                        msg("note", id=ev.id, version=1, note="big smile")])
    (ev,) = live(ctx, pat, clip.id)
    assert (ev.code, ev.note) == ("C02", "big smile")
    ws.apply(ctx, pat, [msg("delete", id=ev.id, version=ev.version)])
    assert live(ctx, pat, clip.id) == []


def test_recode_to_another_kind_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    (r,) = ws.apply(ctx, pat, [msg("create", code="C01", start_ms=0, end_ms=0)])
    (bad,) = ws.apply(ctx, pat, [msg("recode", id=r["event_id"], code="R01")])
    assert not bad["ok"] and "not a cue code" in bad["error"]
    assert ws.take_notices()[0]["kind"] == "error"


def test_undo_and_redo_every_change(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    (c,) = ws.apply(ctx, pat, [msg("create", code="C01", start_ms=1000, end_ms=1000)])
    eid = c["event_id"]
    ws.apply(ctx, pat, [msg("move", id=eid, start_ms=1000, end_ms=3000),
                        msg("recode", id=eid, code="C03"),
                        msg("note", id=eid, note="coo"),
                        msg("delete", id=eid)])
    assert live(ctx, pat, clip.id) == []

    def state() -> tuple[Any, ...] | None:
        evs = live(ctx, pat, clip.id)
        return (evs[0].code, evs[0].end_ms, evs[0].note) if evs else None

    seen = []
    for _ in range(5):
        (r,) = ws.apply(ctx, pat, [msg("undo")])
        assert r["ok"], r
        seen.append(state())
    assert seen == [("C03", 3000, "coo"), ("C03", 3000, ""), ("C01", 3000, ""),
                    ("C01", 1000, ""), None]
    (nothing,) = ws.apply(ctx, pat, [msg("undo")])
    assert nothing["ok"] and nothing.get("empty")
    for _ in range(5):
        ws.apply(ctx, pat, [msg("redo")])
    assert state() is None  # redone up to the deletion
    ws.apply(ctx, pat, [msg("undo")])
    assert state() == ("C03", 3000, "coo")
    # a new change clears the redo stack
    ws.apply(ctx, pat, [msg("note", id=eid, note="coo coo")])
    (r,) = ws.apply(ctx, pat, [msg("redo")])
    assert r.get("empty")


def test_a_conflicting_edit_is_reported_not_overwritten(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    here, there = Workspace(clip.id, "pat"), Workspace(clip.id, "pat")  # two browsers
    (c,) = here.apply(ctx, pat, [msg("create", code="C01", start_ms=1000, end_ms=1000)])
    eid = c["event_id"]
    there.apply(ctx, pat, [msg("move", id=eid, version=1, start_ms=2000, end_ms=2000)])
    (r,) = here.apply(ctx, pat, [msg("move", id=eid, version=1, start_ms=1500, end_ms=1500)])
    assert r["conflict"] and not r["ok"]
    assert live(ctx, pat, clip.id)[0].start_ms == 2000  # theirs kept
    assert here.take_notices()[0]["kind"] == "conflict"
    # undoing my create would delete their moved mark: refused too
    (u,) = here.apply(ctx, pat, [msg("undo")])
    assert u["conflict"]
    assert len(live(ctx, pat, clip.id)) == 1


def test_moving_a_response_relinks_it(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    ws = Workspace(clip.id, "pat")
    a = add_event(ctx, pat, clip.id, "C01", 0)
    b = add_event(ctx, pat, clip.id, "C02", 800)
    (r,) = ws.apply(ctx, pat, [msg("create", code="R04", start_ms=500, end_ms=500)])
    assert live(ctx, pat, clip.id)[1].answers_id == a.id
    ws.apply(ctx, pat, [msg("move", id=r["event_id"], start_ms=900, end_ms=900)])
    response = next(e for e in live(ctx, pat, clip.id) if e.code == "R04")
    assert response.answers_id == b.id
    ws.apply(ctx, pat, [msg("undo")])
    response = next(e for e in live(ctx, pat, clip.id) if e.code == "R04")
    assert (response.start_ms, response.answers_id) == (500, a.id)


def test_other_coders_and_supervisors_cannot_change_marks(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, clip = setup
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    ws = Workspace(clip.id, "pat")
    (r,) = ws.apply(ctx, sue, [msg("create", code="C01", start_ms=0, end_ms=0)])
    assert not r["ok"]
    own = Workspace(clip.id, "sue")
    (r,) = own.apply(ctx, sue, [msg("create", code="C01", start_ms=0, end_ms=0)])
    assert not r["ok"] and "Not allowed" in r["error"]
    assert live(ctx, pat, clip.id) == []


def test_frame_times_round_trip() -> None:
    for fps in (Fraction(25), Fraction(30000, 1001), Fraction(24000, 1001), Fraction(50)):
        grid = FrameGrid(fps)
        for n in range(0, 2000, 7):
            assert grid.frame_at(grid.start_ms(n)) == n


def test_clip_timing_reads_the_proxy_facts(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, clip = setup
    from dataclasses import replace

    ready = replace(clip, media={"proxy_fps": "30000/1001", "proxy_frame_count": 300,
                                 "proxy_duration_ms": 10010})
    t = clip_timing(ready)
    assert (t["fps_num"], t["fps_den"], t["frame_count"], t["duration_ms"]) == \
        (30000, 1001, 300, 10010)
