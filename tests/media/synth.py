"""Media test helpers: tiny synthetic clips made with PyAV whose pictures carry their number.

Each picture is a 4 x 4 grid of black/white cells: the frame number in binary (16 bits,
row-major, most significant first, white = 1). The cells are large, so the number
survives scaling and compression; :func:`read_number` decodes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from tests.paths import TEST_DATA

VIDEOS = TEST_DATA / "video"
REPO = Path(__file__).resolve().parents[2]
AUDIO_RATE = 48_000


def number_picture(number: int, width: int, height: int) -> np.ndarray:
    img = np.zeros((height, width, 3), np.uint8)
    for bit in range(16):
        if (number >> (15 - bit)) & 1:
            row, col = divmod(bit, 4)
            img[row * height // 4:(row + 1) * height // 4,
                col * width // 4:(col + 1) * width // 4] = 255
    return img


def read_number(bgr: np.ndarray) -> int:
    height, width = bgr.shape[:2]
    value = 0
    for bit in range(16):
        row, col = divmod(bit, 4)
        cell = bgr[row * height // 4 + height // 16:(row + 1) * height // 4 - height // 16,
                   col * width // 4 + width // 16:(col + 1) * width // 4 - width // 16]
        value = (value << 1) | int(cell.mean() > 127)
    return value


def filmstrip_numbers(index_path: Path, sprite_path: Path) -> tuple[dict[str, Any], list[int]]:
    """A filmstrip's index and the number shown in each of its tiles."""
    index: dict[str, Any] = json.loads(index_path.read_text())
    sprite = cv2.imread(str(sprite_path))
    assert sprite is not None
    w, h, cols = index["tile_width"], index["tile_height"], index["columns"]
    shown = []
    for i in range(index["count"]):
        row, col = divmod(i, cols)
        shown.append(read_number(sprite[row * h:(row + 1) * h, col * w:(col + 1) * w]))
    return index, shown


@dataclass(frozen=True)
class Synthetic:
    path: Path
    times_ms: tuple[int, ...]  # presentation time of each picture
    fps: Fraction


def make_clip(
    path: Path,
    *,
    fps: Fraction = Fraction(25),
    frames: int = 50,
    times_ms: Sequence[int] | None = None,
    size: tuple[int, int] = (160, 120),
    audio_start_ms: int | None = None,
    audio_ms: int | None = None,
    beep_ms: int | None = None,
    keyint: int = 12,
    bframes: int = 0,
) -> Synthetic:
    """An H.264 (+ AAC when ``audio_start_ms`` is given) MP4 of numbered pictures.

    ``times_ms`` places the pictures at those times (variable frame rate); otherwise
    they are at ``i / fps``. The sound is quiet noise with a 1 kHz beep at ``beep_ms``.
    """
    width, height = size
    if times_ms is None:
        time_base = 1 / fps
        pts = list(range(frames))
        times = tuple(int(i * 1000 / fps) for i in pts)
    else:
        time_base = Fraction(1, 1000)
        pts = list(times_ms)
        times = tuple(times_ms)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.time_base = time_base
        gop = f"keyint={keyint}:min-keyint={keyint}:scenecut=0:bframes={bframes}"
        video.codec_context.options = {"preset": "ultrafast", "crf": "18", "x264-params": gop}
        audio = None
        if audio_start_ms is not None:
            audio = out.add_stream("aac", rate=AUDIO_RATE)
            audio.layout, audio.format = "mono", "fltp"
        for index, p in enumerate(pts):
            frame = av.VideoFrame.from_ndarray(number_picture(index, width, height),
                                               format="bgr24")
            frame.pts, frame.time_base = p, time_base
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            assert audio_start_ms is not None
            length_ms = audio_ms if audio_ms is not None else times[-1] + 40 - audio_start_ms
            n = length_ms * AUDIO_RATE // 1000
            rng = np.random.default_rng(7)
            sound = (rng.standard_normal(n) * 0.01).astype(np.float32)
            if beep_ms is not None:
                a = (beep_ms - audio_start_ms) * AUDIO_RATE // 1000
                t = np.arange(AUDIO_RATE // 10) / AUDIO_RATE
                sound[a:a + t.size] += (np.sin(2 * np.pi * 1000 * t) * 0.8).astype(np.float32)
            start = audio_start_ms * AUDIO_RATE // 1000
            for pos in range(0, n, 1024):
                chunk = np.ascontiguousarray(sound[None, pos:pos + 1024])
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                frame.sample_rate, frame.pts = AUDIO_RATE, start + pos
                frame.time_base = Fraction(1, AUDIO_RATE)
                out.mux(audio.encode(frame))
            out.mux(audio.encode(None))
    return Synthetic(path, times, fps)
