from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from attune.errors import MediaError
from attune.media.probe import MediaFacts, probe
from tests.media.synth import VIDEOS

EDGE = sorted(p for p in (VIDEOS / "edge").iterdir() if p.is_file())


@pytest.mark.parametrize(
    ("name", "rotation", "mirrored", "display"),
    [
        ("iphone4s_h264_aac_rot90.mov", -90, False, (320, 568)),
        ("android12_portrait_4k60_rot90.mp4", -90, False, (2160, 3840)),
        ("pixel7_h264_1080p_noaudio_rot180.mp4", 180, False, (1920, 1080)),
        ("phone_h264_vfr_rot180_fire2.mp4", 180, False, (1280, 720)),
        ("h264_rotate_and_reflect.mp4", -90, True, (720, 1080)),
        ("h264_aac_1080x720_sample.mp4", 0, False, (1080, 720)),
    ],
)
def test_orientation_from_display_matrix(
    name: str, rotation: int, mirrored: bool, display: tuple[int, int]
) -> None:
    facts = probe(VIDEOS / name)
    assert (facts.rotation, facts.mirrored) == (rotation, mirrored)
    assert (facts.display_width, facts.display_height) == display


@pytest.mark.parametrize(
    ("name", "variable"),
    [
        ("phone_h264_vfr_rot180_fire2.mp4", True),
        ("vp9_opus_vfr_no_duration.webm", True),
        ("android_slowmo_240fps_capture.mp4", True),
        ("h264_aac_1080p_10s_smpte.mp4", False),
        ("h264_ac3_1080x720.mkv", False),  # 1 ms Matroska ticks are rounding, not VFR
        ("iphone4s_h264_aac_rot90.mov", False),
    ],
)
def test_variable_frame_rate_is_measured(name: str, variable: bool) -> None:
    assert probe(VIDEOS / name).variable_frame_rate is variable


def test_facts_of_a_plain_file() -> None:
    facts = probe(VIDEOS / "h264_aac_1080p_10s_smpte.mp4")
    assert facts.frame_rate_nominal == Fraction(25)
    assert facts.frame_rate_average == Fraction(25)
    assert facts.frame_count == 251
    assert facts.duration_ms == 10040
    assert (facts.video_codec, facts.video_profile) == ("h264", "High")
    assert (facts.coded_width, facts.coded_height) == (1920, 1080)
    assert (facts.audio_codec, facts.audio_sample_rate, facts.audio_channels) == ("aac", 48000, 2)
    assert facts.container_format.startswith("mov,mp4")


def test_webm_without_container_duration_gets_one_from_its_frames() -> None:
    facts = probe(VIDEOS / "vp9_opus_vfr_no_duration.webm")
    assert facts.frame_count == 74
    assert 4800 <= facts.duration_ms <= 5100
    assert facts.container_format.startswith("matroska")


@pytest.mark.parametrize("name", ["pixel7_h264_1080p_noaudio_rot180.mp4",
                                  "hevc_854x480_noaudio.mp4", "h263_176x144_15fps.3gp"])
def test_files_without_sound(name: str) -> None:
    facts = probe(VIDEOS / name)
    assert not facts.has_audio and facts.audio_codec is None


def test_creation_time_and_round_trip_through_json() -> None:
    facts = probe(VIDEOS / "iphone4s_h264_aac_rot90.mov")
    assert facts.creation_time is not None and facts.creation_time.startswith("2013-12-22")
    again = MediaFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    assert again == facts


@pytest.mark.parametrize("path", EDGE, ids=lambda p: p.name)
def test_edge_files_are_rejected_with_advice(path: Path) -> None:
    with pytest.raises(MediaError) as info:
        probe(path)
    message = str(info.value)
    assert path.name in message
    assert "Upload" in message


def test_audio_only_says_so() -> None:
    with pytest.raises(MediaError, match=r"no video stream.*audio recording"):
        probe(VIDEOS / "edge" / "audio_only_aac.mp4")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(MediaError, match="empty"):
        probe(empty)


def test_still_image_even_when_named_mp4(tmp_path: Path) -> None:
    ok, png = cv2.imencode(".png", np.full((120, 160, 3), 128, np.uint8))
    assert ok
    still = tmp_path / "holiday.mp4"  # the content decides, not the name
    still.write_bytes(png.tobytes())
    with pytest.raises(MediaError, match="still image"):
        probe(still)


@pytest.mark.parametrize("name", ["h264_aac_1080p_10s_smpte.mp4",  # index first
                                  "iphone4s_h264_aac_rot90.mov"])  # index last
def test_truncated_copy(tmp_path: Path, name: str) -> None:
    data = (VIDEOS / name).read_bytes()
    cut = tmp_path / name
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaError, match=r"incomplete|damaged"):
        probe(cut)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no file"):
        probe(tmp_path / "nope.mp4")


def test_renamed_file_is_recognised_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "clip.avi"
    shutil.copy(VIDEOS / "h264_aac_1080x720_sample.mp4", renamed)
    assert probe(renamed).container_format.startswith("mov,mp4")
