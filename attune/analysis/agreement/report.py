"""The agreement report of two coders (docs/practice.md §8): event kappa with its confusion
matrix, detection, onset differences, time-unit kappa, Krippendorff's alpha, ICC on
per-clip tallies, potent and subtle cues apart, flags, the disagreements, and the
parameters stated in sentences a supervisor reads.

The pairing is :mod:`~attune.analysis.agreement.matching`'s, the statistics
:mod:`~attune.analysis.agreement.coefficients`'; this module assembles them. A statistic
that is undefined for the data is recorded as ``value=None`` with the reason, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from attune.analysis.agreement.coefficients import (
    ALPHA_AMBER,
    ALPHA_GREEN,
    ICC_AMBER,
    ICC_GREEN,
    ICC_MIN_CLIPS,
    KAPPA_AMBER,
    KAPPA_GREEN,
    Flag,
    UndefinedStatisticError,
    _categories,
    _flag,
    _kappa_of_ints,
    alpha_from_pairs,
    icc,
    kappa_from_table,
)
from attune.analysis.agreement.matching import (
    LANES,
    _check_ms,
    _check_share,
    _Coded,
    _match,
    _time_unit_states,
)
from attune.core.events import Event
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.core.scheme import EventKind, Potency, Scheme, Valence, pooled_versions
from attune.core.spans import format_ms

UNMATCHED = "unmatched"


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


LANE_NAMES = ("cues", "responses", "reactions")  # _Coded.kind 0, 1, 2
# a lane is about durations when at least this share of its events are spans, not instants
DURATION_LANE_SHARE = 0.5


@dataclass(frozen=True)
class LaneAgreement:
    """Agreement on one lane (cues, responses or reactions) on its own: event kappa of
    the lane's events (matched within the lane, unmatched as a category), detection, and
    time-unit kappa of the lane's codes. ``spans`` is the share of the lane's events (both
    coders) that have a duration; a lane is flagged on durations only when it is at least
    :data:`DURATION_LANE_SHARE`."""

    lane: str
    event_kappa: Statistic
    detection: Detection
    time_unit_kappa: Statistic
    spans: float | None

    @property
    def about_durations(self) -> bool:
        return self.spans is not None and self.spans >= DURATION_LANE_SHARE

    def to_dict(self) -> dict[str, Any]:
        return {"lane": self.lane, "event_kappa": self.event_kappa.to_dict(),
                "detection": self.detection.to_dict(),
                "time_unit_kappa": self.time_unit_kappa.to_dict(), "spans": self.spans,
                "about_durations": self.about_durations}


@dataclass(frozen=True)
class FlagNote:
    """One flag and the question it answers, with the sentence that explains it."""

    question: str  # "the same moments", "how long responses last", "tallies: cues seen"
    flag: Flag | None
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question,
                "flag": None if self.flag is None else self.flag.value,
                "sentence": self.sentence}


@dataclass(frozen=True)
class ClipPair:
    """Two coders' events of one clip, for :func:`agreement_report_clips`, and the scheme
    version they were coded with: each clip is compared with its own version's codes,
    potency and windows (the report's ``scheme`` for a pair that names none)."""

    a: Sequence[Event]
    b: Sequence[Event]
    duration_ms: int | None = None
    clip_id: Any = None
    scheme: Scheme | None = None


def _own_schemes(clips: Sequence[ClipPair], scheme: Scheme | None) -> list[Scheme | None]:
    """Each clip's scheme version: its own, else the one given for all."""
    return [c.scheme or scheme for c in clips]


@dataclass(frozen=True, eq=False)
class AgreementReport:
    """Everything a supervisor needs about two coders on one or several clips.

    ``flag`` answers "do the two coders see the same moments?" (event agreement, see
    :func:`flag_notes`); ``notes`` holds it and the other flags (durations per lane,
    per-clip tallies), each with its sentence. The confusion matrix and the
    disagreements are built when first read.
    """

    coders: tuple[str, str]
    clips: int
    n_events_a: int
    n_events_b: int
    event_kappa: Statistic  # codes, with "unmatched" as a category
    event_kappa_matched: Statistic  # codes of the matched pairs only
    confusion_counts: np.ndarray = field(repr=False)  # rows coder A, columns coder B
    categories: tuple[str, ...]  # the codes, then "unmatched"
    detection: Detection
    mean_abs_onset_diff_ms: float | None
    time_unit_kappa: Statistic  # every code at once (not flagged: see the lanes)
    alpha: Statistic
    icc: Mapping[str, Statistic]  # per-clip tallies: "cues seen", "attuned responses"
    potent: SubsetAgreement | None
    subtle: SubsetAgreement | None
    lanes: tuple[LaneAgreement, ...]
    flag: Flag | None
    notes: tuple[FlagNote, ...]
    parameters: Mapping[str, Any]
    _places: tuple[_Places, ...] = field(repr=False, default=())

    @property
    def flag_reasons(self) -> tuple[str, ...]:
        """Each flag's sentence, the overall one first."""
        return tuple(n.sentence for n in self.notes)

    @cached_property
    def confusion(self) -> pd.DataFrame:
        return pd.DataFrame(self.confusion_counts,
                            index=pd.Index(self.categories, name=f"coder A: {self.coders[0]}"),
                            columns=pd.Index(self.categories,
                                             name=f"coder B: {self.coders[1]}"))

    @cached_property
    def disagreements(self) -> tuple[Disagreement, ...]:
        return _disagreements(self._places, self.coders)

    @cached_property
    def per_code(self) -> pd.DataFrame:
        """Agreement per code (see :func:`per_code_agreement`)."""
        return per_code_agreement(self.confusion)

    def summary_lines(self, *, parameters: bool = True) -> list[str]:
        """The report in words for a terminal or a text export, the parameters first
        (in sentences; ``parameters=False`` leaves them to the caller)."""

        def stat(s: Statistic) -> str:
            if s.value is None:
                return f"undefined ({(s.reason or 'no reason given').rstrip('.')})"
            return f"{s.value:.2f}" + (f", {s.flag.value}" if s.flag else "")

        def share(x: float | None) -> str:
            return "-" if x is None else f"{x:.0%}"

        def at(ms: int) -> str:
            return format_ms(ms, 1)

        a_name, b_name = self.coders
        p = self.parameters
        step = p.get("step_ms")
        d = self.detection
        clips = "1 clip" if self.clips == 1 else f"{self.clips} clips"
        lines = [f"Agreement of {a_name} and {b_name} on {clips}: {self.n_events_a} and "
                 f"{self.n_events_b} events."]
        if parameters:
            lines += parameter_sentences(p)
        lines += [
            f"Event kappa (codes; an event the other coder did not mark counts as "
            f"unmatched): {stat(self.event_kappa)}.",
            f"Event kappa of the events both coders marked: {stat(self.event_kappa_matched)}.",
            "Time-unit kappa (both timelines sampled every "
            + (f"{step / 1000:.1f} s" if isinstance(step, int) else "step")
            + f"): {stat(self.time_unit_kappa)}.",
            f"Krippendorff's alpha (codes as names): {stat(self.alpha)}.",
            f"Events both marked: {d.matched}; only {a_name}: {d.unmatched_a}; only "
            f"{b_name}: {d.unmatched_b} ({share(d.agreement)} of all; the other found "
            f"{share(d.share_a)} of {a_name}'s and {share(d.share_b)} of {b_name}'s).",
        ]
        if self.mean_abs_onset_diff_ms is not None:
            lines.append(f"Events both marked began on average "
                         f"{self.mean_abs_onset_diff_ms / 1000:.2f} s apart.")
        if self.icc and all(s.value is None for s in self.icc.values()) and \
                len({s.reason for s in self.icc.values()}) == 1:
            lines.append(f"Per-clip tallies ({' and '.join(self.icc)}): "
                         f"{next(iter(self.icc.values())).reason}")
        else:
            for name, s in self.icc.items():
                lines.append(f"ICC of the per-clip tally of {name}: {stat(s)}.")
        for sub in (self.potent, self.subtle):
            if sub is not None:
                lines.append(f"{sub.name.capitalize()} cues: kappa {stat(sub.kappa)} "
                             f"({sub.detection.matched} both marked).")
        for lane in self.lanes:
            lines.append(f"{lane.lane.capitalize()}: event kappa {stat(lane.event_kappa)}; "
                         f"time-unit kappa {stat(lane.time_unit_kappa)}.")
        lines.append(f"Overall flag: {self.flag.value if self.flag else 'none'}.")
        lines += list(self.flag_reasons)
        if self.disagreements:
            n = len(self.disagreements)
            shown = "" if n <= 50 else " (the first 50)"
            lines.append(f"Disagreements: {n}{shown}.")
            for dis in self.disagreements[:50]:
                marks = [f"{who} {e.code} at {at(e.start_ms)}"
                         for who, e in ((a_name, dis.a), (b_name, dis.b)) if e is not None]
                where = "" if dis.clip is None else f"Clip {dis.clip} "
                lines.append(f"{where}at {at(dis.at_ms)}, {dis.kind}: {dis.what} "
                             f"({'; '.join(marks)}).")
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
            "lanes": [lane.to_dict() for lane in self.lanes],
            "flag": None if self.flag is None else self.flag.value,
            "flag_reasons": list(self.flag_reasons),
            "notes": [n.to_dict() for n in self.notes],
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
_METHOD_TIME_LANE = ("time-unit kappa of one lane: Cohen's kappa over samples every step of "
                     "that lane's codes only (Bakeman et al. 2009; BORIS)")
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


def _subsets(names: Sequence[str], prepared: list[_Prepared], matched: list[_ClipMatch],
             k: int, method: str) -> list[SubsetAgreement]:
    """Agreement on subsets of cues, each matched on its own (by :func:`_match_clip`):
    ``1`` for ``names[0]``, ``2`` for ``names[1]``, … in each clip's groups."""
    n = len(names)
    tables = np.zeros((n + 1) * k * k, dtype=np.int64)
    for (_, _, ca, cb), (_, _, ga, gb, ia, ib) in zip(prepared, matched, strict=True):
        ka, kb = ga > 0, gb > 0
        la, lb, xa, xb = _int_labels(ca[ka], cb[kb], ia, ib, k - 1)
        unit_group = np.concatenate([ga[ka][ia], ga[ka][xa], gb[kb][xb]])
        tables += np.bincount((unit_group * k + la) * k + lb, minlength=(n + 1) * k * k)
    by_group = tables.reshape(n + 1, k, k)[1:]
    counts = [(int(t[:-1, :-1].sum()), int(t[:-1, -1].sum()), int(t[-1, :-1].sum()))
              for t in by_group]
    out = []
    for g, name in enumerate(names):
        paired, ua, ub = counts[g]

        def kappa(table: np.ndarray = by_group[g], total: int = paired + ua + ub,
                  name: str = name) -> float:
            if total == 0:
                raise UndefinedStatisticError(
                    f"Kappa is undefined: neither coder marked {name} cues.")
            return kappa_from_table(table)

        stat = _statistic(f"{name} cues: event kappa", method, paired + ua + ub, kappa,
                          KAPPA_GREEN, KAPPA_AMBER)
        out.append(SubsetAgreement(name, stat, Detection(paired, ua, ub)))
    return out


def tally_icc(
    clips: Sequence[ClipPair], scheme: Scheme | None = None
) -> dict[str, Statistic]:
    """ICC(2,1) (Shrout & Fleiss 1979), absolute agreement, of per-clip tallies of the two
    coders: "cues seen" always, "attuned responses" when every clip has a scheme version
    (its own, else ``scheme``), each clip's counted with its own version's windows.
    """
    from attune.analysis.tallies import link_responses  # avoids an import cycle at load

    def cues(events: Sequence[Event], _: Scheme | None) -> int:
        return sum(1 for e in events if e.deleted_at is None and e.kind == EventKind.CUE)

    def attuned(events: Sequence[Event], own: Scheme | None) -> int:
        assert own is not None
        return sum(1 for lk in link_responses(events, own) if lk.attuned)

    schemes = _own_schemes(clips, scheme)
    tallies: dict[str, Callable[[Sequence[Event], Scheme | None], int]] = {"cues seen": cues}
    if all(s is not None for s in schemes or [scheme]):
        tallies["attuned responses"] = attuned
    out: dict[str, Statistic] = {}
    for name, count in tallies.items():
        ratings = [[count(c.a, own), count(c.b, own)]
                   for c, own in zip(clips, schemes, strict=True)]

        def compute(r: list[list[int]] = ratings) -> float:
            return icc(r, "ICC(2,1)")

        out[name] = _statistic(f"ICC(2,1) {name}", _METHOD_ICC, len(ratings), compute,
                               ICC_GREEN, ICC_AMBER)
    return out


def agreement_report(
    a: Sequence[Event],
    b: Sequence[Event],
    *,
    tolerance_ms: int = MATCH_TOLERANCE_MS,
    step_ms: int = SAMPLING_STEP_MS,
    scheme: Scheme | None = None,
    clip_duration_ms: int | None = None,
    matching: str = "onset",
    min_overlap: float = 0.6,
    coder_a: str | None = None,
    coder_b: str | None = None,
    clip_id: Any = None,
) -> AgreementReport:
    """Agreement of two coders on one clip (docs/practice.md §8); the package's docstring lists
    every method and its source. For several clips (and the ICC on per-clip tallies) use
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
    tolerance_ms: int = MATCH_TOLERANCE_MS,
    step_ms: int = SAMPLING_STEP_MS,
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
    _check_report_parameters(clips, tolerance_ms, step_ms, matching, min_overlap)
    share = float(min_overlap)
    names = (_coder_name([e for c in clips for e in c.a], coder_a, "A"),
             _coder_name([e for c in clips for e in c.b], coder_b, "B"))
    schemes = _own_schemes(clips, scheme)
    cats, prepared = _code_indices(clips, schemes)
    k = len(cats)
    groups = _potency_groups(schemes, cats)
    matched = [_match_clip(pa, pb, ca, cb, g, matching, tolerance_ms, share)
               for (pa, pb, ca, cb), g in zip(prepared, groups, strict=True)]
    units = _pool_event_units(clips, prepared, matched, k)
    time_stat, lane_times = _time_unit_statistics(clips, prepared, cats[:-1], step_ms)

    method = _METHOD_EVENT if matching == "onset" else _METHOD_OVERLAP
    cm = _table(units.labels_a, units.labels_b, k)
    event_kappa, event_kappa_matched, alpha_stat = _event_statistics(units, cm, method,
                                                                      names)
    lanes = _lanes(units, prepared, k, lane_times, method)
    icc_stats = _icc_statistics(clips, schemes)
    potent: SubsetAgreement | None = None
    subtle: SubsetAgreement | None = None
    if any(g is not None for g in groups):
        potent, subtle = _subsets(("potent", "subtle"), prepared, matched, k, method)
    notes = flag_notes(event_kappa, alpha_stat, lanes, icc_stats, step_ms)
    d = units.detection
    return AgreementReport(
        coders=names, clips=len(clips), n_events_a=d.matched + d.unmatched_a,
        n_events_b=d.matched + d.unmatched_b,
        event_kappa=event_kappa, event_kappa_matched=event_kappa_matched,
        confusion_counts=cm, categories=tuple(cats), detection=d,
        mean_abs_onset_diff_ms=(float(units.onset_diffs_ms.mean())
                                if units.onset_diffs_ms.size else None),
        time_unit_kappa=time_stat, alpha=alpha_stat, icc=icc_stats, potent=potent,
        subtle=subtle, lanes=lanes, flag=notes[0].flag, notes=notes,
        parameters=_report_parameters(clips, schemes, matching, tolerance_ms, share,
                                      step_ms),
        _places=units.places,
    )


def _lanes(units: _EventUnits, prepared: list[_Prepared], k: int,
           lane_times: Sequence[Statistic], method: str) -> tuple[LaneAgreement, ...]:
    """Each lane on its own: its units of event agreement (pairs are always within one
    lane), its time-unit kappa, and the share of its events that are spans."""
    spans = np.zeros(LANES, dtype=np.int64)
    totals = np.zeros(LANES, dtype=np.int64)
    for pa, pb, _, _ in prepared:
        for c in (pa, pb):
            totals += np.bincount(c.kind, minlength=LANES)
            spans += np.bincount(c.kind[c.end > c.start], minlength=LANES)
    # every lane's table in one count: lane, coder A's code, coder B's code
    tables = np.bincount((units.lanes * k + units.labels_a) * k + units.labels_b,
                         minlength=LANES * k * k).reshape(LANES, k, k)
    out = []
    for lane in range(LANES):
        table = tables[lane]
        detection = Detection(int(table[:-1, :-1].sum()), int(table[:-1, -1].sum()),
                              int(table[-1, :-1].sum()))
        name = LANE_NAMES[lane]

        def kappa(table: np.ndarray = table, detection: Detection = detection,
                  name: str = name) -> float:
            if detection.matched + detection.unmatched_a == 0 or \
                    detection.matched + detection.unmatched_b == 0:
                raise UndefinedStatisticError(
                    f"Undefined: one coder or both marked no {name}, so there is nothing "
                    "to compare.")
            return kappa_from_table(table)

        out.append(LaneAgreement(
            name, _statistic(f"event kappa of the {name}", method, int(table.sum()), kappa,
                             KAPPA_GREEN, KAPPA_AMBER),
            detection, lane_times[lane],
            None if totals[lane] == 0 else float(spans[lane] / totals[lane])))
    return tuple(out)


# One clip's coded events: both coders' events, then their code indices (into the pooled
# categories, the last of which is "unmatched").
_Prepared = tuple[_Coded, _Coded, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _EventUnits:
    """The units of event agreement pooled over the clips: each pair, each of A's
    unmatched events and each of B's, as both coders' code indices and the unit's lane
    (0 cue, 1 response, 2 reaction), clip by clip."""

    labels_a: np.ndarray
    labels_b: np.ndarray
    lanes: np.ndarray
    detection: Detection
    onset_diffs_ms: np.ndarray  # absolute, of the matched pairs
    # per clip, what its disagreements are made from (built when first read)
    places: tuple[_Places, ...]


# One clip's disagreements before they are built: clip id, both coders' coded events,
# the pairs with different codes (A's and B's indices) and each coder's unmatched events.
_Places = tuple[Any, _Coded, _Coded, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _check_report_parameters(clips: Sequence[ClipPair], tolerance_ms: int, step_ms: int,
                             matching: str, min_overlap: float) -> None:
    _check_ms("tolerance_ms", tolerance_ms, 0)
    _check_ms("step_ms", step_ms, 1)
    if matching not in ("onset", "overlap"):
        raise ValueError(f"matching must be 'onset' or 'overlap', got {matching!r}")
    _check_share("min_overlap", min_overlap)
    if not clips:
        raise ValueError("agreement_report_clips needs at least one ClipPair")


def _code_indices(clips: Sequence[ClipPair], schemes: Sequence[Scheme | None]
                  ) -> tuple[list[str], list[_Prepared]]:
    """The categories (every code either coder used, sorted, then "unmatched") and each
    clip's coded events with their category indices; each clip's codes must be in its
    own scheme version."""
    coded = [(_Coded(c.a), _Coded(c.b)) for c in clips]
    for (pa, pb), own in zip(coded, schemes, strict=True):
        if own is not None:
            known = {c.id for c in own.codes}
            for code in sorted({*pa.uniq, *pb.uniq} - known):
                own.code(code)  # an unknown code is the user's to fix: InputError
    cats: list[str] = _categories([x for pa, pb in coded for x in (*pa.uniq, *pb.uniq)])
    cats.append(UNMATCHED)
    index = {c: i for i, c in enumerate(cats)}
    prepared = [
        (pa, pb, pa.indices(index), pb.indices(index))
        for pa, pb in coded
    ]
    return cats, prepared


def _pool_event_units(clips: Sequence[ClipPair], prepared: list[_Prepared],
                      matched: list[_ClipMatch], k: int) -> _EventUnits:
    """Pool the units of every clip's matching (by :func:`_match_clip`)."""
    labels_a: list[np.ndarray] = []
    labels_b: list[np.ndarray] = []
    lanes: list[np.ndarray] = []
    diffs: list[np.ndarray] = []
    places: list[_Places] = []
    n_matched = ua = ub = 0
    for clip, (pa, pb, ca, cb), (ia, ib, *_) in zip(clips, prepared, matched, strict=True):
        la, lb, xa, xb = _int_labels(ca, cb, ia, ib, k - 1)
        labels_a.append(la)
        labels_b.append(lb)
        lanes.append(np.concatenate([pa.kind[ia], pa.kind[xa], pb.kind[xb]]))
        n_matched, ua, ub = n_matched + ia.size, ua + xa.size, ub + xb.size
        diffs.append(np.abs(pb.start[ib] - pa.start[ia]))
        differ = ca[ia] != cb[ib]
        places.append((clip.clip_id, pa, pb, ia[differ], ib[differ], xa, xb))
    return _EventUnits(np.concatenate(labels_a), np.concatenate(labels_b),
                       np.concatenate(lanes), Detection(n_matched, ua, ub),
                       np.concatenate(diffs) if diffs else np.empty(0), tuple(places))


# One clip's matchings: the events' pairs (A's and B's indices), each cue's subset
# (``groups``: 0 none, 1 potent, 2 subtle) for A and B, and the pairs within the subsets
# (indices among each coder's cues of a subset, in event order).
_ClipMatch = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _match_clip(pa: _Coded, pb: _Coded, ca: np.ndarray, cb: np.ndarray,
                groups: np.ndarray | None, matching: str, tolerance_ms: int,
                min_overlap: float) -> _ClipMatch:
    """Match a clip's events, and its cues within each subset (potent, subtle), in one
    call: the subsets' cues are added again with the subset as their kind. Matching
    never pairs different kinds, so each part is matched exactly as on its own."""
    ga = np.zeros(pa.start.size, np.int64) if groups is None else \
        np.where(pa.kind == 0, groups[ca], 0)
    gb = np.zeros(pb.start.size, np.int64) if groups is None else \
        np.where(pb.kind == 0, groups[cb], 0)
    ka, kb = ga > 0, gb > 0
    na, nb = pa.start.size, pb.start.size
    if not (ka.any() and kb.any()):
        ia, ib = _match(pa, pb, matching, tolerance_ms, min_overlap)
        empty = np.empty(0, np.int64)
        return ia, ib, ga, gb, empty, empty
    # kinds 0-2 are the lanes; a subset g becomes kind LANES - 1 + g
    both_a = pa.with_copies(ka, ga + LANES - 1)
    both_b = pb.with_copies(kb, gb + LANES - 1)
    ia, ib = _match(both_a, both_b, matching, tolerance_ms, min_overlap)
    main = ia < na
    return ia[main], ib[main], ga, gb, ia[~main] - na, ib[~main] - nb


def _disagreements(places: Sequence[_Places], names: tuple[str, str]
                   ) -> tuple[Disagreement, ...]:
    """Every clip's disagreements, in clip and time order."""
    out: list[Disagreement] = []
    for clip_id, pa, pb, differ_a, differ_b, xa, xb in places:
        out += _clip_disagreements(clip_id, pa, pb, differ_a, differ_b, xa, xb, names)
    out.sort(key=lambda d: (str(d.clip), d.at_ms))
    return tuple(out)


def _clip_disagreements(clip_id: Any, pa: _Coded, pb: _Coded, differ_a: np.ndarray,
                        differ_b: np.ndarray, xa: np.ndarray, xb: np.ndarray,
                        names: tuple[str, str]) -> list[Disagreement]:
    """One clip's disagreements: pairs with different codes (``differ_a[i]`` with
    ``differ_b[i]``), then A's unmatched events (``xa``), then B's (``xb``)."""
    out = []
    for i, j in zip(differ_a.tolist(), differ_b.tolist(), strict=True):
        ea, eb = pa.events[i], pb.events[j]
        out.append(Disagreement(clip_id, min(ea.start_ms, eb.start_ms), ea.kind.value,
                                "different codes", ea, eb))
    for i in xa.tolist():
        e = pa.events[i]
        out.append(Disagreement(clip_id, e.start_ms, e.kind.value, f"only {names[0]}", e,
                                None))
    for j in xb.tolist():
        e = pb.events[j]
        out.append(Disagreement(clip_id, e.start_ms, e.kind.value, f"only {names[1]}", None,
                                e))
    return out


def _time_unit_statistics(clips: Sequence[ClipPair], prepared: list[_Prepared],
                          codes: Sequence[str], step_ms: int
                          ) -> tuple[Statistic, tuple[Statistic, ...]]:
    """Time-unit kappa over the samples of every clip that can be sampled: over every
    code at once, and for each lane (cues, responses, reactions) on its own codes."""
    samples_a: list[np.ndarray] = []
    samples_b: list[np.ndarray] = []
    masks = np.zeros(LANES, dtype=np.uint64)
    reason: str | None = None
    for clip, (pa, pb, _, _) in zip(clips, prepared, strict=True):
        try:
            sa, sb, _, m = _time_unit_states(pa, pb, step_ms, clip.duration_ms, codes)
        except UndefinedStatisticError as err:
            reason = str(err)
        else:
            samples_a.append(sa)
            samples_b.append(sb)
            masks |= m
    if not samples_a:
        why = reason or "no samples"
        return (Statistic("time-unit kappa", None, 0, _METHOD_TIME, reason=why),
                tuple(Statistic(f"time-unit kappa of the {LANE_NAMES[lane]}", None, 0,
                                _METHOD_TIME_LANE, reason=why) for lane in range(LANES)))
    all_a, all_b = np.concatenate(samples_a), np.concatenate(samples_b)
    n = int(all_a.size)
    overall = _statistic("time-unit kappa", _METHOD_TIME, n,
                         lambda: _kappa_of_ints(all_a, all_b), KAPPA_GREEN, KAPPA_AMBER)
    lanes = []
    for lane in range(LANES):
        mask = masks[lane]

        def compute(mask: np.uint64 = mask, lane: int = lane) -> float:
            if not mask:
                raise UndefinedStatisticError(
                    f"Undefined: neither coder marked any {LANE_NAMES[lane]}.")
            return _kappa_of_ints(all_a & mask, all_b & mask)

        lanes.append(_statistic(f"time-unit kappa of the {LANE_NAMES[lane]}",
                                _METHOD_TIME_LANE, n, compute, KAPPA_GREEN, KAPPA_AMBER))
    return overall, tuple(lanes)


def _need_both(detection: Detection, names: tuple[str, str],
               compute: Callable[[], float]) -> Callable[[], float]:
    """``compute``, undefined when either coder marked no events."""
    n_a = detection.matched + detection.unmatched_a
    n_b = detection.matched + detection.unmatched_b

    def run() -> float:
        if n_a == 0 or n_b == 0:
            who = names[0] if n_a == 0 else names[1]
            if n_a == 0 and n_b == 0:
                who = "either coder"
            raise UndefinedStatisticError(
                f"Undefined: {who} marked no events, so there is nothing to compare. "
                "Check that both coders finished the clip."
            )
        return compute()

    return run


def _event_statistics(units: _EventUnits, cm: np.ndarray, method: str,
                      names: tuple[str, str]) -> tuple[Statistic, Statistic, Statistic]:
    """Event kappa (unmatched as a category), kappa of the matched pairs only, and
    Krippendorff's alpha with an event the other coder did not mark as missing."""
    d = units.detection

    def matched_kappa() -> float:
        if d.matched == 0:
            raise UndefinedStatisticError(
                "Kappa on matched pairs is undefined: no events were matched. Check the "
                "tolerance and that both coders coded the same clip."
            )
        return kappa_from_table(cm[:-1, :-1])

    def alpha() -> float:  # the matched pairs are the pairable units
        return alpha_from_pairs(cm[:-1, :-1])

    n_units = d.matched + d.unmatched_a + d.unmatched_b
    return (
        _statistic("event kappa", method, n_units,
                   _need_both(d, names, lambda: kappa_from_table(cm)),
                   KAPPA_GREEN, KAPPA_AMBER),
        _statistic("event kappa, matched pairs only", method, d.matched,
                   _need_both(d, names, matched_kappa), KAPPA_GREEN, KAPPA_AMBER),
        _statistic("Krippendorff's alpha", _METHOD_ALPHA, d.matched,
                   _need_both(d, names, alpha), ALPHA_GREEN, ALPHA_AMBER),
    )


def _icc_statistics(clips: Sequence[ClipPair], schemes: Sequence[Scheme | None]
                    ) -> dict[str, Statistic]:
    """ICC on per-clip tallies (each clip with its own scheme version); with one clip,
    undefined with the reason."""
    if len(clips) >= 2:
        return tally_icc([replace(c, scheme=own) for c, own in zip(clips, schemes,
                                                                   strict=True)])
    reason = ("An ICC compares per-clip tallies, so one clip gives nothing to compare: it "
              f"is computed over all the clips a pair coded (from {ICC_MIN_CLIPS} clips).")
    stats = {"cues seen": Statistic("ICC(2,1) cues seen", None, 1, _METHOD_ICC,
                                    reason=reason)}
    if all(s is not None for s in schemes):
        stats["attuned responses"] = Statistic("ICC(2,1) attuned responses", None, 1,
                                               _METHOD_ICC, reason=reason)
    return stats


def _potency_groups(schemes: Sequence[Scheme | None], cats: list[str]
                    ) -> list[np.ndarray | None]:
    """For each clip, each code index's subset of cues under the clip's own scheme
    version: 1 potent, 2 subtle, 0 not a cue or not in that version (None without a
    scheme)."""
    made: dict[int, np.ndarray] = {}
    out: list[np.ndarray | None] = []
    for scheme in schemes:
        if scheme is None:
            out.append(None)
            continue
        if id(scheme) not in made:
            potency = np.zeros(len(cats), dtype=np.int64)
            by_id = {c.id: c for c in scheme.codes}
            for i, code in enumerate(cats[:-1]):
                p = by_id[code].potency if code in by_id else None
                potency[i] = 0 if p is None else 1 if p == Potency.POTENT else 2
            made[id(scheme)] = potency
        out.append(made[id(scheme)])
    return out


def _report_parameters(clips: Sequence[ClipPair], schemes: Sequence[Scheme | None],
                       matching: str, tolerance_ms: int, min_overlap: float, step_ms: int
                       ) -> dict[str, Any]:
    """The parameters as data (for JSON); :func:`parameter_sentences` says them in words."""
    return {
        "matching": matching,
        "tolerance_ms": tolerance_ms if matching == "onset" else None,
        "min_overlap": min_overlap if matching == "overlap" else None,
        "step_ms": step_ms,
        "step_is": "a sampling step for time-unit kappa, not a tolerance",
        "clip_durations_ms": [c.duration_ms for c in clips],
        "clip_ids": [c.clip_id for c in clips],
        **scheme_parameters((s.label, s.windows_by_letter) for s in schemes if s is not None),
        "deleted_events": "ignored",
        "flags": {"kappa": [KAPPA_AMBER, KAPPA_GREEN], "alpha": [ALPHA_AMBER, ALPHA_GREEN],
                  "icc": [ICC_AMBER, ICC_GREEN]},
    }


def scheme_parameters(used: Iterable[tuple[str, Mapping[str, int]]]) -> dict[str, Any]:
    """The scheme versions a report pools, as parameters, from each clip's ``(label,
    windows)``: ``scheme`` (the version when there is one, else None), ``schemes`` (every
    version, in the order first used), ``windows_ms`` (the first version's) and
    ``windows_by_scheme`` (each version's, when they differ)."""
    versions, windows, by_version = pooled_versions(used)
    return {"scheme": versions[0] if len(versions) == 1 else None,
            "schemes": list(versions), "windows_ms": windows,
            "windows_by_scheme": by_version}


def stated_versions(parameters: Mapping[str, Any]) -> list[tuple[str, Mapping[str, int]]]:
    """The ``(label, windows)`` of each version a report's parameters state (the inverse
    of :func:`scheme_parameters`, to pool several reports' versions)."""
    by_version = parameters.get("windows_by_scheme")
    if isinstance(by_version, Mapping):
        return list(by_version.items())
    windows = parameters.get("windows_ms") or {}
    versions = parameters.get("schemes") or \
        ([parameters["scheme"]] if parameters.get("scheme") else [])
    return [(str(v), windows) for v in versions]


_MOMENTS = "the same moments"
_BAND_WORDS = {
    # what a band means for each question, after "so ..."
    "moments": {Flag.GREEN: "the coders marked the same moments and gave them the same codes",
                Flag.AMBER: "they mostly mark the same moments with the same codes; go "
                            "through the disagreements together",
                Flag.RED: "they often mark different moments or give them different codes; "
                          "go through the disagreements together"},
    "durations": {Flag.GREEN: "the coders agree on when these start and stop",
                  Flag.AMBER: "they roughly agree on when these start and stop",
                  Flag.RED: "they often disagree on when these start and stop"},
    "tallies": {Flag.GREEN: "their counts of the same clip agree well",
                Flag.AMBER: "their counts of the same clip agree moderately",
                Flag.RED: "their counts of the same clip differ"},
}


def _band_phrase(flag: Flag, green: float, amber: float) -> str:
    if flag == Flag.GREEN:
        return f"is {_band(green)} or more"
    if flag == Flag.AMBER:
        return f"is between {_band(amber)} and {_band(green)}"
    return f"is below {_band(amber)}"


def _note(question: str, words: str, label: str, value: float, flag: Flag, green: float,
          amber: float) -> FlagNote:
    return FlagNote(question, flag,
                    f"{flag.value.capitalize()} for {question}: {label} {value:.2f} "
                    f"{_band_phrase(flag, green, amber)}, so {_BAND_WORDS[words][flag]}.")


def flag_notes(event_kappa: Statistic, alpha: Statistic, lanes: Sequence[LaneAgreement],
               icc_stats: Mapping[str, Statistic], step_ms: int,
               kappa_label: str = "event kappa") -> tuple[FlagNote, ...]:
    """The flags of a report, each answering one question, each with its sentence
    (docs/practice.md §8, "Which measure flags what"):

    1. *the same moments* (the overall flag, always first): event kappa, codes with
       "unmatched" as a category; when it is undefined, Krippendorff's alpha on the same
       units (bands .667/.80); no flag when both are undefined;
    2. *how long a lane's events last*: time-unit kappa of that lane's codes, only for a
       lane whose events are mostly spans (a lane of instants is sampled too, and shown,
       but time-unit agreement on instants mostly measures the sampling step);
    3. *tallies*: ICC(2,1) of each per-clip tally, once it is defined.

    >>> ek = Statistic("event kappa", 0.87, 40, "", flag=Flag.GREEN)
    >>> n = flag_notes(ek, ek, [], {}, 1000)
    >>> n[0].flag.value, n[0].sentence[:60]
    ('green', 'Green for the same moments: event kappa 0.87 is .80 or more,')
    """
    notes: list[FlagNote] = []
    if event_kappa.value is not None and event_kappa.flag is not None:
        notes.append(_note(_MOMENTS, "moments", kappa_label, event_kappa.value,
                           event_kappa.flag, KAPPA_GREEN, KAPPA_AMBER))
    elif alpha.value is not None and alpha.flag is not None:
        notes.append(_note(_MOMENTS, "moments", "Krippendorff's alpha", alpha.value,
                           alpha.flag, ALPHA_GREEN, ALPHA_AMBER))
    else:
        why = event_kappa.reason or alpha.reason or "no statistic could be computed"
        notes.append(FlagNote(_MOMENTS, None, f"No flag for the same moments: {why}"))
    for lane in lanes:
        s = lane.time_unit_kappa
        if s.value is None or s.flag is None:
            continue
        if lane.about_durations:
            notes.append(_note(f"how long {lane.lane} last", "durations",
                               f"time-unit kappa (every {_seconds(step_ms)})", s.value,
                               s.flag, KAPPA_GREEN, KAPPA_AMBER))
        else:
            notes.append(FlagNote(
                f"how long {lane.lane} last", None,
                f"No flag for how long {lane.lane} last: most {lane.lane} were marked as "
                f"instants, so their time-unit kappa ({s.value:.2f}) is shown but not "
                f"flagged; the same-moments flag covers them."))
    for name, s in icc_stats.items():
        if s.value is not None and s.flag is not None:
            notes.append(_note(f"the per-clip tally of {name}", "tallies", "ICC", s.value,
                               s.flag, ICC_GREEN, ICC_AMBER))
    return tuple(notes)


def per_code_agreement(confusion: pd.DataFrame) -> pd.DataFrame:
    """Agreement per code from a confusion matrix (rows coder A, columns coder B).

    For each code: how often coder A and coder B used it, how often both did on the same
    event (the diagonal), and the *specific agreement* 2·n_ii / (n_i· + n_·i) (Fleiss
    1975; Cicchetti & Feinstein 1990), the share of the code's uses that the other coder
    agreed with. Lowest agreement first; "unmatched" is not a code.

    >>> conf = pd.DataFrame([[3, 1, 0], [0, 2, 1], [1, 0, 0]],
    ...                     index=["C01", "C02", "unmatched"],
    ...                     columns=["C01", "C02", "unmatched"])
    >>> per_code_agreement(conf).to_dict("records")[0]
    {'code': 'C02', 'coder A': 3, 'coder B': 3, 'both': 2, 'agreement': 0.667}
    """
    columns = ["code", "coder A", "coder B", "both", "agreement"]
    if confusion.empty:
        return pd.DataFrame(columns=columns)
    codes = sorted((set(confusion.index) | set(confusion.columns)) - {UNMATCHED})
    rows = []
    for code in codes:
        a = int(confusion.loc[code].sum()) if code in confusion.index else 0
        b = int(confusion[code].sum()) if code in confusion.columns else 0
        both = (int(confusion.loc[code, code])
                if code in confusion.index and code in confusion.columns else 0)
        if a + b == 0:
            continue
        rows.append({"code": code, "coder A": a, "coder B": b, "both": both,
                     "agreement": round(2 * both / (a + b), 3)})
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["agreement", "code"], na_position="last", ignore_index=True)


# ------------------------------------------------------------------ parameters in words

_CUES_OF = {Valence.ENGAGEMENT: "an engagement cue", Valence.DISENGAGEMENT:
            "a disengagement cue", Valence.DISTRESS: "a distress cue"}


def parameter_sentences(parameters: Mapping[str, Any]) -> list[str]:
    """A report's parameters in sentences a supervisor reads, the pairing first and the
    sampling step second (users confuse the two, docs/practice.md §8): times in seconds, no
    identifiers. The page, the PDF and the CSV all state the parameters with these.

    ``parameters`` is :attr:`AgreementReport.parameters` or a mapping with some of its
    keys; a key that is missing or None is not mentioned.

    >>> for line in parameter_sentences({"tolerance_ms": 800, "step_ms": 1000,
    ...                                  "windows_ms": {"E": 3000, "X": 5000}}):
    ...     print(line)
    Events of the two coders were paired, cue with cue and response with response, when
    their onsets were at most 0.8 s apart (the tolerance); an event without a partner
    counts as unmatched.
    Time-unit agreement sampled both timelines every 1.0 s; it is a sampling step, not a
    tolerance.
    A response counted as attuned when it fitted its cue and began within 3.0 s of an
    engagement cue or 5.0 s of a distress cue (the latency windows).
    """
    p = parameters
    lines: list[str] = []
    paired = ("Events of the two coders were paired, cue with cue and response with "
              "response, when ")
    unmatched = "; an event without a partner counts as unmatched."
    if p.get("matching") == "overlap" and p.get("min_overlap") is not None:
        lines.append(f"{paired}they overlapped by at least {float(p['min_overlap']):.0%} of "
                     f"the longer of the two (as ELAN compares annotations){unmatched}")
    elif p.get("tolerance_ms") is not None:
        lines.append(f"{paired}their onsets were at most {_seconds(p['tolerance_ms'])} apart "
                     f"(the tolerance){unmatched}")
    if p.get("step_ms") is not None:
        lines.append(f"Time-unit agreement sampled both timelines every "
                     f"{_seconds(p['step_ms'])}; it is a sampling step, not a tolerance.")
    versions = [v for v, _ in stated_versions(p)]
    if len(versions) > 1:
        lines.append(f"The clips were coded under {len(versions)} versions of the coding "
                     f"scheme ({_words(versions, 'and')}); each clip was compared with the "
                     "codes of its own version.")
    elif versions:
        lines.append(f"The codes are those of the coding scheme {versions[0]}.")
    by_version = p.get("windows_by_scheme")
    if isinstance(by_version, Mapping) and by_version:
        for version, windows in by_version.items():
            lines.append(f"Under {version}, {_attuned_within(windows)}")
    elif isinstance(p.get("windows_ms"), Mapping) and p["windows_ms"]:
        sentence = _attuned_within(p["windows_ms"])
        lines.append(sentence[0].upper() + sentence[1:])
    if p.get("deleted_events") == "ignored":
        lines.append("Deleted events were left out.")
    flags = p.get("flags")
    if isinstance(flags, Mapping):
        kappa = flags.get("kappa", (KAPPA_AMBER, KAPPA_GREEN))
        alpha = flags.get("alpha", (ALPHA_AMBER, ALPHA_GREEN))
        icc_ = flags.get("icc", (ICC_AMBER, ICC_GREEN))
        lines.append("The overall flag answers whether the coders see the same moments, "
                     "from event kappa; a lane whose events are mostly spans gets a flag for "
                     "durations from its time-unit kappa, and each per-clip tally one from "
                     "its ICC.")
        lines.append(f"Bands: green for kappa of {_band(kappa[1])} or more, alpha of "
                     f"{_band(alpha[1])} or more and ICC of {_band(icc_[1])} or more; amber "
                     f"for kappa from {_band(kappa[0])}, alpha from {_band(alpha[0])} and "
                     f"ICC from {_band(icc_[0])}; red below.")
    if p.get("pairs") is not None:
        lines.append(f"Clips coded by two coders in this report: {p['pairs']}.")
    return lines


def _attuned_within(windows: Mapping[str, int]) -> str:
    each = [f"{_seconds(ms)} of {_CUES_OF[Valence(str(v))]}" for v, ms in windows.items()]
    return ("a response counted as attuned when it fitted its cue and began within "
            f"{_words(each, 'or')} (the latency windows).")


def _seconds(ms: int) -> str:
    """Milliseconds for reading, in seconds with at least one decimal.

    >>> _seconds(1000), _seconds(250), _seconds(3000)
    ('1.0 s', '0.25 s', '3.0 s')
    """
    text = f"{int(ms) / 1000:.3f}".rstrip("0")
    return f"{text}0 s" if text.endswith(".") else f"{text} s"


def _band(value: float) -> str:
    """A band's edge as statisticians write it.

    >>> _band(0.8), _band(0.667), _band(0.5)
    ('.80', '.667', '.50')
    """
    text = f"{float(value):.3f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text.removeprefix("0")


def _words(items: Sequence[str], conjunction: str) -> str:
    """``a, b or c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
