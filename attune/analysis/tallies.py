"""Sensitivity tallies of docs/practice.md §5: descriptive counts of cues, responses and chains.

Every figure here is a *count* (or a rate per minute, or a median time), never a score of
a licensed measure (CARE-Index, EAS, PIIOS, CIB, KIPS, NCAST). The figures a parent may
hear (:class:`ParentTallies`) and those only practitioners and supervisors see
(:class:`PractitionerFigures`: N01-N03 counts, unanswered cues, the proportion of cues
answered) are separate types, so that a parent view that takes ``ParentTallies`` cannot
show the others by accident.

Rules used (docs/practice.md §4):

- a response answers the cue named by its ``answers_id``; a response with no
  ``answers_id`` is linked to the most recent cue whose window still covers it
  (:func:`attune.core.attunement.find_answered_cue`), unless ``link_unlinked=False``;
- a response is *attuned* by :func:`attune.core.attunement.assess_response` (its code
  fits the cue's valence and its latency is within the window for that valence);
  windows can be re-applied at other values with ``windows_ms`` (a supervisor re-scoring
  at 1 s), which uses :meth:`Scheme.with_windows`;
- *subtle cues answered* counts subtle (S) cues with at least one attuned response;
  *breaks given* counts disengagement (D) cues answered attuned with R02, R10 or R11;
- a *complete chain* (VIPP-SD sensitivity chain, VIG attuned cycle) is an attuned
  response followed by a positive infant reaction, linked by ``answers_id`` to the
  response (or to its cue), or unlinked and starting within the cue's window after the
  response; one chain per attuned response;
- vocal turns follow LENA (:mod:`attune.analysis.turns`);
- latency median and quartiles use linear interpolation (numpy's default, Hyndman &
  Fan 1996 type 7);
- events with ``deleted_at`` set are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from attune.analysis.turns import TurnTally, count_turns
from attune.core.attunement import AnsweredCues, ResponseAssessment, assess_response
from attune.core.events import Event
from attune.core.practice import BREAK_CODES
from attune.core.scheme import VIG_PRINCIPLES, EventKind, Potency, Scheme, Valence
from attune.errors import InputError


class Audience(StrEnum):
    PARENT = "parent"
    PRACTITIONER = "practitioner"


@dataclass(frozen=True)
class LatencySummary:
    """Median and quartiles (ms) of a set of latencies; all None when there are none."""

    n: int
    median_ms: float | None
    q1_ms: float | None
    q3_ms: float | None

    @property
    def iqr_ms(self) -> float | None:
        if self.q1_ms is None or self.q3_ms is None:
            return None
        return self.q3_ms - self.q1_ms

    @classmethod
    def of(cls, latencies_ms: Sequence[int]) -> LatencySummary:
        """Quartiles with linear interpolation (Hyndman & Fan type 7).

        >>> LatencySummary.of([400, 800, 1200, 2000])
        LatencySummary(n=4, median_ms=1000.0, q1_ms=700.0, q3_ms=1400.0)
        """
        if not latencies_ms:
            return cls(0, None, None, None)
        q1, med, q3 = np.percentile(np.asarray(latencies_ms, dtype=float), [25, 50, 75])
        return cls(len(latencies_ms), float(med), float(q1), float(q3))


@dataclass(frozen=True)
class LinkedResponse:
    """A parent response, the cue it answers (if any) and how it was linked."""

    response: Event
    cue: Event | None
    assessment: ResponseAssessment | None
    linked_by: str  # "answers_id", "nearest cue" or "none"

    @property
    def attuned(self) -> bool:
        return self.assessment is not None and self.assessment.attuned


@dataclass(frozen=True)
class Chain:
    """Cue → attuned response → positive reaction (a complete sensitivity chain)."""

    cue: Event
    response: Event
    reaction: Event


@dataclass(frozen=True)
class ParentTallies:
    """The figures of one clip (or pooled clips) that may be shown, in words, to a parent."""

    duration_ms: int
    windows_ms: Mapping[str, int]
    cues: int
    cues_by_valence: Mapping[str, int]
    cues_by_potency: Mapping[str, int]
    cues_by_code: Mapping[str, int]
    attuned_responses: int
    attuned_by_code: Mapping[str, int]
    attuned_by_principle: Mapping[int, int]
    attuned_by_band: Mapping[str, int]
    latencies_ms: tuple[int, ...]  # of attuned responses, for pooling
    subtle_cues_answered: int
    subtle_answered_by_code: Mapping[str, int]
    breaks_given: int
    turns: TurnTally
    chains: tuple[Chain, ...]
    # The kinds of signal the parent answered (cue code -> cues answered): what words for
    # the parent may name, so that no unanswered signal can be inferred from them.
    answered_cues_by_code: Mapping[str, int] = field(default_factory=dict)

    @property
    def minutes(self) -> float:
        return self.duration_ms / 60_000

    @property
    def cues_per_minute(self) -> float:
        return self.cues / self.minutes

    @property
    def cues_per_minute_by_valence(self) -> dict[str, float]:
        return {k: v / self.minutes for k, v in self.cues_by_valence.items()}

    @property
    def attuned_per_minute(self) -> float:
        return self.attuned_responses / self.minutes

    @property
    def latency(self) -> LatencySummary:
        return LatencySummary.of(self.latencies_ms)

    @property
    def complete_chains(self) -> int:
        return len(self.chains)


@dataclass(frozen=True)
class PractitionerFigures:
    """Practitioner- and supervisor-only figures: never for a parent view or a reel."""

    n_codes: Mapping[str, int]  # N01-N03 (every practitioner-only code of the scheme)
    responses: int  # parent responses other than N codes
    responses_without_cue: int
    responses_not_attuned: int  # linked to a cue, but not fitting or outside the window
    responses_by_band: Mapping[str, int]  # every linked response, attuned or not
    cues_answered: int  # cues with at least one attuned response
    unanswered_cues: int  # no attuned response, and the window closed within the clip
    cues_open_at_end: int  # no attuned response yet, window runs past the clip's end
    unanswered: tuple[Event, ...] = field(repr=False)

    @property
    def proportion_answered(self) -> float | None:
        """Cues answered / cues whose window closed within the clip (None if none)."""
        denominator = self.cues_answered + self.unanswered_cues
        return None if denominator == 0 else self.cues_answered / denominator


@dataclass(frozen=True)
class ClipTallies:
    """Tallies of one clip, or of several clips pooled (a session, a family)."""

    parent_safe: ParentTallies
    practitioner: PractitionerFigures
    clip_ids: tuple[Any, ...] = ()
    links: tuple[LinkedResponse, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class SessionClip:
    """A clip's events with the session it belongs to, for per-session aggregation."""

    session_id: Any
    session_date: date | datetime
    duration_ms: int
    events: Sequence[Event]
    clip_id: Any = None
    #: the scheme version this clip was coded with, when it is not the one passed for
    #: all (a clip coded under v1 is counted with v1's codes and bands after v2)
    scheme: Scheme | None = None


def window_scheme(scheme: Scheme, windows_ms: Mapping[Valence | str, int] | None) -> Scheme:
    """``scheme`` with the windows re-applied (``{"E": 1000}``), or as it is for None."""
    if not windows_ms:
        return scheme
    parsed: dict[Valence, int] = {}
    for key, value in windows_ms.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"window for {key!r} must be an int of ms >= 0, got {value!r}")
        parsed[Valence(key)] = value
    return scheme.with_windows(parsed)


def link_responses(
    events: Iterable[Event], scheme: Scheme, *, link_unlinked: bool = True
) -> list[LinkedResponse]:
    """Each live parent response (N codes included) with its cue and its assessment."""
    live = [e for e in events if e.deleted_at is None]
    cues = [e for e in live if e.kind == EventKind.CUE]
    by_id = {c.id: c for c in cues if c.id is not None}
    out: list[LinkedResponse] = []
    nearest: AnsweredCues | None = None  # made when a response needs it
    for response in (e for e in live if e.kind == EventKind.RESPONSE):
        cue: Event | None = None
        how = "none"
        if response.answers_id is not None:
            cue = by_id.get(response.answers_id)
            how = "answers_id" if cue is not None else "none"
        elif link_unlinked:
            nearest = nearest or AnsweredCues(cues, scheme)
            cue = nearest.of(response)
            how = "nearest cue" if cue is not None else "none"
        assessment = None if cue is None else assess_response(cue, response, scheme)
        out.append(LinkedResponse(response, cue, assessment, how))
    return out


def tally_clip(
    events: Iterable[Event],
    duration_ms: int,
    scheme: Scheme,
    *,
    windows_ms: Mapping[Valence | str, int] | None = None,
    link_unlinked: bool = True,
    clip_id: Any = None,
) -> ClipTallies:
    """Every tally of docs/practice.md §5 for one clip.

    ``windows_ms`` re-applies the latency windows (e.g. ``{"E": 1000, "D": 1000}``)
    without changing the scheme. Raises ``ValueError`` for a duration that is not a
    positive int, :class:`InputError` for an event after the clip's end or a code that
    is not in the scheme.

    >>> from attune.schemes import default_scheme
    >>> ev = [Event(EventKind.CUE, "C02", 1000, 1000, id=1),
    ...       Event(EventKind.RESPONSE, "R04", 2200, 2200, id=2, answers_id=1),
    ...       Event(EventKind.REACTION, "A01", 3000, 3000, id=3, answers_id=2)]
    >>> t = tally_clip(ev, 60_000, default_scheme()).parent_safe
    >>> t.cues, t.attuned_responses, t.complete_chains, t.latency.median_ms
    (1, 1, 1, 1200.0)
    >>> strict = tally_clip(ev, 60_000, default_scheme(), windows_ms={"E": 1000})
    >>> strict.parent_safe.attuned_responses
    0
    """
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int) or duration_ms <= 0:
        raise ValueError(f"duration_ms must be a positive int, got {duration_ms!r}")
    scheme = window_scheme(scheme, windows_ms)
    live = [e for e in events if e.deleted_at is None]
    for e in live:
        if e.start_ms > duration_ms:
            raise InputError(
                f"A {e.kind} ({e.code}) starts at {e.start_ms} ms, after the clip's end "
                f"({duration_ms} ms); move or delete it, or check the clip's duration."
            )
        scheme.code(e.code)  # raises InputError for an unknown code
    cues = sorted((e for e in live if e.kind == EventKind.CUE), key=lambda e: e.start_ms)
    codes = {c.id: c for c in scheme.codes}

    cues_by_valence = {v.value: 0 for v in Valence}
    cues_by_potency = {p.value: 0 for p in Potency}
    cues_by_code: Counter[str] = Counter()
    for cue in cues:
        code = codes[cue.code]
        if code.valence is not None:
            cues_by_valence[code.valence.value] += 1
        if code.potency is not None:
            cues_by_potency[code.potency.value] += 1
        cues_by_code[cue.code] += 1

    links = link_responses(live, scheme, link_unlinked=link_unlinked)
    band_names = [b.name for b in scheme.bands]
    attuned_by_code: Counter[str] = Counter()
    attuned_by_principle = dict.fromkeys(VIG_PRINCIPLES, 0)
    attuned_by_band = dict.fromkeys(band_names, 0)
    responses_by_band = dict.fromkeys([*band_names, "before cue"], 0)
    n_codes = {c.id: 0 for c in scheme.codes if c.practitioner_only}
    latencies: list[int] = []
    answered: dict[int, Event] = {}  # id(cue) -> cue with an attuned response
    breaks: dict[int, Event] = {}
    attuned_links: list[LinkedResponse] = []
    responses = without_cue = not_attuned = 0
    for link in links:
        code = codes[link.response.code]
        if code.practitioner_only:
            n_codes[code.id] += 1
            continue
        responses += 1
        if link.cue is None or link.assessment is None:
            without_cue += 1
            continue
        responses_by_band[link.assessment.band] += 1
        if not link.assessment.attuned:
            not_attuned += 1
            continue
        attuned_links.append(link)
        attuned_by_code[code.id] += 1
        if code.principle is not None:
            attuned_by_principle[code.principle] = attuned_by_principle.get(code.principle, 0) + 1
        attuned_by_band[link.assessment.band] += 1
        latencies.append(link.assessment.latency_ms)
        answered[id(link.cue)] = link.cue
        if codes[link.cue.code].valence == Valence.DISENGAGEMENT and code.id in BREAK_CODES:
            breaks[id(link.cue)] = link.cue

    subtle_by_code: Counter[str] = Counter(
        c.code for c in answered.values() if codes[c.code].potency == Potency.SUBTLE
    )
    unanswered: list[Event] = []
    open_at_end = 0
    for cue in cues:
        if id(cue) in answered:
            continue
        valence = codes[cue.code].valence
        window = scheme.windows_ms[valence] if valence is not None else 0
        if cue.start_ms + window >= duration_ms:
            open_at_end += 1  # the parent had no full window inside the clip
        else:
            unanswered.append(cue)

    parent = ParentTallies(
        duration_ms=duration_ms,
        windows_ms={k.value: v for k, v in scheme.windows_ms.items()},
        cues=len(cues),
        cues_by_valence=cues_by_valence,
        cues_by_potency=cues_by_potency,
        cues_by_code=dict(sorted(cues_by_code.items())),
        attuned_responses=len(attuned_links),
        attuned_by_code=dict(sorted(attuned_by_code.items())),
        attuned_by_principle=attuned_by_principle,
        attuned_by_band=attuned_by_band,
        latencies_ms=tuple(latencies),
        subtle_cues_answered=sum(subtle_by_code.values()),
        subtle_answered_by_code=dict(sorted(subtle_by_code.items())),
        breaks_given=len(breaks),
        turns=count_turns(live, scheme, duration_ms),
        chains=_chains(live, attuned_links, scheme),
        answered_cues_by_code=dict(sorted(Counter(c.code for c in answered.values()).items())),
    )
    figures = PractitionerFigures(
        n_codes=n_codes,
        responses=responses,
        responses_without_cue=without_cue,
        responses_not_attuned=not_attuned,
        responses_by_band=responses_by_band,
        cues_answered=len(answered),
        unanswered_cues=len(unanswered),
        cues_open_at_end=open_at_end,
        unanswered=tuple(unanswered),
    )
    clip_ids = () if clip_id is None else (clip_id,)
    return ClipTallies(parent, figures, clip_ids, tuple(links))


def _chains(live: list[Event], attuned: list[LinkedResponse], scheme: Scheme) -> tuple[Chain, ...]:
    """One chain per attuned response that a positive reaction follows."""
    if not attuned:
        return ()
    positive = sorted(
        (e for e in live if e.kind == EventKind.REACTION and scheme.code(e.code).positive),
        key=lambda e: e.start_ms,
    )
    by_response_id = {lk.response.id: lk for lk in attuned if lk.response.id is not None}
    by_cue_id: dict[int, list[LinkedResponse]] = {}
    for lk in attuned:
        if lk.cue is not None and lk.cue.id is not None:
            by_cue_id.setdefault(lk.cue.id, []).append(lk)
    ordered = sorted(attuned, key=lambda lk: lk.response.start_ms)
    found: dict[int, Chain] = {}  # id(response) -> first chain
    for reaction in positive:
        target: LinkedResponse | None = None
        if reaction.answers_id is not None:
            if reaction.answers_id in by_response_id:
                target = by_response_id[reaction.answers_id]
            else:  # linked to the cue: the latest attuned response to it before the reaction
                earlier = [lk for lk in by_cue_id.get(reaction.answers_id, [])
                           if lk.response.start_ms <= reaction.start_ms]
                target = max(earlier, key=lambda lk: lk.response.start_ms, default=None)
        else:
            for lk in reversed(ordered):
                if lk.response.start_ms > reaction.start_ms or lk.cue is None:
                    continue
                valence = scheme.code(lk.cue.code).valence
                window = scheme.windows_ms[valence] if valence is not None else 0
                if reaction.start_ms - lk.response.start_ms <= window:
                    target = lk
                break
        if target is None or target.cue is None or reaction.start_ms < target.response.start_ms:
            continue
        found.setdefault(id(target.response), Chain(target.cue, target.response, reaction))
    return tuple(sorted(found.values(), key=lambda c: c.response.start_ms))


def _add(a: Mapping[Any, int], b: Mapping[Any, int]) -> dict[Any, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + v
    return out


def merge_tallies(tallies: Sequence[ClipTallies]) -> ClipTallies:
    """Pool several clips' tallies (a session, or a family): counts add, latencies pool,
    durations add (so per-minute rates are over the total time), the longest
    back-and-forth is the longest of any clip.
    """
    if not tallies:
        raise ValueError("merge_tallies needs at least one ClipTallies")
    ps = [t.parent_safe for t in tallies]
    fs = [t.practitioner for t in tallies]
    first = ps[0]
    merged_duration = sum(p.duration_ms for p in ps)
    turns = sum(p.turns.turns for p in ps)
    parent = ParentTallies(
        duration_ms=merged_duration,
        windows_ms=first.windows_ms,
        cues=sum(p.cues for p in ps),
        cues_by_valence=_fold(p.cues_by_valence for p in ps),
        cues_by_potency=_fold(p.cues_by_potency for p in ps),
        cues_by_code=dict(sorted(_fold(p.cues_by_code for p in ps).items())),
        attuned_responses=sum(p.attuned_responses for p in ps),
        attuned_by_code=dict(sorted(_fold(p.attuned_by_code for p in ps).items())),
        attuned_by_principle=_fold(p.attuned_by_principle for p in ps),
        attuned_by_band=_fold(p.attuned_by_band for p in ps),
        latencies_ms=tuple(x for p in ps for x in p.latencies_ms),
        subtle_cues_answered=sum(p.subtle_cues_answered for p in ps),
        subtle_answered_by_code=dict(sorted(_fold(p.subtle_answered_by_code for p in ps).items())),
        breaks_given=sum(p.breaks_given for p in ps),
        turns=TurnTally(
            turns, turns * 60_000 / merged_duration,
            max(p.turns.longest_back_and_forth for p in ps),
            tuple(c for p in ps for c in p.turns.conversations),
        ),
        chains=tuple(c for p in ps for c in p.chains),
        answered_cues_by_code=dict(sorted(_fold(p.answered_cues_by_code for p in ps).items())),
    )
    figures = PractitionerFigures(
        n_codes=_fold(f.n_codes for f in fs),
        responses=sum(f.responses for f in fs),
        responses_without_cue=sum(f.responses_without_cue for f in fs),
        responses_not_attuned=sum(f.responses_not_attuned for f in fs),
        responses_by_band=_fold(f.responses_by_band for f in fs),
        cues_answered=sum(f.cues_answered for f in fs),
        unanswered_cues=sum(f.unanswered_cues for f in fs),
        cues_open_at_end=sum(f.cues_open_at_end for f in fs),
        unanswered=tuple(e for f in fs for e in f.unanswered),
    )
    return ClipTallies(parent, figures, tuple(i for t in tallies for i in t.clip_ids),
                       tuple(lk for t in tallies for lk in t.links))


def _fold(maps: Iterable[Mapping[Any, int]]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for m in maps:
        out = _add(out, m)
    return out


def parent_row(p: ParentTallies) -> dict[str, Any]:
    """The parent-safe figures as one flat row (column name → value)."""
    lat = p.latency
    row: dict[str, Any] = {
        "duration_ms": p.duration_ms,
        "minutes": round(p.minutes, 3),
        "cues": p.cues,
        "cues_per_minute": p.cues_per_minute,
    }
    for k, v in p.cues_by_valence.items():
        row[f"cues_{k}"] = v
    for k, rate in p.cues_per_minute_by_valence.items():
        row[f"cues_{k}_per_minute"] = rate
    for k, v in p.cues_by_potency.items():
        row[f"cues_{k}"] = v
    row["attuned_responses"] = p.attuned_responses
    row["attuned_per_minute"] = p.attuned_per_minute
    row["latency_median_ms"] = lat.median_ms
    row["latency_q1_ms"] = lat.q1_ms
    row["latency_q3_ms"] = lat.q3_ms
    row["latency_iqr_ms"] = lat.iqr_ms
    for k, v in p.attuned_by_band.items():
        row[f"band_{k}"] = v
    for principle, n in p.attuned_by_principle.items():
        row[f"principle_{principle}"] = n
    row["subtle_cues_answered"] = p.subtle_cues_answered
    row["breaks_given"] = p.breaks_given
    row["turns"] = p.turns.turns
    row["turns_per_minute"] = p.turns.turns_per_minute
    row["longest_back_and_forth"] = p.turns.longest_back_and_forth
    row["complete_chains"] = p.complete_chains
    for k, v in p.windows_ms.items():
        row[f"window_{k}_ms"] = v
    return row


def practitioner_row(f: PractitionerFigures) -> dict[str, Any]:
    """The practitioner-only figures as one flat row."""
    row: dict[str, Any] = dict(f.n_codes)
    row.update(
        responses=f.responses,
        responses_without_cue=f.responses_without_cue,
        responses_not_attuned=f.responses_not_attuned,
        cues_answered=f.cues_answered,
        unanswered_cues=f.unanswered_cues,
        cues_open_at_end=f.cues_open_at_end,
        proportion_answered=f.proportion_answered,
    )
    for k, v in f.responses_by_band.items():
        row[f"all_responses_band_{k}"] = v
    return row


def tallies_frame(
    tallies: Sequence[ClipTallies] | ClipTallies,
    *,
    audience: Audience | str = Audience.PARENT,
    labels: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """One row per tallies, flat columns, ready for ``to_csv``/``to_excel``.

    ``audience="parent"`` gives only parent-safe figures; ``"practitioner"`` adds the
    practitioner-only columns. ``labels`` name the rows (default: the clip ids).
    """
    audience = Audience(audience)
    items = [tallies] if isinstance(tallies, ClipTallies) else list(tallies)
    rows = []
    for i, t in enumerate(items):
        row: dict[str, Any] = {
            "label": labels[i] if labels is not None else
            (",".join(map(str, t.clip_ids)) if t.clip_ids else i)
        }
        row.update(parent_row(t.parent_safe))
        if audience == Audience.PRACTITIONER:
            row.update(practitioner_row(t.practitioner))
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SessionTallies:
    session_id: Any
    session_date: date | datetime
    clips: int
    tallies: ClipTallies


def session_tallies(
    clips: Sequence[SessionClip],
    scheme: Scheme,
    *,
    windows_ms: Mapping[Valence | str, int] | None = None,
    link_unlinked: bool = True,
) -> list[SessionTallies]:
    """The pooled tallies of each session, ordered by date (then session id)."""
    groups: dict[Any, list[SessionClip]] = {}
    for clip in clips:
        groups.setdefault(clip.session_id, []).append(clip)
    out = []
    for session_id, members in groups.items():
        dates = {m.session_date for m in members}
        if len(dates) != 1:
            raise InputError(
                f"Session {session_id!r} has clips with different dates; give each session "
                "one date."
            )
        per_clip = [tally_clip(m.events, m.duration_ms, m.scheme or scheme,
                               windows_ms=windows_ms,
                               link_unlinked=link_unlinked, clip_id=m.clip_id) for m in members]
        out.append(SessionTallies(session_id, members[0].session_date, len(members),
                                  merge_tallies(per_clip)))
    out.sort(key=lambda s: (sortable_date(s.session_date), str(s.session_id)))
    return out


def sortable_date(d: date | datetime) -> datetime:
    """A session's date or datetime as a datetime, so that both sort together."""
    return d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)


#: The figures a parent may see, in the parent's words (for the "parent watching" view
#: and every parent's export, on the page or the command line): no total of signals, no
#: timing figures, no percentages.
PARENT_WORDS_COLUMNS = {
    "date": "Visit",
    "attuned_responses": "Moments you noticed and answered",
    "subtle_cues_answered": "Small signals you spotted",
    "breaks_given": "Breaks you gave",
    "turns": "Turns in conversation",
    "longest_back_and_forth": "Longest conversation (back and forth)",
    "complete_chains": "Signal, answer and a reply back",
}


def parent_words_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A family's sessions (:func:`session_frame`) in the parent's words only: the columns
    of :data:`PARENT_WORDS_COLUMNS`, renamed, nothing else (the parent's export)."""
    keep = [c for c in PARENT_WORDS_COLUMNS if c in frame.columns]
    return frame[keep].rename(columns=PARENT_WORDS_COLUMNS)


def session_frame(
    clips: Sequence[SessionClip],
    scheme: Scheme,
    *,
    audience: Audience | str = Audience.PARENT,
    windows_ms: Mapping[Valence | str, int] | None = None,
    link_unlinked: bool = True,
) -> pd.DataFrame:
    """A family over time: one row per session, ordered by date, with ``session``,
    ``date`` and ``clips`` columns and the tallies pooled over the session's clips.

    Only one family's clips should be passed: change over time is against the family's
    own earlier sessions (docs/practice.md §5), never other families.
    """
    sessions = session_tallies(clips, scheme, windows_ms=windows_ms,
                               link_unlinked=link_unlinked)
    frame = tallies_frame([s.tallies for s in sessions], audience=audience,
                          labels=[s.session_id for s in sessions])
    frame = frame.rename(columns={"label": "session"})
    frame.insert(1, "date", [s.session_date for s in sessions])
    frame.insert(2, "clips", [s.clips for s in sessions])
    return frame
