"""Words for parents: a checker for captions and sentences (DOMAIN.md §6).

Parent-facing words are specific, descriptive and future-facing ("You waited, and she
had her turn."); they say "and", not "but". They avoid: should, but, missed, failed,
ignored, didn't, wrong, poor, good/bad mum or dad, jargon (contingent, disengagement cue,
latency, score, percent, %), comparisons with other families, and any unanswered cue.
This follows the strengths-based stance of Video Interaction Guidance and VIPP-SD
(positive reinforcement of every sensitive moment).

:func:`check_words` finds each avoided word or phrase with its position and a
strengths-based rewording, so that a caption that breaks the rule is flagged to the
practitioner before it goes into a parent-facing reel. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class WordRule(StrEnum):
    """Why a word is flagged."""

    NEGATIVE = "negative"  # blames or dwells on what did not happen
    CONTRAST = "contrast"  # "but" takes back what came before it
    JUDGEMENT = "judgement"  # judges the parent as a person
    JARGON = "jargon"  # professional words a parent need not learn
    COMPARISON = "comparison"  # compares the family with other families
    UNANSWERED = "unanswered"  # mentions a cue that was not answered


@dataclass(frozen=True)
class Finding:
    """One avoided word or phrase: ``text[start:end] == found``."""

    found: str
    start: int
    end: int
    rule: WordRule
    suggestion: str


_APOS = "['\u2019\u02bc]"  # straight, curly and modifier apostrophes

# (pattern, rule, suggestion). Patterns are matched case-insensitively on word boundaries;
# the longer phrases come first so that "bad mum" is one finding, not two.
_RULES: tuple[tuple[str, WordRule, str], ...] = (
    (r"(?:good|bad|poor|great|terrible|perfect)\s+(?:mum|mom|mother|dad|father|parent)s?",
     WordRule.JUDGEMENT,
     "Describe what the parent did, not what kind of parent they are: "
     "'You held her close, and she settled.'"),
    (r"disengagement\s+cues?", WordRule.JARGON,
     "Say what the baby did: 'when he looked away for a rest'."),
    (r"(?:compared?\s+(?:to|with)|than|like|unlike)\s+(?:most|other|many)\s+"
     r"(?:families|parents|mums|moms|dads|babies|children|people)",
     WordRule.COMPARISON,
     "Compare only with this family's own earlier sessions: 'More back-and-forth than "
     "last time.'"),
    (r"(?:other|most|average|typical|normal)\s+(?:families|parents|mums|moms|dads|babies)",
     WordRule.COMPARISON,
     "Leave other families out; talk about this parent and baby only."),
    (r"(?:the\s+)?average(?:\s+(?:family|parent|baby))?", WordRule.COMPARISON,
     "Leave averages out; talk about this parent and baby only."),
    (r"unanswered|not\s+answered|no\s+response|without\s+(?:a\s+)?response",
     WordRule.UNANSWERED,
     "Leave out moments that were not answered; show one that was: "
     "'She reached, and you named it.'"),
    (r"should(?:n" + _APOS + r"?t)?|ought\s+to|must", WordRule.NEGATIVE,
     "Describe what worked and invite more of it: 'When you waited, she had her turn.'"),
    (r"but", WordRule.CONTRAST, "Use 'and': 'You waited, and she had her turn.'"),
    (r"miss(?:ed|es|ing)?", WordRule.NEGATIVE,
     "Name a moment the parent noticed: 'You spotted her small signal.'"),
    (r"fail(?:ed|s|ing|ure|ures)?", WordRule.NEGATIVE,
     "Name what went well: 'You stayed with him, and he calmed.'"),
    (r"ignor(?:ed|es|e|ing)", WordRule.NEGATIVE,
     "Name a moment the parent noticed: 'You turned to her when she called.'"),
    (r"did(?:n" + _APOS + r"?t|\s+not)|does(?:n" + _APOS + r"?t|\s+not)|"
     r"do(?:n" + _APOS + r"t|\s+not)|never",
     WordRule.NEGATIVE,
     "Say what the parent did: 'You waited, and she had her turn.'"),
    (r"wrong(?:ly)?", WordRule.NEGATIVE,
     "Describe the moment and what helped: 'You tried again, and she smiled.'"),
    (r"poor(?:ly)?", WordRule.JUDGEMENT,
     "Describe what happened in plain, warm words."),
    (r"bad(?:ly)?", WordRule.JUDGEMENT, "Describe what happened in plain, warm words."),
    (r"contingen(?:t|tly|cy|cies)", WordRule.JARGON,
     "Say 'you answered her' or 'you took turns'."),
    (r"latenc(?:y|ies)", WordRule.JARGON, "Say 'you answered within a second or two'."),
    (r"scor(?:e|es|ed|ing)", WordRule.JARGON,
     "Give a count of moments: 'We found 18 moments where you answered her.'"),
    (r"percent(?:age|ages|s)?|per\s+cent", WordRule.JARGON,
     "Give a count, never a percentage: '18 moments'."),
    (r"proportion|ratio", WordRule.JARGON, "Give a count, never a proportion: '18 moments'."),
    (r"sensitivity|attunement\s+rate|valence|potency|potent|stimulation",
     WordRule.JARGON, "Use everyday words: 'you noticed her small signals'."),
)

_PATTERN = re.compile(
    "|".join(f"(?P<r{i}>(?<![\\w'\u2019]){p}(?![\\w]))" for i, (p, _, _) in enumerate(_RULES)),
    re.IGNORECASE,
)
_PERCENT_SIGN = re.compile("%|\u066a|\ufe6a|\uff05")  # % and its look-alikes


def check_words(text: str) -> list[Finding]:
    """Every avoided word or phrase in ``text``, in order of position.

    An empty list means the text is fit for a parent.

    >>> [(f.found, f.start) for f in check_words("You waited, but she didn't look.")]
    [('but', 12), ("didn't", 20)]
    >>> check_words("You waited, and she had her turn.")
    []
    """
    findings: list[Finding] = []
    for match in _PATTERN.finditer(text):
        if match.lastgroup is None:  # pragma: no cover - one named group always matches
            continue
        _, rule, suggestion = _RULES[int(match.lastgroup[1:])]
        findings.append(Finding(match.group(), match.start(), match.end(), rule, suggestion))
    for match in _PERCENT_SIGN.finditer(text):
        findings.append(Finding(match.group(), match.start(), match.end(), WordRule.JARGON,
                                "Give a count, never a percentage: '18 moments'."))
    findings.sort(key=lambda f: f.start)
    return findings


def is_parent_safe(text: str) -> bool:
    """Whether ``text`` has none of the avoided words.

    >>> is_parent_safe("Often you answered within a second or two.")
    True
    """
    return not check_words(text)
