"""Agreement between coders (DOMAIN.md §8): event-based and time-based, with flags.

Methods and sources:

- event matching: Bakeman, Quera & Gnisci (2009), "Observer agreement for timed-event
  sequential data: a comparison of time-based and event-based algorithms", *Behavior
  Research Methods* 41(1):137-147 — events of the same kind are paired one-to-one,
  greedily by smallest onset difference, within a tolerance; unpaired events go to an
  "unmatched" (nil) category of the confusion matrix, whose unmatched/unmatched cell is a
  structural zero;
- interval matching: ELAN's inter-annotator comparison (Max Planck Institute for
  Psycholinguistics, ELAN manual "Calculate inter-annotator reliability", modified
  Holle & Rein method): two annotations are paired when they overlap by at least a share
  (default 60%) of the longer one;
- Cohen's kappa: Cohen (1960) *Educ Psychol Meas* 20:37-46; weighted: Cohen (1968)
  *Psychol Bull* 70:213-220, linear and quadratic weights by category index distance as
  in scikit-learn;
- Fleiss' kappa: Fleiss (1971) *Psychol Bull* 76(5):378-382;
- Krippendorff's alpha: Krippendorff (2011) "Computing Krippendorff's alpha-reliability"
  (coincidence matrix; nominal, ordinal, interval, ratio metrics);
- ICC: Shrout & Fleiss (1979) *Psychol Bull* 86(2):420-428 (six forms; McGraw & Wong
  1996 names ICC(2,1) "ICC(A,1)");
- time-unit kappa: the time-based algorithm of Bakeman et al. (2009) as in BORIS
  (Friard & Gamba 2016, *Methods Ecol Evol* 7:1325-1330): both timelines are sampled
  every ``step_ms`` (a *sampling step*, not a tolerance) and kappa is computed over the
  samples; the state of a sample is the set of codes active at that instant, and a point
  event counts in the sample within ±step/2 of it;
- flags: Landis & Koch (1977) kappa bands, Krippendorff (2004) alpha ≥ .800 reliable,
  .667-.800 tentative, Koo & Li (2016) ICC bands (< .50 poor, .50-.75 moderate,
  ≥ .75 good): green kappa/alpha ≥ .80 and ICC ≥ .75; amber kappa .60-.80, alpha
  .667-.80, ICC .50-.75; red below.

Degenerate data (no events, one category, a coder with nothing coded) never gives a
silent NaN: the low-level functions raise :class:`UndefinedStatisticError` (an
:class:`~attune.errors.AttuneError`) with the reason, and :func:`agreement_report` records
``value=None`` with that reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from attune.core.events import Event
from attune.core.scheme import EventKind, Potency, Scheme
from attune.errors import InputError

UNMATCHED = "unmatched"

KAPPA_GREEN, KAPPA_AMBER = 0.80, 0.60  # Landis & Koch 1977: > .80 almost perfect
ALPHA_GREEN, ALPHA_AMBER = 0.80, 0.667  # Krippendorff 2004: reliable / tentative
ICC_GREEN, ICC_AMBER = 0.75, 0.50  # Koo & Li 2016: good / moderate


class UndefinedStatisticError(InputError):
    """A statistic is undefined for these data; the message says why and what to do."""


class Flag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


_KIND_ORDER = {EventKind.CUE: 0, EventKind.RESPONSE: 1, EventKind.REACTION: 2}
_CUE, _RESPONSE = EventKind.CUE, EventKind.RESPONSE


# ---------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Matching:
    """One-to-one pairs of two coders' events and the events left unmatched.

    ``pairs`` are in time order of coder A's events; ``onset_diffs_ms[i]`` is
    ``b.start_ms - a.start_ms`` of ``pairs[i]``.
    """

    pairs: tuple[tuple[Event, Event], ...]
    unmatched_a: tuple[Event, ...]
    unmatched_b: tuple[Event, ...]
    onset_diffs_ms: tuple[int, ...]
    method: str
    parameters: Mapping[str, Any]


class _Coded:
    """One coder's live events of one clip as arrays, sorted by onset (then kind, code)."""

    __slots__ = ("codes", "end", "events", "kind", "start")

    def __init__(self, events: Sequence[Event]) -> None:
        live = [e for e in events if e.deleted_at is None]
        n = len(live)
        start = np.fromiter((e.start_ms for e in live), np.int64, n)
        end = np.fromiter((e.end_ms for e in live), np.int64, n)
        # identity tests: an enum's hash is computed in Python, this runs per event
        kind = np.fromiter((0 if e.kind is _CUE else 1 if e.kind is _RESPONSE else 2
                            for e in live), np.int64, n)
        codes = [e.code for e in live]
        order = np.lexsort((end, np.array(codes, dtype=str), kind, start)) if n else start
        self.events = [live[i] for i in order.tolist()]
        self.start, self.end, self.kind = start[order], end[order], kind[order]
        self.codes = [codes[i] for i in order.tolist()]

    def subset(self, keep: np.ndarray) -> _Coded:
        new = object.__new__(_Coded)
        idx = np.flatnonzero(keep)
        new.events = [self.events[i] for i in idx.tolist()]
        new.start, new.end, new.kind = self.start[idx], self.end[idx], self.kind[idx]
        new.codes = [self.codes[i] for i in idx.tolist()]
        return new


def _greedy(ea: np.ndarray, eb: np.ndarray, na: int, nb: int) -> np.ndarray:
    """Indices of the edges that greedy matching keeps; edges are given in priority order.

    Greedy by priority picks, in turn, the best remaining edge whose ends are both free.
    With a strict order this equals keeping every edge that is the best of all remaining
    edges at *both* of its ends, removing the edges that touch them, and repeating
    (Preis 1999, locally dominant edges): each round is a few numpy operations, and there
    are as many rounds as the longest chain of competing candidates.
    """
    alive = np.arange(ea.size)
    chosen: list[np.ndarray] = []
    used_a = np.zeros(na, dtype=bool)
    used_b = np.zeros(nb, dtype=bool)
    while alive.size:
        a_, b_ = ea[alive], eb[alive]
        # alive is increasing, so the first edge at each end is that end's best edge
        first_a = np.zeros(alive.size, dtype=bool)
        first_a[np.unique(a_, return_index=True)[1]] = True
        first_b = np.zeros(alive.size, dtype=bool)
        first_b[np.unique(b_, return_index=True)[1]] = True
        selected = alive[first_a & first_b]
        chosen.append(selected)
        used_a[ea[selected]] = True
        used_b[eb[selected]] = True
        alive = alive[~(used_a[a_] | used_b[b_])]
    return np.sort(np.concatenate(chosen)) if chosen else np.empty(0, dtype=np.int64)


def _match_onsets(a: _Coded, b: _Coded, tolerance_ms: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(ia, ib)`` of the greedy smallest-onset-difference matching."""
    na, nb = a.start.size, b.start.size
    if na == 0 or nb == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Put each kind on its own stretch of the number line, far enough apart that no two
    # events of different kinds are ever within the tolerance of each other.
    stretch = int(max(a.start.max(), b.start.max())) + 2 * tolerance_ms + 2
    key_a = a.kind * stretch + a.start
    key_b = b.kind * stretch + b.start
    order_b = np.argsort(key_b, kind="stable")
    sorted_b = key_b[order_b]
    lo = np.searchsorted(sorted_b, key_a - tolerance_ms, side="left")
    hi = np.searchsorted(sorted_b, key_a + tolerance_ms, side="right")
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    ea = np.repeat(np.arange(na), counts)
    starts = np.cumsum(counts) - counts
    eb = order_b[np.repeat(lo - starts, counts) + np.arange(total)]
    diff = np.abs(a.start[ea] - b.start[eb])
    # priority: smallest difference, then earlier A event, then earlier B event
    order = np.lexsort((eb, ea, diff))
    ea, eb = ea[order], eb[order]
    keep = _greedy(ea, eb, na, nb)
    ia, ib = ea[keep], eb[keep]
    by_a = np.argsort(ia, kind="stable")
    return ia[by_a], ib[by_a]


def _match_overlaps(a: _Coded, b: _Coded, min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of the greedy largest-overlap matching (ELAN style)."""
    na, nb = a.start.size, b.start.size
    if na == 0 or nb == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    sa, ea_, sb, eb_ = a.start[:, None], a.end[:, None], b.start[None, :], b.end[None, :]
    overlap = np.clip(np.minimum(ea_, eb_) - np.maximum(sa, sb), 0, None)
    longer = np.maximum(ea_ - sa, eb_ - sb)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(longer > 0, overlap / np.where(longer > 0, longer, 1), 0.0)
    # two point events at the same instant overlap completely
    share = np.where((longer == 0) & (sa == sb), 1.0, share)
    ok = (share >= min_overlap) & (a.kind[:, None] == b.kind[None, :])
    ok &= (overlap > 0) | (longer == 0)
    ea, eb = np.nonzero(ok)
    if ea.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    s = share[ea, eb]
    diff = np.abs(a.start[ea] - b.start[eb])
    order = np.lexsort((eb, ea, diff, -s))
    ea, eb = ea[order], eb[order]
    keep = _greedy(ea, eb, na, nb)
    ia, ib = ea[keep], eb[keep]
    by_a = np.argsort(ia, kind="stable")
    return ia[by_a], ib[by_a]


def _matching(a: _Coded, b: _Coded, ia: np.ndarray, ib: np.ndarray, method: str,
              parameters: Mapping[str, Any]) -> Matching:
    in_a = np.zeros(len(a.events), dtype=bool)
    in_b = np.zeros(len(b.events), dtype=bool)
    in_a[ia] = True
    in_b[ib] = True
    return Matching(
        pairs=tuple((a.events[i], b.events[j]) for i, j in zip(ia.tolist(), ib.tolist(),
                                                                strict=True)),
        unmatched_a=tuple(e for e, m in zip(a.events, in_a.tolist(), strict=True) if not m),
        unmatched_b=tuple(e for e, m in zip(b.events, in_b.tolist(), strict=True) if not m),
        onset_diffs_ms=tuple((b.start[ib] - a.start[ia]).tolist()),
        method=method,
        parameters=dict(parameters),
    )


def _check_ms(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int of milliseconds >= {minimum}, got {value!r}")


def match_events(
    a: Sequence[Event], b: Sequence[Event], tolerance_ms: int = 1000
) -> Matching:
    """Pair two coders' events one-to-one by onset (Bakeman, Quera & Gnisci 2009).

    Only events of the same kind are paired (cue with cue, response with response); a
    pair's onsets differ by at most ``tolerance_ms`` (inclusive); pairs are chosen
    greedily by smallest onset difference (ties: earlier events first). Deleted events
    are ignored. Candidate pairs come from sorted onsets and ``searchsorted``, the greedy
    choice from rounds of numpy operations, so a clip of hundreds of events takes well
    under a millisecond.

    >>> A = [Event(EventKind.CUE, "C02", 1000, 1000), Event(EventKind.CUE, "C03", 2000, 2000)]
    >>> B = [Event(EventKind.CUE, "C02", 1900, 1900)]
    >>> m = match_events(A, B)
    >>> [(x.code, y.code) for x, y in m.pairs], [e.code for e in m.unmatched_a]
    ([('C03', 'C02')], ['C02'])
    """
    _check_ms("tolerance_ms", tolerance_ms, 0)
    ca, cb = _Coded(a), _Coded(b)
    ia, ib = _match_onsets(ca, cb, tolerance_ms)
    return _matching(ca, cb, ia, ib, "onset", {"tolerance_ms": tolerance_ms})


def match_intervals(
    a: Sequence[Event], b: Sequence[Event], min_overlap: float = 0.6
) -> Matching:
    """Pair two coders' events by overlap, ELAN style (ELAN manual, inter-annotator
    reliability): same kind, overlap at least ``min_overlap`` of the longer of the two
    (two point events pair when they are at the same instant); greedy by largest share
    of overlap, then smallest onset difference.

    >>> A = [Event(EventKind.CUE, "C01", 0, 1000)]
    >>> B = [Event(EventKind.CUE, "C01", 300, 1300), Event(EventKind.CUE, "C01", 500, 1000)]
    >>> len(match_intervals(A, B).pairs), match_intervals(A, B).pairs[0][1].start_ms
    (1, 300)
    """
    if isinstance(min_overlap, bool) or not 0 < float(min_overlap) <= 1:
        raise ValueError(f"min_overlap must be a share in (0, 1], got {min_overlap!r}")
    ca, cb = _Coded(a), _Coded(b)
    ia, ib = _match_overlaps(ca, cb, float(min_overlap))
    return _matching(ca, cb, ia, ib, "overlap", {"min_overlap": float(min_overlap)})


# ------------------------------------------------------------------------------ kappa


def _is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def _categories(values: Sequence[Any]) -> list[Any]:
    unique = set(values)
    try:
        return sorted(unique)
    except TypeError:
        return sorted(unique, key=repr)


def _weights(k: int, weights: str | None) -> np.ndarray:
    i = np.arange(k)
    if weights is None:
        return 1.0 - np.eye(k)
    if weights == "linear":
        return np.abs(i[:, None] - i[None, :]).astype(float)
    if weights == "quadratic":
        return ((i[:, None] - i[None, :]) ** 2).astype(float)
    raise ValueError(f"weights must be None, 'linear' or 'quadratic', got {weights!r}")


def kappa_from_table(table: Any, weights: str | None = None) -> float:
    """Cohen's kappa from a square contingency table (rows coder A, columns coder B).

    Weighted kappa (Cohen 1968) with disagreement weights ``|i-j|`` (linear) or
    ``(i-j)**2`` (quadratic), the convention of scikit-learn and SAS (their scale cancels).

    >>> round(kappa_from_table([[46, 0, 0], [4, 40, 0], [0, 0, 10]]), 4)
    0.9315
    """
    cm = np.asarray(table, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a contingency table must be square, got shape {cm.shape}")
    n = cm.sum()
    if n == 0:
        raise UndefinedStatisticError(
            "Kappa is undefined: there are no units to compare. Code some events first."
        )
    rows, cols = cm.sum(axis=1), cm.sum(axis=0)
    if weights is None:  # 1 - (1 - p_o) / (1 - p_e), without building k x k matrices
        disagreement = float(n - np.trace(cm))
        denominator = float(n - rows @ cols / n)
    else:
        w = _weights(cm.shape[0], weights)
        disagreement = float((w * cm).sum())
        denominator = float((w * np.outer(rows, cols)).sum() / n)
    if denominator <= 1e-12 * n:
        raise UndefinedStatisticError(
            "Kappa is undefined: both coders used one and the same category for every "
            "unit, so chance agreement is already 100%. Compare more varied clips, or "
            "report the raw agreement instead."
        )
    return 1.0 - disagreement / denominator


def cohen_kappa(
    labels_a: Sequence[Any],
    labels_b: Sequence[Any],
    weights: str | None = None,
    *,
    categories: Sequence[Any] | None = None,
) -> float:
    """Cohen's kappa of two coders' labels of the same units (Cohen 1960; weighted,
    Cohen 1968). ``categories`` fixes the category order for weighted kappa (default:
    sorted labels, as scikit-learn). Raises :class:`UndefinedStatisticError` when kappa
    is undefined (no units; one category used by both for everything).

    >>> cohen_kappa(["a", "a", "b", "b"], ["a", "a", "b", "a"])
    0.5
    """
    a, b = list(labels_a), list(labels_b)
    if len(a) != len(b):
        raise ValueError(f"labels_a has {len(a)} labels and labels_b {len(b)}; pair them first")
    if any(_is_missing(x) for x in (*a, *b)):
        raise ValueError("labels may not be missing; use krippendorff_alpha for missing codes")
    cats = list(categories) if categories is not None else _categories(a + b)
    index = {c: i for i, c in enumerate(cats)}
    try:
        ia = np.fromiter((index[x] for x in a), np.int64, len(a))
        ib = np.fromiter((index[x] for x in b), np.int64, len(b))
    except KeyError as err:
        raise ValueError(f"label {err.args[0]!r} is not in categories") from None
    k = len(cats)
    cm = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k)
    return kappa_from_table(cm, weights)


def category_table(ratings: Any) -> tuple[np.ndarray, list[Any]]:
    """Subjects x raters ratings → subjects x categories counts (for Fleiss' kappa)."""
    rows = [list(r) for r in ratings]
    cats = _categories([x for r in rows for x in r if not _is_missing(x)])
    index = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(rows), len(cats)), dtype=np.int64)
    for s, row in enumerate(rows):
        for x in row:
            if not _is_missing(x):
                table[s, index[x]] += 1
    return table, cats


def fleiss_kappa(table: Any) -> float:
    """Fleiss' kappa (Fleiss 1971) of a subjects x categories table of counts; every
    subject must be rated by the same number (≥ 2) of raters. Use
    :func:`category_table` to turn subjects x raters ratings into such a table.

    >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]), 4)
    0.3333
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] == 0:
        raise UndefinedStatisticError("Fleiss' kappa needs at least one rated subject.")
    per_subject = t.sum(axis=1)
    n = per_subject[0]
    if not np.all(per_subject == n):
        raise InputError(
            "Fleiss' kappa needs the same number of raters for every subject; use "
            "krippendorff_alpha when some ratings are missing."
        )
    if n < 2:
        raise UndefinedStatisticError("Fleiss' kappa needs at least two raters per subject.")
    subjects = t.shape[0]
    p_j = t.sum(axis=0) / (subjects * n)
    p_i = ((t * t).sum(axis=1) - n) / (n * (n - 1))
    p_bar, p_e = float(p_i.mean()), float((p_j * p_j).sum())
    if p_e >= 1.0:
        raise UndefinedStatisticError(
            "Fleiss' kappa is undefined: every rating is in one category."
        )
    return (p_bar - p_e) / (1.0 - p_e)


# ------------------------------------------------------------------------------- alpha


def _alpha_from_index(idx: np.ndarray, values: np.ndarray, level: Level) -> float:
    """Krippendorff's alpha from a coders x units matrix of value indices (-1 missing)."""
    v = values.size
    if v == 0:
        raise UndefinedStatisticError("Alpha is undefined: no values were coded.")
    counts = np.stack([(idx == j).sum(axis=0) for j in range(v)], axis=1).astype(float)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts, m_u = counts[pairable], m_u[pairable]
    if counts.shape[0] == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: no unit was coded by two coders or more."
        )
    weighted = counts / (m_u - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidences.sum(axis=0)
    n = n_c.sum()
    delta = _delta(level, values, n_c)
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if expected == 0:
        raise UndefinedStatisticError(
            "Alpha is undefined: every pairable value is the same, so there is no "
            "variation to agree about. Compare more varied units."
        )
    return float(1.0 - (n - 1) * (coincidences * delta).sum() / expected)


def _delta(level: Level, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared distance metric δ² of Krippendorff (2011) for each pair of values."""
    v = values.size
    if level == Level.NOMINAL:
        return 1.0 - np.eye(v)
    if level == Level.ORDINAL:
        cs = np.cumsum(n_c)
        i, j = np.meshgrid(np.arange(v), np.arange(v), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cs[hi] - cs[lo] + n_c[lo]
        return (between - (n_c[i] + n_c[j]) / 2.0) ** 2
    x = values.astype(float)
    if level == Level.INTERVAL:
        return (x[:, None] - x[None, :]) ** 2
    total = x[:, None] + x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(total != 0, (x[:, None] - x[None, :]) / np.where(total != 0, total, 1), 0)
    return d ** 2


def krippendorff_alpha(reliability_data: Any, level: Level | str = "nominal") -> float:
    """Krippendorff's alpha (Krippendorff 2011) of coders x units data; a missing value
    is ``None`` or NaN. Units coded by fewer than two coders are not pairable and are
    dropped. ``level`` is nominal, ordinal, interval or ratio (interval and ratio need
    numbers; ordinal needs values that sort).

    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]]), 4)
    0.6957
    """
    level = Level(level)
    rows = [list(r) for r in reliability_data]
    if not rows:
        raise UndefinedStatisticError("Alpha is undefined: there are no coders.")
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise ValueError("every coder's row must have one value per unit")
    present = [x for r in rows for x in r if not _is_missing(x)]
    if level in (Level.INTERVAL, Level.RATIO) and any(
        isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating))
        for x in present
    ):
        raise ValueError(f"{level} alpha needs numbers")
    if level == Level.RATIO and any(x < 0 for x in present):
        raise ValueError("ratio alpha needs values >= 0")
    cats = _categories(present)
    index = {c: i for i, c in enumerate(cats)}
    idx = np.array([[(-1 if _is_missing(x) else index[x]) for x in r] for r in rows],
                   dtype=np.int64).reshape(len(rows), width)
    numeric = level in (Level.INTERVAL, Level.RATIO)
    values = np.array(cats, dtype=float) if numeric else np.arange(len(cats))
    return _alpha_from_index(idx, values, level)


# --------------------------------------------------------------------------------- ICC

_ICC_FORMS = {
    "ICC(1,1)": "ICC(1,1)", "ICC1": "ICC(1,1)",
    "ICC(2,1)": "ICC(2,1)", "ICC2": "ICC(2,1)", "ICC(A,1)": "ICC(2,1)",
    "ICC(3,1)": "ICC(3,1)", "ICC3": "ICC(3,1)", "ICC(C,1)": "ICC(3,1)",
    "ICC(1,K)": "ICC(1,k)", "ICC1K": "ICC(1,k)",
    "ICC(2,K)": "ICC(2,k)", "ICC2K": "ICC(2,k)", "ICC(A,K)": "ICC(2,k)",
    "ICC(3,K)": "ICC(3,k)", "ICC3K": "ICC(3,k)", "ICC(C,K)": "ICC(3,k)",
}


def icc(ratings: Any, form: str = "ICC(2,1)") -> float:
    """Intraclass correlation of a targets x raters table (Shrout & Fleiss 1979).

    ``form``: ICC(1,1) one-way random; ICC(2,1) two-way random, absolute agreement;
    ICC(3,1) two-way mixed, consistency; ICC(1,k), ICC(2,k), ICC(3,k) the same for the
    mean of k raters (also accepted: ICC1 … ICC3k, and McGraw & Wong's ICC(A,1),
    ICC(C,1), ICC(A,k), ICC(C,k)). Targets with a missing rating are dropped.

    >>> round(icc([[1, 2], [2, 3], [3, 5], [4, 4]], "ICC(3,1)"), 4)
    0.8
    """
    key = _ICC_FORMS.get(str(form).upper().replace(" ", ""))
    if key is None:
        raise ValueError(f"form must be one of the six Shrout & Fleiss forms, got {form!r}")
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"ratings must be targets x raters, got shape {x.shape}")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        raise UndefinedStatisticError(
            f"ICC needs at least 2 targets and 2 raters with complete ratings; got {n} "
            f"target(s) and {k} rater(s). Double-code more clips."
        )
    grand = x.mean()
    ss_rows = k * float(((x.mean(axis=1) - grand) ** 2).sum())
    ss_cols = n * float(((x.mean(axis=0) - grand) ** 2).sum())
    ss_total = float(((x - grand) ** 2).sum())
    ms_r = ss_rows / (n - 1)
    ms_c = ss_cols / (k - 1)
    ms_e = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    ms_w = (ss_total - ss_rows) / (n * (k - 1))
    num_den = {
        "ICC(1,1)": (ms_r - ms_w, ms_r + (k - 1) * ms_w),
        "ICC(2,1)": (ms_r - ms_e, ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n),
        "ICC(3,1)": (ms_r - ms_e, ms_r + (k - 1) * ms_e),
        "ICC(1,k)": (ms_r - ms_w, ms_r),
        "ICC(2,k)": (ms_r - ms_e, ms_r + (ms_c - ms_e) / n),
        "ICC(3,k)": (ms_r - ms_e, ms_r),
    }
    num, den = num_den[key]
    if abs(den) < 1e-12 * max(1.0, ss_total):
        raise UndefinedStatisticError(
            "ICC is undefined: the targets do not vary (every clip has the same tally), "
            "so there is nothing for the raters to agree about."
        )
    return num / den


# ----------------------------------------------------------------------- time-unit kappa


def _sample_codes(c: _Coded, step_ms: int, n_samples: int,
                  code_bit: Mapping[str, int]) -> np.ndarray:
    """Bitmask of the codes active at each sample ``k * step_ms`` (point events: ±step/2)."""
    states = np.zeros(n_samples, dtype=np.uint64)
    if not c.events:
        return states
    bits = np.fromiter((code_bit[x] for x in c.codes), np.uint64, len(c.codes))
    point = c.start == c.end
    k = np.minimum((c.start[point] + step_ms // 2) // step_ms, n_samples - 1)
    np.bitwise_or.at(states, k, bits[point])
    s, e, bi = c.start[~point], c.end[~point], bits[~point]
    k0 = np.minimum(-(-s // step_ms), n_samples)  # first sample at or after the start
    k1 = np.minimum(-(-e // step_ms), n_samples)  # first sample at or after the end
    counts = np.maximum(k1 - k0, 0)
    total = int(counts.sum())
    if total:
        starts = np.cumsum(counts) - counts
        ks = np.repeat(k0 - starts, counts) + np.arange(total)
        np.bitwise_or.at(states, ks, np.repeat(bi, counts))
    return states


def _time_unit_states(a: _Coded, b: _Coded, step_ms: int,
                      duration_ms: int | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    codes = sorted(set(a.codes) | set(b.codes))
    if len(codes) > 64:
        raise InputError("Time-unit kappa handles up to 64 different codes in one clip.")
    if duration_ms is None:
        ends = [int(x.max()) for x in (a.end, b.end) if x.size]
        if not ends:
            raise UndefinedStatisticError(
                "Time-unit kappa is undefined: neither coder has events and the clip's "
                "duration is not known."
            )
        duration_ms = max(ends) + 1
    n_samples = max(1, -(-duration_ms // step_ms))
    code_bit = {code: 1 << i for i, code in enumerate(codes)}
    return (_sample_codes(a, step_ms, n_samples, code_bit),
            _sample_codes(b, step_ms, n_samples, code_bit), codes)


def _kappa_of_ints(sa: np.ndarray, sb: np.ndarray) -> float:
    uniq, inverse = np.unique(np.concatenate([sa, sb]), return_inverse=True)
    k = uniq.size
    ia, ib = inverse[: sa.size], inverse[sa.size:]
    cm = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k)
    return kappa_from_table(cm)


def time_unit_kappa(
    a: Sequence[Event], b: Sequence[Event], step_ms: int = 1000, *,
    duration_ms: int | None = None,
) -> float:
    """Time-unit kappa (Bakeman et al. 2009, time-based; BORIS "time-unit kappa").

    Both timelines are sampled at ``0, step_ms, 2*step_ms, …`` up to the clip's end
    (``duration_ms``; default just after the last event). ``step_ms`` is a *sampling
    step*, not a tolerance. The state of a sample is the set of codes whose span contains
    it (half-open), plus point events within ±step/2 of it; no code at all is a state too.
    Kappa is computed over the samples.

    >>> A = [Event(EventKind.CUE, "C01", 0, 3000), Event(EventKind.CUE, "C02", 5000, 5000)]
    >>> B = [Event(EventKind.CUE, "C01", 0, 2000), Event(EventKind.CUE, "C02", 5400, 5400)]
    >>> round(time_unit_kappa(A, B, 1000, duration_ms=6000), 4)
    0.7391
    """
    _check_ms("step_ms", step_ms, 1)
    sa, sb, _ = _time_unit_states(_Coded(a), _Coded(b), step_ms, duration_ms)
    return _kappa_of_ints(sa, sb)


# ------------------------------------------------------------------------------ report


@dataclass(frozen=True)
class Statistic:
    """A statistic's value, or None with the reason it is undefined."""

    name: str
    value: float | None
    n: int
    method: str
    reason: str | None = None
    flag: Flag | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "n": self.n, "method": self.method,
                "reason": self.reason, "flag": None if self.flag is None else self.flag.value}


@dataclass(frozen=True)
class Detection:
    """How many events both coders saw: ``matched`` pairs, each coder's unmatched."""

    matched: int
    unmatched_a: int
    unmatched_b: int

    @property
    def agreement(self) -> float | None:
        """Matched pairs / all events (a pair counts once): the confusion matrix's units."""
        total = self.matched + self.unmatched_a + self.unmatched_b
        return None if total == 0 else self.matched / total

    @property
    def share_a(self) -> float | None:
        """Share of coder A's events that coder B also marked."""
        n = self.matched + self.unmatched_a
        return None if n == 0 else self.matched / n

    @property
    def share_b(self) -> float | None:
        n = self.matched + self.unmatched_b
        return None if n == 0 else self.matched / n

    def to_dict(self) -> dict[str, Any]:
        return {"matched": self.matched, "unmatched_a": self.unmatched_a,
                "unmatched_b": self.unmatched_b, "agreement": self.agreement,
                "share_a": self.share_a, "share_b": self.share_b}


@dataclass(frozen=True)
class Disagreement:
    """One place where the coders differ, for "jump to the moment in the video"."""

    clip: Any
    at_ms: int
    kind: str
    what: str  # "different codes", "only coder A", "only coder B"
    a: Event | None
    b: Event | None

    def to_dict(self) -> dict[str, Any]:
        return {"clip": _json_safe(self.clip), "at_ms": self.at_ms, "kind": self.kind,
                "what": self.what, "a": _event_dict(self.a), "b": _event_dict(self.b)}


@dataclass(frozen=True)
class SubsetAgreement:
    """Agreement on a subset of cues (potent or subtle), matched on their own."""

    name: str
    kappa: Statistic
    detection: Detection

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kappa": self.kappa.to_dict(),
                "detection": self.detection.to_dict()}


@dataclass(frozen=True)
class ClipPair:
    """Two coders' events of one clip, for :func:`agreement_report_clips`."""

    a: Sequence[Event]
    b: Sequence[Event]
    duration_ms: int | None = None
    clip_id: Any = None


@dataclass(frozen=True)
class AgreementReport:
    """Everything a supervisor needs about two coders on one or several clips."""

    coders: tuple[str, str]
    clips: int
    n_events_a: int
    n_events_b: int
    event_kappa: Statistic  # codes, with "unmatched" as a category
    event_kappa_matched: Statistic  # codes of the matched pairs only
    confusion: pd.DataFrame = field(repr=False)
    detection: Detection
    mean_abs_onset_diff_ms: float | None
    time_unit_kappa: Statistic
    alpha: Statistic
    icc: Mapping[str, Statistic]  # per-clip tallies: "cues seen", "attuned responses"
    potent: SubsetAgreement | None
    subtle: SubsetAgreement | None
    flag: Flag | None
    flag_reasons: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = field(repr=False)
    parameters: Mapping[str, Any]

    def summary_lines(self) -> list[str]:
        """The report in words for a terminal or a text export, parameters first."""

        def stat(s: Statistic) -> str:
            if s.value is None:
                return f"undefined ({s.reason})"
            return f"{s.value:.3f}" + (f" [{s.flag.value}]" if s.flag else "")

        def share(x: float | None) -> str:
            return "-" if x is None else f"{x:.0%}"

        p = self.parameters
        lines = [f"Agreement of {self.coders[0]} and {self.coders[1]} on {self.clips} clip(s): "
                 f"{self.n_events_a} and {self.n_events_b} events",
                 "Parameters: " + ", ".join(f"{k}={v}" for k, v in p.items()),
                 f"  event kappa (codes, unmatched as a category): {stat(self.event_kappa)}",
                 f"  event kappa (matched pairs only):             "
                 f"{stat(self.event_kappa_matched)}",
                 f"  time-unit kappa (sampling step {p.get('step_ms')} ms):       "
                 f"{stat(self.time_unit_kappa)}",
                 f"  Krippendorff's alpha (nominal):               {stat(self.alpha)}",
                 f"  detection: {self.detection.matched} matched, {self.detection.unmatched_a} "
                 f"only {self.coders[0]}, {self.detection.unmatched_b} only {self.coders[1]} "
                 f"({share(self.detection.agreement)} of all; {self.coders[0]} "
                 f"{share(self.detection.share_a)}, {self.coders[1]} "
                 f"{share(self.detection.share_b)} matched)"]
        if self.mean_abs_onset_diff_ms is not None:
            lines.append(f"  mean onset difference of matched events: "
                         f"{self.mean_abs_onset_diff_ms:.0f} ms")
        for name, s in self.icc.items():
            lines.append(f"  ICC(2,1) on per-clip {name}: {stat(s)}")
        for sub in (self.potent, self.subtle):
            if sub is not None:
                lines.append(f"  {sub.name} cues: kappa {stat(sub.kappa)}, "
                             f"{sub.detection.matched} matched")
        lines.append(f"Overall: {self.flag.value if self.flag else 'no flag'}"
                     + (f" ({'; '.join(self.flag_reasons)})" if self.flag_reasons else ""))
        if self.disagreements:
            lines.append(f"{len(self.disagreements)} disagreement(s):")
            for d in self.disagreements[:50]:
                a = f"{d.a.code}@{d.a.start_ms}" if d.a else "-"
                b = f"{d.b.code}@{d.b.start_ms}" if d.b else "-"
                lines.append(f"  clip {d.clip} at {d.at_ms} ms: {d.what} ({d.kind}): "
                             f"{a} vs {b}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (no NaN, no numpy types, events as dicts)."""
        conf = self.confusion
        return {
            "coders": list(self.coders),
            "clips": self.clips,
            "n_events_a": self.n_events_a,
            "n_events_b": self.n_events_b,
            "event_kappa": self.event_kappa.to_dict(),
            "event_kappa_matched": self.event_kappa_matched.to_dict(),
            "confusion": {"rows_coder_a": [str(x) for x in conf.index],
                          "columns_coder_b": [str(x) for x in conf.columns],
                          "counts": [[int(v) for v in row] for row in conf.to_numpy()]},
            "detection": self.detection.to_dict(),
            "mean_abs_onset_diff_ms": self.mean_abs_onset_diff_ms,
            "time_unit_kappa": self.time_unit_kappa.to_dict(),
            "alpha": self.alpha.to_dict(),
            "icc": {k: v.to_dict() for k, v in self.icc.items()},
            "potent": None if self.potent is None else self.potent.to_dict(),
            "subtle": None if self.subtle is None else self.subtle.to_dict(),
            "flag": None if self.flag is None else self.flag.value,
            "flag_reasons": list(self.flag_reasons),
            "disagreements": [d.to_dict() for d in self.disagreements],
            "parameters": _json_safe(self.parameters),
        }


def _json_safe(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(float(x)) else float(x)
    if x is None or isinstance(x, (str, int, bool)):
        return x
    return str(x)


def _event_dict(e: Event | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"id": e.id, "kind": e.kind.value, "code": e.code, "start_ms": e.start_ms,
            "end_ms": e.end_ms, "coder": e.coder}


def _flag(value: float | None, green: float, amber: float) -> Flag | None:
    if value is None:
        return None
    if value >= green:
        return Flag.GREEN
    return Flag.AMBER if value >= amber else Flag.RED


def _statistic(name: str, method: str, n: int, compute: Callable[[], float],
               green: float, amber: float) -> Statistic:
    try:
        value = compute()
    except UndefinedStatisticError as err:
        return Statistic(name, None, n, method, reason=str(err))
    if math.isnan(value):  # pragma: no cover - every path above raises instead
        return Statistic(name, None, n, method, reason="not a number")
    return Statistic(name, value, n, method, flag=_flag(value, green, amber))


_METHOD_EVENT = ("Cohen's kappa on events paired one-to-one by smallest onset difference "
                 "(Bakeman, Quera & Gnisci 2009), unmatched as a category")
_METHOD_OVERLAP = ("Cohen's kappa on events paired by overlap of the longer (ELAN), "
                   "unmatched as a category")
_METHOD_TIME = "time-unit kappa: Cohen's kappa over samples every step (Bakeman et al. 2009; BORIS)"
_METHOD_ALPHA = ("Krippendorff's alpha, nominal (Krippendorff 2011), over event units; an "
                 "event the other coder did not mark is a missing value")
_METHOD_ICC = "ICC(2,1), two-way random, absolute agreement (Shrout & Fleiss 1979)"


def _coder_name(events: Sequence[Event], given: str | None, fallback: str) -> str:
    if given:
        return given
    for e in events:
        if e.coder:
            return e.coder
    return fallback


def _match(a: _Coded, b: _Coded, matching: str, tolerance_ms: int,
           min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    if matching == "onset":
        return _match_onsets(a, b, tolerance_ms)
    return _match_overlaps(a, b, min_overlap)


def _unmatched(n: int, idx: np.ndarray) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    mask[idx] = False
    return np.flatnonzero(mask)


def _int_labels(ca: np.ndarray, cb: np.ndarray, ia: np.ndarray, ib: np.ndarray,
                unmatched: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Coder A's and B's code indices over the units: pairs, A only, B only."""
    xa, xb = _unmatched(ca.size, ia), _unmatched(cb.size, ib)
    la = np.concatenate([ca[ia], ca[xa], np.full(xb.size, unmatched, dtype=np.int64)])
    lb = np.concatenate([cb[ib], np.full(xa.size, unmatched, dtype=np.int64), cb[xb]])
    return la, lb, xa, xb


def _table(la: np.ndarray, lb: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(la * k + lb, minlength=k * k).reshape(k, k)


def _subset(name: str, prepared: list[tuple[_Coded, _Coded, np.ndarray, np.ndarray]],
            keep: Callable[[_Coded, np.ndarray], np.ndarray], k: int, matching: str,
            tolerance_ms: int, min_overlap: float, method: str) -> SubsetAgreement:
    tables = np.zeros((k, k), dtype=np.int64)
    matched = ua = ub = 0
    for a, b, ca, cb in prepared:
        ka, kb = keep(a, ca), keep(b, cb)
        ia, ib = _match(a.subset(ka), b.subset(kb), matching, tolerance_ms, min_overlap)
        la, lb, xa, xb = _int_labels(ca[ka], cb[kb], ia, ib, k - 1)
        tables += _table(la, lb, k)
        matched, ua, ub = matched + ia.size, ua + xa.size, ub + xb.size

    def kappa() -> float:
        if matched + ua + ub == 0:
            raise UndefinedStatisticError(
                f"Kappa is undefined: neither coder marked {name} cues.")
        return kappa_from_table(tables)

    stat = _statistic(f"{name} cues: event kappa", method, matched + ua + ub, kappa,
                      KAPPA_GREEN, KAPPA_AMBER)
    return SubsetAgreement(name, stat, Detection(matched, ua, ub))


def tally_icc(
    clips: Sequence[ClipPair], scheme: Scheme | None = None
) -> dict[str, Statistic]:
    """ICC(2,1) (Shrout & Fleiss 1979), absolute agreement, of per-clip tallies of the two
    coders: "cues seen" always, "attuned responses" when a ``scheme`` is given.
    """
    from attune.analysis.tallies import link_responses  # avoids an import cycle at load

    def cues(events: Sequence[Event]) -> int:
        return sum(1 for e in events if e.deleted_at is None and e.kind == EventKind.CUE)

    tallies: dict[str, Callable[[Sequence[Event]], int]] = {"cues seen": cues}
    if scheme is not None:
        chosen = scheme
        tallies["attuned responses"] = lambda events: sum(
            1 for lk in link_responses(events, chosen) if lk.attuned)
    out: dict[str, Statistic] = {}
    for name, count in tallies.items():
        ratings = [[count(c.a), count(c.b)] for c in clips]

        def compute(r: list[list[int]] = ratings) -> float:
            return icc(r, "ICC(2,1)")

        out[name] = _statistic(f"ICC(2,1) {name}", _METHOD_ICC, len(ratings), compute,
                               ICC_GREEN, ICC_AMBER)
    return out


def agreement_report(
    a: Sequence[Event],
    b: Sequence[Event],
    *,
    tolerance_ms: int = 1000,
    step_ms: int = 1000,
    scheme: Scheme | None = None,
    clip_duration_ms: int | None = None,
    matching: str = "onset",
    min_overlap: float = 0.6,
    coder_a: str | None = None,
    coder_b: str | None = None,
    clip_id: Any = None,
) -> AgreementReport:
    """Agreement of two coders on one clip (DOMAIN.md §8); see the module docstring for
    every method. For several clips (and the ICC on per-clip tallies) use
    :func:`agreement_report_clips`.

    ``tolerance_ms`` is the onset tolerance of event matching; ``step_ms`` the sampling
    step of time-unit kappa; ``matching="overlap"`` pairs by ELAN-style overlap
    (``min_overlap``) instead of onsets. ``scheme`` enables potent/subtle cues apart.
    """
    return agreement_report_clips(
        [ClipPair(a, b, clip_duration_ms, clip_id)], tolerance_ms=tolerance_ms,
        step_ms=step_ms, scheme=scheme, matching=matching, min_overlap=min_overlap,
        coder_a=coder_a, coder_b=coder_b,
    )


def agreement_report_clips(
    clips: Sequence[ClipPair],
    *,
    tolerance_ms: int = 1000,
    step_ms: int = 1000,
    scheme: Scheme | None = None,
    matching: str = "onset",
    min_overlap: float = 0.6,
    coder_a: str | None = None,
    coder_b: str | None = None,
) -> AgreementReport:
    """Agreement of two coders pooled over several clips: events are matched within
    each clip, the confusion matrices and time-unit samples are pooled, and ICC(2,1) is
    computed on per-clip tallies (needs two clips or more).
    """
    _check_ms("tolerance_ms", tolerance_ms, 0)
    _check_ms("step_ms", step_ms, 1)
    if matching not in ("onset", "overlap"):
        raise ValueError(f"matching must be 'onset' or 'overlap', got {matching!r}")
    if isinstance(min_overlap, bool) or not 0 < float(min_overlap) <= 1:
        raise ValueError(f"min_overlap must be a share in (0, 1], got {min_overlap!r}")
    if not clips:
        raise ValueError("agreement_report_clips needs at least one ClipPair")
    name_a = _coder_name([e for c in clips for e in c.a], coder_a, "A")
    name_b = _coder_name([e for c in clips for e in c.b], coder_b, "B")

    coded = [(_Coded(c.a), _Coded(c.b)) for c in clips]
    cats: list[str] = _categories([x for pa, pb in coded for x in (*pa.codes, *pb.codes)])
    if scheme is not None:
        for code in cats:
            scheme.code(code)  # an unknown code is the user's to fix: InputError
    cats.append(UNMATCHED)
    k = len(cats)
    index = {c: i for i, c in enumerate(cats)}
    prepared = [
        (pa, pb, np.fromiter((index[x] for x in pa.codes), np.int64, len(pa.codes)),
         np.fromiter((index[x] for x in pb.codes), np.int64, len(pb.codes)))
        for pa, pb in coded
    ]
    labels_a: list[np.ndarray] = []
    labels_b: list[np.ndarray] = []
    diffs: list[np.ndarray] = []
    disagreements: list[Disagreement] = []
    samples_a: list[np.ndarray] = []
    samples_b: list[np.ndarray] = []
    matched = ua = ub = 0
    time_reason: str | None = None
    for clip, (pa, pb, ca, cb) in zip(clips, prepared, strict=True):
        ia, ib = _match(pa, pb, matching, tolerance_ms, float(min_overlap))
        la, lb, xa, xb = _int_labels(ca, cb, ia, ib, k - 1)
        labels_a.append(la)
        labels_b.append(lb)
        matched, ua, ub = matched + ia.size, ua + xa.size, ub + xb.size
        diffs.append(np.abs(pb.start[ib] - pa.start[ia]))
        differ = ca[ia] != cb[ib]
        for i, j in zip(ia[differ].tolist(), ib[differ].tolist(), strict=True):
            ea, eb = pa.events[i], pb.events[j]
            disagreements.append(Disagreement(clip.clip_id, min(ea.start_ms, eb.start_ms),
                                              ea.kind.value, "different codes", ea, eb))
        for i in xa.tolist():
            e = pa.events[i]
            disagreements.append(Disagreement(clip.clip_id, e.start_ms, e.kind.value,
                                              f"only {name_a}", e, None))
        for j in xb.tolist():
            e = pb.events[j]
            disagreements.append(Disagreement(clip.clip_id, e.start_ms, e.kind.value,
                                              f"only {name_b}", None, e))
        try:
            sa, sb, _ = _time_unit_states(pa, pb, step_ms, clip.duration_ms)
            samples_a.append(sa)
            samples_b.append(sb)
        except UndefinedStatisticError as err:
            time_reason = str(err)
    disagreements.sort(key=lambda d: (str(d.clip), d.at_ms))

    n_a, n_b = matched + ua, matched + ub
    n_units = matched + ua + ub
    method = _METHOD_EVENT if matching == "onset" else _METHOD_OVERLAP
    ia_all, ib_all = np.concatenate(labels_a), np.concatenate(labels_b)
    cm = _table(ia_all, ib_all, k)
    confusion = pd.DataFrame(cm, index=pd.Index(cats, name=f"coder A: {name_a}"),
                             columns=pd.Index(cats, name=f"coder B: {name_b}"))

    def need_both(compute: Callable[[], float]) -> Callable[[], float]:
        def run() -> float:
            if n_a == 0 or n_b == 0:
                who = name_a if n_a == 0 else name_b
                if n_a == 0 and n_b == 0:
                    who = "either coder"
                raise UndefinedStatisticError(
                    f"Undefined: {who} marked no events, so there is nothing to compare. "
                    "Check that both coders finished the clip."
                )
            return compute()
        return run

    event_kappa = _statistic("event kappa", method, n_units,
                             need_both(lambda: kappa_from_table(cm)), KAPPA_GREEN, KAPPA_AMBER)

    def matched_kappa() -> float:
        if matched == 0:
            raise UndefinedStatisticError(
                "Kappa on matched pairs is undefined: no events were matched. Check the "
                "tolerance and that both coders coded the same clip."
            )
        return kappa_from_table(cm[:-1, :-1])

    event_kappa_matched = _statistic("event kappa, matched pairs only", method, matched,
                                     need_both(matched_kappa), KAPPA_GREEN, KAPPA_AMBER)

    def alpha() -> float:
        idx = np.full((2, n_units), -1, dtype=np.int64)
        idx[0] = np.where(ia_all == k - 1, -1, ia_all)
        idx[1] = np.where(ib_all == k - 1, -1, ib_all)
        return _alpha_from_index(idx, np.arange(k - 1), Level.NOMINAL)

    alpha_stat = _statistic("Krippendorff's alpha", _METHOD_ALPHA, matched, need_both(alpha),
                            ALPHA_GREEN, ALPHA_AMBER)

    if samples_a:
        all_a, all_b = np.concatenate(samples_a), np.concatenate(samples_b)
        time_stat = _statistic("time-unit kappa", _METHOD_TIME, int(all_a.size),
                               lambda: _kappa_of_ints(all_a, all_b), KAPPA_GREEN, KAPPA_AMBER)
    else:
        time_stat = Statistic("time-unit kappa", None, 0, _METHOD_TIME,
                              reason=time_reason or "no samples")

    if len(clips) >= 2:
        icc_stats = tally_icc(clips, scheme)
    else:
        reason = ("ICC needs per-clip tallies of two clips or more; pass several clips to "
                  "agreement_report_clips.")
        icc_stats = {"cues seen": Statistic("ICC(2,1) cues seen", None, 1, _METHOD_ICC,
                                            reason=reason)}
        if scheme is not None:
            icc_stats["attuned responses"] = Statistic(
                "ICC(2,1) attuned responses", None, 1, _METHOD_ICC, reason=reason)

    potent = subtle = None
    if scheme is not None:
        # potency of each code index: 1 potent, 2 subtle, 0 not a cue
        potency = np.zeros(k, dtype=np.int64)
        for i, code in enumerate(cats[:-1]):
            p = scheme.code(code).potency
            potency[i] = 0 if p is None else 1 if p == Potency.POTENT else 2

        def of(p: int) -> Callable[[_Coded, np.ndarray], np.ndarray]:
            def keep(c: _Coded, ci: np.ndarray) -> np.ndarray:
                return (c.kind == 0) & (potency[ci] == p)
            return keep

        potent = _subset("potent", prepared, of(1), k, matching, tolerance_ms,
                         float(min_overlap), method)
        subtle = _subset("subtle", prepared, of(2), k, matching, tolerance_ms,
                         float(min_overlap), method)

    flag, reasons = _overall_flag(event_kappa, alpha_stat, time_stat, *icc_stats.values())
    all_diffs = np.concatenate(diffs) if diffs else np.empty(0)
    parameters: dict[str, Any] = {
        "matching": matching,
        "tolerance_ms": tolerance_ms if matching == "onset" else None,
        "min_overlap": float(min_overlap) if matching == "overlap" else None,
        "step_ms": step_ms,
        "step_is": "a sampling step for time-unit kappa, not a tolerance",
        "clip_durations_ms": [c.duration_ms for c in clips],
        "clip_ids": [c.clip_id for c in clips],
        "scheme": None if scheme is None else f"{scheme.name} v{scheme.version}",
        "windows_ms": None if scheme is None else {
            str(v.value): w for v, w in scheme.windows_ms.items()},
        "deleted_events": "ignored",
        "flags": {"kappa": [KAPPA_AMBER, KAPPA_GREEN], "alpha": [ALPHA_AMBER, ALPHA_GREEN],
                  "icc": [ICC_AMBER, ICC_GREEN]},
    }
    return AgreementReport(
        coders=(name_a, name_b), clips=len(clips), n_events_a=n_a, n_events_b=n_b,
        event_kappa=event_kappa, event_kappa_matched=event_kappa_matched,
        confusion=confusion, detection=Detection(matched, ua, ub),
        mean_abs_onset_diff_ms=float(all_diffs.mean()) if all_diffs.size else None,
        time_unit_kappa=time_stat, alpha=alpha_stat, icc=icc_stats, potent=potent,
        subtle=subtle, flag=flag, flag_reasons=reasons, disagreements=tuple(disagreements),
        parameters=parameters,
    )


_RANK = {Flag.GREEN: 0, Flag.AMBER: 1, Flag.RED: 2}


def _overall_flag(*stats: Statistic | None) -> tuple[Flag | None, tuple[str, ...]]:
    """The worst flag of the statistics that have a value, with one reason each."""
    worst: Flag | None = None
    reasons: list[str] = []
    for s in stats:
        if s is None or s.flag is None or s.value is None:
            continue
        reasons.append(f"{s.name} {s.value:.3f}: {s.flag.value}")
        if worst is None or _RANK[s.flag] > _RANK[worst]:
            worst = s.flag
    return worst, tuple(reasons)
