"""How words for parents speak of the baby: she, he or they, set once on the family and
used by proposed captions, parent sentences, reel cards and handouts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Pronoun(StrEnum):
    SHE = "she"
    HE = "he"
    THEY = "they"


# What the practitioner picks from, in their words.
PRONOUN_CHOICES: dict[Pronoun, str] = {
    Pronoun.SHE: "she / her",
    Pronoun.HE: "he / him",
    Pronoun.THEY: "they / them",
}


@dataclass(frozen=True)
class PronounForms:
    subject: str  # she
    object: str  # her
    possessive: str  # her (determiner: "her hands")

    @property
    def plural_verb(self) -> bool:
        """"they were", not "they was"."""
        return self.subject == "they"


_FORMS = {
    Pronoun.SHE: PronounForms("she", "her", "her"),
    Pronoun.HE: PronounForms("he", "him", "his"),
    Pronoun.THEY: PronounForms("they", "them", "their"),
}


def pronoun_forms(pronoun: Pronoun | str) -> PronounForms:
    """The forms of a pronoun; an unknown value is a programming error.

    >>> pronoun_forms("he").object
    'him'
    """
    return _FORMS[Pronoun(pronoun)]
