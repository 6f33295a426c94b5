"""Search across clips and families: the practitioner's own caseload (and the clips they
were asked to code as a second or gold coder), a supervisor's team.

Every clip is asked of the one gate (:mod:`attune.services.access`): a clip the searcher
may not open (a consent not in force, a family not theirs) gives nothing, and under blind
double-coding only the searcher's own events are searched. "Answered" means what the
tallies mean (:func:`attune.analysis.tallies.link_responses`): a cue with an attuned
response (practitioner-only codes left out), a response that is attuned to its cue; the
latency band is that of the cue's first attuned response, or of the response itself.

The caseload is read at once (its clips, the gate's answers); the events a batch of clips
at a time, in the order the hits are listed (visit date, family, clip), only the kinds the
query needs, and the search stops once it has more than ``limit`` hits. A clip's cues and
responses are linked only when one of its events passes the other filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from attune.analysis.tallies import link_responses
from attune.core import modifiers as mods
from attune.core.accounts import Role, User
from attune.core.clip import Clip, clip_label
from attune.core.events import Event
from attune.core.family import Family
from attune.core.scheme import EventKind, Potency, Scheme
from attune.errors import InputError
from attune.services import Context
from attune.services.access import (
    Action,
    decide_many,
    family_ids_for,
    refusal,
    require_role,
)
from attune.services.schemes import scheme_in
from attune.storage.store import Tx

#: who searches (parents never: their view has no events; administrators run accounts)
SEARCH_ROLES = {Role.PRACTITIONER, Role.SUPERVISOR}


@dataclass(frozen=True)
class SearchQuery:
    """What to find; every filter given must hold (an empty one is no filter)."""

    codes: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()  # "modality=voice": each must be on the event
    kind: EventKind | None = None
    potency: Potency | None = None  # cues: subtle or easy to see
    answered: bool | None = None
    bands: frozenset[str] = frozenset()
    note: str = ""  # words in the note (case does not matter)
    date_from: date | None = None  # the visit's date
    date_to: date | None = None
    family: str | None = None  # a family code
    limit: int = 500

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError("The start of the date range is after its end; swap them.")
        for m in self.modifiers:
            if mods.pair(m) is None:
                raise InputError(f"Write a modifier as name=value (e.g. modality=voice), "
                                 f"not {m!r}.")


@dataclass(frozen=True)
class Hit:
    family: str
    clip_id: int
    clip: str  # the clip in practitioners' words
    held_on: date
    coder: str
    event_id: int
    kind: EventKind
    code: str
    label: str
    start_ms: int
    end_ms: int
    modifiers: tuple[str, ...]
    modifier_words: str
    note: str
    answered: bool | None  # None for reactions
    band: str | None
    latency_ms: int | None

    @property
    def span_ms(self) -> tuple[int, int]:
        """What a playlist plays: the event, at least two seconds of it, with a second
        before (a point event would be over before it was seen)."""
        start = max(0, self.start_ms - 1000)
        return start, max(self.end_ms + 1000, start + 3000)


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    clips_searched: int
    more: bool  # more hits than ``limit``


def search_events(ctx: Context, actor: User, query: SearchQuery) -> SearchResult:
    """The events of ``actor``'s caseload (a supervisor: their team's) that match."""
    require_role(ctx, actor, SEARCH_ROLES, "search coded events")
    found: list[Hit] = []
    schemes: dict[tuple[str, int], Scheme] = {}
    with ctx.db.transaction(actor.username) as tx:
        mine = family_ids_for(tx, actor)
        # the clips they were asked to code (a second or gold coder): only those clips
        assigned = {a.clip_id for a in tx.assignments(coder=actor.username)}
        by_family: dict[int, list[Clip]] = {}
        for _, clip in sorted(tx.get_clips(sorted(assigned)).items()):
            if clip.family_id not in mine:
                by_family.setdefault(clip.family_id, []).append(clip)
        families = [f for f in tx.list_families() if f.id in mine or f.id in by_family]
        if query.family:
            families = [f for f in families if f.code == query.family]
            if not families:
                # not theirs, or no such family: the same refusal (audited)
                raise refusal(f"search family {query.family}", {"family": query.family})
        # read at once for the whole caseload: the clips, the gate's answers, the events
        own_clips = tx.clips_of_families([f.id for f in families if f.id in mine])
        wanted: list[tuple[Family, Clip, date]] = []
        of_families = tx.sessions_of_families([f.id for f in families])
        for family in families:
            sessions = {s.id: s for s in of_families[family.id]}
            clips = own_clips[family.id] if family.id in mine else by_family[family.id]
            wanted += [(family, clip, sessions[clip.session_id].held_on) for clip in clips
                       if _in_range(sessions[clip.session_id].held_on, query)]
        decisions = decide_many(tx, actor, Action.VIEW_CLIP, [(f, c) for f, c, _ in wanted])
        allowed = [(f, c, held_on, d) for (f, c, held_on), d
                   in zip(wanted, decisions, strict=True) if d.allowed]  # else not theirs
        clips_searched = len(allowed)
        # the clips in the order their hits are listed, their events read a batch at a
        # time: once more than ``limit`` hits are found, the clips after cannot change
        # the first ``limit``, so they are not read
        allowed.sort(key=lambda a: (a[2], a[0].code, a[1].id))
        kinds = _kinds_needed(query)
        for at in range(0, len(allowed), BATCH_CLIPS):
            batch = allowed[at:at + BATCH_CLIPS]
            of_clips = tx.events_of_clips([c.id for _, c, _, _ in batch], kinds=kinds,
                                          created=False)
            for family, clip, held_on, decision in batch:
                events = of_clips[clip.id]
                if decision.blind:
                    events = [e for e in events if e.coder == actor.username]
                label = clip_label(clip, held_on)
                for coder in sorted({e.coder for e in events}):
                    own = [e for e in events if e.coder == coder]
                    found.extend(_match(ctx, tx, schemes, query, own, family.code, clip.id,
                                        label, held_on))
            if len(found) > query.limit:
                break
    found.sort(key=lambda h: (h.held_on, h.family, h.clip_id, h.start_ms, h.coder))
    return SearchResult(tuple(found[:query.limit]), clips_searched, len(found) > query.limit)


def search_schemes(ctx: Context, actor: User) -> list[Scheme]:
    """The scheme versions the searcher's clips were coded with (their caseload, a
    supervisor's team, the clips they code as a second or gold coder), oldest first: what
    the Search page offers to pick codes, modifiers and answer times from. The newest
    default scheme when nothing is coded yet. Names only codes, never a family's
    material, so the clips' consents are not asked here (:func:`search_events` asks
    them for every clip it reads)."""
    require_role(ctx, actor, SEARCH_ROLES, "search coded events")
    with ctx.db.transaction(actor.username) as tx:
        families = sorted(family_ids_for(tx, actor))
        assigned = sorted({a.clip_id for a in tx.assignments(coder=actor.username)})
        used = tx.schemes_used(families, assigned)
        if not used:
            return [scheme_in(ctx, tx)[1]]
        return [scheme_in(ctx, tx, s.name, s.version)[1] for s in used]


#: clips whose events a search reads at once
BATCH_CLIPS = 50


def _kinds_needed(q: SearchQuery) -> set[EventKind] | None:
    """The kinds of event a search must read: a cue or a response is answered or not by
    the clip's cues and responses (reactions play no part), a reaction by nothing."""
    if q.kind is None:
        return None
    return {EventKind.REACTION} if q.kind == EventKind.REACTION else \
        {EventKind.CUE, EventKind.RESPONSE}


def _in_range(held_on: date, q: SearchQuery) -> bool:
    return (q.date_from is None or held_on >= q.date_from) and \
        (q.date_to is None or held_on <= q.date_to)


def _scheme(ctx: Context, tx: Tx, cache: dict[tuple[str, int], Scheme],
            events: Iterable[Event]) -> Scheme | None:
    for e in events:
        key = (e.scheme, e.scheme_version)
        if key not in cache:
            cache[key] = scheme_in(ctx, tx, *key)[1]
        return cache[key]
    return None


def _match(ctx: Context, tx: Tx, schemes: dict[tuple[str, int], Scheme], q: SearchQuery,
           events: list[Event], family: str, clip_id: int, label: str, held_on: date
           ) -> list[Hit]:
    """One coder's events of one clip that match ``q``: the filters on the event itself
    first, and the links between cues and responses only for a clip with a candidate."""
    scheme = _scheme(ctx, tx, schemes, events)
    if scheme is None:
        return []
    note = q.note.strip().casefold()
    candidates = []
    for e in events:
        if q.kind is not None and e.kind != q.kind:
            continue
        if q.codes and e.code not in q.codes:
            continue
        code = scheme.code(e.code) if scheme.has_code(e.code) else None
        if q.potency is not None and (code is None or code.potency != q.potency):
            continue
        if q.modifiers and not q.modifiers <= set(e.modifiers):
            continue
        if note and note not in e.note.casefold():
            continue
        candidates.append((e, code))
    if not candidates:
        return []
    outcome: dict[int, tuple[bool, str | None, int | None]] = {}
    for link in link_responses(events, scheme):
        r = link.response
        if not scheme.has_code(r.code):
            continue
        attuned = link.attuned and not scheme.code(r.code).practitioner_only
        a = link.assessment
        outcome[r.id or 0] = (attuned, a.band if a else None, a.latency_ms if a else None)
        if attuned and link.cue is not None and a is not None:
            before = outcome.get(link.cue.id or 0)
            if before is None or not before[0] or (before[2] or 0) > a.latency_ms:
                outcome[link.cue.id or 0] = (True, a.band, a.latency_ms)
    out = []
    for e, code in candidates:
        answered, band, latency = outcome.get(e.id or 0, (False, None, None))
        if e.kind == EventKind.REACTION:
            answered = None  # type: ignore[assignment]
        if q.answered is not None and answered is not q.answered:
            continue
        if q.bands and band not in q.bands:
            continue
        out.append(Hit(family, clip_id, label, held_on, e.coder, e.id or 0, e.kind, e.code,
                       code.label if code else e.code, e.start_ms, e.end_ms, e.modifiers,
                       mods.words(scheme.modifiers, e.modifiers), e.note, answered, band,
                       latency))
    return out
