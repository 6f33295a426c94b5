"""The family's goals and visit plans (services/goals.py, storage/goals.py, the gate's
SEE_GOALS): the parent's words kept with every revision and audited, the parent reading
only words and dates, visit plans with the VIPP-SD template, progress per visit."""

from __future__ import annotations

from datetime import date

import pytest

from attune.analysis.tallies import Audience
from attune.core.accounts import Role, User
from attune.core.goals import VIPP_SD_THEMES, ParentGoal
from attune.core.scheme import EventKind
from attune.errors import InputError, NotAllowedError
from attune.schemes import default_scheme
from attune.services import Context
from attune.services.analysis import family_goal_progress, family_tallies
from attune.services.demo import DEMO_FAMILY
from attune.services.goals import (
    add_goal,
    family_goals,
    parent_goals,
    retire_goal,
    revise_goal,
    save_visit_plan,
    visit_plans,
)
from tests.factories import demo_users, demo_without_video, make_family, make_user

CRIES = "I want to know what she needs when she cries"


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    demo_without_video(ctx)
    return demo_users(ctx, "pat", "sam", "sue", "parent")


def test_a_goal_in_the_parents_words_is_revised_and_audited(ctx: Context,
                                                             demo: dict[str, User]) -> None:
    pat = demo["pat"]
    goal = add_goal(ctx, pat, DEMO_FAMILY, f"  {CRIES} ", date(2026, 3, 1), ["c16", "C15"],
                    ["R11"])
    assert goal.text == CRIES
    assert goal.current.cue_codes == ("C15", "C16") and goal.current.response_codes == ("R11",)
    revised = revise_goal(ctx, pat, DEMO_FAMILY, goal.id, "I want to calm her when she cries",
                          date(2026, 4, 2), ["C16"], ["R11", "R07"])
    assert [v.version for v in revised.versions] == [1, 2]
    assert revised.versions[0].text == CRIES  # the first words are kept
    assert revised.current.set_on == date(2026, 4, 2)
    assert revised.current.recorded_by == "pat"
    with ctx.db.transaction("test") as tx:
        entries = tx.audit_entries(object_type="goal", object_id=goal.id)
    actions = [e.action for e in entries]  # newest first
    assert actions == ["revise", "create"]
    assert entries[0].detail["before"]["text"] == CRIES


def test_bad_goals_are_refused_with_advice(ctx: Context, demo: dict[str, User]) -> None:
    with pytest.raises(InputError, match="own words"):
        add_goal(ctx, demo["pat"], DEMO_FAMILY, "   ", date(2026, 3, 1))
    with pytest.raises(InputError, match="C99 is not a cue code"):
        add_goal(ctx, demo["pat"], DEMO_FAMILY, CRIES, date(2026, 3, 1), ["C99"])
    with pytest.raises(InputError, match="N01 is not a response code"):
        add_goal(ctx, demo["pat"], DEMO_FAMILY, CRIES, date(2026, 3, 1), [], ["N01"])


def test_who_reads_and_writes_goals(ctx: Context, demo: dict[str, User]) -> None:
    goal = add_goal(ctx, demo["pat"], DEMO_FAMILY, CRIES, date(2026, 3, 1), ["C16"], ["R11"])
    assert [g.id for g in family_goals(ctx, demo["sue"], DEMO_FAMILY)] == [goal.id]
    with pytest.raises(NotAllowedError):  # a supervisor reads, the practitioner writes
        add_goal(ctx, demo["sue"], DEMO_FAMILY, "Another goal", date(2026, 3, 1))
    kim = make_user(ctx, "kim")
    with pytest.raises(NotAllowedError):
        family_goals(ctx, kim, DEMO_FAMILY)
    with pytest.raises(NotAllowedError):  # the codes are not the parent's
        family_goals(ctx, demo["parent"], DEMO_FAMILY)
    said = parent_goals(ctx, demo["parent"])
    assert said == [ParentGoal(CRIES, date(2026, 3, 1))]
    other_parent = make_user(ctx, "dad", Role.PARENT)
    make_family(ctx, kim, "FAM-777")
    assert parent_goals(ctx, other_parent) == []
    retire_goal(ctx, demo["pat"], DEMO_FAMILY, goal.id, date(2026, 6, 1))
    assert parent_goals(ctx, demo["parent"]) == []
    assert family_goals(ctx, demo["pat"], DEMO_FAMILY)[0].retired_on == date(2026, 6, 1)
    with pytest.raises(InputError, match="is not a goal of family"):
        retire_goal(ctx, kim, "FAM-777", goal.id, date(2026, 6, 1))


def test_visit_plans_use_the_vipp_sd_template_or_free_text(ctx: Context,
                                                           demo: dict[str, User]) -> None:
    pat = demo["pat"]
    first = save_visit_plan(ctx, pat, DEMO_FAMILY, 1, filmed="Playing on the mat")
    assert first.theme == VIPP_SD_THEMES[1]
    second = save_visit_plan(ctx, pat, DEMO_FAMILY, 2, "Bath time together", "Bath time")
    again = save_visit_plan(ctx, pat, DEMO_FAMILY, 2, "Bath time, and naming feelings",
                            "Bath time")
    assert again.id == second.id
    assert [(p.number, p.theme) for p in visit_plans(ctx, demo["sue"], DEMO_FAMILY)] == [
        (1, VIPP_SD_THEMES[1]), (2, "Bath time, and naming feelings")]
    with pytest.raises(InputError, match="theme"):
        save_visit_plan(ctx, pat, DEMO_FAMILY, 9)
    with pytest.raises(InputError, match="not a reel of this family"):
        save_visit_plan(ctx, pat, DEMO_FAMILY, 3, review_reel_id=999)
    with pytest.raises(NotAllowedError):
        save_visit_plan(ctx, demo["parent"], DEMO_FAMILY, 3, "A theme")
    with ctx.db.transaction("test") as tx:
        entries = tx.audit_entries(object_type="visit-plan", object_id=second.id)
    assert [e.detail["before"] is None for e in entries] == [False, True]  # newest first


def test_progress_against_goals_per_visit(ctx: Context, demo: dict[str, User]) -> None:
    responses = [c.id for c in default_scheme().codes_of(EventKind.RESPONSE)
                 if not c.practitioner_only]
    every = add_goal(ctx, demo["pat"], DEMO_FAMILY, "I want to answer her more",
                     date(2026, 3, 1), [], responses)
    add_goal(ctx, demo["pat"], DEMO_FAMILY, "A goal with no codes yet", date(2026, 3, 1))
    progress = family_goal_progress(ctx, demo["pat"], DEMO_FAMILY)
    tallies = family_tallies(ctx, demo["pat"], DEMO_FAMILY, audience=Audience.PRACTITIONER)
    assert set(progress["goal_id"]) == {every.id}  # a goal without codes has no count
    # every attuned response shows the goal that names every response code
    assert list(progress["count"]) == list(tallies["attuned_responses"])
    assert list(progress["session"]) == list(tallies["session"])
    with pytest.raises(NotAllowedError):
        family_goal_progress(ctx, demo["parent"], DEMO_FAMILY)
