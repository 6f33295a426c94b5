from __future__ import annotations

import copy
from datetime import date

import pytest

from attune.core.attunement import assess_response, find_answered_cue
from attune.core.consent import (
    ConsentDecision,
    ConsentScope,
    add_months,
    retention_date,
    scope_allows,
)
from attune.core.events import Event
from attune.core.policy import Action, Decision, Facts, Relation, consent_problem, decide
from attune.core.scheme import EventKind, Valence
from attune.core.spans import Span, format_ms
from attune.errors import InputError
from attune.schemes import default_scheme, default_scheme_document, parse_scheme

S = default_scheme()


def cue(code: str, at: int, id_: int | None = None) -> Event:
    return Event(EventKind.CUE, code, at, at, id=id_)


def resp(code: str, at: int) -> Event:
    return Event(EventKind.RESPONSE, code, at, at)


# ------------------------------------------------------------------ spans
def test_span_half_open_and_point() -> None:
    s = Span(1000, 2000)
    assert s.contains(1000) and s.contains(1999) and not s.contains(2000)
    assert Span.point(5).contains(5) and Span.point(5).is_point
    assert s.duration_ms == 1000 and s.overlap_ms(Span(1500, 3000)) == 500
    assert s.overlap_ms(Span(2000, 3000)) == 0


@pytest.mark.parametrize("start,end", [(-1, 5), (10, 5)])
def test_span_rejects_bad_values(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        Span(start, end)


@pytest.mark.parametrize("bad", [1.5, "10", True, None])
def test_span_rejects_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        Span(bad, 10)  # type: ignore[arg-type]


def test_event_validates_span() -> None:
    with pytest.raises(ValueError):
        Event(EventKind.CUE, "C01", 500, 100)


def test_format_ms() -> None:
    assert format_ms(0) == "0:00.000" and format_ms(61_005) == "1:01.005"


def test_format_ms_rounds_on_the_whole_time() -> None:
    """59,960 ms was once shown as "0:60.0" (seconds rounded apart from the minutes)."""
    assert format_ms(59_960, 1) == "1:00.0"
    assert format_ms(59_960) == "0:59.960" and format_ms(59_960, 0) == "1:00"
    assert format_ms(59_960, hours=True) == "00:00:59.960"
    assert format_ms(3_599_999, 1, hours=True) == "01:00:00.0"


# ------------------------------------------------------------------ scheme
def test_default_scheme_matches_domain() -> None:
    assert len(S.codes_of(EventKind.CUE)) == 16
    assert {c.id for c in S.codes if c.practitioner_only} == {"N01", "N02", "N03"}
    assert S.code("C07").potency == "S" and S.code("C16").valence == Valence.DISTRESS
    assert S.code("R10").fits == frozenset({Valence.DISENGAGEMENT})
    assert S.windows_ms == {Valence.ENGAGEMENT: 3000, Valence.DISENGAGEMENT: 3000,
                            Valence.DISTRESS: 5000}
    keys = [c.key for c in S.codes if c.key]
    assert len(keys) == len(set(keys)) == len(S.codes)
    assert " " not in keys and "," not in keys and "." not in keys  # player keys


def test_scheme_rejects_duplicate_key() -> None:
    doc = copy.deepcopy(default_scheme_document())
    doc["codes"][1]["key"] = doc["codes"][0]["key"]
    with pytest.raises(InputError, match="Key '1' is used by both C01 and C02"):
        parse_scheme(doc)


def test_scheme_rejects_malformed_document() -> None:
    doc = copy.deepcopy(default_scheme_document())
    doc["latency_windows_ms"]["E"] = "three seconds"
    with pytest.raises(InputError, match="latency_windows_ms/E"):
        parse_scheme(doc)


def test_scheme_bands_must_tile() -> None:
    doc = copy.deepcopy(default_scheme_document())
    doc["latency_bands"][1]["from_ms"] = 1500
    with pytest.raises(InputError, match="without gaps"):
        parse_scheme(doc)


def test_unknown_code_message() -> None:
    with pytest.raises(InputError, match="Z99"):
        S.code("Z99")


# ------------------------------------------------------------------ attuned rule
@pytest.mark.parametrize(
    "cue_code,resp_code,latency,attuned,band",
    [
        ("C02", "R04", 0, True, "immediate"),
        ("C02", "R04", 999, True, "immediate"),
        ("C02", "R04", 1000, True, "prompt"),
        ("C02", "R04", 3000, True, "delayed"),  # window is inclusive at 3.0 s
        ("C02", "R04", 3001, False, "delayed"),
        ("C16", "R11", 4500, True, "delayed"),  # distress: 5 s window
        ("C16", "R11", 5001, False, "none"),
        ("C10", "R10", 800, True, "immediate"),  # break after looking away
        ("C10", "R03", 800, False, "immediate"),  # warm talk does not fit a D cue
        ("C02", "N01", 500, False, "immediate"),  # practitioner-only never attuned
    ],
)
def test_assess_response(cue_code: str, resp_code: str, latency: int, attuned: bool,
                         band: str) -> None:
    a = assess_response(cue(cue_code, 10_000), resp(resp_code, 10_000 + latency), S)
    assert (a.attuned, a.band, a.latency_ms) == (attuned, band, latency)


def test_rescoring_with_stricter_window() -> None:
    strict = S.with_windows({Valence.ENGAGEMENT: 1000})
    a = assess_response(cue("C02", 0), resp("R04", 2000), strict)
    assert not a.attuned and a.band == "prompt"


def test_find_answered_cue_picks_most_recent_open_cue() -> None:
    cues = [cue("C01", 1000, 1), cue("C02", 2000, 2), cue("C03", 9000, 3)]
    assert find_answered_cue(resp("R04", 2500), cues, S).id == 2  # type: ignore[union-attr]
    assert find_answered_cue(resp("R04", 8000), cues, S) is None  # windows closed


# ------------------------------------------------------------------ consent
D = date(2026, 3, 1)


def decision(scope: ConsentScope, granted: bool = True, on: date = D,
             clip_id: int | None = None, **kw: object) -> ConsentDecision:
    return ConsentDecision(1, scope, granted, on, clip_id=clip_id, **kw)  # type: ignore[arg-type]


def _parent_may(c: list[ConsentDecision], action: Action, on: date,
                clip_id: int | None = None) -> bool:
    facts = Facts(True, frozenset({Relation.PARENT}), tuple(c), clip_id)
    return decide(facts, action, on).allowed


def test_scopes_allow_their_uses() -> None:
    c = [decision(ConsentScope.SHARED_REVIEW), decision(ConsentScope.SECOND_CODER, False)]
    assert _parent_may(c, Action.WATCH_REEL, D)
    assert not scope_allows(c, ConsentScope.SECOND_CODER, D)
    assert not _parent_may(c, Action.KEEP_REEL, D)
    assert not _parent_may(c, Action.WATCH_REEL, date(2026, 2, 28))  # before the decision


def test_withdrawal_and_expiry() -> None:
    c = [decision(ConsentScope.SHARED_REVIEW, withdrawn_on=date(2026, 4, 1))]
    assert _parent_may(c, Action.WATCH_REEL, date(2026, 3, 31))
    assert not _parent_may(c, Action.WATCH_REEL, date(2026, 4, 1))
    c = [decision(ConsentScope.SHARED_REVIEW, retain_until=date(2026, 5, 1))]
    assert _parent_may(c, Action.WATCH_REEL, date(2026, 5, 1))
    assert not _parent_may(c, Action.WATCH_REEL, date(2026, 5, 2))
    assert consent_problem(c, ConsentScope.SHARED_REVIEW, None, date(2026, 5, 2)) == \
        "ran out on 1 May 2026"


def test_clip_level_overrides_family_and_latest_wins() -> None:
    c = [decision(ConsentScope.PARENT_COPY), decision(ConsentScope.PARENT_COPY, False,
                                                      clip_id=7)]
    assert _parent_may(c, Action.KEEP_REEL, D, clip_id=8)
    assert not _parent_may(c, Action.KEEP_REEL, D, clip_id=7)
    later = [decision(ConsentScope.TRAINING), decision(ConsentScope.TRAINING, False,
                                                       on=date(2026, 3, 5))]
    assert scope_allows(later, ConsentScope.TRAINING, date(2026, 3, 4))
    assert not scope_allows(later, ConsentScope.TRAINING, date(2026, 3, 6))
    assert consent_problem(later, ConsentScope.TRAINING, None, date(2026, 3, 6)) == "declined"


def test_refusal_says_what_to_do_in_plain_words() -> None:
    facts = Facts(True, frozenset({Relation.SECOND_CODER}), (), 3)
    msg = decide(facts, Action.CODE_CLIP, D).reason
    assert msg.startswith("Second coder consent for this family is not recorded")
    assert "Record it on the Consent page" in msg and "second_coder" not in msg


def test_a_calibration_trainee_needs_training_and_second_coder_consent() -> None:
    both = (decision(ConsentScope.TRAINING), decision(ConsentScope.SECOND_CODER))

    def trainee(consents: tuple[ConsentDecision, ...]) -> Decision:
        return decide(Facts(True, frozenset({Relation.TRAINEE}), consents, 3),
                      Action.CODE_CLIP, D)

    assert trainee(both).allowed
    for missing, words in ((ConsentScope.TRAINING, "Training"),
                           (ConsentScope.SECOND_CODER, "Second coder")):
        left = tuple(c for c in both if c.scope != missing)
        refused = trainee(left)
        assert not refused.allowed and refused.missing == missing
        assert refused.reason.startswith(f"{words} consent for this family is not recorded")
    withdrawn = (decision(ConsentScope.TRAINING, withdrawn_on=D), both[1])
    assert not trainee(withdrawn).allowed


def test_retention_dates() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert retention_date(None, 2, []) is None
    assert retention_date(date(2026, 6, 15), 2, []) == date(2026, 8, 15)
    renewed = [decision(ConsentScope.SHARED_REVIEW, retain_until=date(2027, 1, 1))]
    assert retention_date(date(2026, 6, 15), 2, renewed) == date(2027, 1, 1)
