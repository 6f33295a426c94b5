"""More than one scheme (issue 17, item 2): a clip codes with its own scheme version, a
clip coded under v1 stays readable and comparable after v2, latency bands per scheme,
and a scheme version shared between services as a template file with a checksum."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from attune.core.accounts import User
from attune.core.clip import ClipStatus
from attune.core.scheme_template import checksum, from_template, template_bytes
from attune.errors import ConflictError, InputError, NotAllowedError
from attune.services import Context
from attune.services.analysis import clip_agreement, clip_tallies, family_tallies
from attune.services.demo import DEMO_FAMILY
from attune.services.events import add_event, list_events
from attune.services.schemes import (
    choose_clip_scheme,
    clip_scheme,
    export_scheme,
    import_scheme,
    list_schemes,
    save_scheme,
)
from attune.ui.scheme_edit import band_rows, code_rows, document_from_rows
from attune.ui.workspace import Workspace, build_view
from tests.factories import demo_users, demo_without_video, make_clip, make_user


@pytest.fixture
def demo(ctx: Context) -> dict[str, Any]:
    info = demo_without_video(ctx)
    with ctx.db.transaction("test") as tx:
        family = tx.get_family(DEMO_FAMILY)
    return {**demo_users(ctx, "pat", "sam", "sue", "parent"), "clips": info["clips"],
            "family": family}


#: the version a service's first edit of the default scheme becomes (attune ships v1 and
#: v2, v1 with modifiers)
NEW = 3


def _v2(ctx: Context, pat: User) -> dict[str, Any]:
    """The service's own next version of the default scheme (v3: attune ships v1 and v2),
    made from v1: a new cue C99 and a stricter first band (0.5 s)."""
    with ctx.db.transaction("test") as tx:
        doc = copy.deepcopy(tx.get_scheme("attuned-moments", 1).document)
    doc["codes"].append({"id": "C99", "kind": "cue", "label": "hand to mouth",
                         "valence": "D", "potency": "S"})
    doc["latency_bands"][0]["to_ms"] = 500
    doc["latency_bands"][1]["from_ms"] = 500
    return save_scheme(ctx, pat, doc).document


def _new_ready_clip(ctx: Context, pat: User, family: Any) -> int:
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("test") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=20_000)
    return clip.id


def test_a_clip_goes_on_under_its_version_after_a_new_one(ctx: Context,
                                                         demo: dict[str, Any]) -> None:
    pat, first = demo["pat"], demo["clips"][0]
    # the demo's clips are coded under v2 (v1 with modifiers, shipped)
    assert {e.scheme_version for e in list_events(ctx, pat, first)} == {2}
    _v2(ctx, pat)
    assert clip_scheme(ctx, first)[0].version == 2
    view = build_view(ctx, pat, _clip(ctx, first), read_only=False, coders=["pat"])
    assert view["scheme"]["version"] == 2
    assert "C99" not in {c["id"] for c in view["scheme"]["codes"]}
    ws = Workspace(first, "pat")
    [result] = ws.apply(ctx, pat, [{"cid": "c1", "page": "p", "seq": 1, "op": "create",
                                    "code": "C01", "start_ms": 900, "end_ms": 900}])
    assert result["ok"], result
    made = [e for e in list_events(ctx, pat, first) if e.id == result["event_id"]]
    assert made[0].scheme_version == 2
    # the new code of v3 is not offered on a v2 clip, and the service says so
    with pytest.raises(InputError, match="C99"):
        add_event(ctx, pat, first, "C99", 1000)

    # a new clip codes under the newest version; the practitioner may choose another
    fresh = _new_ready_clip(ctx, pat, demo["family"])
    assert clip_scheme(ctx, fresh)[0].version == NEW
    view = build_view(ctx, pat, _clip(ctx, fresh), read_only=False, coders=["pat"])
    assert view["scheme"]["version"] == NEW and "C99" in {c["id"] for c in
                                                            view["scheme"]["codes"]}
    assert add_event(ctx, pat, fresh, "C99", 1000).scheme_version == NEW
    assert choose_clip_scheme(ctx, pat, fresh, "attuned-moments", 1).version == 1
    assert clip_scheme(ctx, fresh)[0].version == 1
    assert add_event(ctx, pat, fresh, "C01", 2000).scheme_version == 1
    assert {(e.code, e.scheme_version) for e in list_events(ctx, pat, fresh)} == \
        {("C99", NEW), ("C01", 1)}  # marks made earlier keep their version
    # choosing is for those who code the clip: a supervisor looks
    with pytest.raises(NotAllowedError):
        choose_clip_scheme(ctx, demo["sue"], fresh, "attuned-moments", NEW)
    with ctx.db.transaction("test") as tx:
        assert [e.action for e in tx.audit_entries(object_type="clip", object_id=fresh)
                if e.action == "set-scheme"] == ["set-scheme"]


def test_v1_and_v2_clips_are_counted_each_with_their_own_codes_and_bands(
        ctx: Context, demo: dict[str, Any]) -> None:
    pat, first = demo["pat"], demo["clips"][0]
    before = clip_tallies(ctx, pat, first)
    _v2(ctx, pat)
    fresh = _new_ready_clip(ctx, pat, demo["family"])
    add_event(ctx, pat, fresh, "C99", 1000)  # a code only v2 has
    add_event(ctx, pat, fresh, "C01", 5000)
    add_event(ctx, pat, fresh, "R01", 5700)  # 0.7 s after the cue
    # the v1 clip reads exactly as before
    assert clip_tallies(ctx, pat, first) == before
    # the v2 clip's reply is "prompt" under v2's bands (it would be "immediate" in v1)
    v2 = clip_tallies(ctx, pat, fresh).practitioner.responses_by_band
    assert v2["prompt"] == 1 and v2["immediate"] == 0
    # the family over time: each clip with its own version (v1 does not know C99)
    frame = family_tallies(ctx, pat, DEMO_FAMILY)
    assert len(frame) == 4
    # agreement on the v1 clip after v2: both coders' marks as they were
    report = clip_agreement(ctx, pat, [first], "pat", "sam", audit=False)
    assert report is not None


def test_a_template_travels_to_another_service_once(ctx: Context, target: Context,
                                                    demo: dict[str, Any]) -> None:
    pat = demo["pat"]
    doc = _v2(ctx, pat)
    data = export_scheme(ctx, pat, "attuned-moments", NEW)
    template = json.loads(data)
    assert (template["name"], template["version"]) == ("attuned-moments", NEW)
    assert template["checksum"] == checksum(doc)
    assert template["scheme"] == doc  # the whole document, every field
    kim = make_user(target, "kim")
    stored, added = import_scheme(target, kim, data)
    assert added and (stored.name, stored.version) == ("attuned-moments", NEW)
    assert stored.document == doc
    # again: nothing changes
    again, added = import_scheme(target, kim, data)
    assert not added and again.id == stored.id
    assert [(s.name, s.version) for s in list_schemes(target, kim)] == \
        [("attuned-moments", 1), ("attuned-moments", 2), ("attuned-moments", NEW)]
    # the same file with its keys in another order and other spacing is the same scheme
    relaid = json.dumps(json.loads(data), sort_keys=True).encode()
    assert import_scheme(target, kim, relaid) == (stored, False)
    # a field the scheme format gains later (modifiers) travels too: the whole document
    doc3 = {**copy.deepcopy(doc), "version": 3, "modifiers": [{"id": "M1", "label": "voice"}]}
    assert from_template(template_bytes(doc3)) == doc3


def test_a_changed_or_broken_template_is_refused_and_nothing_is_stored(
        ctx: Context, target: Context, demo: dict[str, Any]) -> None:
    pat = demo["pat"]
    _v2(ctx, pat)
    data = export_scheme(ctx, pat, "attuned-moments")
    kim = make_user(target, "kim")
    changed = json.loads(data)
    changed["scheme"]["codes"][0]["label"] = "looks away"  # edited by hand on the way
    with pytest.raises(InputError, match="changed after it was exported"):
        import_scheme(target, kim, json.dumps(changed).encode())
    renamed = json.loads(data)
    renamed["version"] = 7
    with pytest.raises(InputError, match="changed after it was exported"):
        import_scheme(target, kim, json.dumps(renamed).encode())
    for broken in (data[: len(data) // 2], b"\xff\xfe not json", b"[]",
                   json.dumps({"format": "something else"}).encode()):
        with pytest.raises(InputError, match="not a coding scheme exported by attune"):
            import_scheme(target, kim, broken)
    bad_codes = json.loads(data)
    bad_codes["scheme"]["codes"].append(dict(bad_codes["scheme"]["codes"][0]))  # same id
    bad_codes["checksum"] = checksum(bad_codes["scheme"])
    with pytest.raises(InputError, match="appears twice"):
        import_scheme(target, kim, json.dumps(bad_codes).encode())
    assert [s.version for s in list_schemes(target, kim)] == [1, 2]  # as shipped


def test_another_content_under_the_same_name_and_version_is_refused(
        ctx: Context, target: Context, demo: dict[str, Any]) -> None:
    pat = demo["pat"]
    _v2(ctx, pat)
    kim = make_user(target, "kim")
    with target.db.transaction("test") as tx:
        theirs = copy.deepcopy(tx.get_scheme("attuned-moments", 1).document)
    theirs["latency_windows_ms"]["E"] = 2000
    assert save_scheme(target, kim, theirs).version == NEW  # their own, different v3
    with pytest.raises(ConflictError, match="already has a different"):
        import_scheme(target, kim, export_scheme(ctx, pat, "attuned-moments", NEW))
    with target.db.transaction("test") as tx:
        assert tx.get_scheme("attuned-moments", NEW).document["latency_windows_ms"]["E"] \
            == 2000
    # the shipped versions are the same on both: importing them changes nothing
    for shipped in (1, 2):
        assert import_scheme(target, kim, export_scheme(ctx, pat, "attuned-moments",
                                                        shipped))[1] is False
    with pytest.raises(NotAllowedError):
        import_scheme(ctx, demo["parent"], export_scheme(ctx, pat, "attuned-moments", 1))


def test_bands_are_edited_in_seconds_and_checked(demo: dict[str, Any], ctx: Context) -> None:
    with ctx.db.transaction("test") as tx:
        base = tx.get_scheme("attuned-moments").document
    rows = band_rows(base)
    assert [r["Band"] for r in rows] == ["immediate", "prompt", "delayed", "none"]
    rows[0]["Up to (s)"], rows[1]["From (s)"] = 0.5, 0.5
    rows.append({"Band": None, "From (s)": float("nan"), "Up to (s)": None})  # empty row
    codes = code_rows(base)
    doc = document_from_rows(base, codes, {"E": 3, "D": 3, "X": 5}, bands=rows)
    assert doc["latency_bands"][:2] == [
        {"name": "immediate", "from_ms": 0, "to_ms": 500},
        {"name": "prompt", "from_ms": 500, "to_ms": 3000}]
    assert save_scheme(ctx, demo["pat"], doc).version == NEW
    gap = band_rows(base)
    gap[1]["From (s)"] = 1.5
    with pytest.raises(InputError, match="without gaps"):
        save_scheme(ctx, demo["pat"], document_from_rows(base, codes,
                                                         {"E": 3, "D": 3, "X": 5}, bands=gap))
    with pytest.raises(InputError, match="seconds"):
        document_from_rows(base, codes, {"E": 3, "D": 3, "X": 5},
                           bands=[{"Band": "soon", "From (s)": "x", "Up to (s)": None}])


def _clip(ctx: Context, clip_id: int) -> Any:
    with ctx.db.transaction("test") as tx:
        return tx.get_clip(clip_id)
