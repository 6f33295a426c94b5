from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from attune.media.frames import frame_index_at, picture_at, write_still
from attune.media.ingest import IngestResult, ingest_media
from tests.media.synth import Synthetic, read_number


def _probe_times(clip: Synthetic) -> list[int]:
    """Times around every frame boundary of the first second, plus later ones."""
    step = 1000 / clip.fps
    out: list[int] = [0, 1]
    for i in range(1, int(clip.fps) + 3):
        edge = i * step
        out += [math.ceil(edge) - 1, math.ceil(edge)]
    last = clip.times_ms[-1]
    out += [1234, 1999, 2000, 2001, last - 1, last]
    return sorted({t for t in out if 0 <= t <= last})


def _expected(ms: int, fps: Fraction, frames: int) -> int:
    return min(frames - 1, math.floor(Fraction(ms, 1000) * fps))


@pytest.mark.parametrize("name", ["clip25", "clip2997"])
def test_frame_at_is_exact_on_the_source(name: str, request: pytest.FixtureRequest) -> None:
    clip: Synthetic = request.getfixturevalue(name)
    for ms in _probe_times(clip):
        expected = _expected(ms, clip.fps, len(clip.times_ms))
        assert read_number(picture_at(clip.path, ms)) == expected, f"{ms} ms"
        assert frame_index_at(clip.path, ms) == expected, f"{ms} ms"


@pytest.fixture(scope="module", params=["clip25", "clip2997"])
def ingested(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Synthetic, IngestResult]:
    clip: Synthetic = request.getfixturevalue(request.param)
    return clip, ingest_media(clip.path, tmp_path_factory.mktemp(request.param))


def test_frame_at_is_exact_through_the_proxy(ingested: tuple[Synthetic, IngestResult]) -> None:
    clip, result = ingested
    assert result.proxy_fps == clip.fps
    for ms in _probe_times(clip):
        expected = _expected(ms, clip.fps, len(clip.times_ms))
        assert read_number(picture_at(result.proxy_path, ms)) == expected, f"{ms} ms"
        assert frame_index_at(result.proxy_path, ms) == expected, f"{ms} ms"


def test_time_past_the_end_shows_the_last_picture(
    ingested: tuple[Synthetic, IngestResult],
) -> None:
    clip, result = ingested
    last = len(clip.times_ms) - 1
    assert read_number(picture_at(result.proxy_path, 60_000)) == last
    assert frame_index_at(result.proxy_path, 60_000) == last


def test_bad_times_are_misuse(clip25: Synthetic) -> None:
    with pytest.raises(ValueError):
        picture_at(clip25.path, -1)
    with pytest.raises(TypeError):
        picture_at(clip25.path, 1.5)  # type: ignore[arg-type]
    assert frame_index_at(clip25.path, np.int64(1000)) == 25  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_write_still(clip25: Synthetic, tmp_path: Path, suffix: str) -> None:
    out = write_still(clip25.path, 1000, tmp_path / f"still{suffix}")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temp file left
    image = cv2.imread(str(out))
    assert image is not None and read_number(image) == 25
    with pytest.raises(ValueError):
        write_still(clip25.path, 0, tmp_path / "still.gif")
