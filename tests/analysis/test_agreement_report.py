"""Event matching on hand examples, and the supervisor's agreement report."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import pytest

from attune.analysis import agreement
from attune.analysis.agreement import (
    UNMATCHED,
    AgreementReport,
    ClipPair,
    Flag,
    agreement_report,
    agreement_report_clips,
    cohen_kappa,
    match_events,
    match_intervals,
    time_unit_kappa,
)
from attune.core.events import Event
from attune.core.scheme import Scheme
from attune.errors import AttuneError, InputError

from ._build import ev


def _starts(pairs: tuple[tuple[Event, Event], ...]) -> list[tuple[int, int]]:
    return [(x.start_ms, y.start_ms) for x, y in pairs]


# ------------------------------------------------------------------------- matching


def test_greedy_by_smallest_difference_not_by_count() -> None:
    # A600-B500 (100 ms) is taken first; A0 is then left without a partner although a
    # maximum matching would have paired A0-B500 and A600-B1100 (Bakeman et al. 2009
    # pair greedily by smallest difference)
    a = [ev("C01", 0), ev("C01", 600)]
    b = [ev("C01", 500), ev("C01", 1100)]
    m = match_events(a, b, tolerance_ms=1000)
    assert _starts(m.pairs) == [(600, 500)]
    assert [e.start_ms for e in m.unmatched_a] == [0]
    assert [e.start_ms for e in m.unmatched_b] == [1100]
    assert m.onset_diffs_ms == (-100,)


def test_nearest_wins_and_ties_go_to_the_earlier_event() -> None:
    m = match_events([ev("C01", 0), ev("C01", 1000)], [ev("C01", 900)])
    assert _starts(m.pairs) == [(1000, 900)]
    m = match_events([ev("C01", 0), ev("C01", 1000)], [ev("C01", 500)])
    assert _starts(m.pairs) == [(0, 500)]


def test_tolerance_edge_is_inclusive() -> None:
    assert len(match_events([ev("C01", 0)], [ev("C01", 1000)], 1000).pairs) == 1
    assert len(match_events([ev("C01", 0)], [ev("C01", 1001)], 1000).pairs) == 0
    assert len(match_events([ev("C01", 500)], [ev("C01", 500)], 0).pairs) == 1


def test_different_kinds_never_paired_different_codes_are() -> None:
    m = match_events([ev("C02", 1000), ev("R04", 5000)], [ev("R04", 1000), ev("R07", 5100)])
    assert [(x.code, y.code) for x, y in m.pairs] == [("R04", "R07")]
    assert [e.code for e in m.unmatched_a] == ["C02"]
    assert [e.code for e in m.unmatched_b] == ["R04"]


def test_deleted_events_are_not_matched() -> None:
    gone = ev("C01", 0, deleted_at=datetime(2025, 1, 1))
    m = match_events([gone], [ev("C01", 0)])
    assert m.pairs == () and m.unmatched_a == ()


def test_matching_misuse() -> None:
    with pytest.raises(ValueError):
        match_events([], [], tolerance_ms=-1)
    with pytest.raises(ValueError):
        match_events([], [], tolerance_ms=0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        match_intervals([], [], min_overlap=0)


def test_match_intervals_by_share_of_the_longer() -> None:
    a = [ev("C01", 0, 1000)]
    assert len(match_intervals(a, [ev("C01", 400, 1400)]).pairs) == 1  # 600/1000: edge
    assert len(match_intervals(a, [ev("C01", 401, 1401)]).pairs) == 0  # 599/1000
    # 500 ms inside a 2000 ms annotation: 25% of the longer, not paired
    assert len(match_intervals(a, [ev("C01", 0, 2000)], 0.6).pairs) == 0
    assert len(match_intervals(a, [ev("C01", 0, 2000)], 0.5).pairs) == 1
    assert len(match_intervals(a, [ev("R01", 0, 1000)]).pairs) == 0  # other kind
    assert len(match_intervals([ev("C02", 300)], [ev("C02", 300)]).pairs) == 1  # points
    assert len(match_intervals([ev("C02", 300)], [ev("C02", 301)]).pairs) == 0


def test_match_intervals_greedy_by_largest_overlap() -> None:
    a = [ev("C01", 0, 1000)]
    b = [ev("C01", 300, 1300), ev("C01", 100, 1000)]  # 70% and 90%
    assert _starts(match_intervals(a, b).pairs) == [(0, 100)]


# -------------------------------------------------------------------------- report


def coder_a() -> list[Event]:
    return [ev("C02", 1000, coder="ana"), ev("R04", 2000, coder="ana"),
            ev("C07", 5000, coder="ana"), ev("C10", 9000, coder="ana")]


def coder_b() -> list[Event]:
    return [ev("C02", 1200, coder="ben"), ev("R04", 2100, coder="ben"),
            ev("C08", 5300, coder="ben"), ev("C01", 15_000, coder="ben")]


@pytest.fixture
def report(scheme: Scheme) -> AgreementReport:
    return agreement_report(coder_a(), coder_b(), scheme=scheme, clip_duration_ms=20_000,
                            clip_id="clip-7")


def test_confusion_matrix_with_unmatched_row_and_column(report: AgreementReport) -> None:
    cm = report.confusion
    assert list(cm.index) == ["C01", "C02", "C07", "C08", "C10", "R04", UNMATCHED]
    assert list(cm.columns) == list(cm.index)
    assert cm.loc["C02", "C02"] == 1 and cm.loc["R04", "R04"] == 1
    assert cm.loc["C07", "C08"] == 1
    assert cm.loc["C10", UNMATCHED] == 1 and cm.loc[UNMATCHED, "C01"] == 1
    assert cm.loc[UNMATCHED, UNMATCHED] == 0
    assert int(cm.to_numpy().sum()) == 5
    assert cm.index.name == "coder A: ana" and cm.columns.name == "coder B: ben"


def test_event_kappa_detection_and_onsets(report: AgreementReport) -> None:
    labels_a = ["C02", "R04", "C07", "C10", UNMATCHED]
    labels_b = ["C02", "R04", "C08", UNMATCHED, "C01"]
    assert report.event_kappa.value == pytest.approx(cohen_kappa(labels_a, labels_b))
    assert report.event_kappa_matched.value == pytest.approx(
        cohen_kappa(["C02", "R04", "C07"], ["C02", "R04", "C08"]))
    d = report.detection
    assert (d.matched, d.unmatched_a, d.unmatched_b) == (3, 1, 1)
    assert (d.agreement, d.share_a, d.share_b) == (3 / 5, 3 / 4, 3 / 4)
    assert report.mean_abs_onset_diff_ms == pytest.approx(200.0)
    assert report.coders == ("ana", "ben")
    assert (report.n_events_a, report.n_events_b) == (4, 4)


def test_alpha_treats_an_unmarked_event_as_missing(report: AgreementReport) -> None:
    expected = agreement.krippendorff_alpha(
        [["C02", "R04", "C07", "C10", None], ["C02", "R04", "C08", None, "C01"]])
    assert report.alpha.value == pytest.approx(expected)


def test_disagreements_with_both_events_side_by_side(report: AgreementReport) -> None:
    got = [(d.at_ms, d.what, d.a and d.a.code, d.b and d.b.code) for d in report.disagreements]
    assert got == [(5000, "different codes", "C07", "C08"), (9000, "only ana", "C10", None),
                   (15_000, "only ben", None, "C01")]
    assert all(d.clip == "clip-7" for d in report.disagreements)


def test_potent_and_subtle_apart(report: AgreementReport) -> None:
    assert report.potent is not None and report.subtle is not None
    p, s = report.potent.detection, report.subtle.detection
    assert (p.matched, p.unmatched_a, p.unmatched_b) == (1, 0, 1)  # C02; B's C01
    assert (s.matched, s.unmatched_a, s.unmatched_b) == (1, 1, 0)  # C07~C08; A's C10


def test_parameters_and_json(report: AgreementReport) -> None:
    params = report.parameters
    assert params["tolerance_ms"] == 1000 and params["step_ms"] == 1000
    assert params["matching"] == "onset"
    assert "not a tolerance" in params["step_is"]
    assert params["scheme"] == "attuned-moments v2"
    assert params["clip_durations_ms"] == [20_000]
    data = report.to_dict()
    text = json.dumps(data, allow_nan=False)  # JSON-safe: no NaN, no numpy types
    assert json.loads(text)["confusion"]["counts"][2][3] == 1
    assert data["icc"]["cues seen"]["value"] is None
    assert "one clip gives nothing to compare" in data["icc"]["cues seen"]["reason"]


def _no_nan(x: Any) -> bool:
    if isinstance(x, dict):
        return all(_no_nan(v) for v in x.values())
    if isinstance(x, list):
        return all(_no_nan(v) for v in x)
    return not (isinstance(x, float) and math.isnan(x))


def test_perfect_agreement_is_green(scheme: Scheme) -> None:
    a = coder_a()
    r = agreement_report(a, list(a), scheme=scheme, clip_duration_ms=20_000)
    assert r.event_kappa.value == pytest.approx(1.0)
    assert r.time_unit_kappa.value == pytest.approx(1.0)
    assert r.alpha.value == pytest.approx(1.0)
    assert r.flag == Flag.GREEN
    assert r.disagreements == ()


@pytest.mark.parametrize("empty", ["a", "b", "both"])
def test_a_coder_with_no_events_gives_reasons_not_nan(scheme: Scheme, empty: str) -> None:
    a = [] if empty in ("a", "both") else coder_a()
    b = [] if empty in ("b", "both") else coder_b()
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=20_000)
    assert r.event_kappa.value is None
    assert r.event_kappa.reason is not None and "marked no events" in r.event_kappa.reason
    assert r.alpha.value is None and r.alpha.reason
    assert _no_nan(r.to_dict())
    json.dumps(r.to_dict(), allow_nan=False)


def test_no_events_and_no_duration(scheme: Scheme) -> None:
    r = agreement_report([], [], scheme=scheme)
    assert r.time_unit_kappa.value is None
    assert r.time_unit_kappa.reason is not None and "duration" in r.time_unit_kappa.reason
    assert r.flag is None


def test_one_category_only(scheme: Scheme) -> None:
    a = [ev("C02", 1000), ev("C02", 4000)]
    r = agreement_report(a, list(a), scheme=scheme, clip_duration_ms=6000)
    assert r.event_kappa.value is None
    assert r.event_kappa.reason is not None and "same category" in r.event_kappa.reason
    assert r.time_unit_kappa.value == pytest.approx(1.0)  # C02 vs nothing: two states


def test_unknown_code_is_input_error(scheme: Scheme) -> None:
    with pytest.raises(InputError):
        agreement_report([ev("C99", 0)], [ev("C01", 0)], scheme=scheme)
    assert issubclass(agreement.UndefinedStatisticError, AttuneError)


def test_overlap_matching_in_report(scheme: Scheme) -> None:
    a = [ev("C01", 0, 1000), ev("C02", 5000, 6000)]
    b = [ev("C01", 300, 1300), ev("C02", 5500, 6500)]  # 70%, then 50%
    r = agreement_report(a, b, scheme=scheme, matching="overlap", clip_duration_ms=8000)
    assert r.detection.matched == 1
    assert r.parameters["min_overlap"] == 0.6 and r.parameters["tolerance_ms"] is None
    with pytest.raises(ValueError):
        agreement_report(a, b, matching="nearest")


def test_several_clips_pool_and_give_icc(scheme: Scheme) -> None:
    def clip(n_a: int, n_b: int, cid: str) -> ClipPair:
        a = [ev("C02", 2000 * i, id=100 + i) for i in range(n_a)]
        a += [ev("R04", 2000 * i + 500, answers_id=100 + i) for i in range(n_a)]
        b = [ev("C02", 2000 * i + 100, id=200 + i) for i in range(n_b)]
        b += [ev("R04", 2000 * i + 600, answers_id=200 + i) for i in range(n_b)]
        return ClipPair(a, b, duration_ms=60_000, clip_id=cid)

    clips = [clip(5, 5, "c1"), clip(8, 7, "c2"), clip(12, 12, "c3"), clip(3, 4, "c4")]
    r = agreement_report_clips(clips, scheme=scheme)
    assert r.clips == 4
    assert r.detection.matched == 5 + 7 + 12 + 3 + 5 + 7 + 12 + 3
    expected = agreement.icc([[5, 5], [8, 7], [12, 12], [3, 4]], "ICC(2,1)")
    assert r.icc["cues seen"].value == pytest.approx(expected)
    assert r.icc["attuned responses"].value == pytest.approx(expected)
    assert r.icc["cues seen"].flag == Flag.GREEN
    singles = [agreement_report(c.a, c.b, clip_duration_ms=60_000) for c in clips]
    pooled = sum(s.confusion for s in singles)
    assert (r.confusion.to_numpy() == pooled.to_numpy()).all()  # type: ignore[union-attr]
    assert {d.clip for d in r.disagreements} == {"c2", "c4"}


@pytest.mark.parametrize(
    ("value", "green", "amber", "flag"),
    [(0.80, 0.80, 0.60, Flag.GREEN), (0.7999, 0.80, 0.60, Flag.AMBER),
     (0.60, 0.80, 0.60, Flag.AMBER), (0.5999, 0.80, 0.60, Flag.RED),
     (0.667, 0.80, 0.667, Flag.AMBER), (0.666, 0.80, 0.667, Flag.RED),
     (0.75, 0.75, 0.50, Flag.GREEN), (0.74, 0.75, 0.50, Flag.AMBER)],
)
def test_flag_bands(value: float, green: float, amber: float, flag: Flag) -> None:
    assert agreement._flag(value, green, amber) == flag


def test_overall_flag_is_the_worst(scheme: Scheme) -> None:
    a = [ev("C0" + str(1 + i % 5), 1000 * i) for i in range(20)]
    b = [ev("C0" + str(1 + (i * 7) % 5), 1000 * i) for i in range(20)]
    r = agreement_report(a, b, scheme=scheme, clip_duration_ms=21_000)
    assert r.event_kappa.flag == Flag.RED
    assert r.flag == Flag.RED
    assert any("event kappa" in reason for reason in r.flag_reasons)


def test_time_unit_kappa_samples_state_and_points_within_half_a_step() -> None:
    a = [ev("C01", 0, 3000), ev("C02", 5000)]
    b = [ev("C01", 0, 2000), ev("C02", 5499)]  # still within ±500 ms of the 5 s sample
    assert time_unit_kappa(a, b, 1000, duration_ms=6000) == pytest.approx(17 / 23)
    c = [ev("C01", 0, 2000), ev("C02", 5500)]  # the next sample's
    assert time_unit_kappa(a, c, 1000, duration_ms=7000) < 17 / 23
    with pytest.raises(ValueError):
        time_unit_kappa(a, b, 0)
