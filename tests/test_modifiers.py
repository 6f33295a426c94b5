"""Modifiers (issue 17 item 3): defined in the scheme per code, chosen in the workspace
after the code key, checked by the service, kept through a recode and undo, counted by
modifier in the tallies. The default scheme has them from v2 (v1 stays as first shipped:
tests/storage/test_scheme_versions.py)."""

from __future__ import annotations

import copy
import itertools
from datetime import date
from typing import Any

import pytest

from attune.analysis.modifiers import modifier_frame
from attune.analysis.tallies import SessionClip
from attune.core import modifiers as mods
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.schemes import default_scheme, default_scheme_document, parse_scheme
from attune.services import Context
from attune.services.analysis import family_modifier_tallies
from attune.services.demo import DEMO_FAMILY
from attune.services.events import add_event, list_events, update_event
from attune.ui.workspace import Workspace, build_view
from tests.factories import demo_users, demo_without_video, make_clip, make_family, make_user

_cids = itertools.count(1)


def msg(op: str, **fields: Any) -> dict[str, Any]:
    n = next(_cids)
    return {"cid": f"m-{n}", "page": "p1", "seq": n, "op": op, **fields}


# ---------------------------------------------------------------- the scheme
def test_the_default_scheme_defines_modifiers_per_code() -> None:
    s = default_scheme()
    assert {m.id for m in mods.for_code(s.modifiers, "R11")} == {"modality"}
    assert {m.id for m in mods.for_code(s.modifiers, "C15")} == {"intensity", "initiated"}
    assert {m.id for m in mods.for_code(s.modifiers, "A03")} == {"intensity"}
    assert mods.for_code(s.modifiers, "N01") == ()  # "no response" has no modality
    assert [v.key for v in s.modifiers[0].values] == ["v", "t", "e"]


def _doc_with(modifiers: list[dict[str, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(default_scheme_document())
    doc["modifiers"] = modifiers
    return doc


@pytest.mark.parametrize(("modifiers", "says"), [
    ([{"id": "how", "codes": ["R01"], "values": [{"id": "a", "key": "x"}]},
      {"id": "who", "codes": ["R01"], "values": [{"id": "b", "key": "x"}]}], "own key"),
    ([{"id": "how", "codes": ["Z99"], "values": [{"id": "a"}]}], "Z99"),
    ([{"id": "how", "codes": ["R01"], "values": [{"id": "a"}, {"id": "a"}]}], "twice"),
    ([{"id": "how", "codes": ["R01"], "values": [{"id": "a"}]},
      {"id": "how", "codes": ["R02"], "values": [{"id": "b"}]}], "same id"),
])
def test_a_scheme_with_broken_modifiers_is_refused(modifiers: list[dict[str, Any]],
                                                   says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_scheme(_doc_with(modifiers))


def test_the_json_schema_refuses_a_modifier_without_values() -> None:
    with pytest.raises(InputError):
        parse_scheme(_doc_with([{"id": "how", "codes": ["R01"], "values": []}]))


def test_check_orders_validates_and_keeps_free_modifiers() -> None:
    s = default_scheme()
    assert mods.check(s.modifiers, "C15", ["initiated=baby", "from BORIS", "intensity=3"]) \
        == ("intensity=3", "initiated=baby", "from BORIS")
    with pytest.raises(InputError, match="no modifier modality voice"):
        mods.check(s.modifiers, "C15", ["modality=voice"])
    with pytest.raises(InputError):
        mods.check(s.modifiers, "C15", ["intensity=9"])
    assert mods.keep_fitting(s.modifiers, "A01", ("intensity=2", "initiated=baby", "x")) \
        == ("intensity=2", "x")
    assert mods.words(s.modifiers, ("modality=touch", "intensity=3")) \
        == "how: touch, how strongly: strongly"


# ---------------------------------------------------------------- the workspace
@pytest.fixture
def setup(ctx: Context):  # type: ignore[no-untyped-def]
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    return ctx, pat, family, clip


def test_a_modifier_chosen_after_the_code_is_stored_shown_and_undone(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, _, clip = setup
    ws = Workspace(clip.id, "pat")
    made = msg("create", code="R11", start_ms=300, end_ms=300)
    results = ws.apply(ctx, pat, [made, msg("modifiers", ref=made["cid"],
                                            modifiers=["modality=touch"])])
    assert [r["ok"] for r in results] == [True, True], results
    (event,) = list_events(ctx, pat, clip.id)
    assert event.modifiers == ("modality=touch",)
    view = build_view(ctx, pat, clip, read_only=False, coders=["pat"])
    assert view["events"][0]["m"] == ["modality=touch"]
    assert {m["id"] for m in view["scheme"]["modifiers"]} == {"modality", "intensity",
                                                              "initiated"}
    # a modifier the code does not have is refused and nothing changes
    bad = ws.apply(ctx, pat, [msg("modifiers", id=event.id, modifiers=["intensity=2"])])
    assert not bad[0]["ok"] and "R11 has no modifier" in bad[0]["error"]
    # recode to a response without modalities drops it; undo brings it back
    ws.apply(ctx, pat, [msg("recode", id=event.id, code="N02")])
    assert list_events(ctx, pat, clip.id)[0].modifiers == ()
    ws.apply(ctx, pat, [msg("undo")])
    back = list_events(ctx, pat, clip.id)[0]
    assert (back.code, back.modifiers) == ("R11", ("modality=touch",))
    ws.apply(ctx, pat, [msg("undo")])
    assert list_events(ctx, pat, clip.id)[0].modifiers == ()


def test_the_service_checks_modifiers_against_the_events_scheme(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, _, clip = setup
    cue = add_event(ctx, pat, clip.id, "C16", 100)
    with pytest.raises(InputError):
        update_event(ctx, pat, cue.id or 0, cue.version, modifiers=("modality=face",))
    done = update_event(ctx, pat, cue.id or 0, cue.version,
                        modifiers=("initiated=parent", "intensity=1"))
    assert done.modifiers == ("intensity=1", "initiated=parent")


def test_tallies_by_modifier(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, pat, family, clip = setup
    with ctx.db.transaction("pat") as tx:
        from attune.core.clip import ClipStatus

        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=60_000)
        v2 = {"scheme_version": 2}  # the default scheme's modifiers are v2's
        cue = tx.add_event(clip.id, Event(EventKind.CUE, "C15", 1000, 1000, coder="pat",
                                          modifiers=("intensity=3",), **v2))
        tx.add_event(clip.id, Event(EventKind.RESPONSE, "R11", 2000, 2000, coder="pat",
                                    modifiers=("modality=touch",), **v2), answers_id=cue.id)
        tx.add_event(clip.id, Event(EventKind.RESPONSE, "R03", 9000, 9000, coder="pat",
                                    modifiers=("modality=voice",), **v2))
    frame = family_modifier_tallies(ctx, pat, family.code)
    rows = frame[["code", "modifier", "value", "events", "attuned"]].values.tolist()
    assert rows == [["C15", "how strongly", "strongly", 1, 1],
                    ["R03", "how", "voice", 1, 0], ["R11", "how", "touch", 1, 1]]


def test_the_demo_is_coded_under_v2_with_a_few_modifiers(ctx: Context) -> None:
    """`attune demo` codes its sample clips under v2 (v1 with modifiers): a few true marks
    carry what the clip shows (sample_clips/README.md), and the tallies count them."""
    info = demo_without_video(ctx)
    pat = demo_users(ctx, "pat")["pat"]
    events = [e for clip_id in info["clips"] for e in list_events(ctx, pat, clip_id)]
    assert {e.scheme_version for e in events} == {2}
    carried = {(e.coder, e.code, e.start_ms): e.modifiers for e in events if e.modifiers}
    assert carried[("pat", "C15", 2000)] == ("intensity=2",)  # the fuss, clip C
    assert carried[("pat", "R11", 3500)] == ("modality=touch",)  # soothed by touch
    assert carried[("sam", "R04", 2000)] == ("modality=face",)  # the second coder's too
    assert 10 <= len(carried) < len(events) // 2  # a few, not every mark
    rows = family_modifier_tallies(ctx, pat, DEMO_FAMILY)[
        ["code", "modifier", "value", "events", "attuned"]].values.tolist()
    assert ["R11", "how", "touch", 1, 1] in rows and ["C13", "how strongly", "strongly",
                                                      1, 1] in rows


def test_modifier_frame_leaves_free_modifiers_and_deleted_events_out() -> None:
    ev = [Event(EventKind.CUE, "C01", 0, 0, id=1, modifiers=("from BORIS",)),
          Event(EventKind.CUE, "C01", 5, 5, id=2, modifiers=("intensity=1",),
                deleted_at=__import__("datetime").datetime(2026, 1, 1))]
    assert modifier_frame([SessionClip(1, date(2026, 1, 1), 1000, ev)],
                          default_scheme()).empty
