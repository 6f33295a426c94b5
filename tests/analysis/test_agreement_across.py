"""ICC across a coder pair's clips: shown from enough clips, with its interval, and
saying how many more clips it needs before that."""

from __future__ import annotations

import pytest

from attune.analysis.agreement import (
    MIN_CLIPS,
    ClipPair,
    Flag,
    icc,
    pair_sentences,
    pair_tally_icc,
)
from attune.analysis.agreement.coefficients import icc_interval
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.schemes import default_scheme

MINUTE = 60_000


def _cues(n: int) -> list[Event]:
    return [Event(EventKind.CUE, "C01", 1000 + 2000 * i, 1000 + 2000 * i) for i in range(n)]


def _pairs(counts: list[tuple[int, int]]) -> list[ClipPair]:
    return [ClipPair(_cues(a), _cues(b), MINUTE, i) for i, (a, b) in enumerate(counts)]


def test_too_few_clips_say_how_many_more() -> None:
    out = pair_tally_icc(_pairs([(3, 3), (5, 6), (8, 7)]))
    [cues] = out
    assert cues.measure == "cues per minute" and cues.clips == 3 and cues.value is None
    assert f"needs {MIN_CLIPS} clips" in cues.sentence and "so 2 more" in cues.sentence
    assert "plan on 20 clips" in cues.sentence
    one = pair_tally_icc(_pairs([(3, 3)]))[0]
    assert "there is 1, so 4 more" in one.sentence
    assert pair_sentences([one, one]) == [
        "Not shown yet: an ICC of the tallies needs 5 clips both coders coded and there is "
        "1, so 4 more. For a narrow 95% interval (about 0.4 wide) plan on 20 clips."]


def test_enough_clips_give_the_icc_of_the_rates_with_its_interval() -> None:
    counts = [(3, 3), (5, 6), (8, 7), (12, 12), (2, 3), (9, 10)]
    [cues] = pair_tally_icc(_pairs(counts))
    ratings = [[a, b] for a, b in counts]  # one-minute clips: counts are the rates
    assert cues.clips == 6
    assert cues.value == pytest.approx(icc(ratings, "ICC(2,1)"))
    assert (cues.low, cues.high) == pytest.approx(icc_interval(ratings, "ICC(2,1)"))
    assert cues.flag == Flag.GREEN and cues.value > 0.9
    assert pair_sentences([cues]) == [cues.sentence]
    assert cues.sentence.startswith(f"ICC for cues per minute over 6 clips: {cues.value:.2f}"
                                    " (good; 95% interval")


def test_a_wide_interval_says_how_many_clips_would_narrow_it() -> None:
    counts = [(3, 5), (5, 4), (8, 6), (6, 8), (4, 7)]
    [cues] = pair_tally_icc(_pairs(counts))
    assert cues.value is not None and cues.high - cues.low > 0.4
    assert cues.clips_wanted > 5 and "more clips would narrow it to 0.4" in cues.sentence


def test_with_a_scheme_the_tallies_of_reports_are_compared() -> None:
    scheme = default_scheme()

    def coded(k: int, latency: int) -> list[Event]:
        out = []
        for i in range(k):
            at = 2000 + 5000 * i
            out += [Event(EventKind.CUE, "C02", at, at, id=2 * i + 1),
                    Event(EventKind.RESPONSE, "R04", at + latency, at + latency,
                          id=2 * i + 2, answers_id=2 * i + 1)]
        return out

    clips = [ClipPair(coded(k, 800 + 100 * k), coded(k, 900 + 100 * k), MINUTE, k)
             for k in range(1, 7)]
    by = {t.measure: t for t in pair_tally_icc(clips, scheme)}
    assert set(by) == {"cues per minute", "attuned responses per minute",
                       "median latency of attuned responses (s)"}
    assert by["attuned responses per minute"].value == pytest.approx(1.0)
    latency = by["median latency of attuned responses (s)"]
    assert latency.clips == 6 and latency.value is not None and latency.value > 0.8
    # a clip where one coder found no attuned response has no latency to compare
    clips.append(ClipPair(coded(2, 800), _cues(2), MINUTE, 99))
    by = {t.measure: t for t in pair_tally_icc(clips, scheme)}
    assert by["median latency of attuned responses (s)"].clips == 6
    assert by["cues per minute"].clips == 7


def test_a_clip_of_unknown_length_is_left_out_and_said() -> None:
    clips = [*_pairs([(3, 3), (4, 4)]), ClipPair(_cues(2), _cues(2), None, 9)]
    [cues] = pair_tally_icc(clips)
    assert cues.clips == 2 and cues.untimed == 1
    assert cues.sentence.endswith("1 clip is not counted: its length is not known until "
                                  "processed.")
    assert pair_sentences([cues])[0].endswith("its length is not known until processed.")
