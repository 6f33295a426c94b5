"""Synthetic sources for reel tests: the frame index is drawn as a row of blocks.

The top 24 rows of each picture carry 18 blocks of 16 px: a white sync block, the frame
index in 16 bits (most significant first; white = 1) and a black sync block, so that a
test can read the index back after H.264 compression and fades. The sound is silent but
for 1 kHz beeps of 100 ms at known source times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

BLOCK_W, BLOCK_H, BITS = 16, 24, 16
WHITE, BLACK = 235, 16


@dataclass(frozen=True)
class Source:
    path: Path
    fps: Fraction
    frames: int
    width: int
    height: int
    beeps_ms: tuple[int, ...]


def draw_index(y: np.ndarray, index: int) -> None:
    y[:BLOCK_H, :BLOCK_W] = WHITE
    for b in range(BITS):
        bit = (index >> (BITS - 1 - b)) & 1
        x = (b + 1) * BLOCK_W
        y[:BLOCK_H, x:x + BLOCK_W] = WHITE if bit else BLACK
    x = (BITS + 1) * BLOCK_W
    y[:BLOCK_H, x:x + BLOCK_W] = BLACK


def read_index(y: np.ndarray) -> int:
    """The index drawn by :func:`draw_index`, from a luma plane (threshold between syncs)."""
    def mean(b: int) -> float:
        x = b * BLOCK_W
        return float(y[4:BLOCK_H - 4, x + 4:x + BLOCK_W - 4].mean())

    hi, lo = mean(0), mean(BITS + 1)
    if hi - lo < 12:
        raise ValueError(f"no index blocks (contrast {hi - lo:.0f})")
    mid = (hi + lo) / 2
    value = 0
    for b in range(BITS):
        value = (value << 1) | (1 if mean(b + 1) > mid else 0)
    return value


def make_source(path: Path, *, fps: Fraction = Fraction(25), seconds: float = 12.0,
                width: int = 320, height: int = 180,
                beeps_ms: Sequence[int] = (2000, 5000, 8000), gop: int = 50,
                bframes: int = 2, crf: int = 18, x264_params: str = "") -> Source:
    frames = int(seconds * fps)
    rate = 48_000
    total_samples = round(seconds * rate)
    t = np.arange(total_samples) / rate
    sound = np.zeros(total_samples, np.float32)
    for b in beeps_ms:
        a = round(b * rate / 1000)
        n = rate // 10
        sound[a:a + n] = 0.5 * np.sin(2 * np.pi * 1000 * t[:n])
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = {"preset": "ultrafast", "crf": str(crf), "g": str(gop),
                      "bf": str(bframes)}
        if x264_params:
            vs.options = {**vs.options, "x264-params": x264_params}
        vs.codec_context.time_base = 1 / fps
        aus = out.add_stream("aac", rate=rate)
        aus.layout = "stereo"
        xs = np.arange(width)[None, :]
        ys = np.arange(height)[:, None]
        written = 0
        for i in range(frames):
            arr = np.full((height * 3 // 2, width), 128, np.uint8)
            arr[:height] = np.clip(120 + 40 * np.sin((xs + 3 * i) / 17.0)
                                   + 30 * np.cos(ys / 11.0), 16, 235).astype(np.uint8)
            draw_index(arr[:height], i)
            frame = av.VideoFrame.from_ndarray(arr, format="yuv420p")
            frame.pts = i
            frame.time_base = 1 / fps
            out.mux(vs.encode(frame))
            upto = min(total_samples, round((i + 1) / fps * rate))
            while written + 1024 <= upto or (i == frames - 1 and written < total_samples):
                chunk = sound[written:written + 1024]
                st = np.ascontiguousarray(np.vstack([chunk, chunk]))
                af = av.AudioFrame.from_ndarray(st, format="fltp", layout="stereo")
                af.sample_rate = rate
                af.pts = written
                af.time_base = Fraction(1, rate)
                out.mux(aus.encode(af))
                written += chunk.shape[0]
        out.mux(vs.encode(None))
        out.mux(aus.encode(None))
    return Source(path, Fraction(fps), frames, width, height, tuple(beeps_ms))


@pytest.fixture(scope="session")
def source25(tmp_path_factory: pytest.TempPathFactory) -> Source:
    return make_source(tmp_path_factory.mktemp("src") / "clip25.mp4")


@pytest.fixture(scope="session")
def source2997(tmp_path_factory: pytest.TempPathFactory) -> Source:
    return make_source(tmp_path_factory.mktemp("src") / "clip2997.mp4",
                       fps=Fraction(30000, 1001), seconds=8.0, beeps_ms=(3000,), gop=60)


def decode_reel(path: Path) -> tuple[list[np.ndarray], list[int], np.ndarray]:
    """Luma planes, picture times in ms (rounded) and 48 kHz mono sound of a reel."""
    lumas: list[np.ndarray] = []
    times: list[int] = []
    sound: list[np.ndarray] = []
    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        for f in c.decode(vs):
            lumas.append(f.to_ndarray(format="gray"))
            times.append(round(float(f.pts * vs.time_base) * 1000))
    with av.open(str(path)) as c:
        for f in c.decode(c.streams.audio[0]):
            sound.append(f.to_ndarray().mean(axis=0))
    return lumas, times, np.concatenate(sound) if sound else np.zeros(0)


def read_pictures(path: Path) -> list[np.ndarray]:
    """Every picture of a film (yuv420p arrays), in presentation order."""
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="yuv420p") for f in c.decode(c.streams.video[0])]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float32) - b.astype(np.float32)) ** 2).mean())
    return 99.0 if mse == 0 else 10 * float(np.log10(255 ** 2 / mse))
