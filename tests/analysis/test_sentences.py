"""Parent-facing sentences (DOMAIN.md §5, §6) and the wording checker."""

from __future__ import annotations

import random

import pytest

from attune.analysis.sentences import change_sentences, clip_sentences, progress_sentences
from attune.analysis.tallies import tally_clip
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.core.words import WordRule, check_words

from ._build import ev

MINUTE = 60_000


def test_domain_examples(scheme: Scheme) -> None:
    events = [ev("C04", 1000, id=1), ev("R07", 2000, id=2, answers_id=1),
              ev("A01", 2500, answers_id=2)]
    events += [ev("C02", 10_000 + 3000 * i, id=10 + i) for i in range(7)]
    events += [ev("R02", 10_500 + 3000 * i, answers_id=10 + i) for i in range(7)]
    events += [ev("C10", 40_000 + 4000 * i, id=30 + i) for i in range(4)]
    events += [ev("R10", 41_000 + 4000 * i, answers_id=30 + i) for i in range(4)]
    t = tally_clip(events, 5 * MINUTE, scheme).parent_safe
    s = clip_sentences(t, "Maya", "she")
    assert "In 5 minutes Maya 'talked' to you 12 times: smiles, looking away for a rest and " \
           "reaching." in s
    assert "We found 12 moments where you noticed and answered her." in s
    assert "You waited for her 7 times, so she could have her turn." in s
    assert "When she looked away for a rest, you gave her that break 4 times." in s
    assert "She reached, you named it, she smiled back." in s
    he = clip_sentences(t, "Sam", "he")
    assert "When he looked away for a rest, you gave him that break 4 times." in he


def test_subtle_and_turns(scheme: Scheme) -> None:
    events = [ev("C07", 1000, id=1), ev("R04", 1500, answers_id=1)]
    events += [ev(c, 10_000 + 1000 * i) for i, c in enumerate(["C03", "R05"] * 6)]
    t = tally_clip(events, MINUTE, scheme).parent_safe
    s = clip_sentences(t, "Maya", "she")
    assert "You spotted her small signals once, like when her eyebrows lifted." in s
    assert "Your longest conversation went back and forth 6 times." in s
    assert "Often you answered within a second or two." in s  # median 1000 ms


def test_nothing_about_unanswered_cues_or_n_codes(scheme: Scheme) -> None:
    events = [ev("C01", 1000), ev("C02", 5000), ev("N01", 6000), ev("N02", 7000)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Maya", "she")
    assert s == ["In 1 minute Maya 'talked' to you twice: looks and smiles."]


def test_only_parent_tallies_accepted(scheme: Scheme) -> None:
    t = tally_clip([], MINUTE, scheme)
    with pytest.raises(TypeError):
        clip_sentences(t, "Maya", "she")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        clip_sentences(t.practitioner, "Maya", "she")  # type: ignore[arg-type]
    assert clip_sentences(t.parent_safe, "Maya", "she") == []
    with pytest.raises(ValueError):
        clip_sentences(t.parent_safe, " ", "she")


def test_change_against_own_earlier_session_only_more(scheme: Scheme) -> None:
    before = tally_clip([ev("C03", 0), ev("R05", 1000)], MINUTE, scheme).parent_safe
    now_events = [ev(c, 1000 * i) for i, c in enumerate(["C03", "R05"] * 3)]
    now = tally_clip(now_events, MINUTE, scheme).parent_safe
    s = change_sentences(now, [before], "Maya", "she")
    assert "More back-and-forth than last time." in s
    assert change_sentences(before, [now], "Maya", "she") == []  # less: nothing said
    assert change_sentences(now, [], "Maya", "she") == []
    progress = progress_sentences([before, now], "Maya", "she")
    assert progress[-1] == "More moments where you noticed and answered her than last time."
    assert all("%" not in x and "percent" not in x for x in progress)


def _random_events(rng: random.Random, scheme: Scheme, duration_ms: int) -> list[Event]:
    codes = {k: [c.id for c in scheme.codes_of(k)] for k in EventKind}
    out: list[Event] = []
    for i in range(rng.randrange(0, 60)):
        kind = rng.choice(list(EventKind))
        start = rng.randrange(0, duration_ms)
        answers = rng.choice([None, rng.randrange(0, 60)])
        out.append(Event(kind, rng.choice(codes[kind]), start, start, id=i, answers_id=answers))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_every_generated_sentence_passes_check_words(scheme: Scheme, seed: int) -> None:
    rng = random.Random(seed)
    sessions = []
    for _ in range(3):
        duration_ms = rng.choice([40_000, 5 * MINUTE])
        events = _random_events(rng, scheme, duration_ms)
        sessions.append(tally_clip(events, duration_ms, scheme).parent_safe)
    for pronoun in ("she", "he", "they"):
        for sentence in progress_sentences(sessions, "Maya", pronoun):
            assert check_words(sentence) == [], sentence
            assert "%" not in sentence


# ---------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("text", "found", "rule"),
    [
        ("You should wait longer.", "should", WordRule.INSTRUCTION),
        ("You waited, but she cried.", "but", WordRule.CONTRAST),
        ("You missed her smile.", "missed", WordRule.NEGATIVE),
        ("You failed to notice.", "failed", WordRule.NEGATIVE),
        ("He was ignored.", "ignored", WordRule.NEGATIVE),
        ("She didn't look.", "didn't", WordRule.NEGATIVE),
        ("She didn\u2019t look.", "didn\u2019t", WordRule.NEGATIVE),
        ("That was wrong.", "wrong", WordRule.NEGATIVE),
        ("A poor moment.", "poor", WordRule.JUDGEMENT),
        ("You are a good mum.", "good mum", WordRule.PRAISE),
        ("Bad dad moment.", "Bad dad", WordRule.JUDGEMENT),
        ("A contingent response.", "contingent", WordRule.JARGON),
        ("A disengagement cue at 3 s.", "disengagement cue", WordRule.JARGON),
        ("Your latency was short.", "latency", WordRule.JARGON),
        ("Your score went up.", "score", WordRule.JARGON),
        ("Up 20 percent.", "percent", WordRule.JARGON),
        ("Up 20%.", "%", WordRule.JARGON),
        ("More than other parents do.", "than other parents", WordRule.COMPARISON),
        ("Most families find this hard.", "Most families", WordRule.COMPARISON),
        ("Two cues were unanswered.", "unanswered", WordRule.UNANSWERED),
    ],
)
def test_check_words_flags_with_position_and_suggestion(text: str, found: str,
                                                        rule: WordRule) -> None:
    findings = check_words(text)
    assert [f.found for f in findings] == [found]
    f = findings[0]
    assert text[f.start:f.end] == found
    assert f.rule == rule
    assert f.suggestion


@pytest.mark.parametrize("text", [
    "You waited, and she had her turn.",
    "Press the button; she loves butter and buttons.",  # "but" only as a word
    "Often you answered within a second or two.",
    "Your longest conversation went back and forth 6 times.",
    "She reached, you named it, she smiled back.",
])
def test_check_words_passes_warm_words(text: str) -> None:
    assert check_words(text) == []


def test_suggestions_are_themselves_warm() -> None:
    texts = ["should", "but", "missed", "failed", "ignored", "didn't", "wrong", "poor",
             "good mum", "contingent", "disengagement cue", "latency", "score", "percent",
             "%", "other families", "unanswered"]
    for text in texts:
        (finding,) = check_words(text)
        quoted = [part for i, part in enumerate(finding.suggestion.split("'")) if i % 2]
        for example in quoted:
            assert check_words(example) == [], (text, example)


def test_several_findings_in_order() -> None:
    got = [(f.found, f.start) for f in check_words("You should smile, but you missed it.")]
    assert got == [("should", 4), ("but", 18), ("missed", 26)]
