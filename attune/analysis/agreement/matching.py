"""Putting two coders' events side by side (docs/practice.md §8): pairing them one-to-one, by
onset or by overlap, and sampling both timelines for time-unit agreement.

Sources:

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
- time-unit sampling: the time-based algorithm of Bakeman et al. (2009) as in BORIS
  (Friard & Gamba 2016, *Methods Ecol Evol* 7:1325-1330): both timelines are sampled
  every ``step_ms`` (a *sampling step*, not a tolerance) and kappa is computed over the
  samples; the state of a sample is the set of codes active at that instant, and a point
  event counts in the sample within ±step/2 of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from attune.analysis.agreement.coefficients import UndefinedStatisticError, _kappa_of_ints
from attune.core.events import Event
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.core.scheme import EventKind
from attune.errors import InputError

_CUE, _RESPONSE = EventKind.CUE, EventKind.RESPONSE
_FIELDS = attrgetter("start_ms", "end_ms", "kind", "code")


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
    """One coder's live events of one clip as arrays, sorted by onset (then kind, code).

    ``rank[i]`` is event i's code as an index into ``uniq`` (this coder's codes, sorted);
    the events and their codes as a list are built only when read (for disagreements
    and :class:`Matching`), since most statistics need only the arrays.
    """

    __slots__ = ("_events", "_live", "end", "kind", "order", "rank", "start", "uniq")

    def __init__(self, events: Sequence[Event]) -> None:
        live = [e for e in events if e.deleted_at is None]
        n = len(live)
        if n:
            # one C-level pass over the events (attribute reads are what costs here)
            s_, e_, k_, c_ = zip(*map(_FIELDS, live), strict=True)
            start = np.array(s_, dtype=np.int64)
            end = np.array(e_, dtype=np.int64)
            # kinds by identity (enum members are singletons; an enum's hash is Python)
            ids = np.fromiter(map(id, k_), np.int64, n)
            kind = np.where(ids == id(_CUE), 0, np.where(ids == id(_RESPONSE), 1, 2))
            # codes sort by their rank among this coder's codes, which orders them as
            # the strings themselves would without building a string array
            self.uniq = sorted(set(c_))
            ranks = {c: i for i, c in enumerate(self.uniq)}
            rank = np.fromiter(map(ranks.__getitem__, c_), np.int64, n)
            # onset, then kind, then code, as one key (a kind has < n code ranks)
            order = np.lexsort((end, (start * 3 + kind) * n + rank))
        else:
            start = end = kind = rank = order = np.empty(0, dtype=np.int64)
            self.uniq = []
        self._live: list[Event] = live
        self._events: list[Event] | None = None
        self.order = order
        self.start, self.end, self.kind = start[order], end[order], kind[order]
        self.rank = rank[order]

    @property
    def events(self) -> list[Event]:
        if self._events is None:
            self._events = [self._live[i] for i in self.order.tolist()]
        return self._events

    @property
    def codes(self) -> list[str]:
        return [self.uniq[i] for i in self.rank.tolist()]

    def indices(self, index: Mapping[str, int]) -> np.ndarray:
        """Each event's code as an index into a wider list of codes (``index``)."""
        of_uniq = np.fromiter(map(index.__getitem__, self.uniq), np.int64, len(self.uniq))
        return of_uniq[self.rank]

    def with_copies(self, keep: np.ndarray, kind: np.ndarray) -> _Coded:
        """For matching only: these events, then a copy of those in ``keep`` with
        ``kind`` as their kind (the copies' indices follow the events'). Matching pairs
        only events of the same kind, so several subsets are matched in one call."""
        new = object.__new__(_Coded)
        idx = np.flatnonzero(keep)
        new._live, new._events, new.order = [], None, np.empty(0, dtype=np.int64)
        new.uniq, new.rank = self.uniq, np.concatenate([self.rank, self.rank[idx]])
        new.start = np.concatenate([self.start, self.start[idx]])
        new.end = np.concatenate([self.end, self.end[idx]])
        new.kind = np.concatenate([self.kind, kind[idx]])
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
    first_at_a = np.empty(na, dtype=np.int64)
    first_at_b = np.empty(nb, dtype=np.int64)
    while alive.size:
        a_, b_ = ea[alive], eb[alive]
        # alive is increasing, so the first edge at each end is that end's best edge;
        # writing positions in reverse leaves the first one (numpy keeps the last write)
        pos = np.arange(alive.size)
        first_at_a[a_[::-1]] = pos[::-1]
        first_at_b[b_[::-1]] = pos[::-1]
        selected = alive[(first_at_a[a_] == pos) & (first_at_b[b_] == pos)]
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
    # priority: smallest difference, then earlier A event, then earlier B event, as one
    # integer key (unique per edge; diff <= tolerance keeps it far inside int64)
    order = np.argsort((diff * na + ea) * nb + eb)
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
    in_a = np.zeros(a.start.size, dtype=bool)
    in_b = np.zeros(b.start.size, dtype=bool)
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


def _check_share(name: str, value: float) -> None:
    if isinstance(value, bool) or not 0 < float(value) <= 1:
        raise ValueError(f"{name} must be a share in (0, 1], got {value!r}")


def match_events(
    a: Sequence[Event], b: Sequence[Event], tolerance_ms: int = MATCH_TOLERANCE_MS
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
    _check_share("min_overlap", min_overlap)
    ca, cb = _Coded(a), _Coded(b)
    ia, ib = _match_overlaps(ca, cb, float(min_overlap))
    return _matching(ca, cb, ia, ib, "overlap", {"min_overlap": float(min_overlap)})




def _match(a: _Coded, b: _Coded, matching: str, tolerance_ms: int,
           min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs by onset (``matching="onset"``) or by overlap (any other value)."""
    if matching == "onset":
        return _match_onsets(a, b, tolerance_ms)
    return _match_overlaps(a, b, min_overlap)


# -------------------------------------------------------------------- time-unit sampling


def _sample_codes(c: _Coded, step_ms: int, n_samples: int, bits: np.ndarray) -> np.ndarray:
    """Bitmask of the codes active at each sample ``k * step_ms`` (point events: ±step/2);
    ``bits[i]`` is the bit of event i's code."""
    states = np.zeros(n_samples, dtype=np.uint64)
    if not c.start.size:
        return states
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


LANES = 3  # cue, response, reaction: the kinds of _Coded.kind


def _time_unit_states(a: _Coded, b: _Coded, step_ms: int, duration_ms: int | None,
                      codes: Sequence[str] | None = None
                      ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Both coders' sampled states (bitmasks of codes), the codes in bit order, and each
    lane's mask of bits (``masks[0]`` the cues' codes, 1 responses', 2 reactions').
    ``codes`` gives the bit order (so that samples of several clips can be pooled);
    default: the codes either coder used, sorted."""
    codes = sorted(set(a.uniq) | set(b.uniq)) if codes is None else list(codes)
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
    masks = np.zeros(LANES, dtype=np.uint64)
    states = []
    for c in (a, b):
        bits = np.fromiter(map(code_bit.__getitem__, c.uniq), np.uint64, len(c.uniq))[c.rank]
        np.bitwise_or.at(masks, c.kind, bits)
        states.append(_sample_codes(c, step_ms, n_samples, bits))
    return states[0], states[1], codes, masks


def time_unit_kappa(
    a: Sequence[Event], b: Sequence[Event], step_ms: int = SAMPLING_STEP_MS, *,
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
    sa, sb, _, _ = _time_unit_states(_Coded(a), _Coded(b), step_ms, duration_ms)
    return _kappa_of_ints(sa, sb)

