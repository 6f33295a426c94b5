"""The vocabulary of the words check: what a rule is, and what a language supplies.

A language is a list of :class:`Rule` (a regular expression over words and phrases, the
kind of framing it finds, why in plain words and a rewording), plus what the engine needs
to handle negation and scope: which words negate, which words may stand between a
negation and what it negates, and which negated things are strengths ("you didn't give
up"); which words end a clause (a negation or a subject reaches no further); and who can
be the subject of a clause (the parent, or the baby). Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class WordRule(StrEnum):
    """Why a phrase is flagged: the kind of framing it carries."""

    USUAL = "usual"  # compares the parent with their usual self: "finally", "for once"
    CONTRAST = "contrast"  # "but", concessive or backhanded: "even though", "almost"
    INSTRUCTION = "instruction"  # tells the parent what to do: "should", "next time"
    PRAISE = "praise"  # evaluates without describing: "good job", "perfect", "good mum"
    LABEL = "label"  # labels the baby: "manipulating", "spoilt", "clingy"
    COUNTING = "counting"  # counts against a total or ranks: "8 out of 10", "the only time"
    NEGATIVE = "negative"  # the parent's failures, what did not happen: "you ignored"
    JUDGEMENT = "judgement"  # judges the parent as a person: "bad dad", "poor"
    JARGON = "jargon"  # professional words a parent need not learn: "latency", "%"
    COMPARISON = "comparison"  # compares the family with other families
    UNANSWERED = "unanswered"  # mentions a signal that was not answered
    UNCHECKED = "unchecked"  # a language the check has no rules for


#: What each kind of finding means, in plain words for a practitioner.
RULE_WHY: dict[WordRule, str] = {
    WordRule.USUAL: "compares the parent with how they usually are",
    WordRule.CONTRAST: "takes back or shrinks what came before it",
    WordRule.INSTRUCTION: "tells the parent what to do instead of showing what worked",
    WordRule.PRAISE: "praises without saying what the parent did",
    WordRule.LABEL: "puts a label on the baby",
    WordRule.COUNTING: "counts against a total or ranks the parent",
    WordRule.NEGATIVE: "dwells on what did not happen",
    WordRule.JUDGEMENT: "judges the parent as a person",
    WordRule.JARGON: "a professional word",
    WordRule.COMPARISON: "compares with other families",
    WordRule.UNANSWERED: "mentions a signal that was not answered",
    WordRule.UNCHECKED: "not checked: read it with a colleague",
}


class Who(StrEnum):
    """Whose action a rule is about (the subject of the clause it is found in)."""

    ANY = "any"  # anyone's: flag always
    NOT_BABY = "not_baby"  # flag unless the baby is the subject ("she missed you" passes)
    PARENT = "parent"  # flag only when the parent is named as the subject
    BABY = "baby"  # flag only when the baby is the subject ("she did it on purpose")


@dataclass(frozen=True)
class Rule:
    """One pattern of parent-unfriendly framing.

    ``pattern`` is a regular expression over the lower-cased caption, with quoted speech
    blanked out; it is matched on word boundaries unless ``bounded`` is false. A match
    passes (is not a finding) when:

    - ``who`` says whose action it must be and the clause's subject is someone else;
    - ``negation_passes`` and a negation governs it ("you never failed to answer her");
    - ``unless_after`` matches the text right after it ("missing *you*");
    - ``unless_before`` matches the clause's text right before it;
    - ``unless_sentence_before`` matches the sentence's text right before it (it reaches
      back past "so", "if", "when": "so you could see her");
    - ``sentence_start`` and it does not start a sentence (imperatives).
    """

    kind: WordRule
    pattern: str
    why: str
    suggestion: str
    who: Who = Who.ANY
    negation_passes: bool = False
    unless_after: str = ""
    unless_before: str = ""
    unless_sentence_before: str = ""
    sentence_start: bool = False
    bounded: bool = True


@dataclass(frozen=True)
class Negation:
    """How a language negates, and which negated things are strengths.

    A negator governs the rest of its clause. The engine skips ``skip`` words after it
    ("didn't *even once* look away") and tests what follows against ``strengths``: a
    match is a strength phrased with a negation ("you didn't give up", "nothing could stop
    her giggling"), which passes; anything else is a finding ("she didn't look").
    """

    negators: str
    skip: str
    strengths: str


@dataclass(frozen=True)
class Language:
    """Everything the engine needs for one language."""

    code: str  # ISO 639-1
    name: str
    rules: tuple[Rule, ...]
    negation: Negation
    clause_break: str  # regex: punctuation and conjunctions that end a clause
    parent_words: str  # regex of one word naming the parent as subject ("you", "mum")
    baby_words: str  # regex of one word naming the baby as subject ("she", "baby")
    passive: str  # regex of the word before a participle that makes it passive ("was")
    lexicon: frozenset[str]  # common words: language detection, and telling names apart
    # bare evaluation: a sentence made only of ``evaluative`` words ("gorgeous", "lovely")
    # and ``filler`` words ("so", "just", "what", "a", "mum"), with one evaluative word at
    # least, describes nothing: it is bare praise ("Gorgeous, just gorgeous!")
    # participles that after "was" name a state, not a passive ("he was bored")
    states: str = ""
    evaluative: frozenset[str] = frozenset()
    filler: frozenset[str] = frozenset()
    bare_suggestion: str = ""
    parent_verb: str = ""  # regex of a verb form that is itself the parent's (Polish -łaś)
    baby_verb: str = ""  # regex of a verb form that is itself a third person's
    impersonal: str = ""  # regex of a verb form that names no one ("udało się", "było")
    unchecked_note: str = field(default="")


def words(text: str) -> frozenset[str]:
    """A set of words from a text written as a paragraph (word lists stay readable)."""
    return frozenset(text.split())
