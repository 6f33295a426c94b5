"""Movement in the picture (attune.media.motion + attune.detect.motion) on clips made here
with known movement: a hand on one side reaching toward the middle and drawing back,
over a textured room with sensor noise; a camera pan, a still room and a long rocking
give nothing; the sample clips' cartoon jumps give nothing either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from attune.core.scheme import EventKind
from attune.detect.motion import AWAY_CODE, TOWARD_CODE, motion_suggestions, movements
from attune.media.motion import motion_field
from tests.motion_clips import make_clip
from tests.paths import REPO


def _suggested(path: Path) -> list[tuple[str, int]]:
    field = motion_field(path)
    assert field is not None
    return [(s.code, s.start_ms) for s in motion_suggestions(movements(field))]


def test_a_reach_toward_the_middle_and_a_turn_away(tmp_path: Path) -> None:
    # left side: toward the middle at 3.0-3.8 s, back out at 7.0-7.6 s
    clip = make_clip(tmp_path / "left.mp4", 11, 60,
                     [(3.0, 3.8, 60, 140), (7.0, 7.6, 140, 60)])
    found = _suggested(clip)
    assert [c for c, _ in found] == [TOWARD_CODE, AWAY_CODE], found
    assert abs(found[0][1] - 3000) <= 1000 and abs(found[1][1] - 7000) <= 1000
    field = motion_field(clip)
    assert field is not None
    m = movements(field)
    assert [(x.side, x.toward) for x in m] == [(-1, True), (-1, False)]
    s = motion_suggestions(m)
    assert all(x.kind == EventKind.CUE and x.guess and 0 < x.confidence <= 60 for x in s)
    assert "left" in s[0].basis and "toward the middle" in s[0].basis


def test_the_right_side_mirrors(tmp_path: Path) -> None:
    # right side: moving left is toward the middle
    clip = make_clip(tmp_path / "right.mp4", 8, 260, [(4.0, 4.8, 260, 180)])
    found = _suggested(clip)
    assert [c for c, _ in found] == [TOWARD_CODE], found
    assert abs(found[0][1] - 4000) <= 1000


@pytest.mark.parametrize("what", ["still", "pan", "rocking", "slow"])
def test_no_clear_movement_no_suggestion(tmp_path: Path, what: str) -> None:
    kwargs: dict[str, Any] = {
        "still": {},
        "pan": {"pan_px_s": 30.0},  # the camera moves: the whole picture moves with it
        "rocking": {"rock": (25.0, 1.5)},  # a hand swaying back and forth all along
        "slow": {"moves": [(1.0, 9.0, 60, 100)]},  # drifting, no gesture
    }[what]
    clip = make_clip(tmp_path / f"{what}.mp4", 10, 60, **kwargs)
    assert _suggested(clip) == []


def test_a_clip_without_picture(tmp_path: Path) -> None:
    sound = tmp_path / "sound.m4a"
    with av.open(str(sound), "w") as out:
        st = out.add_stream("aac", rate=48_000)
        st.layout = "mono"
        fr = av.AudioFrame.from_ndarray(np.zeros((1, 48_000), np.float32), format="flt",
                                        layout="mono")
        fr.sample_rate = 48_000
        for pkt in st.encode(fr):
            out.mux(pkt)
        for pkt in st.encode(None):
            out.mux(pkt)
    assert motion_field(sound) is None


@pytest.mark.parametrize("name", ["sample_a_gaze_and_smiles", "sample_b_turns",
                                  "sample_c_fuss_and_soothe"])
def test_sample_clips_cartoon_jumps_are_no_movement(name: str) -> None:
    # the cartoons change pose in one frame, and their frame counter and captions
    # change as text: neither is a movement
    assert _suggested(REPO / "sample_clips" / f"{name}.mp4") == []
