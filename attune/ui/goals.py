"""What the Goals and visits page shows (docs/practice.md §9): the family's goals in the
parent's words with their codes and earlier wordings, progress against them per visit,
and the plan of each visit. Nothing here imports Streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import altair as alt
import pandas as pd

from attune.core.goals import VIPP_SD_THEMES, Goal, GoalVersion, ParentGoal, VisitPlan
from attune.core.scheme import Scheme

#: The theme choices of a visit plan: VIPP-SD's template by visit, or the practitioner's
#: own words.
FREE_THEME = "A theme in my own words"


def theme_choices() -> list[str]:
    return [*(f"Visit {n}: {t}" for n, t in VIPP_SD_THEMES.items()), FREE_THEME]


def theme_of(choice: str, own_words: str) -> str:
    """The theme a choice stands for.

    >>> theme_of("Visit 2: Speaking for the child · Positive reinforcement", "")
    'Speaking for the child · Positive reinforcement'
    >>> theme_of(FREE_THEME, "Bath time")
    'Bath time'
    """
    if choice == FREE_THEME:
        return own_words
    return choice.split(": ", 1)[1]


def said_on(day: date) -> str:
    return f"{day:%-d %B %Y}"


def codes_line(version: GoalVersion, scheme: Scheme) -> str:
    """Which codes show the goal, with their names, for practitioners."""
    def names(codes: Sequence[str]) -> str:
        return ", ".join(f"{c} {scheme.code(c).label}" if scheme.has_code(c) else c
                         for c in codes)

    if not version.cue_codes and not version.response_codes:
        return "No codes linked yet: link some so that progress can be counted."
    cues = names(version.cue_codes) if version.cue_codes else "any cue"
    answers = names(version.response_codes) if version.response_codes else \
        "any attuned response"
    return f"Shown by: {cues}, answered with {answers}"


def goal_history(goal: Goal) -> pd.DataFrame:
    """Every wording of a goal, oldest first."""
    return pd.DataFrame([{"Version": v.version, "In the parent's words": v.text,
                          "Said on": said_on(v.set_on), "Cues": ", ".join(v.cue_codes),
                          "Answered with": ", ".join(v.response_codes),
                          "Written down by": v.recorded_by} for v in goal.versions])


def plans_table(plans: Sequence[VisitPlan], reels: Mapping[int, str],
                visits: Mapping[int, date]) -> pd.DataFrame:
    return pd.DataFrame([{
        "Visit": p.number, "Theme": p.theme, "What is filmed": p.filmed,
        "Reel reviewed": reels.get(p.review_reel_id, "") if p.review_reel_id else "",
        "Held on": said_on(visits[p.session_id]) if p.session_id is not None
        and p.session_id in visits else "",
    } for p in plans], columns=["Visit", "Theme", "What is filmed", "Reel reviewed",
                                "Held on"])


def progress_chart(progress: pd.DataFrame) -> alt.Chart:
    """Practitioner-only: per visit, the attuned responses that show each goal."""
    data = progress.assign(visit=progress["date"].astype(str),
                           goal=progress["goal"].str.slice(0, 60))
    return alt.Chart(data, title="Progress against the family's goals").mark_line(
        point=True).encode(
        x=alt.X("visit:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title="attuned responses that show the goal",
                axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("goal:N", title=None,
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=360)),
        tooltip=["visit", "goal", "count"])


def parent_goal_lines(goals: Sequence[ParentGoal]) -> list[str]:
    """What a parent reads of their goals: their words and the day they said them."""
    return [f"“{g.text}” (you said this on {said_on(g.set_on)})" for g in goals]
