"""Responsiveness beyond chance: does the parent answer the baby's cues more often than
they respond at any other time? (docs/practice.md §5, practitioner- and supervisor-only.)

A *time-window* sequential analysis (Bakeman & Quera 2011, *Sequential Analysis and
Observational Methods for the Behavioral Sciences*, ch. 11; Chorney et al. 2010, J Pediatr
Psychol 35:1061-1070), computed on time units of ``step_ms``:

- the clip is cut into ``T = ceil(duration / step)`` units, unit ``i`` covering
  ``[i*step, (i+1)*step)``;
- a unit is *in a window* when it overlaps ``[onset, onset + window)`` of a cue of the
  group (E, D or X; "all" takes every cue with its own group's window), so a response
  whose latency is within the window always falls in a window unit;
- a unit *has a response* when a parent response starts in it (the practitioner-only
  codes N01-N03, which record that no response came, never count as responses); several
  onsets in one unit count once.

That gives a 2x2 table of units: ``a`` in a window with a response, ``b`` in a window
without, ``c`` outside every window with a response, ``d`` outside without.
``a / (a + b)`` is the chance of a response within the window after a cue, ``c / (c + d)``
the base rate of responses at other times; Yule's Q ``(ad - bc) / (ad + bc)`` (Yule
1912), the statistic Bakeman & Quera advise for such tables, runs from -1 (responses
avoid the windows) through 0 (no more than chance) to +1 (responses only in windows).

Two p-values, one-sided (more responses in windows than chance), because units next to
each other are not independent and the two tests answer that differently:

- **Fisher's exact test** on the table (hypergeometric, as if units were independent);
- **a permutation test** that keeps the response series whole and slides it round the
  clip (a circular shift), so its clustering is kept and only its timing against the
  cues is broken. Shifts shorter than the longest window (either way) are left out, since
  they would keep responses in the windows of the cues they answered. Every allowed
  shift is counted (no random draws, no seed), and the observed series counts in the
  reference set: ``p = (1 + shifts with a >= observed a) / (1 + allowed shifts)``
  (Phipson & Smyth 2010). Pooled over clips (a visit, or every visit) each clip is
  shifted on its own and the exact distribution of the summed ``a`` is their
  convolution.

Every report states its parameters (:class:`ContingencyParameters`). The figures here are
for practitioners and supervisors: they describe the record, they are no score of a
licensed measure, and they never go to a parent view (``AUDIENCE``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any, ClassVar, Literal

import numpy as np

from attune.analysis.tallies import Audience, SessionClip, sortable_date, window_scheme
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme, Valence, pooled_versions
from attune.errors import InputError

Alternative = Literal["greater", "less", "two-sided"]
#: The groups of cues reported, in order: each valence, then every cue together.
GROUPS: tuple[str, ...] = (*(v.value for v in Valence), "all")
DEFAULT_STEP_MS = 1000


# ------------------------------------------------------------------------ 2x2 tables
@dataclass(frozen=True)
class Table2x2:
    """Units ``a`` in a window with a response, ``b`` in a window without, ``c`` outside
    with a response, ``d`` outside without (rows: window or not; columns: response or
    not)."""

    a: int
    b: int
    c: int
    d: int

    def __post_init__(self) -> None:
        for cell in (self.a, self.b, self.c, self.d):
            if isinstance(cell, bool) or not isinstance(cell, int) or cell < 0:
                raise ValueError(f"a 2x2 table holds counts >= 0, got {cell!r}")

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    @property
    def p_window(self) -> float | None:
        """P(response | unit in a window)."""
        return None if self.a + self.b == 0 else self.a / (self.a + self.b)

    @property
    def p_base(self) -> float | None:
        """P(response | unit outside every window): the base rate."""
        return None if self.c + self.d == 0 else self.c / (self.c + self.d)

    @property
    def odds_ratio(self) -> float | None:
        """``ad / bc``; ``inf`` when only ``bc`` is 0; None when both products are 0.

        >>> round(Table2x2(189, 10845, 104, 10933).odds_ratio, 3)  # Agresti 2007, Table 2.3
        1.832
        """
        ad, bc = self.a * self.d, self.b * self.c
        if ad == 0 and bc == 0:
            return None
        return math.inf if bc == 0 else ad / bc

    @property
    def yules_q(self) -> float | None:
        """Yule's Q ``(ad - bc) / (ad + bc)`` = ``(OR - 1) / (OR + 1)``; None when
        ``ad + bc`` is 0 (no association can be read from the table).

        >>> round(Table2x2(189, 10845, 104, 10933).yules_q, 4)
        0.2938
        """
        ad, bc = self.a * self.d, self.b * self.c
        return None if ad + bc == 0 else (ad - bc) / (ad + bc)

    def fisher_p(self, alternative: Alternative = "greater") -> float:
        return float(fisher_exact(self, alternative))


def fisher_exact(table: Table2x2, alternative: Alternative = "greater") -> Fraction:
    """Fisher's exact test of a 2x2 table, as an exact fraction.

    Margins fixed, ``a`` is hypergeometric. ``greater``: P(A >= a) (more in the first
    cell than independence gives); ``less``: P(A <= a); ``two-sided``: the sum of the
    probabilities of every table no more likely than the observed one (R's
    ``fisher.test``; ties within a relative 1e-7 count, as there).

    Fisher's lady tasting tea (Agresti 2007, Table 2.8): 3 of 4 milk-first cups right.

    >>> fisher_exact(Table2x2(3, 1, 1, 3))
    Fraction(17, 70)
    >>> fisher_exact(Table2x2(3, 1, 1, 3), "two-sided")
    Fraction(17, 35)
    """
    if alternative not in ("greater", "less", "two-sided"):
        raise ValueError(f"alternative must be greater, less or two-sided, got "
                         f"{alternative!r}")
    row1, col1, n = table.a + table.b, table.a + table.c, table.n
    low, high = max(0, col1 - (n - row1)), min(row1, col1)
    total = math.comb(n, col1)
    # each table's probability is weight / total: sum the integer weights and divide
    # once (a sum of Fractions reduces at every step, slow on a caseload's long clips)
    # (each weight from the one before: C(r, x+1) = C(r, x) (r - x) / (x + 1), exactly)
    weights = {low: math.comb(row1, low) * math.comb(n - row1, col1 - low)}
    for x in range(low, high):
        weights[x + 1] = weights[x] * (row1 - x) * (col1 - x) // (
            (x + 1) * (n - row1 - col1 + x + 1))
    if alternative == "greater":
        return Fraction(sum(w for x, w in weights.items() if x >= table.a), total)
    if alternative == "less":
        return Fraction(sum(w for x, w in weights.items() if x <= table.a), total)
    # two-sided: w / total <= observed * (1 + 1e-7), in integers
    observed = weights[table.a] * 10_000_001
    return min(Fraction(1), Fraction(sum(w for w in weights.values()
                                         if w * 10_000_000 <= observed), total))


# ------------------------------------------------------------------------ time units
@dataclass(frozen=True)
class UnitSeries:
    """One clip on time units: which units are in each group's windows, which have a
    response onset, and the shortest shift the permutation test allows per group."""

    units: int
    responses: np.ndarray  # bool[units]
    windows: Mapping[str, np.ndarray]  # group -> bool[units]
    cues: Mapping[str, int]  # group -> cues of the group
    min_shift: Mapping[str, int]  # group -> units


def _is_response(event: Event, scheme: Scheme) -> bool:
    return event.kind == EventKind.RESPONSE and not scheme.code(event.code).practitioner_only


def unit_series(events: Iterable[Event], duration_ms: int, scheme: Scheme,
                step_ms: int = DEFAULT_STEP_MS) -> UnitSeries:
    """Cut a clip's live events into time units (see the module's rules).

    >>> from attune.schemes import default_scheme
    >>> ev = [Event(EventKind.CUE, "C02", 1000, 1000),
    ...       Event(EventKind.RESPONSE, "R04", 2500, 2500)]
    >>> s = unit_series(ev, 10_000, default_scheme())
    >>> s.units, s.windows["E"].nonzero()[0].tolist(), s.responses.nonzero()[0].tolist()
    (10, [1, 2, 3], [2])
    """
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int) or duration_ms <= 0:
        raise ValueError(f"duration_ms must be a positive int, got {duration_ms!r}")
    if isinstance(step_ms, bool) or not isinstance(step_ms, int) or step_ms <= 0:
        raise InputError(f"The time unit must be a whole number of milliseconds above 0, "
                         f"not {step_ms!r}; try 1000.")
    units = -(-duration_ms // step_ms)
    live = [e for e in events if e.deleted_at is None]
    for e in live:
        if e.start_ms > duration_ms:
            raise InputError(
                f"A {e.kind} ({e.code}) starts at {e.start_ms} ms, after the clip's end "
                f"({duration_ms} ms); move or delete it, or check the clip's duration.")
    responses = np.zeros(units, dtype=bool)
    for e in live:
        if _is_response(e, scheme):
            responses[min(e.start_ms // step_ms, units - 1)] = True
    windows = {g: np.zeros(units, dtype=bool) for g in GROUPS}
    cues = dict.fromkeys(GROUPS, 0)
    for e in live:
        if e.kind != EventKind.CUE:
            continue
        valence = scheme.code(e.code).valence
        if valence is None:
            continue
        window = scheme.windows_ms[valence]
        first = min(e.start_ms // step_ms, units - 1)
        last = min((e.start_ms + max(window, 1) - 1) // step_ms, units - 1)
        for group in (valence.value, "all"):
            windows[group][first:last + 1] = True
            cues[group] += 1
    longest = {v.value: -(-max(scheme.windows_ms[v], 1) // step_ms) for v in Valence}
    min_shift = {**longest, "all": max(longest.values())}
    return UnitSeries(units, responses, windows, cues, min_shift)


def table_of(window: np.ndarray, responses: np.ndarray) -> Table2x2:
    a = int(np.count_nonzero(window & responses))
    b = int(np.count_nonzero(window & ~responses))
    c = int(np.count_nonzero(~window & responses))
    return Table2x2(a, b, c, len(window) - a - b - c)


def shifted_overlaps(window: np.ndarray, responses: np.ndarray) -> np.ndarray:
    """``a`` for every circular shift ``s`` of the responses (``out[s]`` = units in a
    window with a response after rolling the responses by ``s``), by FFT, exact for
    counts (rounded)."""
    n = len(window)
    w = np.fft.rfft(window.astype(float))
    r = np.fft.rfft(responses.astype(float))
    # sum_i w[i] * r[i - s]  is the circular cross-correlation of w and r at lag s
    corr = np.fft.irfft(np.conj(r) * w, n)
    return np.rint(corr).astype(np.int64)


def reference_overlaps(window: np.ndarray, responses: np.ndarray, min_shift: int) -> np.ndarray:
    """``a`` over the permutation test's reference set: the observed series (shift 0)
    and every shift of at least ``min_shift`` units either way."""
    n = len(window)
    allowed = [0, *(s for s in range(1, n) if min(s, n - s) >= min_shift)]
    return shifted_overlaps(window, responses)[allowed]


def pooled_permutation_p(references: Sequence[np.ndarray]) -> float | None:
    """P(sum of a >= observed sum) when each clip's series is shifted independently and
    uniformly over its reference set (element 0 of each being the observed ``a``); None
    when no clip has a shift allowed (too short for its windows)."""
    if not references or all(len(r) <= 1 for r in references):
        return None
    observed = int(sum(int(r[0]) for r in references))
    dist = np.array([1.0])
    for ref in references:
        pmf = np.bincount(ref, minlength=1).astype(float) / len(ref)
        dist = np.convolve(dist, pmf)
    return float(min(1.0, dist[observed:].sum()))


# ------------------------------------------------------------------------ reports
@dataclass(frozen=True)
class ContingencyParameters:
    """What every report states."""

    step_ms: int
    windows_ms: Mapping[str, int]
    clips: int
    duration_ms: int
    #: the scheme versions the clips were coded with (each clip analysed with its own:
    #: its codes, and its windows when ``windows_ms`` is not given), e.g.
    #: ``("attuned-moments v1", "attuned-moments v2")``
    schemes: tuple[str, ...] = ()
    #: each version's windows, when the versions' windows differ (``windows_ms`` is then
    #: the first version's)
    windows_by_scheme: Mapping[str, Mapping[str, int]] | None = None
    alternative: str = "greater"
    responses: str = "every parent response except the practitioner-only codes"
    permutation: str = ("the response series slid round each clip (circular shift), every "
                        "shift of at least the longest window either way, observed included")
    pooling: str = "units of every clip added into one table"


@dataclass(frozen=True)
class GroupResult:
    """One group of cues (E, D, X or all): the table and what it says."""

    group: str
    cues: int
    table: Table2x2
    fisher_p: float | None
    permutation_p: float | None
    shifts: int  # allowed shifts counted (summed over clips)

    @property
    def yules_q(self) -> float | None:
        return self.table.yules_q


@dataclass(frozen=True)
class ContingencyReport:
    """Responsiveness beyond chance for a clip or pooled clips: practitioner-only."""

    AUDIENCE: ClassVar[Audience] = Audience.PRACTITIONER
    parameters: ContingencyParameters
    groups: tuple[GroupResult, ...]

    def group(self, name: str) -> GroupResult:
        for g in self.groups:
            if g.group == name:
                return g
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for g in self.groups:
            t = g.table
            rows.append({"group": g.group, "cues": g.cues, "a": t.a, "b": t.b, "c": t.c,
                         "d": t.d, "p_window": t.p_window, "p_base": t.p_base,
                         "odds_ratio": _finite(t.odds_ratio), "yules_q": t.yules_q,
                         "fisher_p": g.fisher_p, "permutation_p": g.permutation_p,
                         "shifts": g.shifts})
        return {"parameters": asdict(self.parameters), "groups": rows}

    def summary_lines(self) -> list[str]:
        p = self.parameters
        windows = ", ".join(f"{k} {v / 1000:g} s" for k, v in p.windows_ms.items())
        if p.windows_by_scheme:
            windows = "; ".join(
                f"{name}: " + ", ".join(f"{k} {v / 1000:g} s" for k, v in w.items())
                for name, w in p.windows_by_scheme.items())
        lines = [
            "Responsiveness beyond chance (time-window analysis; practitioner-only)",
            f"  clips {p.clips}, {p.duration_ms / 60_000:.1f} min, time unit {p.step_ms} ms, "
            f"windows {windows}",
            f"  coding scheme{'s' if len(p.schemes) > 1 else ''}: {', '.join(p.schemes)}",
            f"  responses: {p.responses}; p-values one-sided ({p.alternative})",
            f"  permutation: {p.permutation}",
            "  group  cues  in window  at other times  Yule's Q  Fisher p  permutation p",
        ]
        for g in self.groups:
            t = g.table
            lines.append(
                f"  {g.group:<5} {g.cues:>5}  {_share(t.a, t.a + t.b):>9}  "
                f"{_share(t.c, t.c + t.d):>14}  {_num(t.yules_q, '+.2f'):>8}  "
                f"{_num(g.fisher_p, '.4f'):>8}  {_num(g.permutation_p, '.4f'):>13}")
        return lines


def _finite(x: float | None) -> float | str | None:
    return "inf" if x is not None and math.isinf(x) else x


def _share(k: int, n: int) -> str:
    return "-" if n == 0 else f"{k}/{n} {k / n:.0%}"


def _num(x: float | None, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


#: one clip: its events (one coder's) and duration, and the scheme version it was coded
#: with when that is not the one passed for all
ClipEvents = tuple[Sequence[Event], int] | tuple[Sequence[Event], int, Scheme | None]


def contingency(
    clips: Sequence[ClipEvents],
    scheme: Scheme,
    *,
    step_ms: int = DEFAULT_STEP_MS,
    windows_ms: Mapping[Valence | str, int] | None = None,
) -> ContingencyReport:
    """Responsiveness beyond chance over one or more clips, each ``(events, duration_ms)``
    (one coder's events) or ``(events, duration_ms, own_scheme)``: a clip is analysed with
    the scheme version it was coded with (its codes, groups and windows; ``scheme`` for a
    clip that names none). ``windows_ms`` re-applies the windows as for the tallies.

    >>> from attune.schemes import default_scheme
    >>> times = (0, 10_000, 20_000, 30_000)
    >>> ev = [Event(EventKind.CUE, "C02", t, t) for t in times]
    >>> ev += [Event(EventKind.RESPONSE, "R04", t + 1000, t + 1000) for t in times]
    >>> r = contingency([(ev, 40_000)], default_scheme()).group("E")
    >>> (r.table.a, r.table.b, r.table.c, r.table.d), r.yules_q
    ((4, 8, 0, 28), 1.0)
    """
    if not clips:
        raise InputError("There is no coded clip to analyse; code a clip first.")
    own = [window_scheme((c[2] if len(c) > 2 else None) or scheme, windows_ms)
           for c in clips]
    series = [unit_series(c[0], c[1], s, step_ms) for c, s in zip(clips, own, strict=True)]
    results = []
    for group in GROUPS:
        tables = [table_of(s.windows[group], s.responses) for s in series]
        pooled = Table2x2(*(sum(getattr(t, cell) for t in tables) for cell in "abcd"))
        refs = [reference_overlaps(s.windows[group], s.responses, s.min_shift[group])
                for s in series]
        cues = sum(s.cues[group] for s in series)
        fisher = pooled.fisher_p() if cues and pooled.a + pooled.c else None
        perm = pooled_permutation_p(refs) if cues and pooled.a + pooled.c else None
        results.append(GroupResult(group, cues, pooled, fisher, perm,
                                   sum(len(r) - 1 for r in refs)))
    versions, first, by_version = pooled_versions((s.label, s.windows_by_letter) for s in own)
    assert first is not None  # there is a clip, so a version
    params = ContingencyParameters(
        step_ms=step_ms,
        windows_ms=first,
        clips=len(clips),
        duration_ms=sum(c[1] for c in clips),
        schemes=versions,
        windows_by_scheme=by_version,
    )
    return ContingencyReport(params, tuple(results))


@dataclass(frozen=True)
class VisitContingency:
    session_id: Any
    session_date: date | datetime
    report: ContingencyReport


def contingency_over_visits(
    clips: Sequence[SessionClip],
    scheme: Scheme,
    *,
    step_ms: int = DEFAULT_STEP_MS,
    windows_ms: Mapping[Valence | str, int] | None = None,
) -> tuple[list[VisitContingency], ContingencyReport]:
    """Each visit's report (its clips pooled), oldest first, and the report over every
    visit. Each clip is analysed with its own scheme version (``SessionClip.scheme``;
    ``scheme`` for a clip without one), as the tallies count it. Only one family's clips
    should be passed (docs/practice.md §5)."""
    groups: dict[Any, list[SessionClip]] = {}
    for clip in clips:
        groups.setdefault(clip.session_id, []).append(clip)
    visits = [VisitContingency(sid, members[0].session_date,
                               contingency([(m.events, m.duration_ms, m.scheme)
                                            for m in members],
                                           scheme, step_ms=step_ms, windows_ms=windows_ms))
              for sid, members in groups.items()]
    visits.sort(key=lambda v: (sortable_date(v.session_date), str(v.session_id)))
    overall = contingency([(c.events, c.duration_ms, c.scheme) for c in clips], scheme,
                          step_ms=step_ms, windows_ms=windows_ms)
    return visits, overall
