"""Proposed moments on hand-built events: order, exclusions, spans and captions."""

from __future__ import annotations

from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.core.words import check_words
from attune.reels.propose import ProposalKind, propose_moments, suggest_caption
from attune.schemes import default_scheme

S = default_scheme()
CUE, RESP, REACT = EventKind.CUE, EventKind.RESPONSE, EventKind.REACTION


def ev(i: int, kind: EventKind, code: str, at_ms: int, answers: int | None = None,
       dur_ms: int = 0) -> Event:
    return Event(kind, code, at_ms, at_ms + dur_ms, id=i, answers_id=answers, coder="pat")


def sample_events() -> list[Event]:
    return [
        # 10 s: a subtle cue answered (brows up → names it), no reaction
        ev(1, CUE, "C07", 10_000), ev(2, RESP, "R07", 10_800, 1),
        # 20 s: a break given (turns well away → gives a break)
        ev(3, CUE, "C13", 20_000), ev(4, RESP, "R10", 21_000, 3),
        # 30 s: a complete chain (reaches → names it → smiles back), latency 600 ms
        ev(5, CUE, "C04", 30_000), ev(6, RESP, "R07", 30_600, 5), ev(7, REACT, "A01", 31_500, 6),
        # 40 s: practitioner-only response: never a proposal
        ev(8, CUE, "C02", 40_000), ev(9, RESP, "N03", 40_500, 8), ev(10, REACT, "A01", 41_000, 9),
        # 50 s: a late answer (outside the 3 s window): not attuned
        ev(11, CUE, "C01", 50_000), ev(12, RESP, "R04", 54_500, 11), ev(13, REACT, "A01", 55_000),
    ]


def test_complete_chains_rank_first_then_subtle_then_breaks() -> None:
    got = propose_moments(sample_events(), S, clip_duration_ms=120_000, baby_name="Maya",
                          pronoun="she")
    assert [p.kind for p in got] == [ProposalKind.CHAIN, ProposalKind.SUBTLE_CUE,
                                     ProposalKind.BREAK_GIVEN]
    chain = got[0]
    assert chain.codes == ("C04", "R07", "A01")
    assert chain.key_ms == 30_600  # the response onset: where to film-stop
    assert (chain.start_ms, chain.end_ms) == (29_000, 32_500)
    assert chain.caption == ("Maya reached out, you put words to what she was doing, "
                             "and she smiled back.")
    assert "complete chain" in chain.reason


def test_practitioner_only_codes_never_feed_a_proposal_or_caption() -> None:
    got = propose_moments(sample_events(), S)
    for p in got:
        assert not {"N01", "N02", "N03"} & set(p.codes)
        assert p.start_ms >= 45_000 or p.end_ms <= 40_000 or p.kind != ProposalKind.CHAIN
        assert 8 not in p.event_ids and 9 not in p.event_ids
    only_n = [ev(1, CUE, "C02", 1000), ev(2, RESP, "N01", 1500, 1)]
    assert propose_moments(only_n, S) == []


def test_a_break_for_a_subtle_cue_is_named_in_the_reason() -> None:
    got = propose_moments([ev(1, CUE, "C10", 5000), ev(2, RESP, "R02", 5500, 1)], S)
    assert got[0].kind == ProposalKind.SUBTLE_CUE and "a break given" in got[0].reason
    assert got[0].caption == "Your baby looked away for a rest, and you waited and gave them time."


def test_a_chain_with_a_subtle_cue_ranks_above_a_potent_one() -> None:
    events = [
        ev(1, CUE, "C02", 5_000), ev(2, RESP, "R04", 5_200, 1), ev(3, REACT, "A01", 6_000, 2),
        ev(4, CUE, "C08", 20_000), ev(5, RESP, "R05", 21_500, 4),
        ev(6, REACT, "A02", 22_000, 5),
    ]
    got = propose_moments(events, S)
    assert [p.codes[0] for p in got] == ["C08", "C02"]
    assert "subtle" in got[0].reason


def test_spans_keep_the_vig_norm_and_the_clip() -> None:
    # near the clip's start: widened to 3 s from 0
    near = [ev(1, CUE, "C02", 200), ev(2, RESP, "R04", 400, 1), ev(3, REACT, "A01", 600, 2)]
    got = propose_moments(near, S, clip_duration_ms=60_000)
    assert (got[0].start_ms, got[0].end_ms) == (0, 3000) and got[0].warnings == ()
    # a clip shorter than 3 s: clamped and warned
    got = propose_moments(near, S, clip_duration_ms=2000)
    assert (got[0].start_ms, got[0].end_ms) == (0, 2000)
    assert "2.0 s" in got[0].warnings[0]
    # a chain longer than 10 s: shortened to the norm, the key frame kept
    long_chain = [ev(1, CUE, "C15", 10_000), ev(2, RESP, "R11", 14_000, 1),
                  ev(3, REACT, "A03", 16_000, 2, dur_ms=9_000)]
    got = propose_moments(long_chain, S, clip_duration_ms=60_000)
    p = got[0]
    assert p.duration_ms == 10_000 and p.start_ms <= 14_000 < p.end_ms
    assert p.warnings
    # other settings
    got = propose_moments(long_chain, S, min_s=2, max_s=30, clip_duration_ms=60_000)
    assert (got[0].start_ms, got[0].end_ms) == (9_000, 26_000)


def test_unlinked_responses_use_the_most_recent_open_cue() -> None:
    events = [ev(1, CUE, "C09", 3000), ev(2, RESP, "R06", 4000), ev(3, REACT, "A01", 5000)]
    got = propose_moments(events, S)
    assert got[0].kind == ProposalKind.CHAIN


def test_long_back_and_forth_is_proposed_last() -> None:
    talk = [ev(101, CUE, "C03", 70_000), ev(102, RESP, "R08", 71_000),
            ev(103, CUE, "C03", 72_500), ev(104, RESP, "R05", 73_500),
            ev(105, CUE, "C03", 75_000), ev(106, RESP, "R03", 76_000)]
    got = propose_moments(sample_events() + talk, S, clip_duration_ms=120_000)
    turns = [p for p in got if p.kind == ProposalKind.TURNS]
    assert len(turns) == 1 and got[-1] is turns[0]
    assert "3 vocal turns" in turns[0].reason
    assert "3 times" in turns[0].caption
    # a pause of 5 s or more ends the conversation
    split = [ev(1, CUE, "C03", 0), ev(2, RESP, "R08", 1000), ev(3, CUE, "C03", 6500),
             ev(4, RESP, "R05", 7000)]
    assert [p for p in propose_moments(split, S, min_turns=2)
            if p.kind == ProposalKind.TURNS] == []


def test_overlapping_candidates_keep_the_better_one() -> None:
    events = [ev(1, CUE, "C04", 1000), ev(2, RESP, "R07", 1500, 1), ev(3, REACT, "A01", 2000, 2),
              ev(4, CUE, "C07", 2100), ev(5, RESP, "R04", 2300, 4)]
    got = propose_moments(events, S)
    assert [p.kind for p in got] == [ProposalKind.CHAIN]
    assert len(propose_moments(events, S, max_overlap=1.0)) == 2
    assert len(propose_moments(events, S, max_overlap=1.0, limit=1)) == 1


def test_every_suggested_caption_is_fit_for_a_parent() -> None:
    cues = [c for c in S.codes_of(CUE)]
    responses = [r for r in S.codes_of(RESP) if not r.practitioner_only]
    reactions = [a for a in S.codes_of(REACT) if a.positive]
    for pronoun in ("she", "he", "they"):
        for c in cues:
            for r in responses:
                for a in [None, *reactions]:
                    text = suggest_caption(
                        Event(CUE, c.id, 0, 0), Event(RESP, r.id, 100, 100),
                        None if a is None else Event(REACT, a.id, 200, 200), S,
                        baby_name="Sam", pronoun=pronoun)
                    assert check_words(text) == [], text
                    assert "they was" not in text
    got = propose_moments(sample_events(), S)
    assert all(check_words(p.caption) == [] for p in got)
