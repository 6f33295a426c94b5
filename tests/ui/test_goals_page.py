"""The Goals and visits page under AppTest: a practitioner writes a goal in the parent's
words and plans a visit; a supervisor reads; a parent reads only the words, on their own
page; the Tallies page charts progress against the goal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import User
from attune.core.goals import VIPP_SD_THEMES
from attune.services import Context
from attune.services.demo import DEMO_FAMILY
from attune.services.goals import add_goal, family_goals, visit_plans
from tests.factories import demo_users, demo_without_video

from .conftest import texts

App = Callable[..., AppTest]
CRIES = "I want to know what she needs when she cries"


@pytest.fixture
def demo(ctx: Context) -> dict[str, User]:
    demo_without_video(ctx)
    return demo_users(ctx, "pat", "sue", "parent")


def test_a_practitioner_writes_a_goal_and_plans_a_visit(ctx: Context, demo: dict[str, User],
                                                         app: App) -> None:
    at = app(demo["pat"], "goals.py", family=DEMO_FAMILY)
    at.run()
    assert not at.exception
    assert "No goals yet" in texts(at)
    at.text_area(key="add_goal_text").set_value(CRIES)
    at.multiselect(key="add_goal_cues").set_value(["C15", "C16"])
    at.multiselect(key="add_goal_answers").set_value(["R11"])
    at.button(key="add_goal_submit").click().run()
    assert not at.exception
    [goal] = family_goals(ctx, demo["pat"], DEMO_FAMILY)
    assert goal.text == CRIES and goal.current.cue_codes == ("C15", "C16")
    said = texts(at)
    assert CRIES in said and "C16 cries" in said and "R11 soothes" in said
    # a second visit with VIPP-SD's second theme
    at.number_input(key="plan_number").set_value(2)
    at.selectbox(key="plan_theme_choice").set_value(f"Visit 2: {VIPP_SD_THEMES[2]}")
    at.text_input(key="plan_filmed").set_value("Nappy change")
    at.button(key="plan_save").click().run()
    assert not at.exception
    [plan] = visit_plans(ctx, demo["pat"], DEMO_FAMILY)
    assert (plan.number, plan.theme, plan.filmed) == (2, VIPP_SD_THEMES[2], "Nappy change")


def test_a_supervisor_reads_and_the_parent_reads_only_their_words(
        ctx: Context, demo: dict[str, User], app: App) -> None:
    add_goal(ctx, demo["pat"], DEMO_FAMILY, CRIES, date(2026, 3, 1), ["C15", "C16"], ["R11"])
    at = app(demo["sue"], "goals.py", family=DEMO_FAMILY)
    at.run()
    assert not at.exception
    assert CRIES in texts(at)
    assert not [b for b in at.button if b.key == "add_goal_submit"]  # reads, never writes
    at = app(demo["parent"], "goals.py")
    at.run()
    assert "Not allowed" in texts(at)
    at = app(demo["parent"], "parent_view.py")
    at.run()
    assert not at.exception
    said = texts(at)
    assert CRIES in said and "1 March 2026" in said
    for word in ("C15", "C16", "R11", "soothes", "answered", "count"):
        assert word not in said, word


def test_the_tallies_page_charts_progress_against_the_goal(ctx: Context,
                                                           demo: dict[str, User],
                                                           app: App) -> None:
    add_goal(ctx, demo["pat"], DEMO_FAMILY, "I want to answer her smiles", date(2026, 3, 1),
             ["C02"], [])
    at = app(demo["pat"], "tallies.py", family=DEMO_FAMILY)
    at.run()
    assert not at.exception
    assert "the family's goals" in texts(at)
    at.toggle(key="tallies_parent_view").set_value(True).run()
    assert "the family's goals" not in texts(at)
