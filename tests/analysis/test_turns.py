"""Vocal turns by LENA's rule (docs/practice.md §4): counted in pairs, cries out, 5 s pause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from attune.analysis.turns import count_turns
from attune.core.scheme import Scheme

from ._build import ev

# C03 is the baby's vocal cue; R03, R05, R07, R08 are the parent's vocal responses.


@pytest.mark.parametrize(
    ("codes", "turns"),
    [
        (["C03", "R05"], 1),  # B-A
        (["R07", "C03"], 1),  # A-B: an adult-initiated turn counts too
        (["C03", "R05", "C03"], 1),  # B-A-B
        (["C03", "R05", "C03", "R07"], 2),  # B-A-B-A
        (["C03", "R05", "C03", "R07", "C03"], 2),
        (["C03", "C03", "R05"], 1),  # the same speaker twice is one block
        (["C03"], 0),
        ([], 0),
    ],
)
def test_turns_counted_in_pairs(scheme: Scheme, codes: list[str], turns: int) -> None:
    events = [ev(c, 1000 * i) for i, c in enumerate(codes)]
    tally = count_turns(events, scheme, duration_ms=60_000)
    assert tally.turns == turns
    assert tally.turns_per_minute == turns
    assert tally.longest_back_and_forth == turns


def test_cry_is_not_a_vocalisation(scheme: Scheme) -> None:
    events = [ev("C16", 0), ev("R07", 1000), ev("C15", 2000), ev("R11", 2500)]
    assert count_turns(events, scheme).turns == 0


def test_cry_excluded_even_when_a_scheme_marks_it_vocal(scheme: Scheme) -> None:
    codes = tuple(replace(c, vocal=True) if c.id in ("C15", "C16") else c for c in scheme.codes)
    loud = Scheme(scheme.name, scheme.version, scheme.title, codes, scheme.windows_ms,
                  scheme.bands)
    assert count_turns([ev("C16", 0), ev("R07", 1000)], loud).turns == 0


def test_pause_of_5_s_ends_the_conversation(scheme: Scheme) -> None:
    # B-A, then 5 s of silence, then B-A: two conversations of one turn each
    events = [ev("C03", 0), ev("R05", 1000), ev("C03", 6000), ev("R05", 7000)]
    tally = count_turns(events, scheme)
    assert tally.turns == 2
    assert tally.longest_back_and_forth == 1
    assert [c.speakers for c in tally.conversations] == ["BA", "BA"]


def test_just_under_5_s_is_a_turn_and_5_s_is_not(scheme: Scheme) -> None:
    assert count_turns([ev("C03", 0), ev("R05", 4999)], scheme).turns == 1
    assert count_turns([ev("C03", 0), ev("R05", 5000)], scheme).turns == 0


def test_gap_measured_from_the_end_of_a_vocalisation(scheme: Scheme) -> None:
    # the baby babbles 0-3 s; the parent answers 6 s after onset but 3 s after the end
    assert count_turns([ev("C03", 0, 3000), ev("R05", 6000)], scheme).turns == 1


def test_non_vocal_events_and_n_codes_do_not_count(scheme: Scheme) -> None:
    events = [ev("C02", 0), ev("R04", 500), ev("C03", 1000), ev("N02", 1500),
              ev("R02", 1800)]
    assert count_turns(events, scheme).turns == 0


def test_deleted_vocalisation_ignored(scheme: Scheme) -> None:
    from datetime import datetime
    gone = ev("R05", 1000, deleted_at=datetime(2025, 1, 1))
    assert count_turns([ev("C03", 0), gone], scheme).turns == 0


def test_longest_back_and_forth(scheme: Scheme) -> None:
    codes = ["C03", "R05"] * 6  # 6 turns in one conversation
    first = [ev(c, 1000 * i) for i, c in enumerate(codes)]
    second = [ev("C03", 30_000), ev("R07", 31_000)]
    tally = count_turns(first + second, scheme, duration_ms=120_000)
    assert tally.turns == 7
    assert tally.longest_back_and_forth == 6
    assert tally.turns_per_minute == pytest.approx(3.5)
