"""Progress against the family's own goals (docs/practice.md §9): for each visit, the
attuned responses that show each goal, counted from the tallies' links.

A goal names cue codes, response codes or both (e.g. cues C15/C16 answered with R11). An
attuned response shows the goal when its cue's code is one of the goal's cue codes (any
cue when it names none) and its own code is one of the goal's response codes (any
attuned response when it names none). The goal's newest wording decides which codes
count, for every visit, so that visits stay comparable. A goal that names no code has
no count. Counts only: for practitioners, never a parent's view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from attune.analysis.tallies import LinkedResponse, SessionTallies
from attune.core.goals import Goal, GoalVersion

PROGRESS_COLUMNS = ["session", "date", "goal_id", "goal", "count"]


def shows_goal(goal: GoalVersion, link: LinkedResponse) -> bool:
    """Whether an attuned response shows the goal."""
    if not link.attuned or link.cue is None:
        return False
    if goal.cue_codes and link.cue.code not in goal.cue_codes:
        return False
    return not goal.response_codes or link.response.code in goal.response_codes


def goal_count(goal: GoalVersion, links: Iterable[LinkedResponse]) -> int:
    return sum(shows_goal(goal, link) for link in links)


def goal_progress(goals: Sequence[Goal], sessions: Sequence[SessionTallies]) -> pd.DataFrame:
    """Long form, one row per visit and linked goal: session, date, goal id, the goal's
    words, the count (oldest visit first)."""
    rows = [{"session": s.session_id, "date": s.session_date, "goal_id": g.id,
             "goal": g.text, "count": goal_count(g.current, s.tallies.links)}
            for s in sessions for g in goals if g.linked]
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
