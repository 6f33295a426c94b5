"""Agreement over clips coded under different scheme versions (issue 17, item 2): each clip
is compared with its own version (its codes, potency and windows), and a report that pools
clips of several versions says which ones it pools. On SQLite and PostgreSQL."""

from __future__ import annotations

import copy

import pytest

from attune.analysis.agreement import parameter_sentences
from attune.core.accounts import Role, User
from attune.core.clip import ClipStatus
from attune.services import Context
from attune.services.analysis import clip_agreement
from attune.services.events import add_event
from attune.services.schemes import choose_clip_scheme, save_scheme
from attune.services.supervision import (
    assign_double_coding,
    mark_done,
    pair_icc,
    report_parameters,
    team_agreement,
)
from tests.factories import make_clip, make_family, make_user

V1, OWN = "attuned-moments v1", "attuned-moments v3"


def _own_version(ctx: Context, pat: User) -> int:
    """The service's own version of the default scheme (v3; attune ships v1 and v2), from
    v1: mutual gaze (C01) counted as a subtle cue, a new subtle cue C99, and a shorter
    window for engagement cues (1.5 s instead of 3 s)."""
    with ctx.db.transaction("test") as tx:
        doc = copy.deepcopy(tx.get_scheme("attuned-moments", 1).document)
    for code in doc["codes"]:
        if code["id"] == "C01":
            code["potency"] = "S"
    doc["codes"].append({"id": "C99", "kind": "cue", "label": "hand to mouth",
                         "valence": "E", "potency": "S"})
    doc["latency_windows_ms"]["E"] = 1500
    return save_scheme(ctx, pat, doc).version


def _code(ctx: Context, who: User, clip_id: int, marks: list[tuple[str, int]]) -> None:
    for code, at in marks:
        add_event(ctx, who, clip_id, code, at)


@pytest.fixture
def two_versions(ctx: Context) -> tuple[User, int, int]:
    """Two clips double-coded by pat and sam, both done: one under v1, one under the
    service's own v3 (which has a code v1 lacks)."""
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    sam = make_user(ctx, "sam", supervisor="sue")
    family = make_family(ctx, pat)
    assert _own_version(ctx, pat) == 3
    marks = {1: [("C01", 1000), ("R04", 3000)],  # answered after 2 s: in v1's window
             3: [("C99", 1000), ("C01", 5000), ("R04", 7000)]}  # not in v3's 1.5 s
    clips = []
    for version in (1, 3):
        clip = make_clip(ctx, pat, family)
        with ctx.db.transaction("test") as tx:
            tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=20_000)
        choose_clip_scheme(ctx, pat, clip.id, "attuned-moments", version)
        _code(ctx, pat, clip.id, marks[version])
        clips.append(clip.id)
    assert {a.clip_id for a in assign_double_coding(ctx, sue, share=1.0).chosen} == set(clips)
    for clip_id, version in zip(clips, (1, 3), strict=True):
        _code(ctx, sam, clip_id, marks[version])
        mark_done(ctx, pat, clip_id)
        mark_done(ctx, sam, clip_id)
    return sue, clips[0], clips[1]


def test_each_clip_is_compared_with_its_own_version(ctx: Context, two_versions) -> None:
    sue, on_v1, on_own = two_versions
    for order, versions in (([on_v1, on_own], [V1, OWN]), ([on_own, on_v1], [OWN, V1])):
        report = clip_agreement(ctx, sue, order, "pat", "sam", audit=False)
        p = report.parameters
        assert p["schemes"] == versions and p["scheme"] is None
        assert p["windows_by_scheme"] == {V1: {"E": 3000, "D": 3000, "X": 5000},
                                          OWN: {"E": 1500, "D": 3000, "X": 5000}}
        # C01 is potent in v1 and subtle in v3: each clip's cues grouped by its version
        assert report.potent is not None and report.subtle is not None
        assert report.potent.detection.matched == 1  # the v1 clip's C01
        assert report.subtle.detection.matched == 2  # the v3 clip's C99 and C01
        assert report.event_kappa.value == 1.0
        text = "\n".join(report.summary_lines())
        assert (f"The clips were coded under 2 versions of the coding scheme "
                f"({versions[0]} and {versions[1]}); each clip was compared with the codes "
                "of its own version.") in text
        assert f"Under {OWN}, a response counted as attuned when it fitted its cue and " \
               "began within 1.5 s of an engagement cue" in text
    # one clip: one version, said as before
    one = clip_agreement(ctx, sue, [on_own], "pat", "sam", audit=False)
    assert one.parameters["scheme"] == OWN and one.parameters["windows_by_scheme"] is None
    assert f"The codes are those of the coding scheme {OWN}." in one.summary_lines()


def test_the_teams_report_says_which_versions_it_pools(ctx: Context, two_versions) -> None:
    sue, on_v1, on_own = two_versions
    pairs = team_agreement(ctx, sue, audit=False)
    assert {p.clip_id: p.report.parameters["schemes"] for p in pairs} == \
        {on_v1: [V1], on_own: [OWN]}
    params = report_parameters(pairs, 500, 1000)
    assert params["schemes"] == [p.report.parameters["scheme"] for p in pairs]
    sentences = parameter_sentences(params)
    assert any("coded under 2 versions of the coding scheme" in s for s in sentences)
    assert sum(s.startswith("Under attuned-moments v") for s in sentences) == 2
    # the ICC of the pair's tallies counts each clip with its own version's codes
    [pair] = pair_icc(ctx, sue)
    assert pair.clip_ids == (on_v1, on_own)
    assert [m.measure for m in pair.measures] == [
        "cues per minute", "attuned responses per minute",
        "median latency of attuned responses (s)"]
