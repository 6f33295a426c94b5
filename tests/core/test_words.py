"""The words check (attune.core.words): framing rules, negation and scope, languages, the
JSON-lines form, and the labelled corpus against the targets (docs/practice.md §6)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from attune.core.words import (
    LANGUAGES,
    CaptionCheck,
    Finding,
    Verdict,
    WordRule,
    check_caption,
    check_lines,
    check_words,
    detect_language,
    is_parent_safe,
    json_lines,
    resolve_language,
)

REPO = Path(__file__).resolve().parents[2]


def rules_of(text: str, language: str | None = "en") -> set[WordRule]:
    return {f.rule for f in check_caption(text, language).findings}


# ------------------------------------------------------------- the 17 of the issue

ISSUE_DEFICIT = [
    ("You finally did it right, unlike usual", WordRule.USUAL),
    ("Even though you were distracted, she smiled", WordRule.CONTRAST),
    ("Good job!", WordRule.PRAISE),
    ("She's manipulating you", WordRule.LABEL),
    ("At last you finally noticed her!", WordRule.USUAL),
    ("You answered 8 out of 10 of her signals", WordRule.COUNTING),
    ("Next time try to wait for her", WordRule.INSTRUCTION),
    ("You should give her more time", WordRule.INSTRUCTION),
    ("You waited, but she cried", WordRule.CONTRAST),
    ("You ignored her when she reached for you", WordRule.NEGATIVE),
]
ISSUE_STRENGTH = [
    "You didn't give up, and she calmed",
    "You never stopped smiling, and she kept looking at you",
    "She was missing you, and she reached for you when you came back",
    "Nothing could stop her giggling when you sang",
    "You waited, and Maya had her turn.",
    "When he looked away for a rest, you gave him that break.",
    "She's saying 'again!' and you played it once more.",
]


@pytest.mark.parametrize(("text", "rule"), ISSUE_DEFICIT)
def test_issue_captions_that_judge_are_flagged_for_their_framing(text: str,
                                                                 rule: WordRule) -> None:
    result = check_caption(text)
    assert result.verdict == Verdict.FLAG
    assert rule in {f.rule for f in result.findings}
    for f in result.findings:
        assert text[f.start:f.end] == f.phrase and f.why and f.suggestion


@pytest.mark.parametrize("text", ISSUE_STRENGTH)
def test_issue_captions_that_describe_strengths_pass(text: str) -> None:
    result = check_caption(text)
    assert (result.verdict, result.findings) == (Verdict.OK, ()), result.findings


# ----------------------------------------------------------------- rule by rule

FLAG = [
    # comparison with their usual self
    ("For once you let him lead.", WordRule.USUAL, "For once"),
    ("Unlike last time, you waited.", WordRule.USUAL, "Unlike last time"),
    ("Normally you would rush in.", WordRule.USUAL, "Normally"),
    ("This time you waited for her.", WordRule.USUAL, "This time"),
    ("You were calmer than usual.", WordRule.USUAL, "than usual"),
    ("You're getting better at reading her.", WordRule.USUAL, "getting better"),
    # concessive, backhanded, "but"
    ("Although you were tired, you sang.", WordRule.CONTRAST, "Although"),
    ("You almost caught her smile.", WordRule.CONTRAST, "almost"),
    ("You were a bit slow to pick her up.", WordRule.CONTRAST, "a bit slow"),
    ("Not bad for you.", WordRule.CONTRAST, "Not bad"),
    ("At least you looked at her.", WordRule.CONTRAST, "At least"),
    # instructions and obligations
    ("You need to slow down.", WordRule.INSTRUCTION, "need to"),
    ("Make sure you look at her.", WordRule.INSTRUCTION, "Make sure"),
    ("You ought to let her lead.", WordRule.INSTRUCTION, "ought to"),
    ("You could have picked her up sooner.", WordRule.INSTRUCTION, "could have"),
    ("Wait for her to finish.", WordRule.INSTRUCTION, "Wait"),
    # bare praise
    ("Well done!", WordRule.PRAISE, "Well done"),
    ("Perfect!", WordRule.PRAISE, "Perfect"),
    ("You are a good mum.", WordRule.PRAISE, "good mum"),
    ("You were amazing.", WordRule.PRAISE, "You were amazing"),
    # labels on the baby
    ("He's so spoilt.", WordRule.LABEL, "spoilt"),
    ("She's being naughty.", WordRule.LABEL, "naughty"),
    ("A demanding baby.", WordRule.LABEL, "demanding"),
    ("He gets clingy at night.", WordRule.LABEL, "clingy"),
    # counting and ranking
    ("You answered 3/5 of her looks.", WordRule.COUNTING, "3/5"),
    ("The only time you looked at her.", WordRule.COUNTING, "The only time"),
    ("Most of the time you answered.", WordRule.COUNTING, "Most of the time"),
    # the parent's failures, judgements
    ("You missed her smile.", WordRule.NEGATIVE, "missed"),
    ("You didn't notice her yawn.", WordRule.NEGATIVE, "didn't"),
    ("You failed to see it.", WordRule.NEGATIVE, "failed"),
    ("That was wrong.", WordRule.NEGATIVE, "wrong"),
    ("He was ignored.", WordRule.NEGATIVE, "ignored"),
    ("You were on your phone.", WordRule.NEGATIVE, "on your phone"),
    ("Bad dad moment.", WordRule.JUDGEMENT, "Bad dad"),
    # jargon, other families, unanswered
    ("Your latency was short.", WordRule.JARGON, "latency"),
    ("A contingent response.", WordRule.JARGON, "contingent"),
    ("Your score went up 20%.", WordRule.JARGON, "score"),
    ("Up 20 percent.", WordRule.JARGON, "percent"),
    ("Other mums find this hard.", WordRule.COMPARISON, "Other mums"),
    ("Two cues were unanswered.", WordRule.UNANSWERED, "unanswered"),
]


@pytest.mark.parametrize(("text", "rule", "phrase"), FLAG)
def test_each_rule_flags_with_phrase_why_and_suggestion(text: str, rule: WordRule,
                                                        phrase: str) -> None:
    found = [f for f in check_caption(text).findings if f.rule == rule]
    assert [f.phrase for f in found][:1] == [phrase], check_caption(text).findings
    f = found[0]
    assert text[f.start:f.end] == phrase
    assert f.why and f.suggestion
    for example in f.suggestion.split("'")[1::2]:  # the rewording is itself fit
        assert is_parent_safe(example), (f.suggestion, example)


PASS = [
    # negated strengths: negation and its scope
    "You didn't rush her, and she found her words.",
    "You never took your eyes off her.",
    "Not once did you look away from her.",
    "She couldn't stop smiling at you.",
    "You didn't let go until she was calm.",
    "You never failed to answer her little sounds.",
    "You didn't miss a beat when she laughed.",
    "No wonder she laughed: you made the funniest face.",
    "She can't get enough of your songs.",
    "It didn't take long for her to smile back.",
    # whose action: the baby's missing, ignoring, almost, usually
    "She missed you while you were at work, and she lit up.",
    "Maya ignored the rattle and looked at you.",
    "She is almost asleep on your shoulder.",
    "She usually naps now, and she stayed awake to play with you.",
    "This time she reached for you first.",
    # "but" only as a word; quoted baby speech; names
    "Press the button; she loves butter and buttons.",
    "He's saying 'but I want the ball!' and you gave it to him.",
    "She seemed to say \u201cdon't stop!\u201d and you kept going.",
    "Priya was missing you, and you came back to her.",
    # counts and change over time that docs/practice.md §5 allows
    "You waited for her 7 times, so she could have her turn.",
    "More back-and-forth than last time.",
    "Every time she looked at you, you smiled back.",
    "He lay perfectly still, listening to your song.",
    "Can you see how she reaches for you?",
]


@pytest.mark.parametrize("text", PASS)
def test_exceptions_pass(text: str) -> None:
    assert check_caption(text).findings == (), check_caption(text).findings


def test_negation_reaches_only_to_the_end_of_its_clause() -> None:
    # "didn't give up" is a strength; the next clause's failure is still found
    assert rules_of("You didn't give up, and then you missed her smile.") == {WordRule.NEGATIVE}
    assert [f.phrase for f in check_caption("She didn't look, and you waited.").findings] \
        == ["didn't"]


def test_findings_do_not_overlap_and_the_longest_phrase_wins() -> None:
    found = check_caption("Not bad, but you should have waited.").findings
    assert [(f.phrase, f.rule) for f in found] == [
        ("Not bad", WordRule.CONTRAST), ("but", WordRule.CONTRAST),
        ("should have", WordRule.INSTRUCTION)]


# ------------------------------------------------------- structure, not phrases

STRUCTURE = [
    # a modal addressed to the parent about now or later, against a past ability
    ("You could give her the spoon yourself.", WordRule.INSTRUCTION),
    ("You can let him lead more.", WordRule.INSTRUCTION),
    ("You'd get more smiles if you slowed right down.", WordRule.INSTRUCTION),
    ("Next visit let's see if you can wait even longer.", WordRule.INSTRUCTION),
    ("I'd love to see you try this at bath time.", WordRule.INSTRUCTION),
    ("Mum, let him come to you.", WordRule.INSTRUCTION),
    # comparatives and superlatives of the parent anchored in the past
    ("This is the calmest I've seen you with him.", WordRule.USUAL),
    ("You've come a long way since we started filming.", WordRule.USUAL),
    ("You were gentler than before.", WordRule.USUAL),
    ("You're so much more relaxed with her these days.", WordRule.USUAL),
    # a softener on a fault word; bare evaluation
    ("It started a bit chaotic, and then you found a rhythm.", WordRule.CONTRAST),
    ("Gorgeous, just gorgeous!", WordRule.PRAISE),
    ("Excellent work there, Dad.", WordRule.PRAISE),
    # labels by frame, screens, repeated or unanswered bids, other parents, jargon
    ("He's a right little monkey.", WordRule.LABEL),
    ("She's doing it on purpose to get a reaction.", WordRule.LABEL),
    ("You were looking at the TV when she smiled.", WordRule.NEGATIVE),
    ("She tried twice to get your attention.", WordRule.UNANSWERED),
    ("He called and called.", WordRule.UNANSWERED),
    ("You're doing better than a lot of the parents in the group.", WordRule.COMPARISON),
    ("A nice example of reciprocal engagement.", WordRule.JARGON),
    ("A bit of a lazy moment from you.", WordRule.JUDGEMENT),
]
STRUCTURE_PASS = [
    "You could tell she was tired, so you slowed down.",
    "You moved the mat so you could see her face.",
    "You'd already started to smile when he looked at you.",
    "Can you see how he watches your mouth?",
    "Let's watch what she does next.",
    "Show and tell: he held up the block, and you named it.",
    "She reached for you more often than last time.",
    "He was a little unsure of the water, and you held his hand.",
    "At first she cried, and then you rocked her and she settled.",
    "Lovely: she laughed, and you laughed too.",
    "She held the toy monkey up for you to see.",
    "He was looking at the screen, and you named the colours with him.",
    "He was bored of the rattle, so you found the drum.",
    "She reached for you twice, and you picked her up.",
    "She cried out twice, and both times you came to her.",
    "She watched the other babies, and then she turned back to you.",
    "She wasn't scared of the water with you there.",
]


@pytest.mark.parametrize(("text", "rule"), STRUCTURE)
def test_structural_rules_find_new_phrasings(text: str, rule: WordRule) -> None:
    assert rule in rules_of(text), check_caption(text).findings


@pytest.mark.parametrize("text", STRUCTURE_PASS)
def test_structural_rules_let_strengths_that_share_their_words_pass(text: str) -> None:
    assert check_caption(text).findings == (), check_caption(text).findings


def test_bare_evaluation_is_the_whole_sentence_and_gives_way_to_a_named_phrase() -> None:
    (f,) = check_caption("Gorgeous, just gorgeous!").findings
    assert (f.phrase, f.rule) == ("Gorgeous, just gorgeous", WordRule.PRAISE)
    assert [f.phrase for f in check_caption("You are a good mum.").findings] == ["good mum"]
    assert rules_of("Maya, gorgeous! She laughed when you sang.") == {WordRule.PRAISE}


# ---------------------------------------------------------------------- Polish

@pytest.mark.parametrize(("text", "rule"), [
    ("W końcu zrobiłaś to dobrze.", WordRule.USUAL),
    ("Zaczekałaś, ale ona płakała.", WordRule.CONTRAST),
    ("Następnym razem spróbuj poczekać.", WordRule.INSTRUCTION),
    ("Dobra robota!", WordRule.PRAISE),
    ("Ona tobą manipuluje.", WordRule.LABEL),
    ("Odpowiedziałaś na 8 z 10 jej sygnałów.", WordRule.COUNTING),
    ("Zignorowałaś ją.", WordRule.NEGATIVE),
    ("Twoja latencja była krótka.", WordRule.JARGON),
])
def test_polish_rules_flag(text: str, rule: WordRule) -> None:
    result = check_caption(text, "pl")
    assert result.language == "pl" and rule in {f.rule for f in result.findings}


@pytest.mark.parametrize(("text", "rule"), [
    ("Możesz dać jej łyżkę do ręki.", WordRule.INSTRUCTION),
    ("Dałabyś mu chwilę na odpowiedź.", WordRule.INSTRUCTION),
    ("Jesteś o wiele spokojniejsza niż na początku.", WordRule.USUAL),
    ("Byłaś trochę nerwowa, i ona się uspokoiła.", WordRule.CONTRAST),
    ("Pięknie, po prostu pięknie!", WordRule.PRAISE),
    ("Patrzyłaś w telewizor, kiedy się uśmiechnęła.", WordRule.NEGATIVE),
    ("Wołał cię kilka razy.", WordRule.UNANSWERED),
    ("Mało który tata tak potrafi.", WordRule.COMPARISON),
])
def test_polish_structural_rules_flag(text: str, rule: WordRule) -> None:
    assert rule in rules_of(text, "pl"), check_caption(text, "pl").findings


@pytest.mark.parametrize("text", [
    "Mogłaś zobaczyć, że jest zmęczona, więc przygasiłaś światło.",
    "Tym razem to ona zaczęła zabawę, a ty dołączyłaś.",
    "Na początku płakała, a ty ją kołysałaś, i się uspokoiła.",
    "Sięgnęła do ciebie dwa razy, i wzięłaś ją na ręce.",
    "Uśmiechałaś się do niej, aż zaczęła gaworzyć.",
    "Zobacz, jak ona patrzy na twoją twarz.",
    "Nie poddałaś się, i ona się uspokoiła.",
    "Nigdy nie przestałaś się uśmiechać.",
    "Nic nie mogło powstrzymać jej chichotu.",
    "Maja zignorowała grzechotkę i spojrzała na ciebie.",
    "Tańczyłyście balet, i ona się śmiała.",
    "Ona mówi „ale jeszcze!”, i zrobiłaś to jeszcze raz.",
])
def test_polish_strengths_pass(text: str) -> None:
    result = check_caption(text, "pl")
    assert (result.language, result.verdict) == ("pl", Verdict.OK), result.findings


# --------------------------------------------------------------------- languages

@pytest.mark.parametrize(("text", "expected"), [
    ("You waited, and she had her turn.", "en"),
    ("Zaczekałaś, a ona miała swoją kolej.", "pl"),
    ("Arhosoch chi, ac roedd hi'n cael ei thro.", "cy"),
    ("Tu as attendu, et elle a souri.", "fr"),
    ("آپ نے انتظار کیا اور وہ مسکرائی", "unknown"),
    ("১২৩", "unknown"),
])
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_unsupported_language_is_unchecked_never_a_silent_pass() -> None:
    for text in ["Arhosoch chi, ac roedd hi'n cael ei thro.", "آپ نے انتظار کیا"]:
        result = check_caption(text, "en")
        assert result.verdict == Verdict.UNCHECKED and result.findings == ()
        (finding,) = check_words(text)
        assert finding.rule == WordRule.UNCHECKED and "colleague" in finding.why
        assert not is_parent_safe(text)
    assert check_caption("Dobra robota!", "xx").language == "pl"


def test_the_expected_language_settles_texts_too_short_to_tell() -> None:
    assert resolve_language("Zosia!", "pl") == "pl"
    assert resolve_language("Zosia!", "en") == "en"
    assert resolve_language("Zosia!", None) == "unknown"
    assert check_caption("Zosia!", None).verdict == Verdict.UNCHECKED
    assert resolve_language("You waited, and she had her turn.", "pl") == "en"
    assert set(LANGUAGES) == {"en", "pl"}


# --------------------------------------------------------------- result and JSON

def test_result_dict_and_json() -> None:
    result = check_caption("Good job!")
    assert isinstance(result, CaptionCheck)
    d = result.to_dict()
    assert d["text"] == "Good job!" and d["language"] == "en" and d["verdict"] == "flag"
    assert d["findings"] == [{"phrase": "Good job", "why": result.findings[0].why,
                              "suggestion": result.findings[0].suggestion,
                              "rule": "praise", "start": 0, "end": 8}]
    assert json.loads(result.to_json()) == d
    with pytest.raises(AttributeError):
        result.verdict = Verdict.OK  # type: ignore[misc]
    assert check_caption("").verdict == Verdict.OK


def test_json_lines_one_object_per_non_blank_line() -> None:
    lines = ["You waited, and she had her turn.\n", "\n", "Good job!\r\n",
             "Dobra robota!\n", "Arhosoch chi, ac roedd hi'n cael ei thro.\n"]
    got = [json.loads(s) for s in json_lines(lines)]
    assert [(g["line"], g["language"], g["verdict"]) for g in got] == [
        (1, "en", "ok"), (3, "en", "flag"), (4, "pl", "flag"), (5, "cy", "unchecked")]
    assert got[1]["text"] == "Good job!"
    assert next(check_lines(["Zosia!"], language="pl"))["language"] == "pl"
    assert "ł" in next(json_lines(["Zaczekałaś, ale ona płakała."]))  # UTF-8 kept


def test_old_names_still_work() -> None:
    f = Finding("x", 0, 1, WordRule.NEGATIVE, "y")
    assert f.why == "dwells on what did not happen" and f.phrase == "x"
    assert [(f.found, f.start) for f in check_words("You waited, but she didn't look.")] \
        == [("but", 12), ("didn't", 20)]


# ------------------------------------------------------------------- the corpus

def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_words", REPO / "bench" / "words.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["captions", "heldout"])
def test_corpus_meets_the_targets(kind: str) -> None:
    b = bench()
    paths = sorted((REPO / "tests" / "data" / "words").glob(f"{kind}.*.tsv"))
    assert {p.name.split(".")[1] for p in paths} >= {"en", "pl"}
    for path in paths:
        rows = b.read_rows(path)
        figures = b.measure(rows)
        assert figures.recall >= b.RECALL_TARGET, (path.name, figures.misses)
        assert figures.false_flags <= b.FALSE_FLAG_TARGET, (path.name, figures.false)
    english = b.read_rows(REPO / "tests" / "data" / "words" / f"{kind}.en.tsv")
    assert len(english) >= (300 if kind == "captions" else 60)


def test_the_bench_says_how_to_run_it_and_measures_given_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = bench()
    with pytest.raises(SystemExit) as done:
        b.main(["--help"])
    assert done.value.code == 0 and "false flags" in capsys.readouterr().out
    mine = tmp_path / "mine.en.tsv"
    mine.write_text("deficit\tpraise\tGood job!\n"
                    "strength\tplain\tYou waited, and she had her turn.\n", encoding="utf-8")
    assert b.main([str(mine)]) == 0
    out = capsys.readouterr().out
    assert "mine.en.tsv" in out and "meets the targets" in out
    judged = tmp_path / "judged.en.tsv"
    judged.write_text("deficit\tpraise\tGood job!\nstrength\tplain\tWell done!\n",
                      encoding="utf-8")
    assert b.main([str(judged)]) == 1
