"""Words for parents: a check of captions and sentences by their framing (docs/practice.md §6).

Parent-facing words are specific, descriptive and future-facing ("You waited, and she
had her turn."); they say "and", not "but". This follows the strengths-based stance of
Video Interaction Guidance and VIPP-SD (positive reinforcement of every sensitive
moment). A caption that breaks it is flagged to the practitioner, with the phrase, why,
and a rewording, before it can go into a parent-facing reel.

The check reads framing, not a list of bad words. Each language (``en``, ``pl``) is a
list of rules (:class:`~attune.core.words.rules.Rule`): patterns over words and phrases
for comparisons with the parent's usual self, concessive or backhanded framing and "but",
instructions, bare praise, labels on the baby, counting and ranking, the parent's
failures, judgements, jargon, comparisons with other families and unanswered signals.
Three things make it more than a word list:

- **scope**: a caption is cut into clauses (at punctuation and at "and", "but",
  "when"...). A negation, and the subject of a verb, reach no further than their clause.
- **negation**: a negator ("didn't", "never", "nothing") governs its clause; the words
  after it, past fillers like "even" or "once", are tested against a list of strengths
  phrased with a negation ("you didn't give up", "you never stopped smiling", "nothing
  could stop her giggling"). Those pass, and so do failure words under them ("you never
  missed a beat"); any other negation is a finding ("she didn't look").
- **subject**: some rules are about the parent only. "You missed her smile" is flagged,
  "she missed you" is not; "was ignored" (passive) is flagged whoever it was.

Quoted speech is left out ("she's saying 'again!'"), and words are matched whole
("button" is not "but").

Languages: the language of a caption is detected from its common words and letters (no
model); an expected language (the family's) settles short or unclear texts. A language
with no rules gives the verdict ``unchecked`` ("not checked: read it with a colleague"),
never a silent pass. Pure: no I/O.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from attune.core.words import en, pl
from attune.core.words.detect import UNKNOWN, detect_language
from attune.core.words.rules import RULE_WHY, Language, Rule, Who, WordRule

__all__ = [
    "DEFAULT_LANGUAGE", "LANGUAGES", "RULE_WHY", "UNKNOWN", "CaptionCheck", "Finding",
    "Verdict", "WordRule", "check_caption", "check_lines", "check_words", "detect_language",
    "is_parent_safe", "json_lines", "resolve_language",
]

#: The languages with rules, by ISO 639-1 code.
LANGUAGES: dict[str, Language] = {en.LANGUAGE.code: en.LANGUAGE, pl.LANGUAGE.code: pl.LANGUAGE}
#: The language expected when none is given (the family's language, where it is known).
DEFAULT_LANGUAGE = "en"

UNCHECKED_SUGGESTION = ("There are no rules for this language yet: read it with a colleague "
                        "who speaks it before it goes into a reel.")


class Verdict(StrEnum):
    OK = "ok"  # fit for a parent
    FLAG = "flag"  # at least one finding
    UNCHECKED = "unchecked"  # a language without rules: read it with a colleague


@dataclass(frozen=True)
class Finding:
    """One phrase to reword: ``text[start:end] == found`` (``phrase`` is the same)."""

    found: str
    start: int
    end: int
    rule: WordRule
    suggestion: str
    why: str = ""

    def __post_init__(self) -> None:
        if not self.why:
            object.__setattr__(self, "why", RULE_WHY.get(self.rule, str(self.rule)))

    @property
    def phrase(self) -> str:
        return self.found

    def to_dict(self) -> dict[str, object]:
        return {"phrase": self.found, "why": self.why, "suggestion": self.suggestion,
                "rule": str(self.rule), "start": self.start, "end": self.end}


@dataclass(frozen=True)
class CaptionCheck:
    """The check of one text: its language, the verdict and the findings in order."""

    text: str
    language: str  # ISO 639-1 code, or "unknown"
    verdict: Verdict
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "language": self.language, "verdict": str(self.verdict),
                "findings": [f.to_dict() for f in self.findings]}

    def to_json(self) -> str:
        """One line of JSON (UTF-8 characters kept as they are)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


# ------------------------------------------------------------------------ the engine

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Quoted speech (speaking for the baby): blanked out, offsets kept. A single quote opens
# only where no letter precedes it, so "she's" and "babies'" are not quotes.
_QUOTED = re.compile(r'"[^"\n]*"|\u201c[^\u201d\n]*\u201d|\u201e[^\u201d"\n]*[\u201d"]'
                     r"|\u00ab[^\u00bb\n]*\u00bb|(?<![\w'])'[^'\n]*?'(?![\w])")
_SENTENCE_START = re.compile(r"(?:^|[.!?]+[\s\"')\u201d]*)\s*(?=\w)")
_WORD = re.compile(r"[\w'-]+")
_SENTENCE_END = re.compile(r"[.!?]")
_SENTENCE = re.compile(r"[^.!?]+")
# a participle after "was" makes a passive: "he was ignored", "została zignorowana"
_PARTICIPLE = re.compile(r"(?:ed|en|ona|ony|ana|any|ęta|ęty)$")


def _normalise(text: str) -> str:
    """Lower case, one kind of apostrophe, quoted speech blanked; same length as ``text``."""
    low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    low = low.translate(_APOSTROPHES)
    return _QUOTED.sub(lambda m: m.group()[0] + " " * (len(m.group()) - 2) + m.group()[-1],
                       low)


@cache
def _compiled(rule: Rule) -> re.Pattern[str]:
    if not rule.bounded:
        return re.compile(rule.pattern)
    return re.compile(rf"(?<![\w'])(?:{rule.pattern})(?![\w'])")


@cache
def _compiled_language(lang: Language) -> tuple[re.Pattern[str], ...]:
    neg = lang.negation
    return (
        re.compile(rf"(?<![\w'])(?:{neg.negators})(?![\w'])"),
        re.compile(rf"\s*(?:(?:{neg.skip})(?![\w'])\s*)+"),
        re.compile(rf"\s*(?:{neg.strengths})(?![\w])"),
        re.compile(lang.clause_break),
        re.compile(rf"(?:{lang.parent_words})"),
        re.compile(rf"(?:{lang.baby_words})"),
        re.compile(rf"(?:{lang.passive})"),
        re.compile(rf"\w*(?:{lang.parent_verb})") if lang.parent_verb else re.compile(r"(?!)"),
        re.compile(rf"\w*(?:{lang.baby_verb})") if lang.baby_verb else re.compile(r"(?!)"),
    )


@dataclass(frozen=True)
class _Clauses:
    breaks: list[tuple[int, int]]
    length: int

    def around(self, pos: int) -> tuple[int, int]:
        start, end = 0, self.length
        for b_start, b_end in self.breaks:
            if b_end <= pos:
                start = b_end
            elif b_start >= pos:
                end = b_start
                break
        return start, end


def _subject(lang: Language, text: str, norm: str, clause: tuple[int, int],
             match: re.Match[str]) -> str | None:
    """"parent", "baby", "passive" or None: who does the matched thing, in its clause."""
    pats = _compiled_language(lang)
    parent_re, baby_re, passive_re, parent_verb, baby_verb = pats[4:9]
    before = [(m.start(), m.group()) for m in _WORD.finditer(norm, clause[0], match.start())]
    first = match.group().split()[0] if match.group().split() else ""
    if (before and passive_re.fullmatch(before[-1][1]) and _PARTICIPLE.search(first)
            and not (lang.states and re.fullmatch(lang.states, first))):
        return "passive"
    matched = first
    if parent_verb.fullmatch(matched) or parent_re.fullmatch(matched):
        return "parent"  # the phrase starts with its subject: "you've learnt to wait"

    def who(pos: int, word: str) -> str | None:
        if parent_re.fullmatch(word) or parent_verb.fullmatch(word):
            return "parent"
        if baby_re.fullmatch(word):
            return "baby"
        original = text[pos:pos + len(word)]
        if original[:1].isupper() and word not in lang.lexicon:  # a name: the baby's
            return "baby"
        return None

    for pos, word in reversed(before):
        found = who(pos, word)
        if found:
            return found
    if baby_verb.fullmatch(matched):
        return "baby"
    # after it: to the end of the sentence, stopping at a joining word ("for the first
    # time, you let her" is the parent's; "it took a while, and then she settled" is not
    # the baby's doing)
    stop = _SENTENCE_END.search(norm, match.end())
    after = []
    for m in _WORD.finditer(norm, match.end(), stop.start() if stop else len(norm)):
        if pats[3].fullmatch(m.group()):
            break
        after.append((m.start(), m.group()))
    for pos, word in after[:3]:
        # a verb form that names its own subject ("płakała": she cried)
        found = who(pos, word) or ("baby" if baby_verb.fullmatch(word) and not (
            lang.impersonal and re.fullmatch(lang.impersonal, word)) else None)
        if found:
            return found
    return None


def _negations(lang: Language, text: str, norm: str, clauses: _Clauses,
               ) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Findings for negations that are not strengths, and every negation's scope."""
    negator, skip, strengths = _compiled_language(lang)[:3]
    findings: list[Finding] = []
    scopes: list[tuple[int, int]] = []
    strong: list[tuple[int, int]] = []
    for m in negator.finditer(norm):
        _, end = clauses.around(m.start())
        scopes.append((m.start(), end))
        if any(s <= m.start() < e for s, e in strong):
            continue  # "nigdy nie", "ani na chwilę": inside a negated strength already
        pos = m.end()
        while (s := skip.match(norm, pos)) and s.end() > pos:
            pos = s.end()
        if strengths.match(norm, pos):
            strong.append((m.start(), end))
            continue
        findings.append(Finding(text[m.start():m.end()], m.start(), m.end(), WordRule.NEGATIVE,
                                lang_negation_suggestion(lang)))
    return findings, scopes


def lang_negation_suggestion(lang: Language) -> str:
    return next((r.suggestion for r in lang.rules if r.kind == WordRule.NEGATIVE),
                "Say what the parent did.")


def _bare_evaluations(lang: Language, text: str, norm: str) -> list[Finding]:
    """A finding for each sentence made only of evaluative and filler words (and names):
    it evaluates and describes nothing ("Gorgeous, just gorgeous!", "What a star!")."""
    if not lang.evaluative:
        return []
    found = []
    for sentence in _SENTENCE.finditer(norm):
        tokens = list(_WORD.finditer(norm, sentence.start(), sentence.end()))
        if not tokens:
            continue
        evaluative = False
        for t in tokens:
            word = t.group().strip("'-")
            if word in lang.evaluative:
                evaluative = True
            elif not (word in lang.filler or word.isdigit()
                      or (text[t.start()].isupper() and word not in lang.lexicon)):
                break
        else:
            if evaluative:
                start, end = tokens[0].start(), tokens[-1].end()
                found.append(Finding(text[start:end], start, end, WordRule.PRAISE,
                                     lang.bare_suggestion, RULE_WHY[WordRule.PRAISE]))
    return found


def _findings(text: str, lang: Language) -> list[Finding]:
    norm = _normalise(text)
    clause_re = _compiled_language(lang)[3]
    clauses = _Clauses([(m.start(), m.end()) for m in clause_re.finditer(norm)], len(norm))
    starts = sorted({m.end() for m in _SENTENCE_START.finditer(norm)})
    found, scopes = _negations(lang, text, norm, clauses)
    for rule in lang.rules:
        for m in _compiled(rule).finditer(norm):
            if rule.sentence_start and m.start() not in starts:
                continue
            if rule.unless_after and re.match(rule.unless_after, norm[m.end():]):
                continue
            clause = clauses.around(m.start())
            if rule.unless_before and re.search(rf"(?<![\w'])(?:{rule.unless_before})\s*$",
                                                norm[clause[0]:m.start()]):
                continue
            if rule.unless_sentence_before:
                sentence = starts[bisect.bisect_right(starts, m.start()) - 1] if starts else 0
                if re.search(rf"(?<![\w'])(?:{rule.unless_sentence_before})\s*$",
                             norm[min(sentence, m.start()):m.start()]):
                    continue
            if rule.negation_passes and any(s <= m.start() < e for s, e in scopes):
                continue
            if rule.who != Who.ANY:
                subject = _subject(lang, text, norm, clause, m)
                if rule.who == Who.NOT_BABY and subject == "baby":
                    continue
                if rule.who == Who.PARENT and subject not in {"parent", "passive"}:
                    continue
                if rule.who == Who.BABY and subject != "baby":
                    continue
            found.append(Finding(text[m.start():m.end()], m.start(), m.end(), rule.kind,
                                 rule.suggestion, rule.why))
    # a bare evaluation is found only where no rule named a phrase in that sentence
    found += [b for b in _bare_evaluations(lang, text, norm)
              if not any(f.start < b.end and b.start < f.end for f in found)]
    # one finding per stretch of text: the longest phrase wins ("not bad" over "not"),
    # then the earlier rule
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in found:
        if kept and f.start < kept[-1].end:
            if f.end - f.start > kept[-1].end - kept[-1].start:
                kept[-1] = f
            continue
        kept.append(f)
    return kept


# ---------------------------------------------------------------------- public API

def resolve_language(text: str, language: str | None = DEFAULT_LANGUAGE) -> str:
    """The language a text is checked in: what its words say, else the expected one.

    Detection wins when it is clear (an English caption for a Polish-speaking family is
    checked as English); the expected ``language`` settles texts too short or too plain
    to tell; a script or words of no known language give "unknown".

    >>> resolve_language("You waited, and she had her turn.", "pl")
    'en'
    >>> resolve_language("Brawo!", "en")
    'pl'
    >>> resolve_language("Zosia!", "pl")
    'pl'
    """
    detected = detect_language(text, prefer=language)
    if detected != UNKNOWN:
        return detected
    if language and not re.search(r"[^\W\d_]", text):  # no letters at all
        return language
    if language and all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in text):
        return language  # Latin letters, no telling words: trust the family's language
    return UNKNOWN


def check_caption(text: str, language: str | None = DEFAULT_LANGUAGE) -> CaptionCheck:
    """Check one caption or sentence; ``language`` is the one expected (the family's).

    >>> r = check_caption("You finally did it right, unlike usual")
    >>> r.verdict, [f.phrase for f in r.findings]
    (<Verdict.FLAG: 'flag'>, ['finally', 'did it right', 'unlike usual'])
    >>> check_caption("You didn't give up, and she calmed.").verdict
    <Verdict.OK: 'ok'>
    >>> check_caption("Rwyt ti wedi aros, ac mae hi wedi cael ei thro.").verdict
    <Verdict.UNCHECKED: 'unchecked'>
    """
    if not text.strip():
        return CaptionCheck(text, language or UNKNOWN, Verdict.OK, ())
    code = resolve_language(text, language)
    lang = LANGUAGES.get(code)
    if lang is None:
        return CaptionCheck(text, code, Verdict.UNCHECKED, ())
    findings = tuple(_findings(text, lang))
    return CaptionCheck(text, code, Verdict.FLAG if findings else Verdict.OK, findings)


def check_words(text: str, language: str | None = DEFAULT_LANGUAGE) -> list[Finding]:
    """Every phrase in ``text`` to reword, in order of position; empty means fit for a
    parent. A text in a language without rules gives one ``UNCHECKED`` finding covering
    it, so that callers that block on findings ask for a colleague's reading.

    >>> [(f.found, f.start) for f in check_words("You waited, but she didn't look.")]
    [('but', 12), ("didn't", 20)]
    >>> check_words("You waited, and she had her turn.")
    []
    """
    result = check_caption(text, language)
    if result.verdict == Verdict.UNCHECKED:
        stripped = text.strip()
        start = text.index(stripped)
        return [Finding(stripped, start, start + len(stripped), WordRule.UNCHECKED,
                        UNCHECKED_SUGGESTION)]
    return list(result.findings)


def is_parent_safe(text: str, language: str | None = DEFAULT_LANGUAGE) -> bool:
    """Whether ``text`` was checked and nothing in it needs rewording.

    >>> is_parent_safe("Often you answered within a second or two.")
    True
    """
    return not check_words(text, language)


def check_lines(lines: Iterable[str], language: str | None = DEFAULT_LANGUAGE,
                ) -> Iterator[dict[str, object]]:
    """One result a non-blank line, as a dict with its 1-based ``line`` number: what
    ``attune words check [FILE|-] [--language CODE] --json`` prints.

    >>> [(d["line"], d["verdict"]) for d in check_lines(["Good job!", "", "You waited."])]
    [(1, 'flag'), (3, 'ok')]
    """
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if text.strip():
            yield {"line": number, **check_caption(text, language).to_dict()}


def json_lines(lines: Iterable[str], language: str | None = DEFAULT_LANGUAGE) -> Iterator[str]:
    """:func:`check_lines` as JSON, one object a line."""
    for result in check_lines(lines, language):
        yield json.dumps(result, ensure_ascii=False)
