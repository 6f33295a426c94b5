"""Tallies of docs/practice.md §5 on hand-built event lists with known answers."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pandas as pd
import pytest

from attune.analysis.tallies import (
    Audience,
    ClipTallies,
    ParentTallies,
    SessionClip,
    merge_tallies,
    session_frame,
    tallies_frame,
    tally_clip,
)
from attune.core.events import Event
from attune.core.scheme import Scheme
from attune.errors import InputError

from ._build import ev

MINUTE = 60_000


def clip_events() -> list[Event]:
    return [
        ev("C02", 1000, id=1), ev("R04", 2200, id=2, answers_id=1),  # prompt, attuned
        ev("A01", 3000, id=20, answers_id=2),  # completes the chain
        ev("C07", 10_000, id=3), ev("R03", 10_500, id=4, answers_id=3),  # subtle, immediate
        ev("C10", 20_000, id=5), ev("R10", 21_000, id=6, answers_id=5),  # break
        ev("N02", 20_500, id=7, answers_id=5),  # practitioner-only
        ev("R07", 25_000, id=8),  # no answers_id, no cue within a window: no cue
        ev("C13", 30_000, id=9), ev("R02", 32_500, id=10, answers_id=9),  # break
        ev("C16", 40_000, id=11), ev("R11", 44_000, id=12, answers_id=11),  # delayed (X: 5 s)
        ev("R04", 45_000, id=13, answers_id=11),  # does not fit distress: not attuned
        ev("C01", 50_000, id=14),  # unanswered, window closed at 53 s
        ev("C02", 59_000, id=15),  # at the very end: window runs past the clip
    ]


@pytest.fixture
def tallies(scheme: Scheme) -> ClipTallies:
    return tally_clip(clip_events(), MINUTE, scheme, clip_id="clip-1")


def test_cues_by_valence_and_potency(tallies: ClipTallies) -> None:
    p = tallies.parent_safe
    assert p.cues == 7
    assert p.cues_by_valence == {"E": 4, "D": 2, "X": 1}
    assert p.cues_by_potency == {"P": 5, "S": 2}
    assert p.cues_per_minute == 7
    assert p.cues_per_minute_by_valence == {"E": 4, "D": 2, "X": 1}
    assert p.cues_by_code == {"C01": 1, "C02": 2, "C07": 1, "C10": 1, "C13": 1, "C16": 1}


def test_attuned_responses_latency_and_bands(tallies: ClipTallies) -> None:
    p = tallies.parent_safe
    assert p.attuned_responses == 5
    assert sorted(p.latencies_ms) == [500, 1000, 1200, 2500, 4000]
    assert p.latency.median_ms == 1200
    assert (p.latency.q1_ms, p.latency.q3_ms, p.latency.iqr_ms) == (1000, 2500, 1500)
    assert p.attuned_by_band == {"immediate": 1, "prompt": 3, "delayed": 1, "none": 0}


def test_principles_subtle_breaks_chains(tallies: ClipTallies) -> None:
    p = tallies.parent_safe
    assert p.attuned_by_principle == {1: 1, 2: 2, 3: 2, 4: 0, 5: 0, 6: 0}
    assert p.attuned_by_code == {"R02": 1, "R03": 1, "R04": 1, "R10": 1, "R11": 1}
    assert p.subtle_cues_answered == 2
    assert p.subtle_answered_by_code == {"C07": 1, "C10": 1}
    assert p.breaks_given == 2
    assert p.complete_chains == 1
    chain = p.chains[0]
    assert (chain.cue.id, chain.response.id, chain.reaction.id) == (1, 2, 20)


def test_practitioner_figures(tallies: ClipTallies) -> None:
    f = tallies.practitioner
    assert f.n_codes == {"N01": 0, "N02": 1, "N03": 0}
    assert f.responses == 7
    assert f.responses_without_cue == 1
    assert f.responses_not_attuned == 1
    assert f.responses_by_band == {"immediate": 1, "prompt": 3, "delayed": 1, "none": 1,
                                   "before cue": 0}
    assert f.cues_answered == 5
    assert f.unanswered_cues == 1
    assert [e.id for e in f.unanswered] == [14]
    assert f.cues_open_at_end == 1
    assert f.proportion_answered == pytest.approx(5 / 6)


def test_parent_type_has_no_practitioner_figures() -> None:
    parent_fields = {f.name for f in dataclasses.fields(ParentTallies)}
    for name in ("n_codes", "unanswered_cues", "unanswered", "cues_answered",
                 "proportion_answered", "responses_without_cue", "responses_not_attuned"):
        assert name not in parent_fields
        assert not hasattr(ParentTallies, name)


def test_window_rescoring_at_1000_ms(scheme: Scheme) -> None:
    strict = tally_clip(clip_events(), MINUTE, scheme, windows_ms={"E": 1000, "D": 1000})
    p = strict.parent_safe
    # R04 at 1.2 s and R02 at 2.5 s fall outside; 0.5 s and exactly 1.0 s stay in; the
    # distress window (5 s) is unchanged
    assert sorted(p.latencies_ms) == [500, 1000, 4000]
    assert p.attuned_responses == 3
    assert p.breaks_given == 1
    assert p.complete_chains == 0
    assert p.windows_ms == {"E": 1000, "D": 1000, "X": 5000}
    assert strict.practitioner.responses_not_attuned == 3
    # the scheme itself is unchanged
    assert scheme.windows_ms["E"] == 3000


def test_window_keys_may_be_valence_enums(scheme: Scheme) -> None:
    from attune.core.scheme import Valence
    a = tally_clip(clip_events(), MINUTE, scheme, windows_ms={Valence.ENGAGEMENT: 1000})
    b = tally_clip(clip_events(), MINUTE, scheme, windows_ms={"E": 1000})
    assert a.parent_safe == b.parent_safe
    with pytest.raises(ValueError):
        tally_clip(clip_events(), MINUTE, scheme, windows_ms={"E": -1})


def test_no_cues(scheme: Scheme) -> None:
    t = tally_clip([ev("R04", 1000), ev("A01", 1500)], MINUTE, scheme)
    p, f = t.parent_safe, t.practitioner
    assert p.cues == 0 and p.attuned_responses == 0 and p.complete_chains == 0
    assert p.latency.median_ms is None and p.latency.iqr_ms is None
    assert p.cues_per_minute == 0
    assert f.responses_without_cue == 1
    assert f.proportion_answered is None


def test_empty_clip(scheme: Scheme) -> None:
    t = tally_clip([], MINUTE, scheme)
    assert t.parent_safe.cues == 0
    assert t.parent_safe.turns.turns == 0
    assert t.practitioner.unanswered_cues == 0


def test_response_with_no_cue_is_linked_to_the_most_recent_open_cue(scheme: Scheme) -> None:
    t = tally_clip([ev("C02", 1000), ev("R04", 2000)], MINUTE, scheme)
    assert t.parent_safe.attuned_responses == 1
    assert t.links[0].linked_by == "nearest cue"
    unlinked = tally_clip([ev("C02", 1000), ev("R04", 2000)], MINUTE, scheme,
                          link_unlinked=False)
    assert unlinked.parent_safe.attuned_responses == 0
    assert unlinked.practitioner.responses_without_cue == 1


def test_overlapping_cues(scheme: Scheme) -> None:
    events = [ev("C01", 0, 3000), ev("C02", 500, 2000), ev("R04", 1500)]
    t = tally_clip(events, MINUTE, scheme)
    assert t.parent_safe.cues == 2
    assert t.parent_safe.attuned_responses == 1
    assert t.links[0].cue is not None and t.links[0].cue.code == "C02"  # the most recent
    assert t.practitioner.unanswered_cues == 1


def test_two_responses_to_one_cue_count_the_cue_once(scheme: Scheme) -> None:
    events = [ev("C10", 0, id=1), ev("R10", 500, answers_id=1),
              ev("R02", 900, answers_id=1)]
    p = tally_clip(events, MINUTE, scheme).parent_safe
    assert p.attuned_responses == 2
    assert p.breaks_given == 1
    assert p.subtle_cues_answered == 1


def test_cue_at_the_very_end(scheme: Scheme) -> None:
    t = tally_clip([ev("C02", MINUTE)], MINUTE, scheme)
    assert t.parent_safe.cues == 1
    assert t.practitioner.unanswered_cues == 0
    assert t.practitioner.cues_open_at_end == 1
    with pytest.raises(InputError, match="after the clip's end"):
        tally_clip([ev("C02", MINUTE + 1)], MINUTE, scheme)


def test_deleted_events_ignored(scheme: Scheme) -> None:
    gone = datetime(2025, 3, 1)
    events = [ev("C02", 1000, id=1, deleted_at=gone), ev("R04", 1500, answers_id=1),
              ev("C03", 5000, id=2), ev("R05", 5500, answers_id=2, deleted_at=gone)]
    t = tally_clip(events, MINUTE, scheme)
    assert t.parent_safe.cues == 1
    assert t.parent_safe.attuned_responses == 0
    assert t.practitioner.responses_without_cue == 1


def test_response_before_its_cue_is_not_attuned(scheme: Scheme) -> None:
    t = tally_clip([ev("C02", 2000, id=1), ev("R04", 1000, answers_id=1)], MINUTE, scheme)
    assert t.parent_safe.attuned_responses == 0
    assert t.practitioner.responses_by_band["before cue"] == 1


@pytest.mark.parametrize(
    ("reaction", "chains"),
    [
        (ev("A01", 2500), 1),  # unlinked, within the window after the response
        (ev("A03", 5000), 1),  # exactly at the window's end (3 s after the response)
        (ev("A01", 5001), 0),  # after the window
        (ev("A04", 2500), 0),  # not a positive reaction
        (ev("A01", 1800), 0),  # before the response
        (ev("A02", 9000, answers_id=2), 1),  # linked to the response: any time after it
        (ev("A01", 9000, answers_id=1), 1),  # linked to the cue
    ],
)
def test_complete_chains(scheme: Scheme, reaction: Event, chains: int) -> None:
    events = [ev("C04", 1000, id=1), ev("R07", 2000, id=2, answers_id=1), reaction]
    assert tally_clip(events, MINUTE, scheme).parent_safe.complete_chains == chains


def test_misuse_and_bad_input(scheme: Scheme) -> None:
    with pytest.raises(ValueError):
        tally_clip([], 0, scheme)
    with pytest.raises(ValueError):
        tally_clip([], 1.5, scheme)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not in coding scheme"):
        tally_clip([ev("C99", 0)], MINUTE, scheme)


def test_turns_in_tallies(scheme: Scheme) -> None:
    events = [ev("C03", 0), ev("R05", 1000), ev("C03", 2000), ev("R07", 3000)]
    p = tally_clip(events, 2 * MINUTE, scheme).parent_safe
    assert p.turns.turns == 2
    assert p.turns.turns_per_minute == 1
    assert p.turns.longest_back_and_forth == 2


def test_merge_pools_counts_latencies_and_time(scheme: Scheme) -> None:
    one = tally_clip([ev("C02", 0, id=1), ev("R04", 400, answers_id=1)], MINUTE, scheme)
    two = tally_clip([ev("C02", 0, id=1), ev("R04", 2000, answers_id=1),
                      ev("C03", 10_000, id=2), ev("R05", 12_000, answers_id=2)],
                     MINUTE, scheme)
    merged = merge_tallies([one, two]).parent_safe
    assert merged.cues == 3 and merged.attuned_responses == 3
    assert merged.duration_ms == 2 * MINUTE
    assert merged.cues_per_minute == 1.5
    assert merged.latency.median_ms == 2000
    with pytest.raises(ValueError):
        merge_tallies([])


def test_tallies_frame_keeps_practitioner_columns_apart(tallies: ClipTallies,
                                                        tmp_path: object) -> None:
    parent = tallies_frame(tallies)
    practitioner = tallies_frame([tallies], audience=Audience.PRACTITIONER)
    hidden = {"N01", "N02", "N03", "unanswered_cues", "proportion_answered",
              "cues_open_at_end", "responses_without_cue"}
    assert not hidden & set(parent.columns)
    assert hidden <= set(practitioner.columns)
    row = parent.iloc[0]
    assert row["label"] == "clip-1"
    assert row["cues"] == 7 and row["attuned_responses"] == 5
    assert row["cues_S"] == 2 and row["principle_2"] == 2 and row["band_prompt"] == 3
    assert row["window_E_ms"] == 3000


def test_tallies_frame_exports_csv_and_xlsx(tallies: ClipTallies, tmp_path: object) -> None:
    from pathlib import Path
    out = Path(str(tmp_path))
    frame = tallies_frame([tallies], audience="practitioner")
    frame.to_csv(out / "t.csv", index=False)
    frame.to_excel(out / "t.xlsx", index=False)
    back = pd.read_csv(out / "t.csv")
    assert list(back.columns) == list(frame.columns)
    assert pd.read_excel(out / "t.xlsx")["cues"].tolist() == [7]


def test_session_frame_one_row_per_session_in_date_order(scheme: Scheme) -> None:
    clips = [
        SessionClip("s2", date(2025, 3, 10), MINUTE, [ev("C03", 0), ev("R05", 1000)], "c3"),
        SessionClip("s1", date(2025, 2, 1), MINUTE, [ev("C02", 0), ev("R04", 500)], "c1"),
        SessionClip("s1", date(2025, 2, 1), 2 * MINUTE, [ev("C01", 0)], "c2"),
    ]
    frame = session_frame(clips, scheme)
    assert frame["session"].tolist() == ["s1", "s2"]
    assert frame["clips"].tolist() == [2, 1]
    assert frame["cues"].tolist() == [2, 1]
    assert frame["duration_ms"].tolist() == [3 * MINUTE, MINUTE]
    assert frame["attuned_responses"].tolist() == [1, 1]
    assert frame["turns"].tolist() == [0, 1]
    assert "unanswered_cues" not in frame.columns
    practitioner = session_frame(clips, scheme, audience="practitioner")
    assert practitioner["unanswered_cues"].tolist() == [1, 0]


def test_session_with_two_dates_is_an_input_error(scheme: Scheme) -> None:
    clips = [SessionClip("s1", date(2025, 2, 1), MINUTE, []),
             SessionClip("s1", date(2025, 2, 2), MINUTE, [])]
    with pytest.raises(InputError):
        session_frame(clips, scheme)
