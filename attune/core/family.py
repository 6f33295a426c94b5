"""A family (pseudonymous: a code and the baby's first name) and its visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from attune.core.pronouns import Pronoun


@dataclass(frozen=True)
class Family:
    id: int
    code: str
    baby_name: str
    birth_month: str | None = None  # "YYYY-MM"
    involvement_ended_on: date | None = None
    practitioners: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    pronoun: Pronoun = Pronoun.THEY  # how words for parents speak of the baby


@dataclass(frozen=True)
class Session:
    """A visit: one family, one day, one practitioner."""

    id: int
    family_id: int
    held_on: date
    practitioner: str
    note: str = ""
