"""ICC where it means something: across the clips a coder pair double-coded.

An ICC compares per-clip figures, so one clip gives nothing to compare. For each coder
pair this module takes every clip both coded and asks whether the two would report the
same tallies: cues per minute, attuned responses per minute, and the median latency of
the attuned responses (clips where either coder found none are left out of that measure).
ICC(2,1), two-way random, absolute agreement (Shrout & Fleiss 1979), with its 95%
interval (McGraw & Wong 1996).

The rule for showing it: at least :data:`MIN_CLIPS` clips (with fewer the interval is so
wide that any value would mislead); the sentence then gives the interval, and when it is
wider than :data:`TARGET_WIDTH`, about how many clips in all would narrow it to that
width at the value found (Bonett 2002). Until then it says how many more clips are needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from attune.analysis.agreement.coefficients import (
    ICC_AMBER,
    ICC_GREEN,
    ICC_MIN_CLIPS,
    Flag,
    UndefinedStatisticError,
    _flag,
    icc,
    icc_clips_needed,
    icc_interval,
)
from attune.analysis.agreement.report import ClipPair
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme

MIN_CLIPS = ICC_MIN_CLIPS
TARGET_WIDTH = 0.4  # a 95% interval .4 wide (e.g. .55 to .95) tells good from poor
PLANNED_ICC = 0.75  # Koo & Li's "good": the planning value before any clip is coded


@dataclass(frozen=True)
class TallyICC:
    """One measure of one coder pair across their clips."""

    measure: str
    clips: int  # clips with the measure for both coders
    value: float | None
    low: float | None
    high: float | None
    flag: Flag | None
    sentence: str
    clips_wanted: int  # clips for an interval of TARGET_WIDTH (at the value found)
    untimed: int = 0  # clips left out: their length is not known yet (not processed)


def _live(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if e.deleted_at is None]


#: a measure of one coder's events on a clip of this length, coded with this version
_Measure = Callable[[Sequence[Event], int, Scheme | None], float | None]


def _measures(schemes: Sequence[Scheme | None]) -> dict[str, _Measure]:
    """The measures, those that need a scheme when every clip has its version."""
    def cues(events: Sequence[Event], duration_ms: int, _: Scheme | None) -> float | None:
        return sum(1 for e in _live(events) if e.kind == EventKind.CUE) / (duration_ms / 60_000)

    out: dict[str, _Measure] = {"cues per minute": cues}
    if any(s is None for s in schemes):
        return out
    from attune.analysis.tallies import link_responses  # avoids an import cycle at load

    def attuned(events: Sequence[Event], duration_ms: int, own: Scheme | None
                ) -> float | None:
        assert own is not None
        n = sum(1 for lk in link_responses(events, own) if lk.attuned)
        return n / (duration_ms / 60_000)

    def latency(events: Sequence[Event], duration_ms: int, own: Scheme | None
                ) -> float | None:
        assert own is not None
        ms = [lk.assessment.latency_ms for lk in link_responses(events, own)
              if lk.attuned and lk.assessment is not None]
        return float(np.median(ms)) / 1000 if ms else None

    out["attuned responses per minute"] = attuned
    out["median latency of attuned responses (s)"] = latency
    return out


def pair_tally_icc(clips: Sequence[ClipPair], scheme: Scheme | None = None
                   ) -> list[TallyICC]:
    """The ICC of each measure over the clips of one coder pair (each clip's ``a`` and
    ``b`` are the same two coders throughout, each clip counted with its own scheme
    version, else ``scheme``); clips without a duration are left out."""
    timed = [(c, c.scheme or scheme) for c in clips if c.duration_ms]
    out = []
    for measure, of in _measures([own for _, own in timed] or [scheme]).items():
        rows = []
        for c, own in timed:
            assert c.duration_ms is not None
            x, y = of(c.a, c.duration_ms, own), of(c.b, c.duration_ms, own)
            if x is not None and y is not None:
                rows.append([x, y])
        made = _tally_icc(measure, rows)
        untimed = len(clips) - len(timed)
        if untimed:
            made = replace(made, untimed=untimed, sentence=made.sentence + _untimed(untimed))
        out.append(made)
    return out


def _untimed(n: int) -> str:
    return (f" {n} {'clip is' if n == 1 else 'clips are'} not counted: "
            f"{'its' if n == 1 else 'their'} length is not known until processed.")


def _tally_icc(measure: str, rows: list[list[float]]) -> TallyICC:
    n = len(rows)
    if n < MIN_CLIPS:
        wanted = icc_clips_needed(PLANNED_ICC, TARGET_WIDTH)
        return TallyICC(measure, n, None, None, None, None, (
            f"Not shown yet for {measure}: the ICC needs {MIN_CLIPS} clips both coders "
            f"coded and there {'is' if n == 1 else 'are'} {n}, so {MIN_CLIPS - n} more. "
            f"For a narrow 95% interval (about {TARGET_WIDTH:.1f} wide) plan on "
            f"{wanted} clips."), wanted)
    try:
        value = icc(rows, "ICC(2,1)")
        low, high = icc_interval(rows, "ICC(2,1)")
    except UndefinedStatisticError as err:
        return TallyICC(measure, n, None, None, None, None,
                        f"No ICC for {measure}: {err}", n)
    flag = _flag(value, ICC_GREEN, ICC_AMBER)
    band = {Flag.GREEN: "good", Flag.AMBER: "moderate", Flag.RED: "poor"}[flag] \
        if flag else "undefined"
    sentence = (f"ICC for {measure} over {n} clips: {value:.2f} ({band}; 95% interval "
                f"{low:.2f} to {high:.2f}).")
    wanted = n
    if high - low > TARGET_WIDTH:
        wanted = max(n + 1, icc_clips_needed(min(max(value, 0.0), 0.99), TARGET_WIDTH))
        sentence += (f" The interval is wide: about {wanted - n} more clips would narrow "
                     f"it to {TARGET_WIDTH:.1f}.")
    return TallyICC(measure, n, value, low, high, flag, sentence, wanted)


def pair_sentences(measures: Sequence[TallyICC]) -> list[str]:
    """What a pair's ICCs say, for a page or a report: one sentence when none is shown
    yet for the same reason (too few clips), else one per measure."""
    waiting = [m for m in measures if m.value is None and m.clips < MIN_CLIPS]
    if measures and len(waiting) == len(measures) and len({m.clips for m in waiting}) == 1:
        n = waiting[0].clips
        return [f"Not shown yet: an ICC of the tallies needs {MIN_CLIPS} clips both coders "
                f"coded and there {'is' if n == 1 else 'are'} {n}, so {MIN_CLIPS - n} more. "
                f"For a narrow 95% interval (about {TARGET_WIDTH:.1f} wide) plan on "
                f"{waiting[0].clips_wanted} clips."
                + (_untimed(waiting[0].untimed) if waiting[0].untimed else "")]
    return [m.sentence for m in measures]
