"""The family's goals (each wording a version) and the plans of its visits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from attune.core.goals import Goal, GoalVersion, VisitPlan
from attune.errors import InputError, NotFoundError
from attune.storage.families import Families
from attune.storage.models import (
    FamilyGoalRecord,
    FamilyGoalVersionRecord,
    ReelRecord,
    SessionRecord,
    UserRecord,
    VisitPlanRecord,
)
from attune.storage.txbase import utcnow


class Goals(Families):
    def add_goal(self, family_id: int, text: str, set_on: date,
                 cue_codes: Sequence[str] = (), response_codes: Sequence[str] = ()) -> Goal:
        user = self._user_rec(self.actor)
        rec = FamilyGoalRecord(family_id=family_id, created_by=user.id, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self._add_version(rec.id, 1, text, set_on, cue_codes, response_codes, user.id)
        goal = self.get_goal(rec.id)
        self.audit("create", "goal", rec.id, {"family_id": family_id, **_said(goal.current)})
        return goal

    def revise_goal(self, goal_id: int, text: str, set_on: date,
                    cue_codes: Sequence[str] = (), response_codes: Sequence[str] = ()) -> Goal:
        """A new wording (or new codes): a new version; the earlier ones stay."""
        rec = self._goal_rec(goal_id)
        if rec.retired_on is not None:
            raise InputError("This goal was closed; add it again as a new goal.")
        user = self._user_rec(self.actor)
        last = self.orm.scalar(select(func.max(FamilyGoalVersionRecord.version))
                               .where(FamilyGoalVersionRecord.goal_id == goal_id)) or 0
        before = self.get_goal(goal_id).current
        self._add_version(goal_id, last + 1, text, set_on, cue_codes, response_codes, user.id)
        goal = self.get_goal(goal_id)
        self.audit("revise", "goal", goal_id, {"family_id": rec.family_id,
                                               "before": _said(before),
                                               "after": _said(goal.current)})
        return goal

    def retire_goal(self, goal_id: int, on: date) -> Goal:
        rec = self._goal_rec(goal_id)
        rec.retired_on = on
        self.audit("retire", "goal", goal_id, {"family_id": rec.family_id,
                                               "retired_on": on.isoformat()})
        return self.get_goal(goal_id)

    def _add_version(self, goal_id: int, version: int, text: str, set_on: date,
                     cue_codes: Sequence[str], response_codes: Sequence[str],
                     user_id: int) -> None:
        self.orm.add(FamilyGoalVersionRecord(
            goal_id=goal_id, version=version, text=text, set_on=set_on,
            cue_codes=list(cue_codes), response_codes=list(response_codes),
            recorded_by=user_id, recorded_at=utcnow()))
        self.orm.flush()

    def _goal_rec(self, goal_id: int) -> FamilyGoalRecord:
        rec = self.orm.get(FamilyGoalRecord, goal_id)
        if rec is None:
            raise NotFoundError(f"There is no goal with id {goal_id}.")
        return rec

    def get_goal(self, goal_id: int) -> Goal:
        rec = self._goal_rec(goal_id)
        rows = self.orm.execute(
            select(FamilyGoalVersionRecord, UserRecord.username)
            .join(UserRecord, UserRecord.id == FamilyGoalVersionRecord.recorded_by)
            .where(FamilyGoalVersionRecord.goal_id == goal_id)
            .order_by(FamilyGoalVersionRecord.version)).all()
        versions = tuple(GoalVersion(v.version, v.text, v.set_on, tuple(v.cue_codes),
                                     tuple(v.response_codes), who, v.recorded_at)
                         for v, who in rows)
        return Goal(rec.id, rec.family_id, versions, rec.retired_on)

    def goals_for_family(self, family_id: int) -> list[Goal]:
        ids = self.orm.scalars(select(FamilyGoalRecord.id)
                               .where(FamilyGoalRecord.family_id == family_id)
                               .order_by(FamilyGoalRecord.id))
        return [self.get_goal(i) for i in ids]

    def save_visit_plan(self, family_id: int, number: int, theme: str, filmed: str,
                        review_reel_id: int | None, session_id: int | None) -> VisitPlan:
        """The plan of visit ``number`` of the family, made or replaced (audited with what
        it was before)."""
        if review_reel_id is not None:
            reel = self.orm.get(ReelRecord, review_reel_id)
            if reel is None or reel.family_id != family_id:
                raise InputError(f"Reel {review_reel_id} is not a reel of this family; "
                                 "choose one of its reels.")
        if session_id is not None:
            visit = self.orm.get(SessionRecord, session_id)
            if visit is None or visit.family_id != family_id:
                raise InputError(f"Session {session_id} is not a visit of this family.")
        user = self._user_rec(self.actor)
        rec = self.orm.scalar(select(VisitPlanRecord).where(
            VisitPlanRecord.family_id == family_id, VisitPlanRecord.number == number))
        before = None if rec is None else _plan(rec)
        if rec is None:
            rec = VisitPlanRecord(family_id=family_id, number=number)
            self.orm.add(rec)
        rec.theme, rec.filmed = theme, filmed
        rec.review_reel_id, rec.session_id = review_reel_id, session_id
        rec.updated_by, rec.updated_at = user.id, utcnow()
        self.orm.flush()
        plan = _plan(rec)
        self.audit("save", "visit-plan", rec.id, {
            "family_id": family_id, "number": number,
            "before": None if before is None else _plan_said(before),
            "after": _plan_said(plan)})
        return plan

    def visit_plans(self, family_id: int) -> list[VisitPlan]:
        return [_plan(r) for r in self.orm.scalars(
            select(VisitPlanRecord).where(VisitPlanRecord.family_id == family_id)
            .order_by(VisitPlanRecord.number))]


def _said(v: GoalVersion) -> dict[str, object]:
    return {"version": v.version, "text": v.text, "set_on": v.set_on.isoformat(),
            "cue_codes": list(v.cue_codes), "response_codes": list(v.response_codes)}


def _plan(rec: VisitPlanRecord) -> VisitPlan:
    return VisitPlan(rec.id, rec.family_id, rec.number, rec.theme, rec.filmed,
                     rec.review_reel_id, rec.session_id)


def _plan_said(p: VisitPlan) -> dict[str, object]:
    return {"theme": p.theme, "filmed": p.filmed, "review_reel_id": p.review_reel_id,
            "session_id": p.session_id}
