"""Responsiveness beyond chance (attune/analysis/contingency.py): the 2x2 statistics pinned
to published worked examples, the time units and the shift test checked against brute
force, and clips whose answer is known."""

from __future__ import annotations

import itertools
import json
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from scipy.stats import fisher_exact as scipy_fisher

from attune.analysis.contingency import (
    Table2x2,
    contingency,
    contingency_over_visits,
    fisher_exact,
    pooled_permutation_p,
    reference_overlaps,
    shifted_overlaps,
    unit_series,
)
from attune.analysis.tallies import SessionClip
from attune.core.events import Event
from attune.errors import InputError
from attune.schemes import default_scheme
from tests.paths import TEST_DATA

from ._build import ev

SCHEME = default_scheme()


def _examples() -> dict[str, dict[str, Any]]:
    doc = json.loads((TEST_DATA / "contingency" / "published_2x2_examples.json")
                     .read_text(encoding="utf-8"))
    return {e["id"]: e for e in doc["examples"]}


def _table(example: dict[str, Any]) -> Table2x2:
    (a, b), (c, d) = example["table"]
    return Table2x2(a, b, c, d)


# ---------------------------------------------------------------- published examples
def test_agresti_aspirin_odds_ratio_and_q() -> None:
    example = _examples()["agresti2007_table2_3_aspirin"]
    table, expected = _table(example), example["expected"]
    assert table.odds_ratio == pytest.approx(expected["odds_ratio"]["value"],
                                             abs=expected["odds_ratio"]["tol"])
    assert table.yules_q == pytest.approx(expected["yules_q"]["value"],
                                          abs=expected["yules_q"]["tol"])
    odds = table.odds_ratio
    assert odds is not None
    assert table.yules_q == pytest.approx((odds - 1) / (odds + 1), abs=1e-12)


def test_fisher_tea_tasting() -> None:
    example = _examples()["agresti2007_table2_8_tea_tasting"]
    table, expected = _table(example), example["expected"]
    one = expected["fisher_greater"]
    assert fisher_exact(table) == Fraction(one["numerator"], one["denominator"])
    assert table.fisher_p() == pytest.approx(one["value"], abs=one["tol"])
    two = expected["fisher_two_sided"]
    assert float(fisher_exact(table, "two-sided")) == pytest.approx(two["value"],
                                                                    abs=two["tol"])


def test_fisher_agrees_with_scipy_on_many_tables() -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        a, b, c, d = (int(x) for x in rng.integers(0, 25, size=4))
        table = Table2x2(a, b, c, d)
        for alternative in ("greater", "less", "two-sided"):
            expected = scipy_fisher([[a, b], [c, d]], alternative=alternative).pvalue
            assert float(fisher_exact(table, alternative)) == pytest.approx(expected, abs=1e-9)


def test_q_undefined_and_bounds() -> None:
    assert Table2x2(0, 5, 0, 9).yules_q is None  # no response at all
    assert Table2x2(0, 5, 0, 9).odds_ratio is None
    assert Table2x2(3, 5, 0, 9).yules_q == 1.0
    assert Table2x2(0, 5, 3, 9).yules_q == -1.0
    with pytest.raises(ValueError):
        Table2x2(-1, 0, 0, 0)
    with pytest.raises(ValueError):
        fisher_exact(Table2x2(1, 1, 1, 1), "sideways")  # type: ignore[arg-type]


# ---------------------------------------------------------------- time units and shifts
def test_units_windows_and_responses() -> None:
    events = [ev("C02", 1500), ev("C15", 7000), ev("R04", 2200), ev("N01", 9000),
              ev("R11", 9900), ev("R03", 500, deleted_at=None)]
    s = unit_series(events, 12_500, SCHEME, step_ms=1000)
    assert s.units == 13
    assert s.windows["E"].nonzero()[0].tolist() == [1, 2, 3, 4]  # [1500, 4500)
    assert s.windows["X"].nonzero()[0].tolist() == [7, 8, 9, 10, 11]  # [7000, 12000)
    assert s.windows["all"].nonzero()[0].tolist() == [1, 2, 3, 4, 7, 8, 9, 10, 11]
    assert s.responses.nonzero()[0].tolist() == [0, 2, 9]  # the N code is no response
    assert s.cues == {"E": 1, "D": 0, "X": 1, "all": 2}
    assert s.min_shift == {"E": 3, "D": 3, "X": 5, "all": 5}


def test_every_response_within_the_window_is_in_a_window_unit() -> None:
    for onset, latency, step in itertools.product((0, 999, 1000, 1733), (0, 1, 2999),
                                                  (250, 1000, 700)):
        s = unit_series([ev("C02", onset), ev("R04", onset + latency)], 10_000, SCHEME,
                        step_ms=step)
        assert (s.windows["E"] & s.responses).any()


def test_shifted_overlaps_equal_rolling_by_hand() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 60, 301):
        w, r = rng.random(n) < 0.3, rng.random(n) < 0.2
        by_hand = [int(np.count_nonzero(w & np.roll(r, s))) for s in range(n)]
        assert shifted_overlaps(w, r).tolist() == by_hand


def test_pooled_p_equals_enumerating_every_pair_of_shifts() -> None:
    rng = np.random.default_rng(11)
    clips = [(rng.random(n) < 0.3, rng.random(n) < 0.25) for n in (23, 31)]
    refs = [reference_overlaps(w, r, 3) for w, r in clips]
    assert [len(x) for x in refs] == [1 + 23 - 5, 1 + 31 - 5]
    observed = sum(int(x[0]) for x in refs)
    pairs = [int(i) + int(j) for i, j in itertools.product(refs[0], refs[1])]
    assert pooled_permutation_p(refs) == pytest.approx(
        sum(p >= observed for p in pairs) / len(pairs))
    one = refs[0]
    assert pooled_permutation_p([one]) == pytest.approx(
        (1 + sum(int(x) >= int(one[0]) for x in one[1:])) / len(one))
    assert pooled_permutation_p([np.array([2])]) is None  # too short for any shift


# ---------------------------------------------------------------- clips with a known answer
def _contingent(duration_ms: int = 300_000) -> list[Event]:
    """Cues every 9 s (alternating E and X), each answered 1.2 s later; two extra
    responses at other times."""
    out = []
    for i, t in enumerate(range(2000, duration_ms - 10_000, 9000)):
        out += [ev("C02" if i % 2 else "C16", t), ev("R04" if i % 2 else "R11", t + 1200)]
    return [*out, ev("R07", 6500), ev("R01", 51_000)]


def test_a_parent_who_answers_is_beyond_chance() -> None:
    report = contingency([(_contingent(), 300_000)], SCHEME)
    # answers to distress fall outside the engagement windows (and the other way round),
    # so each valence alone shows less than every cue together
    # by hand: 16 E windows of 3 units and 16 X windows of 5; 32 answers and the extra
    # response at 6.5 s inside the first distress window; the one at 51 s outside
    assert report.group("all").table == Table2x2(33, 128 - 33, 1, 300 - 128 - 1)
    for group in ("E", "X", "all"):
        g = report.group(group)
        assert g.yules_q is not None and g.yules_q > 0.5
        assert g.fisher_p is not None and g.fisher_p < 0.01
        assert g.permutation_p is not None and g.permutation_p < 0.05
        assert g.table.p_window is not None and g.table.p_base is not None
        assert g.table.p_window > g.table.p_base
    d = report.group("D")
    assert d.cues == 0 and d.fisher_p is None and d.permutation_p is None


def test_responses_that_ignore_the_cues_are_not_beyond_chance() -> None:
    rng = np.random.default_rng(5)
    cues = [ev("C02", int(t)) for t in np.sort(rng.choice(290_000, 30, replace=False))]
    responses = [ev("R04", int(t)) for t in np.sort(rng.choice(290_000, 30, replace=False))]
    g = contingency([(cues + responses, 300_000)], SCHEME).group("E")
    assert g.yules_q is not None and abs(g.yules_q) < 0.5
    assert g.permutation_p is not None and g.permutation_p > 0.05
    assert g.fisher_p is not None and g.fisher_p > 0.05


def test_windows_and_unit_are_stated_and_change_the_answer() -> None:
    events = [ev("C02", 1000), ev("R04", 3500)]  # answered after 2.5 s
    wide = contingency([(events, 60_000)], SCHEME)
    strict = contingency([(events, 60_000)], SCHEME, windows_ms={"E": 1000}, step_ms=500)
    assert wide.group("E").table.a == 1 and strict.group("E").table.a == 0
    assert strict.parameters.windows_ms["E"] == 1000
    assert strict.parameters.step_ms == 500
    data = strict.to_dict()
    assert data["parameters"]["windows_ms"] == {"E": 1000, "D": 3000, "X": 5000}
    assert {"a", "b", "c", "d", "yules_q", "fisher_p", "permutation_p"} <= set(data["groups"][0])
    text = "\n".join(strict.summary_lines())
    assert "time unit 500 ms" in text and "E 1 s" in text and "one-sided" in text


def test_bad_input_says_what_to_do() -> None:
    with pytest.raises(InputError, match="after the clip's end"):
        contingency([([ev("C02", 70_000)], 60_000)], SCHEME)
    with pytest.raises(InputError, match="time unit"):
        contingency([([ev("C02", 1000)], 60_000)], SCHEME, step_ms=0)
    with pytest.raises(InputError, match="code a clip"):
        contingency([], SCHEME)


def test_over_visits_pools_each_visit_and_all() -> None:
    first = SessionClip(1, date(2026, 3, 1), 120_000, _contingent(120_000), clip_id=10)
    second_a = SessionClip(2, date(2026, 4, 1), 60_000, [ev("C02", 1000), ev("R04", 20_000)],
                           clip_id=11)
    second_b = SessionClip(2, date(2026, 4, 1), 90_000, _contingent(90_000), clip_id=12)
    visits, overall = contingency_over_visits([second_a, first, second_b], SCHEME)
    assert [v.session_id for v in visits] == [1, 2]
    assert visits[1].report.parameters.clips == 2
    assert overall.parameters.clips == 3
    assert overall.parameters.duration_ms == 270_000
    for cell in "abcd":
        assert getattr(overall.group("all").table, cell) == sum(
            getattr(v.report.group("all").table, cell) for v in visits)


def _version(number: int, window_e_ms: int, extra_code: str | None = None) -> Any:
    """Another version of the default scheme: its own E window, maybe a code of its own."""
    import copy

    from attune.schemes import default_scheme_document, parse_scheme

    doc = copy.deepcopy(default_scheme_document())
    doc["version"] = number
    doc["latency_windows_ms"]["E"] = window_e_ms
    if extra_code:
        doc["codes"].append({"id": extra_code, "kind": "cue", "label": "hand to mouth",
                             "valence": "E", "potency": "S"})
    return parse_scheme(doc)


def test_over_visits_each_clip_is_analysed_with_its_own_scheme_version() -> None:
    """A family coded under two versions (issue 17): each clip with its own codes and
    windows, the versions named in the report."""
    strict = _version(7, 1000, extra_code="C99")
    answered = [ev("C02", 1000), ev("R04", 3000)]  # 2 s: in v2's 3 s window, not in 1 s
    old = SessionClip(1, date(2026, 3, 1), 60_000, answered, clip_id=10)  # default scheme
    new = SessionClip(2, date(2026, 4, 1), 60_000, [*answered, ev("C99", 30_000)],
                      clip_id=11, scheme=strict)
    visits, overall = contingency_over_visits([old, new], SCHEME)
    assert visits[0].report.group("E").table.a == 1  # answered within 3 s
    assert visits[1].report.group("E").table.a == 0  # not within v7's 1 s
    assert visits[1].report.group("E").cues == 2  # C99 counted: a cue of v7's
    assert visits[1].report.parameters.schemes == ("attuned-moments v7",)
    assert visits[1].report.parameters.windows_ms["E"] == 1000
    assert overall.parameters.schemes == ("attuned-moments v2", "attuned-moments v7")
    assert overall.parameters.windows_by_scheme == {
        "attuned-moments v2": {"E": 3000, "D": 3000, "X": 5000},
        "attuned-moments v7": {"E": 1000, "D": 3000, "X": 5000}}
    for cell in "abcd":  # the pooled table is the sum of each clip's own
        assert getattr(overall.group("E").table, cell) == sum(
            getattr(v.report.group("E").table, cell) for v in visits)
    text = "\n".join(overall.summary_lines())
    assert "attuned-moments v2: E 3 s" in text and "attuned-moments v7: E 1 s" in text
    # the same clips with one scheme for all (the old behaviour) would not know C99
    with pytest.raises(InputError, match="C99"):
        contingency([(new.events, new.duration_ms)], SCHEME)
    # re-applied windows (the tallies' "answer window" setting) hold for every version
    _, both = contingency_over_visits([old, new], SCHEME, windows_ms={"E": 5000})
    assert both.group("E").table.a == 2 and both.parameters.windows_by_scheme is None
