"""The family's goals in the parent's words, and the plans of its visits (docs/practice.md
§9). Practitioners of the family write them (audited, every rewording kept); supervisors
read them; a parent reads the goals' words and dates only (:class:`ParentGoal`), never
the codes or the counts against them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attune.core.accounts import Role, User
from attune.core.goals import (
    Goal,
    ParentGoal,
    VisitPlan,
    checked_codes,
    checked_goal_text,
    checked_plan,
)
from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.services import Context
from attune.services.access import (
    Action,
    decide_access,
    family_ids_for,
    refusal,
    require_access,
)
from attune.services.schemes import load_scheme
from attune.storage.store import Tx


def _codes(ctx: Context, cue_codes: Sequence[str], response_codes: Sequence[str]
           ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    _, scheme = load_scheme(ctx)
    cues = [c.id for c in scheme.codes_of(EventKind.CUE)]
    responses = [c.id for c in scheme.codes_of(EventKind.RESPONSE) if not c.practitioner_only]
    return (checked_codes(cue_codes, cues, "cue"),
            checked_codes(response_codes, responses, "response"))


def _goal_of_family(tx: Tx, actor: User, code: str, goal_id: int, what: str) -> Goal:
    family = tx.get_family(code)
    require_access(tx, actor, Action.MANAGE_RECORD, family, what=what)
    goal = tx.get_goal(goal_id)
    if goal.family_id != family.id:
        raise InputError(f"Goal {goal_id} is not a goal of family {code}.")
    return goal


def add_goal(ctx: Context, actor: User, code: str, text: str, set_on: date,
             cue_codes: Sequence[str] = (), response_codes: Sequence[str] = ()) -> Goal:
    """A goal in the parent's own words, dated the day they said it, with the codes that
    show it (either list may be empty)."""
    text = checked_goal_text(text)
    cues, responses = _codes(ctx, cue_codes, response_codes)
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family,
                       what=f"write family {code}'s goals")
        return tx.add_goal(family.id, text, set_on, cues, responses)


def revise_goal(ctx: Context, actor: User, code: str, goal_id: int, text: str,
                set_on: date, cue_codes: Sequence[str] = (),
                response_codes: Sequence[str] = ()) -> Goal:
    """New words or codes for a goal: a new version; the earlier ones are kept."""
    text = checked_goal_text(text)
    cues, responses = _codes(ctx, cue_codes, response_codes)
    with ctx.db.transaction(actor.username) as tx:
        _goal_of_family(tx, actor, code, goal_id, f"change family {code}'s goals")
        return tx.revise_goal(goal_id, text, set_on, cues, responses)


def retire_goal(ctx: Context, actor: User, code: str, goal_id: int, on: date) -> Goal:
    """Close a goal (reached, or no longer the family's): it stays on record."""
    with ctx.db.transaction(actor.username) as tx:
        _goal_of_family(tx, actor, code, goal_id, f"change family {code}'s goals")
        return tx.retire_goal(goal_id, on)


def family_goals(ctx: Context, actor: User, code: str) -> list[Goal]:
    """Every goal of the family with its versions and codes: for practitioners and
    supervisors (a parent reads :func:`parent_goals`)."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        what = f"see family {code}'s goals with their codes"
        if actor.role == Role.PARENT:
            raise refusal(what, {"family_id": family.id})
        require_access(tx, actor, Action.SEE_GOALS, family, what=what)
        return tx.goals_for_family(family.id)


def parent_goals(ctx: Context, actor: User) -> list[ParentGoal]:
    """The open goals of the parent's families, in their words and dated: nothing else."""
    out: list[ParentGoal] = []
    with ctx.db.transaction(actor.username) as tx:
        for family_id in sorted(family_ids_for(tx, actor)):
            require_access(tx, actor, Action.SEE_GOALS, family_id, what="read your goals")
            out += [ParentGoal(g.text, g.current.set_on)
                    for g in tx.goals_for_family(family_id) if g.retired_on is None]
    return out


def save_visit_plan(ctx: Context, actor: User, code: str, number: int, theme: str = "",
                    filmed: str = "", review_reel_id: int | None = None,
                    session_id: int | None = None) -> VisitPlan:
    """Plan visit ``number`` (made or replaced): its theme (VIPP-SD's for visits 1-6 when
    left empty), what is filmed, which reel is reviewed, and the session it became."""
    number, theme, filmed = checked_plan(number, theme, filmed)
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.MANAGE_RECORD, family,
                       what=f"plan family {code}'s visits")
        return tx.save_visit_plan(family.id, number, theme, filmed, review_reel_id,
                                  session_id)


def visit_plans(ctx: Context, actor: User, code: str) -> list[VisitPlan]:
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.SEE_FAMILY, family,
                       what=f"see family {code}'s visit plans")
        return tx.visit_plans(family.id)


def may_write_goals(ctx: Context, actor: User, code: str) -> bool:
    """Whether ``actor`` may write the family's goals and plans (its practitioner)."""
    with ctx.db.transaction(actor.username) as tx:
        return decide_access(tx, actor, Action.MANAGE_RECORD, tx.get_family(code)).allowed


def reel_titles(ctx: Context, actor: User, code: str) -> dict[int, str]:
    """The family's reels by id, with their titles (for "which reel is reviewed")."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.SEE_FAMILY, family,
                       what=f"see family {code}'s visit plans")
        return {r.id: r.title for r in sorted(tx.reels_for_family(family.id),
                                              key=lambda r: r.id)}
