"""Agreement of any number of coders on one clip (docs/practice.md §8, "Many coders"):
a training group on a gold clip, or three-way reliability.

- **Moments.** The coders' events are gathered into moments: coder by coder (the gold
  coder first when there is one, then by name), each coder's events are paired one to one
  with the moments found so far, greedily by the smallest onset difference within the
  tolerance and of the same kind (the pairing of :func:`match_events`, against each
  moment's first onset); an event left over starts a moment of its own. Each moment is a
  unit: each coder gave it a code, or did not mark it.
- **Fleiss' kappa** (Fleiss 1971) over the moments, "not marked" counting as a category,
  as the two-coder event kappa counts "unmatched": every coder rates every moment. It gives
  the group's flag for "the same moments", with the kappa bands.
- **Krippendorff's alpha** (nominal; Krippendorff 2011) over the moments, "not marked"
  counting as a missing value.
- **Per lane, over time units**: each lane's codes sampled every step for every coder;
  Fleiss' kappa and alpha over the samples (every coder has a state at every sample).
- **Each coder against the gold coding**: the two-coder report of
  :func:`agreement_report`, when a gold coder is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from attune.analysis.agreement.coefficients import (
    ALPHA_AMBER,
    ALPHA_GREEN,
    KAPPA_AMBER,
    KAPPA_GREEN,
    Flag,
    Level,
    UndefinedStatisticError,
    _alpha_from_index,
    _categories,
    fleiss_kappa,
)
from attune.analysis.agreement.matching import (
    LANES,
    _check_ms,
    _Coded,
    _match_onsets,
    _sample_codes,
)
from attune.analysis.agreement.report import (
    LANE_NAMES,
    AgreementReport,
    FlagNote,
    Statistic,
    _seconds,
    _statistic,
    agreement_report,
    flag_notes,
)
from attune.core.events import Event
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.core.scheme import Scheme
from attune.errors import InputError

_METHOD_FLEISS = ("Fleiss' kappa (Fleiss 1971) over the moments the coders marked; not "
                  "marking a moment counts as a category")
_METHOD_ALPHA = ("Krippendorff's alpha, nominal (Krippendorff 2011), over the moments; not "
                 "marking a moment is a missing value")
_METHOD_TIME = ("{} over samples every step of one lane's codes (Bakeman et al. 2009), "
                "every coder rating every sample")


@dataclass(frozen=True)
class GroupLane:
    """One lane over time units, for every coder at once."""

    lane: str
    fleiss_kappa: Statistic
    alpha: Statistic

    def to_dict(self) -> dict[str, Any]:
        return {"lane": self.lane, "fleiss_kappa": self.fleiss_kappa.to_dict(),
                "alpha": self.alpha.to_dict()}


@dataclass(frozen=True, eq=False)
class GroupAgreement:
    """Agreement of several coders on one clip."""

    coders: tuple[str, ...]
    gold: str | None
    moments: int
    marked: Mapping[str, int]  # each coder's share of the moments, as a count
    fleiss_kappa: Statistic
    alpha: Statistic
    lanes: tuple[GroupLane, ...]
    flag: Flag | None
    note: FlagNote
    versus_gold: Mapping[str, AgreementReport]  # coder → report against the gold coder
    parameters: Mapping[str, Any]

    def summary_lines(self) -> list[str]:
        """The group's agreement in sentences and short lines, for the PDF and a terminal."""

        def stat(s: Statistic) -> str:
            return f"undefined ({s.reason})" if s.value is None else f"{s.value:.2f}"

        lines = [f"{len(self.coders)} coders ({', '.join(self.coders)}) marked "
                 f"{self.moments} moments between them"
                 + (f"; the gold coding is {self.gold}'s." if self.gold else "."),
                 f"Fleiss' kappa over the moments (not marking one counts as a category): "
                 f"{stat(self.fleiss_kappa)}.",
                 f"Krippendorff's alpha over the moments (not marking one is a missing "
                 f"value): {stat(self.alpha)}.",
                 self.note.sentence]
        for lane in self.lanes:
            lines.append(f"{lane.lane.capitalize()} over time units: Fleiss' kappa "
                         f"{stat(lane.fleiss_kappa)}, alpha {stat(lane.alpha)}.")
        for coder, r in self.versus_gold.items():
            found = r.detection.share_a
            lines.append(f"{coder} against the gold coding: event kappa "
                         f"{stat(r.event_kappa)}, "
                         f"{'-' if found is None else f'{found:.0%}'} of the gold moments "
                         f"found, flag {r.flag.value if r.flag else 'none'}.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"coders": list(self.coders), "gold": self.gold, "moments": self.moments,
                "marked": dict(self.marked), "fleiss_kappa": self.fleiss_kappa.to_dict(),
                "alpha": self.alpha.to_dict(),
                "lanes": [lane.to_dict() for lane in self.lanes],
                "flag": None if self.flag is None else self.flag.value,
                "note": self.note.to_dict(),
                "versus_gold": {c: r.to_dict() for c, r in self.versus_gold.items()},
                "parameters": dict(self.parameters)}


def _gather_moments(coded: Sequence[_Coded], tolerance_ms: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Coders x moments: the index of each coder's event in each moment (-1: not
    marked), and each moment's lane."""
    starts: list[np.ndarray] = []
    kinds: list[np.ndarray] = []
    members: list[np.ndarray] = []  # per coder: the moment of each of its events
    count = 0
    for c in coded:
        n = c.start.size
        moment_of = np.full(n, -1, dtype=np.int64)
        if count and n:
            known = object.__new__(_Coded)
            known.start = np.concatenate(starts)
            known.end = known.start
            known.kind = np.concatenate(kinds)
            ia, ib = _match_onsets(c, known, tolerance_ms)
            moment_of[ia] = ib
        new = np.flatnonzero(moment_of < 0)
        moment_of[new] = count + np.arange(new.size)
        count += new.size
        starts.append(c.start[new])
        kinds.append(c.kind[new])
        members.append(moment_of)
    events = np.full((len(coded), count), -1, dtype=np.int64)
    for i, moment_of in enumerate(members):
        events[i, moment_of] = np.arange(moment_of.size)
    lanes = np.concatenate(kinds) if kinds else np.empty(0, dtype=np.int64)
    return events, lanes


def _fleiss_of_ints(ratings: np.ndarray) -> float:
    """Fleiss' kappa of units x raters given as integer categories (none missing)."""
    values, inverse = np.unique(ratings, return_inverse=True)
    units = ratings.shape[0]
    flat = np.arange(units)[:, None] * values.size + inverse.reshape(ratings.shape)
    table = np.bincount(flat.ravel(), minlength=units * values.size)
    return fleiss_kappa(table.reshape(units, values.size))


def _alpha_of_ints(ratings: np.ndarray) -> float:
    """Nominal alpha of units x raters given as integer categories (none missing)."""
    values, inverse = np.unique(ratings, return_inverse=True)
    idx = inverse.reshape(ratings.shape).T
    return _alpha_from_index(idx, np.arange(values.size), Level.NOMINAL)


def group_agreement(
    events_by_coder: Mapping[str, Sequence[Event]],
    *,
    gold: str | None = None,
    tolerance_ms: int = MATCH_TOLERANCE_MS,
    step_ms: int = SAMPLING_STEP_MS,
    clip_duration_ms: int | None = None,
    scheme: Scheme | None = None,
) -> GroupAgreement:
    """Agreement of every coder in ``events_by_coder`` (two or more) on one clip; the
    module's docstring says how. ``gold`` names the gold coder (compared with each
    other coder, and gathered first).

    >>> from attune.core.scheme import EventKind
    >>> def cue(code, ms): return Event(EventKind.CUE, code, ms, ms)
    >>> g = group_agreement({"ann": [cue("C01", 0), cue("C02", 5000)],
    ...                      "bo": [cue("C01", 200), cue("C02", 5100)],
    ...                      "cy": [cue("C01", 100), cue("C03", 4900)]})
    >>> g.moments, round(g.fleiss_kappa.value, 3), round(g.alpha.value, 3)
    (2, 0.455, 0.545)
    """
    _check_ms("tolerance_ms", tolerance_ms, 0)
    _check_ms("step_ms", step_ms, 1)
    if len(events_by_coder) < 2:
        raise InputError("Agreement needs at least two coders' coding of the clip.")
    if gold is not None and gold not in events_by_coder:
        raise InputError(f"{gold} has not coded this clip, so it cannot be the gold coding.")
    order = sorted(events_by_coder)
    if gold is not None:
        order = [gold, *(c for c in order if c != gold)]
    coded = [_Coded(events_by_coder[c]) for c in order]
    codes: list[str] = _categories([x for c in coded for x in c.uniq])
    if scheme is not None:
        known = {c.id for c in scheme.codes}
        for code in codes:
            if code not in known:
                scheme.code(code)  # the user's to fix: InputError with what to do
    index = {code: i for i, code in enumerate(codes)}
    not_marked = len(codes)
    events, _ = _gather_moments(coded, tolerance_ms)
    ratings = np.full(events.shape, not_marked, dtype=np.int64)  # coders x moments
    for i, c in enumerate(coded):
        mine = events[i] >= 0
        ratings[i, mine] = c.indices(index)[events[i, mine]]
    moments = int(events.shape[1])

    def need_moments() -> None:
        if moments == 0:
            raise UndefinedStatisticError(
                "Undefined: nobody marked any event, so there is nothing to compare.")

    def fleiss() -> float:
        need_moments()
        return _fleiss_of_ints(ratings.T)

    def alpha() -> float:
        need_moments()
        idx = np.where(ratings == not_marked, -1, ratings)
        return _alpha_from_index(idx, np.arange(not_marked), Level.NOMINAL)

    fleiss_stat = _statistic("Fleiss' kappa", _METHOD_FLEISS, moments, fleiss,
                             KAPPA_GREEN, KAPPA_AMBER)
    alpha_stat = _statistic("Krippendorff's alpha", _METHOD_ALPHA, moments, alpha,
                            ALPHA_GREEN, ALPHA_AMBER)
    note = flag_notes(fleiss_stat, alpha_stat, [], {}, step_ms, "Fleiss' kappa")[0]
    group_lanes = _time_unit_lanes(coded, codes, step_ms, clip_duration_ms)
    versus = {}
    if gold is not None:
        for trainee in order[1:]:
            versus[trainee] = agreement_report(
                events_by_coder[gold], events_by_coder[trainee], tolerance_ms=tolerance_ms,
                step_ms=step_ms, scheme=scheme, clip_duration_ms=clip_duration_ms,
                coder_a=gold, coder_b=trainee)
    return GroupAgreement(
        coders=tuple(order), gold=gold, moments=moments,
        marked={name: int((events[i] >= 0).sum()) for i, name in enumerate(order)},
        fleiss_kappa=fleiss_stat, alpha=alpha_stat, lanes=group_lanes, flag=note.flag,
        note=note, versus_gold=versus,
        parameters={"tolerance_ms": tolerance_ms, "step_ms": step_ms,
                    "coders": len(order),
                    "scheme": None if scheme is None else scheme.label})


def _time_unit_lanes(coded: Sequence[_Coded], codes: Sequence[str], step_ms: int,
                     duration_ms: int | None) -> tuple[GroupLane, ...]:
    """Each lane sampled every step for every coder: Fleiss' kappa and alpha."""
    if len(codes) > 64:
        raise InputError("Time-unit agreement handles up to 64 different codes in one clip.")
    if duration_ms is None:
        ends = [int(c.end.max()) for c in coded if c.end.size]
        duration_ms = max(ends) + 1 if ends else None
    out = []
    if duration_ms is None:
        why = ("Undefined: nobody marked any event and the clip's duration is not known.")
        for lane in range(LANES):
            out.append(GroupLane(
                LANE_NAMES[lane],
                Statistic(f"Fleiss' kappa of the {LANE_NAMES[lane]}", None, 0, "", reason=why),
                Statistic(f"alpha of the {LANE_NAMES[lane]}", None, 0, "", reason=why)))
        return tuple(out)
    n_samples = max(1, -(-duration_ms // step_ms))
    code_bit = {code: 1 << i for i, code in enumerate(codes)}
    masks = np.zeros(LANES, dtype=np.uint64)
    states = np.zeros((n_samples, len(coded)), dtype=np.uint64)
    for i, c in enumerate(coded):
        bits = np.fromiter(map(code_bit.__getitem__, c.uniq), np.uint64, len(c.uniq))[c.rank]
        np.bitwise_or.at(masks, c.kind, bits)
        states[:, i] = _sample_codes(c, step_ms, n_samples, bits)
    for lane in range(LANES):
        name = LANE_NAMES[lane]
        lane_states = states & masks[lane]

        def check(mask: np.uint64 = masks[lane], name: str = name) -> None:
            if not mask:
                raise UndefinedStatisticError(f"Undefined: nobody marked any {name}.")

        def fleiss(s: np.ndarray = lane_states, check: Any = check) -> float:
            check()
            return _fleiss_of_ints(s)

        def alpha(s: np.ndarray = lane_states, check: Any = check) -> float:
            check()
            return _alpha_of_ints(s)

        method_f = _METHOD_TIME.format("Fleiss' kappa")
        method_a = _METHOD_TIME.format("Krippendorff's alpha")
        out.append(GroupLane(
            name,
            _statistic(f"Fleiss' kappa of the {name} (every {_seconds(step_ms)})", method_f,
                       n_samples, fleiss, KAPPA_GREEN, KAPPA_AMBER),
            _statistic(f"alpha of the {name} (every {_seconds(step_ms)})", method_a,
                       n_samples, alpha, ALPHA_GREEN, ALPHA_AMBER)))
    return tuple(out)
