"""Recording and withdrawing consent (docs/practice.md §7).

Withdrawing the scope a clip was uploaded under deletes the clip's media and everything
made from it, files and rows, at once; the audit log keeps a tombstone (ids, hash, who,
when) and nothing of the content. Withdrawing shared review deletes the reels made from
the family's clips.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from attune.core.accounts import User
from attune.core.clip import Clip, clip_label
from attune.core.coding import CODING_ROLE_WORDS, CodingAssignment
from attune.core.consent import (
    SCOPE_DESCRIPTIONS,
    SCOPE_NAMES,
    ConsentDecision,
    ConsentScope,
    scope_allows,
)
from attune.errors import InputError
from attune.services import Context
from attune.services.access import (
    Action,
    assignments_ended,
    assignments_stopped,
    require_access,
)
from attune.services.clips import clip_files, delete_clips
from attune.storage.store import Tx


def parse_scope(value: str) -> ConsentScope:
    try:
        return ConsentScope(value)
    except ValueError:
        raise InputError(f"{value!r} is not a consent scope; use one of "
                         f"{', '.join(s.value for s in ConsentScope)}.") from None


def record_consent(ctx: Context, actor: User, code: str, scope: ConsentScope, granted: bool,
                   decided_on: date, evidence: str = "", clip_id: int | None = None,
                   retain_until: date | None = None) -> ConsentDecision:
    if decided_on > date.today():
        raise InputError("The consent date is in the future; give the day the family decided.")
    if retain_until is not None and retain_until < decided_on:
        raise InputError("The retention date is before the consent date; check both dates.")
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family,
                       what=f"record consent for family {code}")
        if clip_id is not None and tx.get_clip(clip_id).family_id != family.id:
            raise InputError(f"Clip {clip_id} is not a clip of family {code}.")
        return tx.record_consent(family.id, scope, granted, decided_on, evidence, clip_id,
                                 retain_until)


def consents(ctx: Context, actor: User, code: str) -> list[ConsentDecision]:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.SEE_FAMILY, family,
                       what=f"see family {code}'s consent")
        return tx.consents_for_family(family.id)


@dataclass(frozen=True)
class ScopeState:
    scope: ConsentScope
    name: str  # the scope's plain name ("Second coder")
    in_force: bool  # for the family as a whole, today
    meaning: str


def consent_summary(ctx: Context, actor: User, code: str
                    ) -> tuple[list[ScopeState], list[ConsentDecision]]:
    """Each scope's state for the family today, and the decisions on record."""
    decisions = consents(ctx, actor, code)
    today = date.today()
    return ([ScopeState(s, SCOPE_NAMES[s], scope_allows(decisions, s, today),
                        SCOPE_DESCRIPTIONS[s]) for s in ConsentScope], decisions)


@dataclass(frozen=True)
class WithdrawalPlan:
    """What a withdrawal will delete, shown to the practitioner before confirming."""

    scope: ConsentScope
    clips: tuple[Clip, ...]
    reel_ids: tuple[int, ...]
    files: int
    ended: tuple[CodingAssignment, ...] = ()  # second or gold coders' assignments

    def describe(self) -> str:
        ends = ""
        if self.ended:
            roles = Counter(CODING_ROLE_WORDS[a.role] for a in self.ended)
            ends = (" It ends " + " and ".join(
                f"{n} assignment(s) to code a clip as {words}" for words, n in roles.items())
                + ", and the coding made for them is deleted.")
        if not self.clips and not self.reel_ids:
            return (f"Withdrawing {SCOPE_NAMES[self.scope].lower()} consent deletes no "
                    "media: it stops future use for this purpose." + ends)
        parts = []
        if self.clips:
            names = ", ".join(clip_label(c) for c in self.clips)
            parts.append(f"{len(self.clips)} clip(s) with all their coding, moments and "
                         f"files: {names}")
        if self.reel_ids:
            parts.append(f"{len(self.reel_ids)} reel(s) made from them")
        return ("This deletes at once and for good: " + "; ".join(parts)
                + f" ({self.files} file(s) in all). The audit log keeps only a note that it "
                "happened." + ends)


def plan_withdrawal(ctx: Context, actor: User, code: str, scope: ConsentScope,
                    clip_id: int | None = None) -> WithdrawalPlan:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family,
                       what=f"withdraw consent for family {code}")
        clips = [c for c in tx.clips_for_family(family.id)
                 if clip_id is None or c.id == clip_id]
        doomed = [c for c in clips if c.uploaded_under == scope]
        reel_ids: set[int] = set()
        if scope == ConsentScope.SHARED_REVIEW:
            reel_ids = tx.reel_ids_of_clips([c.id for c in clips])
        same_content = tx.clips_with_shas([c.sha256 for c in doomed])
        files = sum(len(clip_files(ctx, tx, c, same_content)) for c in doomed)
        files += sum(len(list(ctx.media.reel_dir(r).glob("*")))
                     for r in reel_ids if ctx.media.reel_dir(r).exists())
        ended = tuple(assignments_ended(tx, [c.id for c in clips], scope))
        return WithdrawalPlan(scope, tuple(doomed), tuple(sorted(reel_ids)), files, ended)


def withdraw_consent(ctx: Context, actor: User, code: str, scope: ConsentScope,
                     on: date | None = None, clip_id: int | None = None) -> WithdrawalPlan:
    """Withdraw ``scope``; delete at once what it covered. Returns what was deleted."""
    day = on or date.today()
    plan = plan_withdrawal(ctx, actor, code, scope, clip_id)

    def withdraw(tx: Tx) -> None:
        family = tx.get_family(code)
        covered = [c.id for c in tx.clips_for_family(family.id)
                   if clip_id is None or c.id == clip_id]
        # they end now, with their coding (chosen before any ends: a trainee is one while
        # the clip's gold coder is assigned)
        for role, ids in assignments_stopped(tx, covered, scope).items():
            tx.end_assignments(ids, role, f"{SCOPE_NAMES[scope].lower()} consent withdrawn")
        if tx.withdraw_consent(family.id, scope, day, clip_id):
            return
        decisions = tx.consents_for_family(family.id)
        if clip_id is not None and scope_allows(decisions, scope, day, clip_id):
            # The clip is covered by the family's consent: the parent withdraws it for this
            # clip alone, recorded as the clip's own decision (which wins over the family's).
            tx.record_consent(family.id, scope, False, day,
                              "withdrawn for this clip (the family's consent stays)", clip_id)
            return
        raise InputError(f"There is no {SCOPE_NAMES[scope].lower()} consent in force to "
                         "withdraw" + (" for this clip" if clip_id else "") + ".")

    # The withdrawal and the deletions commit together, or not at all.
    delete_clips(ctx, actor.username, [c.id for c in plan.clips], reel_ids=plan.reel_ids,
                 reason=f"{SCOPE_NAMES[scope].lower()} consent withdrawn", also=withdraw)
    return plan
