"""The one gate: may this person do this with this family's material, now?

Every use of a family's material (the command line, the pages, the ``/api/*`` routes,
the jobs when they start and before they write, tallies, exports, handouts) asks
:func:`decide_access` (or :func:`require_access`, which raises the refusal). It reads
the facts from the database (role, team, family, assignments, consent, double-coding)
and lets the pure rule :func:`attune.core.policy.decide` and its table
:data:`attune.core.policy.POLICY` answer.

A refusal is a :class:`NotAllowedError` (a missing consent a :class:`ConsentRefused`,
which is also a :class:`ConsentError`); ``Database.transaction`` audits it in a
transaction of its own, so that it stays on record even though the action fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from attune.core.accounts import Role, User
from attune.core.clip import Clip
from attune.core.coding import CodingAssignment, CodingRole
from attune.core.consent import ConsentDecision, ConsentScope
from attune.core.family import Family
from attune.core.policy import (
    Action,
    Decision,
    Facts,
    Relation,
    assignments_ended_by,
    decide,
)
from attune.core.reel import Reel
from attune.errors import ConsentError, NotAllowedError
from attune.services import Context
from attune.storage.store import Tx

__all__ = [
    "Action",
    "ConsentRefused",
    "Decision",
    "assigned_as",
    "assignments_ended",
    "assignments_stopped",
    "decide_access",
    "decide_many",
    "decide_reel",
    "decisions_remembered",
    "family_ids_for",
    "refusal",
    "require_access",
    "require_assignable",
    "require_reel",
    "require_role",
    "visible_coders",
]


class ConsentRefused(NotAllowedError, ConsentError):
    """Refused because a consent the use needs is not in force (audited like any
    refusal; a :class:`ConsentError` for those who handle consent apart)."""


def family_ids_for(tx: Tx, user: User) -> set[int]:
    """The families whose record a user may see at all (a list, not the clips)."""
    families = tx.list_families()
    decisions = decide_many(tx, user, Action.SEE_FAMILY, [(f, None) for f in families])
    return {f.id for f, d in zip(families, decisions, strict=True)
            if d.allowed
            or (user.role == Role.PARENT and user.active and user.username in f.parents)}


def _relations(user: User, family: Family, team: set[str],
               assignments: Iterable[CodingAssignment]) -> frozenset[Relation]:
    """How ``user`` stands to ``family`` (and to a clip), from facts already read
    (``team``: a supervisor's practitioners; ``assignments``: the clip's, empty when it
    is about the family)."""
    found: set[Relation] = set()
    if user.role == Role.ADMIN:
        found.add(Relation.ADMIN)
    if user.role == Role.PARENT:
        if user.username in family.parents:
            found.add(Relation.PARENT)
        return frozenset(found)
    if user.role in (Role.PRACTITIONER, Role.SUPERVISOR):
        if user.username in family.practitioners:
            found.add(Relation.PRACTITIONER)
        if user.role == Role.SUPERVISOR and team & set(family.practitioners):
            found.add(Relation.SUPERVISOR)
        of_clip = list(assignments)
        found |= {assigned_as(a, of_clip) for a in of_clip
                  if a.coder == user.username and a.role != CodingRole.PRIMARY}
    return frozenset(found)


def assigned_as(assignment: CodingAssignment, of_clip: list[CodingAssignment]) -> Relation:
    """How an assigned coder stands to the clip: its gold coder, a trainee (a second
    coder of a clip that has a gold coder: a calibration), or its second coder."""
    if assignment.role == CodingRole.GOLD:
        return Relation.GOLD_CODER
    if any(a.role == CodingRole.GOLD for a in of_clip):
        return Relation.TRAINEE
    return Relation.SECOND_CODER


def assignments_ended(tx: Tx, clip_ids: list[int], scope: ConsentScope
                      ) -> list[CodingAssignment]:
    """The coding assignments of these clips a withdrawn ``scope`` ends: those whose coders'
    rows of the policy table need it (a trainee's too), read at once for all the clips."""
    stopped = set(assignments_ended_by(scope))
    of_clips = tx.assignments_of_clips(clip_ids)
    return [a for c in clip_ids for a in of_clips[c]
            if a.role != CodingRole.PRIMARY and assigned_as(a, of_clips[c]) in stopped]


def assignments_stopped(tx: Tx, clip_ids: list[int], scope: ConsentScope
                        ) -> dict[CodingRole, list[int]]:
    """The clips (by the role of the assignment) whose assigned coders a withdrawn
    ``scope`` stops (:func:`assignments_ended`)."""
    out: dict[CodingRole, list[int]] = {}
    for a in assignments_ended(tx, clip_ids, scope):
        if a.clip_id not in out.get(a.role, []):
            out.setdefault(a.role, []).append(a.clip_id)
    return out


def _double_coding_open(assignments: Sequence[CodingAssignment]) -> bool:
    return any(a.role == CodingRole.SECOND for a in assignments) and \
        not all(a.done_at is not None for a in assignments)


#: Permissions already given in this block of :func:`decisions_remembered`.
_GIVEN: ContextVar[dict[tuple[object, ...], Decision] | None] = ContextVar(
    "attune_gate_given", default=None)


@contextmanager
def decisions_remembered() -> Iterator[None]:
    """Within the block (one request, e.g. an outbox of many marks), each question is
    put to the gate once: a permission given is remembered for the same question until
    the block ends; a refusal is never remembered (asked again, it is audited again).
    A block inside another is part of it."""
    if _GIVEN.get() is not None:
        yield
        return
    token = _GIVEN.set({})
    try:
        yield
    finally:
        _GIVEN.reset(token)


def decide_access(tx: Tx, user: User | None, action: Action, family: Family | int,
                  clip: Clip | None = None, *, filmed_under: ConsentScope | None = None,
                  on: date | None = None) -> Decision:
    """THE question: may ``user`` (None: the job worker) do ``action`` with ``family``'s
    material (``clip`` when it is about one clip), today?"""
    if clip is not None and clip.family_id != (family if isinstance(family, int)
                                               else family.id):
        raise ValueError("the clip is not of this family")
    given = _GIVEN.get()
    key = (user, action, family if isinstance(family, int) else family.id,
           clip.id if clip is not None else None, filmed_under, on or date.today())
    if given is not None and key in given:
        return given[key]
    decision = _decide_access(tx, user, action, family, clip, filmed_under=filmed_under,
                              on=on)
    if given is not None and decision.allowed:
        given[key] = decision
    return decision


def _decide_access(tx: Tx, user: User | None, action: Action, family: Family | int,
                   clip: Clip | None, *, filmed_under: ConsentScope | None,
                   on: date | None) -> Decision:
    if isinstance(family, int):
        family = tx.family_by_id(family)
    of_clip = tx.assignments(clip_id=clip.id) if clip is not None else []
    facts = _facts(user, family, _team(tx, user), of_clip,
                   tx.consents_for_family(family.id), clip, filmed_under)
    return decide(facts, action, on or date.today())


def _team(tx: Tx, user: User | None) -> set[str]:
    """A supervisor's practitioners (nobody's for anyone else)."""
    return {u.username for u in tx.team_of(user.username)} \
        if user is not None and user.role == Role.SUPERVISOR else set()


def _facts(user: User | None, family: Family, team: set[str],
           of_clip: Sequence[CodingAssignment], consents: Sequence[ConsentDecision],
           clip: Clip | None, filmed_under: ConsentScope | None) -> Facts:
    """What the rule needs to know, from facts already read (``of_clip``: the clip's
    assignments, read once for the relation and for double-coding)."""
    if user is None:
        rels, active = frozenset({Relation.WORKER}), True
    else:
        coder = user.role in (Role.PRACTITIONER, Role.SUPERVISOR)
        rels, active = _relations(user, family, team, of_clip if coder else []), user.active
    return Facts(active=active, relations=rels, consents=tuple(consents),
                 clip_id=clip.id if clip is not None else None,
                 filmed_under=clip.uploaded_under if clip is not None else filmed_under,
                 double_coding_open=clip is not None and _double_coding_open(of_clip))


def decide_many(tx: Tx, user: User | None, action: Action,
                items: Sequence[tuple[Family | int, Clip | None]], *,
                on: date | None = None) -> list[Decision]:
    """:func:`decide_access` for many (family, clip or None) at once, in order: the same
    answers, read with a few queries for all of them (a page listing a caseload). Like
    :func:`decide_access`, a permission given is remembered inside
    :func:`decisions_remembered`; nothing is audited (a refusal is only an answer here)."""
    day = on or date.today()
    for family, clip in items:
        if clip is not None and clip.family_id != (family if isinstance(family, int)
                                                   else family.id):
            raise ValueError("the clip is not of this family")
    if not items:
        return []
    ids = [f if isinstance(f, int) else f.id for f, _ in items]
    known = {f.id: f for f, _ in items if not isinstance(f, int)}
    families = {**tx.families_by_ids([i for i in ids if i not in known]), **known}
    missing = [i for i in ids if i not in families]
    if missing:
        tx.family_by_id(missing[0])  # raises NotFoundError, as decide_access would
    consents = tx.consents_for_families(list(families))
    clip_ids = [c.id for _, c in items if c is not None]
    assignments = tx.assignments_of_clips(clip_ids)
    team = _team(tx, user)
    given = _GIVEN.get()
    out = []
    for family_id, (_, clip) in zip(ids, items, strict=True):
        key = (user, action, family_id, clip.id if clip is not None else None, None, day)
        if given is not None and key in given:
            out.append(given[key])
            continue
        of_clip = assignments[clip.id] if clip is not None else []
        facts = _facts(user, families[family_id], team, of_clip, consents[family_id], clip,
                       None)
        decision = decide(facts, action, day)
        if given is not None and decision.allowed:
            given[key] = decision
        out.append(decision)
    return out


def require_access(tx: Tx, user: User | None, action: Action, family: Family | int,
                   clip: Clip | None = None, *, what: str,
                   filmed_under: ConsentScope | None = None) -> Decision:
    """:func:`decide_access`, raising the refusal (inside a transaction: it rolls back
    and the refusal is audited)."""
    decision = decide_access(tx, user, action, family, clip, filmed_under=filmed_under)
    if decision.allowed:
        return decision
    family_id = family if isinstance(family, int) else family.id
    detail: dict[str, object] = {"family_id": family_id, "action": action.name}
    if clip is not None:
        detail["clip_id"] = clip.id
    if decision.missing is not None:
        detail["consent"] = str(decision.missing)
        raise ConsentRefused(f"Not allowed: {decision.reason}", what, detail)
    if decision.blind:  # a coder kept blind: the reason says until when
        raise NotAllowedError(f"Not allowed: {decision.reason}", what, {**detail, "blind": True})
    raise refusal(what, detail)


def visible_coders(tx: Tx, user: User, clip: Clip) -> set[str] | None:
    """Whose events ``user`` may see on ``clip``; None means everyone's (blind
    double-coding: see :mod:`attune.core.policy`)."""
    decision = decide_access(tx, user, Action.VIEW_CLIP, clip.family_id, clip)
    return {user.username} if decision.blind or not decision.allowed else None


def require_assignable(tx: Tx, supervisor: User, clip: Clip, coder: User,
                       role: CodingRole, what: str) -> None:
    """A supervisor may give ``clip`` to ``coder`` as second or gold coder only when
    the coder is an active practitioner of their team (or themselves) and the consent
    that coder's use needs is in force."""
    require_access(tx, supervisor, Action.ASSIGN_CODERS, clip.family_id, clip, what=what)
    team = {u.username for u in tx.team_of(supervisor.username)} | {supervisor.username}
    if coder.username not in team or not coder.active or \
            coder.role not in (Role.PRACTITIONER, Role.SUPERVISOR):
        raise NotAllowedError(
            f"Not allowed: {coder.display_name or coder.username} is not a practitioner of "
            "your team, so you cannot give them this clip to code. Choose someone from "
            "your team.", what, {"clip_id": clip.id, "coder": coder.username})
    relation = Relation.GOLD_CODER if role == CodingRole.GOLD else Relation.TRAINEE if any(
        a.role == CodingRole.GOLD for a in tx.assignments(clip_id=clip.id)
    ) else Relation.SECOND_CODER
    facts = Facts(active=True, relations=frozenset({relation}),
                  consents=tuple(tx.consents_for_family(clip.family_id)), clip_id=clip.id,
                  filmed_under=clip.uploaded_under)
    decision = decide(facts, Action.CODE_CLIP, date.today())
    if not decision.allowed:
        raise ConsentRefused(f"Not allowed: {decision.reason}", what,
                             {"clip_id": clip.id, "coder": coder.username,
                              "consent": str(decision.missing)})


def require_role(ctx: Context, user: User, roles: set[Role], what: str) -> None:
    """Outside a transaction: check the role, auditing a refusal."""
    if user.active and user.role in roles:
        return
    with ctx.db.transaction(user.username):
        raise refusal(what, {"roles": sorted(str(r) for r in roles)})


#: "family FAM-7", "clip 12", "reel 3's": said as "this family", "this clip", "this reel's".
_NAMED = re.compile(r"\b(family|clip|reel|moment|event) "
                    r"(?!(?:for|of|to|in|and|with|from)\b)[A-Za-z0-9][A-Za-z0-9_-]*")


def refusal(what: str, detail: dict[str, object]) -> NotAllowedError:
    """The refusal, in words for people: it names no family, clip or reel (someone
    without access learns nothing, not even that a code exists); the audit keeps
    ``what`` and ``detail``."""
    said = _NAMED.sub(lambda m: f"this {m.group(1)}", what)
    return NotAllowedError(f"Not allowed: your account cannot {said}. Ask the family's "
                           "practitioner or an administrator if you need to.", what, detail)


def reel_clips(tx: Tx, reel: Reel) -> list[Clip]:
    return [tx.get_clip(c) for c in dict.fromkeys(tx.get_moment(m).clip_id
                                                   for m in reel.moment_ids)]


def decide_reel(tx: Tx, user: User | None, action: Action, reel: Reel) -> Decision:
    """The gate for a reel: ``action`` must be allowed on every clip it shows."""
    decision = decide_access(tx, user, action, reel.family_id)
    for clip in reel_clips(tx, reel):
        if not decision.allowed:
            break
        decision = decide_access(tx, user, action, reel.family_id, clip)
    return decision


def require_reel(tx: Tx, user: User | None, action: Action, reel: Reel, *, what: str
                 ) -> Decision:
    """:func:`decide_reel`, raising the refusal (audited)."""
    require_access(tx, user, action, reel.family_id, what=what)
    decision = Decision(True)
    for clip in reel_clips(tx, reel):
        decision = require_access(tx, user, action, reel.family_id, clip, what=what)
    return decision
