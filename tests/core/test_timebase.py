"""The one time base: frame starts, frames at a time, snapping and audio samples agree."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.core.timebase import RATES_CHECKED, FrameGrid


@pytest.mark.parametrize("fps", RATES_CHECKED, ids=str)
@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 10_000_000))
def test_a_frame_start_is_on_that_frame_and_snaps_back_to_it(fps: Fraction, n: int) -> None:
    g = FrameGrid(fps)
    ms = g.start_ms(n)
    assert g.frame_at(ms) == n and g.snap(ms) == n
    assert g.frame_at(ms - 1) == n - 1 if n else True  # the first ms of the frame
    assert Fraction(ms) >= Fraction(n * 1000) / fps > ms - 1
    assert g.frames_before(ms) == n  # n pictures last start_ms(n): a proxy's length
    assert g.snap_time(Fraction(n) / fps) == n


@pytest.mark.parametrize("fps", RATES_CHECKED, ids=str)
@settings(max_examples=60, deadline=None)
@given(ms=st.integers(0, 10_000_000))
def test_the_frame_shown_contains_the_time(fps: Fraction, ms: int) -> None:
    g = FrameGrid(fps)
    n = g.frame_at(ms)
    assert g.start_ms(n) <= ms < g.start_ms(n + 1)
    edge = g.snap(ms)
    assert abs(Fraction(edge * 1000) / fps - ms) <= Fraction(500) / fps


def test_the_rules_written_down() -> None:
    ntsc = FrameGrid(Fraction(30000, 1001))
    assert [ntsc.start_ms(n) for n in range(4)] == [0, 34, 67, 101]
    assert FrameGrid(Fraction(30)).start_ms(1) == 34  # ceil(33.33): frame 1, not frame 0
    assert FrameGrid(Fraction(25)).frame_at(39) == 0 and FrameGrid(Fraction(25)).frame_at(40) == 1
    assert ntsc.sample_at(30) == 48_048 and FrameGrid(Fraction(25)).sample_at(25) == 48_000
    assert ntsc.snap_span(1000, 1000) == (30, 31)  # at least one frame
    assert FrameGrid(Fraction(30)).frames_before(1001) == 31
    assert ntsc.frames_before(67) == 2 and ntsc.frames_before(68) == 3  # frame 2 from 67 ms


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        FrameGrid(Fraction(0))
