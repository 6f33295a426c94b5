"""Tallies and agreement from the database: which events count, for whom."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from attune.analysis.agreement import AgreementReport, ClipPair, agreement_report_clips
from attune.analysis.contingency import (
    ContingencyReport,
    VisitContingency,
    contingency,
    contingency_over_visits,
)
from attune.analysis.goals import goal_progress
from attune.analysis.tallies import (
    Audience,
    ClipTallies,
    SessionClip,
    session_frame,
    session_tallies,
    tally_clip,
)
from attune.core.accounts import Role, User
from attune.core.clip import Clip
from attune.core.events import Event
from attune.core.goals import Goal
from attune.core.policy import Decision
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.core.scheme import Scheme, Valence
from attune.errors import InputError
from attune.schemes import parse_scheme
from attune.services import Context
from attune.services.access import Action, decide_many, refusal, require_access
from attune.storage.store import Tx


def primary_coder(tx: Tx, clip: Clip, events: list[Event]) -> str | None:
    """Whose coding a clip's tallies use: the session's practitioner when they coded it,
    else whoever coded most. A second coder's events never add to the tallies."""
    if not events:
        return None
    return _primary_coder(tx.get_session(clip.session_id).practitioner, events)


def _primary_coder(practitioner: str, events: list[Event]) -> str | None:
    """:func:`primary_coder` given the session's practitioner."""
    if not events:
        return None
    counts = Counter(e.coder for e in events)
    if practitioner in counts:
        return practitioner
    return counts.most_common(1)[0][0]


#: scheme versions already read and parsed in a transaction, by name and version
Parsed = dict[tuple[str, int | None], Scheme]


def _scheme_of(tx: Tx, events: Sequence[Event], parsed: Parsed | None = None) -> Scheme:
    """The scheme version ``events`` were coded with (the newest default for none), read
    once per transaction when the caller keeps ``parsed``."""
    key = (events[0].scheme, events[0].scheme_version) if events else \
        ("attuned-moments", None)
    if parsed is None:
        parsed = {}
    if key not in parsed:
        parsed[key] = parse_scheme(tx.get_scheme(*key).document)
    return parsed[key]


def clip_pair(tx: Tx, clip: Clip, a: list[Event], b: list[Event],
              parsed: Parsed) -> ClipPair:
    """Two coders' events on a clip with the scheme version they were coded with (the
    first coder's, else the second's): every report over several clips compares each
    clip with its own version and states the versions it pools."""
    return ClipPair(a, b, clip.duration_ms, clip.id, _scheme_of(tx, a or b, parsed))


def _windows(window_ms: int | None) -> dict[Valence | str, int] | None:
    if window_ms is None:
        return None
    return {Valence.ENGAGEMENT: window_ms, Valence.DISENGAGEMENT: window_ms,
            Valence.DISTRESS: window_ms}


def clip_tallies(ctx: Context, actor: User, clip_id: int, coder: str | None = None,
                 window_ms: int | None = None) -> ClipTallies:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see clip {clip_id}'s tallies")
        events = tx.list_events(clip_id)
        if decision.blind:  # blind double-coding: only their own coding
            events = [e for e in events if e.coder == actor.username]
        who = coder or primary_coder(tx, clip, events)
        mine = [e for e in events if e.coder == who]
        scheme = _scheme_of(tx, mine)
    return tally_clip(mine, clip.duration_ms or 0, scheme, windows_ms=_windows(window_ms),
                      clip_id=clip_id)


def _family_clips(tx: Tx, actor: User, code: str, session_id: int | None, what: str
                  ) -> tuple[list[SessionClip], Scheme]:
    """The family's processed clips the actor may open (each with its primary coder's
    events, blind coders only their own) and the scheme they were coded with."""
    family = tx.get_family(code)
    require_access(tx, actor, Action.VIEW_CLIP, family, what=what)
    sessions = {s.id: s for s in tx.sessions_for_family(family.id)}
    if session_id is not None and session_id not in sessions:
        raise InputError(f"Session {session_id} is not a session of family {code}.")
    items: list[SessionClip] = []
    scheme: Scheme | None = None
    parsed: Parsed = {}
    # not processed yet: no length to count per minute
    clips = [c for c in tx.clips_for_family(family.id) if c.duration_ms is not None
             and (session_id is None or c.session_id == session_id)]
    decisions = decide_many(tx, actor, Action.VIEW_CLIP, [(family, c) for c in clips])
    # e.g. a clip-level consent that this use does not have
    allowed = [(c, d) for c, d in zip(clips, decisions, strict=True) if d.allowed]
    events_of = tx.events_of_clips([c.id for c, _ in allowed])
    for clip, decision in allowed:
        assert clip.duration_ms is not None
        events = events_of[clip.id]
        if decision.blind:  # blind double-coding: only their own coding
            events = [e for e in events if e.coder == actor.username]
        who = _primary_coder(sessions[clip.session_id].practitioner, events)
        mine = [e for e in events if e.coder == who]
        # each clip counted with the version it was coded with
        own = _scheme_of(tx, mine, parsed) if mine else None
        scheme = scheme or own
        s = sessions[clip.session_id]
        items.append(SessionClip(s.id, s.held_on, clip.duration_ms, mine, clip.id, own))
    return items, scheme or _scheme_of(tx, [], parsed)


@dataclass(frozen=True)
class FamilyCoding:
    """What every figure of a family counts, read once: its processed clips the actor may
    open (each with its primary coder's events, blind coders only their own), by visit,
    the scheme they were coded with, and the family's open goals. Pages keep it per data
    version and give it to the figures below, which would each read it again."""

    code: str
    items: tuple[SessionClip, ...]
    scheme: Scheme
    goals: tuple[Goal, ...]

    def of_session(self, session_id: int | None) -> list[SessionClip]:
        return [i for i in self.items if session_id is None or i.session_id == session_id]


def family_coding(ctx: Context, actor: User, code: str, session_id: int | None = None,
                  what: str | None = None) -> FamilyCoding:
    """The family's :class:`FamilyCoding` (of one visit with ``session_id``), access
    checked (``what`` names the use in a refusal)."""
    with ctx.db.transaction(actor.username) as tx:
        items, scheme = _family_clips(tx, actor, code, session_id,
                                      what or f"see family {code}'s tallies")
        family = tx.get_family(code)
        goals = tuple(g for g in tx.goals_for_family(family.id) if g.retired_on is None)
    return FamilyCoding(code, tuple(items), scheme, goals)


def _coding(ctx: Context, actor: User, code: str, coding: FamilyCoding | None,
            what: str) -> FamilyCoding:
    if coding is None:
        return family_coding(ctx, actor, code, what=what)
    if coding.code != code:
        raise ValueError(f"the coding given is family {coding.code}'s, not {code}'s")
    return coding


def family_tallies(ctx: Context, actor: User, code: str, session_id: int | None = None,
                   audience: Audience = Audience.PRACTITIONER,
                   window_ms: int | None = None, *,
                   coding: FamilyCoding | None = None) -> pd.DataFrame:
    """One row per session of the family (or the one session), oldest first."""
    coding = _coding(ctx, actor, code, coding, f"see family {code}'s tallies")
    if actor.role == Role.PARENT:
        audience = Audience.PARENT
    items = coding.of_session(session_id)
    if not items:
        return pd.DataFrame()
    return session_frame(items, coding.scheme, audience=audience,
                         windows_ms=_windows(window_ms))


def family_modifier_tallies(ctx: Context, actor: User, code: str,
                            session_id: int | None = None, *,
                            coding: FamilyCoding | None = None) -> pd.DataFrame:
    """Tallies by modifier (practitioner figures: never a parent's): each visit's events
    per code and modifier value, and how many of them were attuned or answered."""
    from attune.analysis.modifiers import modifier_frame
    from attune.services.access import require_role

    require_role(ctx, actor, {Role.PRACTITIONER, Role.SUPERVISOR},
                 f"see family {code}'s tallies by modifier")
    coding = _coding(ctx, actor, code, coding, f"see family {code}'s tallies by modifier")
    return modifier_frame(coding.of_session(session_id), coding.scheme)


def family_goal_progress(ctx: Context, actor: User, code: str,
                         window_ms: int | None = None, *,
                         coding: FamilyCoding | None = None) -> pd.DataFrame:
    """For practitioners and supervisors: each visit's count of attuned responses that
    show each of the family's goals (still open, naming codes); empty when there is
    nothing to count. A parent reads the goals' words only (services/goals.py)."""
    coding = _coding(ctx, actor, code, coding,
                     f"see progress against family {code}'s goals")
    sessions = session_tallies(coding.items, coding.scheme,
                               windows_ms=_windows(window_ms)) if coding.items else []
    return goal_progress(list(coding.goals), sessions)


def clip_contingency(ctx: Context, actor: User, clip_id: int, step_ms: int = 1000,
                     window_ms: int | None = None) -> ContingencyReport:
    """Responsiveness beyond chance on one clip (its primary coder's events): for
    practitioners and supervisors, who may open the clip; never a parent's."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see how clip {clip_id}'s responses follow its cues")
        if clip.duration_ms is None:
            raise InputError(f"Clip {clip_id} is not processed yet: it has no length to "
                             "cut into time units. Try again once it is ready.")
        events = tx.list_events(clip_id)
        if decision.blind:
            events = [e for e in events if e.coder == actor.username]
        who = primary_coder(tx, clip, events)
        mine = [e for e in events if e.coder == who]
        scheme = _scheme_of(tx, mine)
    return contingency([(mine, clip.duration_ms)], scheme, step_ms=step_ms,
                       windows_ms=_windows(window_ms))


def family_contingency(ctx: Context, actor: User, code: str, step_ms: int = 1000,
                       window_ms: int | None = None, *, coding: FamilyCoding | None = None
                       ) -> tuple[list[VisitContingency], ContingencyReport]:
    """Responsiveness beyond chance for each visit of the family and over every visit."""
    coding = _coding(ctx, actor, code, coding,
                     f"see how family {code}'s responses follow the cues")
    if not coding.items:
        raise InputError(f"Family {code} has no processed clips to analyse yet.")
    return contingency_over_visits(list(coding.items), coding.scheme, step_ms=step_ms,
                                   windows_ms=_windows(window_ms))


def pair_to_compare(tx: Tx, clip: Clip, decision: Decision, coder_a: str, a: list[Event],
                    coder_b: str, b: list[Event], parsed: Parsed) -> ClipPair:
    """Two coders' events on a clip, to compare (:func:`clip_pair`): refused while the
    gate keeps the one asking blind (the comparison would show the other coder's
    coding), and an error when neither coded it."""
    if decision.blind:
        raise refusal(f"compare coders on clip {clip.id} before both marked it done",
                      {"clip_id": clip.id})
    if not a and not b:
        raise InputError(f"Neither {coder_a} nor {coder_b} coded clip {clip.id}.")
    return clip_pair(tx, clip, a, b, parsed)


def clip_agreement(ctx: Context, actor: User, clip_ids: list[int], coder_a: str,
                   coder_b: str, *, tolerance_ms: int = MATCH_TOLERANCE_MS,
                   step_ms: int = SAMPLING_STEP_MS,
                   matching: str = "onset", audit: bool = True) -> AgreementReport:
    """Agreement of two coders over one or more clips (supervisors and practitioners),
    each clip compared with the scheme version it was coded with (the report states the
    versions it pools). ``audit=False`` for a page that recomputes it on every rerun (the
    page load itself is what matters there, not each redraw)."""
    pairs = []
    parsed: Parsed = {}
    with ctx.db.transaction(actor.username) as tx:
        for clip_id in clip_ids:
            clip = tx.get_clip(clip_id)
            decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                      what=f"see agreement on clip {clip_id}")
            a = tx.list_events(clip_id, coder_a)
            b = tx.list_events(clip_id, coder_b)
            pairs.append(pair_to_compare(tx, clip, decision, coder_a, a, coder_b, b, parsed))
        if audit:
            tx.audit("agreement", "clip", ",".join(map(str, clip_ids)),
                     {"coders": [coder_a, coder_b], "tolerance_ms": tolerance_ms,
                      "step_ms": step_ms})
    return agreement_report_clips(pairs, tolerance_ms=tolerance_ms, step_ms=step_ms,
                                  matching=matching, coder_a=coder_a,
                                  coder_b=coder_b)
