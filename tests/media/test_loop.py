"""A recording repeated into a longer one without re-encoding (the caseload's clips)."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.errors import MediaError
from attune.media.loop import loop_recording
from attune.media.probe import probe
from tests.factories import SAMPLE_VIDEO


def test_three_times_is_three_times_as_long_and_plays(tmp_path: Path) -> None:
    once = probe(SAMPLE_VIDEO)
    out = loop_recording(SAMPLE_VIDEO, tmp_path / "long.mp4", 3)
    thrice = probe(out)
    assert thrice.video_codec == once.video_codec and thrice.has_audio == once.has_audio
    assert abs(thrice.duration_ms - 3 * once.duration_ms) <= 100
    assert thrice.frame_count == 3 * once.frame_count


def test_what_is_not_a_recording_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a film")
    with pytest.raises(MediaError, match=r"Could not repeat notes\.mp4"):
        loop_recording(bad, tmp_path / "long.mp4", 2)
