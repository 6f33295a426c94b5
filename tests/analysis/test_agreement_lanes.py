"""Agreement per lane and per code, and which measure flags what (docs/practice.md §8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.analysis.agreement import (
    Flag,
    Statistic,
    agreement_report,
    agreement_report_clips,
    flag_notes,
    time_unit_kappa,
)
from attune.analysis.agreement.report import ClipPair
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.interchange.events_json import read_events_json

from ._build import ev

SAMPLES = Path(__file__).resolve().parents[2] / "sample_clips"


def _demo() -> tuple[list[Event], list[Event]]:
    a = read_events_json(SAMPLES / "sample_a_gaze_and_smiles.events.json").events
    b = read_events_json(SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json").events
    return list(a), list(b)


def test_the_demo_clip_is_green_for_the_same_moments(scheme: Scheme) -> None:
    """The demo clip was red only because time-unit kappa over every lane at once was
    .26; per lane it is .60 / .25 / .38 and event kappa .87 (issue 18)."""
    a, b = _demo()
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=30_000)
    assert r.time_unit_kappa.value == pytest.approx(0.257, abs=0.001)
    lanes = {lane.lane: lane for lane in r.lanes}
    assert [lane.lane for lane in r.lanes] == ["cues", "responses", "reactions"]
    assert lanes["cues"].time_unit_kappa.value == pytest.approx(0.602, abs=0.001)
    assert lanes["responses"].time_unit_kappa.value == pytest.approx(0.252, abs=0.001)
    assert lanes["reactions"].time_unit_kappa.value == pytest.approx(0.375, abs=0.001)
    assert r.event_kappa.value == pytest.approx(0.869, abs=0.001)
    assert r.flag == Flag.GREEN
    first = r.notes[0]
    assert first.question == "the same moments" and first.flag == Flag.GREEN
    assert first.sentence.startswith("Green for the same moments: event kappa 0.87")
    # every flag has one sentence, and the demo's lanes are spans: each is flagged
    assert len(r.flag_reasons) == len(r.notes) == 4
    assert [n.flag for n in r.notes[1:]] == [Flag.AMBER, Flag.RED, Flag.RED]
    assert "how long responses last" in r.notes[2].sentence


@pytest.mark.parametrize("lane,kind", [(0, EventKind.CUE), (1, EventKind.RESPONSE),
                                       (2, EventKind.REACTION)])
def test_a_lane_equals_the_report_of_that_lane_alone(scheme: Scheme, lane: int,
                                                     kind: EventKind) -> None:
    """Event matching never pairs across lanes, and a lane's time-unit kappa samples only
    its codes: each lane's numbers are those of its events compared on their own."""
    a, b = _demo()
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=30_000)
    only_a = [e for e in a if e.kind == kind]
    only_b = [e for e in b if e.kind == kind]
    alone = agreement_report(only_a, only_b, clip_duration_ms=30_000)
    assert r.lanes[lane].event_kappa.value == pytest.approx(alone.event_kappa.value)
    assert r.lanes[lane].detection == alone.detection
    assert r.lanes[lane].time_unit_kappa.value == pytest.approx(
        time_unit_kappa(only_a, only_b, 1000, duration_ms=30_000))


def test_a_lane_of_instants_is_shown_and_not_flagged_for_durations(scheme: Scheme) -> None:
    a = [ev("C01", 1000), ev("C02", 5000), ev("C03", 9000), ev("R04", 1500, 4000)]
    b = [ev("C01", 1200), ev("C02", 5100), ev("C05", 9000), ev("R04", 1500, 2500)]
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=12_000)
    cues, responses, reactions = r.lanes
    assert cues.spans == 0 and not cues.about_durations
    assert responses.spans == 1 and responses.about_durations
    assert reactions.spans is None and reactions.time_unit_kappa.value is None
    assert "neither coder marked any reactions" in (reactions.time_unit_kappa.reason or "")
    by_question = {n.question: n for n in r.notes}
    assert by_question["how long cues last"].flag is None
    assert "shown but not flagged" in by_question["how long cues last"].sentence
    assert by_question["how long responses last"].flag is not None
    assert "how long reactions last" not in by_question


def test_the_overall_flag_follows_event_kappa_not_time_units(scheme: Scheme) -> None:
    """Same moments and codes, durations far apart: green overall, red for durations."""
    a = [ev("C01", 1000 * i, 1000 * i + 4000) for i in range(0, 40, 5)]
    a += [ev("C02", 1000 * i + 2000, 1000 * i + 2500) for i in range(0, 40, 5)]
    b = [ev("C01", 1000 * i, 1000 * i + 500) for i in range(0, 40, 5)]
    b += [ev("C02", 1000 * i + 2000, 1000 * i + 4900) for i in range(0, 40, 5)]
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=45_000)
    assert r.event_kappa.value == pytest.approx(1.0)
    assert r.flag == Flag.GREEN
    assert r.lanes[0].time_unit_kappa.flag == Flag.RED
    assert r.notes[1].flag == Flag.RED and r.notes[1].question == "how long cues last"


def test_the_moments_flag_falls_back_to_alpha_then_says_why() -> None:
    undefined = Statistic("event kappa", None, 0, "", reason="Undefined: no events.")
    alpha = Statistic("Krippendorff's alpha", 0.7, 10, "", flag=Flag.AMBER)
    notes = flag_notes(undefined, alpha, [], {}, 1000)
    assert notes[0].flag == Flag.AMBER
    assert notes[0].sentence == (
        "Amber for the same moments: Krippendorff's alpha 0.70 is between .667 and .80, "
        "so they mostly mark the same moments with the same codes; go through the "
        "disagreements together.")
    none = flag_notes(undefined, Statistic("alpha", None, 0, "", reason="x"), [], {}, 1000)
    assert none[0].flag is None and "Undefined: no events." in none[0].sentence
    icc = Statistic("ICC(2,1) cues seen", 0.4, 5, "", flag=Flag.RED)
    notes = flag_notes(undefined, alpha, [], {"cues seen": icc}, 1000)
    assert notes[-1].sentence.startswith("Red for the per-clip tally of cues seen: ICC 0.40 "
                                         "is below .50")


def test_per_code_agreement_of_the_demo(scheme: Scheme) -> None:
    a, b = _demo()
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=30_000)
    rows = {row["code"]: row for row in r.per_code.to_dict("records")}
    assert rows["C07"] == {"code": "C07", "coder A": 1, "coder B": 0, "both": 0,
                           "agreement": 0.0}
    assert rows["R05"]["both"] == 0 and rows["R04"]["coder B"] == rows["R04"]["both"] + 1
    assert list(r.per_code["agreement"]) == sorted(r.per_code["agreement"])


def test_time_units_pool_clips_with_different_codes(scheme: Scheme) -> None:
    """Each clip's samples use the same bit for the same code, so pooling two clips
    whose coders used different codes equals sampling them as one long clip."""
    c1a, c1b = [ev("C01", 0, 3000)], [ev("C01", 0, 2000)]
    c2a, c2b = [ev("C02", 0, 3000)], [ev("C03", 0, 3000)]
    pooled = agreement_report_clips([ClipPair(c1a, c1b, 4000), ClipPair(c2a, c2b, 4000)])
    joined_a = [*c1a, *(e.moved(e.start_ms + 4000, e.end_ms + 4000) for e in c2a)]
    joined_b = [*c1b, *(e.moved(e.start_ms + 4000, e.end_ms + 4000) for e in c2b)]
    assert pooled.time_unit_kappa.value == pytest.approx(
        time_unit_kappa(joined_a, joined_b, 1000, duration_ms=8000))
