"""Parent-facing sentences (docs/practice.md §5, §6) and the wording checker."""

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
    assert "In 5 minutes Maya 'talked' to you through smiles, looking away for a rest and " \
           "reaching." in s
    assert "We found 12 moments where you noticed and answered her." in s
    assert "You waited for her 7 times, so she could have her turn." in s
    assert "When she needed a rest, you gave her that break 4 times." in s
    assert "She reached, you named it, she smiled back." in s
    he = clip_sentences(t, "Sam", "he")
    assert "When he needed a rest, you gave him that break 4 times." in he


def test_subtle_and_turns(scheme: Scheme) -> None:
    events = [ev("C07", 1000, id=1), ev("R04", 1500, answers_id=1)]
    events += [ev(c, 10_000 + 1000 * i) for i, c in enumerate(["C03", "R05"] * 6)]
    t = tally_clip(events, MINUTE, scheme).parent_safe
    s = clip_sentences(t, "Maya", "she")
    assert "Once, you spotted one of her small signals, like when her eyebrows lifted." in s
    assert "Your longest conversation went back and forth 6 times." in s
    assert "Often you answered within a second or two." in s  # median 1000 ms


def test_nothing_about_unanswered_cues_or_n_codes(scheme: Scheme) -> None:
    events = [ev("C01", 1000), ev("C02", 5000), ev("N01", 6000), ev("N02", 7000)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Maya", "she")
    assert s == []  # nothing was answered: no signal is named, no count is given


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


# ---------------------------------------------------------------- cannot be read backwards
RESPONSE_WORDS = {
    "R01": "You turned to her with interest", "R02": "You waited for her",
    "R03": "You spoke to her in a warm voice", "R04": "You smiled, nodded or looked back",
    "R05": "You copied her sounds and faces", "R06": "following her lead",
    "R07": "You put into words what she saw", "R08": "You took a short turn",
    "R09": "You helped her go a step further", "R10": "you gave her that break",
    "R11": "You soothed her", "R12": "You found each other again",
}
CUE_FOR = {"R01": "C01", "R02": "C03", "R03": "C02", "R04": "C02", "R05": "C03",
           "R06": "C04", "R07": "C04", "R08": "C03", "R09": "C06", "R10": "C10",
           "R11": "C16", "R12": "C16"}


@pytest.mark.parametrize("code", sorted(RESPONSE_WORDS))
def test_each_response_code_is_told_as_what_the_parent_did(scheme: Scheme, code: str) -> None:
    events = [ev(CUE_FOR[code], 1000 + 10_000 * i, id=i + 1) for i in range(3)]
    events += [ev(code, 1800 + 10_000 * i, answers_id=i + 1) for i in range(3)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Maya", "she")
    told = [x for x in s if RESPONSE_WORDS[code].lower() in x.lower()]
    assert len(told) == 1 and "3 times" in told[0], s
    others = [c for c, words in RESPONSE_WORDS.items()
              if c != code and any(words.lower() in x.lower() for x in s)]
    assert not others, s


def test_soothing_a_yawn_is_told_as_soothing(scheme: Scheme) -> None:
    events = [ev("C11", 1000, id=1), ev("R11", 2000, answers_id=1)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Leo", "he")
    assert "Once, you soothed him, with your touch, your arms or a calm voice." in s
    assert not any("smiling back" in x or "copying" in x for x in s)


def test_a_break_is_told_as_a_break(scheme: Scheme) -> None:
    events = [ev("C10", 1000, id=1), ev("R10", 2000, answers_id=1)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Leo", "he")
    assert "When he needed a rest, you gave him that break once." in s
    # told once: not again as "you let things go quiet" (the same answer read twice)
    assert not any("go quiet" in x for x in s), s
    assert not any("attention" in x for x in s)


def test_one_answer_reads_as_one(scheme: Scheme) -> None:
    events = [ev("C02", 1000, id=1), ev("R04", 1500, answers_id=1)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Maya", "she")
    assert "We found one moment where you noticed and answered her." in s
    assert "You answered within a second." in s
    assert not any(x.startswith("Often") or "1 moment" in x or "1 time" in x for x in s)


def test_unanswered_signals_cannot_be_inferred(scheme: Scheme) -> None:
    # 6 signals, one answered: the crying and the looks went unanswered.
    events = [ev("C16", 1000), ev("C16", 9000), ev("C01", 20_000), ev("C01", 30_000),
              ev("C01", 40_000), ev("C02", 50_000, id=9), ev("R04", 50_500, answers_id=9)]
    s = clip_sentences(tally_clip(events, MINUTE, scheme).parent_safe, "Maya", "she")
    text = " ".join(s)
    assert "crying" not in text and "cried" not in text and "looks" not in text
    assert "6" not in text and "six" not in text  # no total of signals
    assert "talked' to you through smiles" in text
