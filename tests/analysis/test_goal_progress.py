"""Progress against a goal (attune/analysis/goals.py): which attuned responses show it."""

from __future__ import annotations

from datetime import date

from attune.analysis.goals import goal_count, goal_progress
from attune.analysis.tallies import SessionClip, link_responses, session_tallies
from attune.core.goals import Goal, GoalVersion
from attune.schemes import default_scheme

from ._build import ev

SCHEME = default_scheme()


def _goal(gid: int, cues: tuple[str, ...], responses: tuple[str, ...]) -> Goal:
    return Goal(gid, 1, (GoalVersion(1, "old words", date(2026, 1, 1), ("C01",), ()),
                         GoalVersion(2, f"goal {gid}", date(2026, 2, 1), cues, responses)))


def _events() -> list:  # type: ignore[type-arg]
    return [
        ev("C16", 1000, id=1), ev("R11", 2500, id=2, answers_id=1),  # attuned, 1.5 s
        ev("C15", 10_000, id=3), ev("R07", 11_000, id=4, answers_id=3),  # attuned, other code
        ev("C16", 20_000, id=5), ev("R11", 27_000, id=6, answers_id=5),  # too late (7 s)
        ev("C02", 30_000, id=7), ev("R11", 30_500, id=8, answers_id=7),  # R11 does not fit E
        ev("C02", 40_000, id=9), ev("R04", 40_800, id=10, answers_id=9),  # attuned
    ]


def test_which_responses_show_a_goal() -> None:
    links = link_responses(_events(), SCHEME)
    cries = _goal(1, ("C15", "C16"), ("R11",)).current
    assert goal_count(cries, links) == 1  # only the prompt, fitting soothing
    assert goal_count(_goal(2, ("C15", "C16"), ()).current, links) == 2  # any answer
    assert goal_count(_goal(3, (), ("R04",)).current, links) == 1  # any cue
    assert goal_count(_goal(4, (), ()).current, links) == 3  # every attuned response


def test_progress_per_visit_uses_the_newest_codes_and_skips_unlinked_goals() -> None:
    clips = [SessionClip(1, date(2026, 3, 1), 60_000, _events()),
             SessionClip(2, date(2026, 4, 1), 60_000, _events()[:2])]
    sessions = session_tallies(clips, SCHEME)
    goals = [_goal(1, ("C16",), ("R11",)),
             Goal(2, 1, (GoalVersion(1, "no codes", date(2026, 1, 1)),))]
    frame = goal_progress(goals, sessions)
    assert frame.to_dict("records") == [
        {"session": 1, "date": date(2026, 3, 1), "goal_id": 1, "goal": "goal 1", "count": 1},
        {"session": 2, "date": date(2026, 4, 1), "goal_id": 1, "goal": "goal 1", "count": 1},
    ]
