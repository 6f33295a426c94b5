"""Kappa and alpha against scikit-learn and the krippendorff package on random data."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from attune.analysis.agreement import (
    Matching,
    alpha_from_pairs,
    cohen_kappa,
    krippendorff_alpha,
    match_events,
    time_unit_kappa,
)
from attune.core.events import Event
from attune.core.scheme import EventKind

pairs = st.integers(2, 60).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 4), min_size=n, max_size=n),
                        st.lists(st.integers(0, 4), min_size=n, max_size=n)))


def _defined(a: list[int], b: list[int]) -> bool:
    # kappa is undefined when both coders used one and the same category throughout
    return len(set(a) | set(b)) > 1


@settings(max_examples=150, deadline=None)
@given(pairs, st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_matches_sklearn(ab: tuple[list[int], list[int]], weights: str | None) -> None:
    a, b = ab
    assume(_defined(a, b))
    expected = cohen_kappa_score(a, b, weights=weights)
    assume(np.isfinite(expected))
    assert cohen_kappa(a, b, weights) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(pairs)
def test_cohen_symmetric_and_renaming_changes_nothing(ab: tuple[list[int], list[int]]) -> None:
    a, b = ab
    assume(_defined(a, b))
    k = cohen_kappa(a, b)
    assert cohen_kappa(b, a) == pytest.approx(k, abs=1e-12)
    names = ["smile", "look", "coo", "reach", "cry"]
    assert cohen_kappa([names[x] for x in a], [names[x] for x in b]) == pytest.approx(k)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=50))
def test_cohen_perfect_agreement_is_one(a: list[int]) -> None:
    assume(len(set(a)) > 1)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa(a, a, "quadratic") == pytest.approx(1.0)


reliability = st.integers(2, 4).flatmap(
    lambda coders: st.integers(2, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=units,
                     max_size=units),
            min_size=coders, max_size=coders)))


def _package(data: list[list[int | None]], level: str) -> float:
    arr = np.array([[np.nan if x is None else x for x in row] for row in data], dtype=float)
    return float(krippendorff.alpha(reliability_data=arr, level_of_measurement=level))


def _alpha_defined(data: list[list[int | None]]) -> bool:
    columns = list(zip(*data, strict=True))
    pairable = [[x for x in col if x is not None] for col in columns]
    values = {x for col in pairable if len(col) >= 2 for x in col}
    return len(values) > 1


@settings(max_examples=150, deadline=None)
@given(reliability, st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_krippendorff_package(data: list[list[int | None]], level: str) -> None:
    assume(_alpha_defined(data))
    assert krippendorff_alpha(data, level) == pytest.approx(_package(data, level), abs=1e-9)


@settings(max_examples=80, deadline=None)
@given(reliability)
def test_alpha_coder_order_and_renaming_change_nothing(data: list[list[int | None]]) -> None:
    assume(_alpha_defined(data))
    value = krippendorff_alpha(data)
    assert krippendorff_alpha(data[::-1]) == pytest.approx(value)
    renamed = [[None if x is None else f"code-{x}" for x in row] for row in data]
    assert krippendorff_alpha(renamed) == pytest.approx(value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=30))
def test_alpha_perfect_agreement_is_one(row: list[int]) -> None:
    assume(len(set(row)) > 1)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha([row, row, row], level) == pytest.approx(1.0)


# --------------------------------------------------------- matching: the plain greedy


def _plain_greedy(a: list[Event], b: list[Event], tol: int) -> set[tuple[int, int]]:
    """Reference: all candidate pairs, sorted by (difference, a, b), then greedy."""
    a_order = sorted(range(len(a)), key=lambda i: (a[i].start_ms, a[i].kind, a[i].code,
                                                   a[i].end_ms))
    b_order = sorted(range(len(b)), key=lambda j: (b[j].start_ms, b[j].kind, b[j].code,
                                                   b[j].end_ms))
    cands = sorted(
        (abs(a[i].start_ms - b[j].start_ms), ra, rb)
        for ra, i in enumerate(a_order) for rb, j in enumerate(b_order)
        if a[i].kind == b[j].kind and abs(a[i].start_ms - b[j].start_ms) <= tol
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = set()
    for _, ra, rb in cands:
        if ra not in used_a and rb not in used_b:
            used_a.add(ra)
            used_b.add(rb)
            out.add((a_order[ra], b_order[rb]))
    return out


def _as_index(m: Matching, a: list[Event], b: list[Event]) -> set[tuple[int, int]]:
    ids_a = {id(e): i for i, e in enumerate(a)}
    ids_b = {id(e): j for j, e in enumerate(b)}
    return {(ids_a[id(x)], ids_b[id(y)]) for x, y in m.pairs}


events = st.lists(
    st.tuples(st.sampled_from([EventKind.CUE, EventKind.RESPONSE]),
              st.sampled_from(["C01", "C02", "C03"]), st.integers(0, 20_000)),
    max_size=40,
).map(lambda xs: [Event(k, c, s, s) for k, c, s in xs])


@settings(max_examples=200, deadline=None)
@given(events, events, st.integers(0, 3000))
def test_vectorised_matching_equals_plain_greedy(a: list[Event], b: list[Event],
                                                 tol: int) -> None:
    m = match_events(a, b, tol)
    assert _as_index(m, a, b) == _plain_greedy(a, b, tol)
    assert len(m.pairs) + len(m.unmatched_a) == len(a)
    assert len(m.pairs) + len(m.unmatched_b) == len(b)
    assert all(x.kind == y.kind and abs(x.start_ms - y.start_ms) <= tol for x, y in m.pairs)


@settings(max_examples=60, deadline=None)
@given(events)
def test_time_unit_kappa_perfect_and_symmetric(a: list[Event]) -> None:
    shifted = [Event(e.kind, "C03" if e.code == "C01" else e.code, e.start_ms, e.end_ms)
               for e in a]
    try:
        assert time_unit_kappa(a, a, 1000) == pytest.approx(1.0)
        k = time_unit_kappa(a, shifted, 1000)
    except Exception as err:  # an undefined case must say so, never return NaN
        assert type(err).__name__ == "UndefinedStatisticError"
        return
    assert time_unit_kappa(shifted, a, 1000) == pytest.approx(k)


two_coders = st.integers(2, 25).flatmap(
    lambda units: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=units, max_size=units),
        min_size=2, max_size=2))


@settings(max_examples=100, deadline=None)
@given(two_coders)
def test_alpha_from_the_pairs_table_matches_the_package(data: list[list[int | None]]) -> None:
    """The report's alpha comes from the table of paired units (two coders): the same
    value as the krippendorff package on the unit-by-unit data."""
    assume(_alpha_defined(data))
    table = np.zeros((5, 5), dtype=int)
    for x, y in zip(*data, strict=True):
        if x is not None and y is not None:
            table[x - 1, y - 1] += 1
    assert alpha_from_pairs(table) == pytest.approx(_package(data, "nominal"), abs=1e-9)
