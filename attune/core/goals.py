"""The family's own goals and the plan of each visit (docs/practice.md §1, §9).

VIG starts from the parent's own goals ("what would you like to be different?"): a goal is
kept in the parent's words, dated, revisable (every revision a new version, the old ones
kept) and linked to the codes that show it, e.g. "I want to know what she needs when she
cries" -> cues C15/C16 answered with R11. A parent may read their goals' words and dates;
the codes and the counts against them are for practitioners.

VIPP-SD fixes a theme per visit (Juffer, Bakermans-Kranenburg & van IJzendoorn 2008,
*Promoting Positive Parenting*): :data:`VIPP_SD_THEMES` is that template; any other
theme is free text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from attune.errors import InputError

#: VIPP-SD's themes by visit: sensitivity theme / sensitive discipline theme; visits 5 and
#: 6 are booster visits that bring the themes together.
VIPP_SD_THEMES: dict[int, str] = {
    1: "Exploration and attachment behaviour · Distraction and induction",
    2: "Speaking for the child · Positive reinforcement",
    3: "The sensitivity chain · Sensitive time-out",
    4: "Sharing emotions · Empathy for the child",
    5: "Booster: bringing the themes together",
    6: "Booster: bringing the themes together",
}
GOAL_TEXT_MAX = 500
PLAN_TEXT_MAX = 1000


@dataclass(frozen=True)
class GoalVersion:
    """One wording of a goal: the parent's words, the day they said them, the codes."""

    version: int
    text: str
    set_on: date
    cue_codes: tuple[str, ...] = ()
    response_codes: tuple[str, ...] = ()
    recorded_by: str = ""
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class Goal:
    id: int
    family_id: int
    versions: tuple[GoalVersion, ...]
    retired_on: date | None = None

    @property
    def current(self) -> GoalVersion:
        return self.versions[-1]

    @property
    def text(self) -> str:
        return self.current.text

    @property
    def linked(self) -> bool:
        """Whether the goal names codes, so that progress can be counted against it."""
        return bool(self.current.cue_codes or self.current.response_codes)


@dataclass(frozen=True)
class ParentGoal:
    """What a parent may see of a goal: their words and the day they said them."""

    text: str
    set_on: date


@dataclass(frozen=True)
class VisitPlan:
    """The plan of one visit of a course: its number, its theme, what is filmed and which
    earlier reel is reviewed."""

    id: int
    family_id: int
    number: int
    theme: str
    filmed: str = ""
    review_reel_id: int | None = None
    session_id: int | None = None


def checked_goal_text(text: str) -> str:
    """The parent's words, trimmed; refused empty or too long.

    >>> checked_goal_text("  I want to know what she needs when she cries ")
    'I want to know what she needs when she cries'
    """
    text = " ".join(text.split())
    if not text:
        raise InputError("Write the goal in the parent's own words (it cannot be empty).")
    if len(text) > GOAL_TEXT_MAX:
        raise InputError(f"Keep a goal under {GOAL_TEXT_MAX} characters: the parent's words, "
                         "in a sentence or two.")
    return text


def checked_codes(codes: Iterable[str], known: Iterable[str], what: str) -> tuple[str, ...]:
    """Codes of the scheme, in order, each once; refused when one is not in the scheme.

    >>> checked_codes(["C16", "C15", "C16"], ["C15", "C16"], "cue")
    ('C15', 'C16')
    """
    wanted = {c.strip().upper() for c in codes if c.strip()}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise InputError(f"{', '.join(unknown)} is not a {what} code of the coding scheme; "
                         f"choose from {', '.join(sorted(known))}.")
    return tuple(sorted(wanted))


def checked_plan(number: int, theme: str, filmed: str) -> tuple[int, str, str]:
    """A visit number from 1, a theme (the VIPP-SD template's when empty and the number has
    one), and what is filmed, trimmed.

    >>> checked_plan(2, "", "Nappy change")
    (2, 'Speaking for the child · Positive reinforcement', 'Nappy change')
    """
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise InputError(f"A visit number is a whole number from 1, not {number!r}.")
    theme = " ".join(theme.split()) or VIPP_SD_THEMES.get(number, "")
    if not theme:
        raise InputError("Give the visit a theme (or use a visit number from 1 to 6 for "
                         "the VIPP-SD theme).")
    filmed = filmed.strip()
    if len(theme) > PLAN_TEXT_MAX or len(filmed) > PLAN_TEXT_MAX:
        raise InputError(f"Keep the theme and what is filmed under {PLAN_TEXT_MAX} "
                         "characters each.")
    return number, theme, filmed
