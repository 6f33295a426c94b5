"""The sound of a proxy, by sample: what a reel cuts at the same boundaries as its
pictures (:meth:`attune.core.timebase.FrameGrid.sample_at`)."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from attune.core.timebase import SAMPLE_RATE

#: The rate of every sound attune cuts and writes: the proxy's (see ingest).
AUDIO_RATE = SAMPLE_RATE


def read_audio(path: Path, first_sample: int, count: int) -> np.ndarray:
    """``count`` samples (float32, 2 x count, 48 kHz stereo) of ``path`` from ``first_sample``.

    Sample 0 is the video's first picture time (the stream start), so cuts made by frame
    and by sample agree. Missing sound (no audio stream, before or after it) is silence.
    """
    out = np.zeros((2, count), np.float32)
    if count <= 0:
        return out
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return out
        vs = container.streams.video[0] if container.streams.video else None
        aus = container.streams.audio[0]
        origin = Fraction(0)
        if vs is not None and vs.start_time is not None and vs.time_base is not None:
            origin = Fraction(vs.start_time) * vs.time_base
        atb = aus.time_base or Fraction(1, AUDIO_RATE)
        start_t = Fraction(first_sample, AUDIO_RATE) + origin
        container.seek(max(0, math.floor((start_t - Fraction(1, 2)) / atb)), stream=aus,
                       backward=True, any_frame=False)
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        end = first_sample + count
        next_pos: int | None = None
        for frame in container.decode(aus):
            if frame.pts is None:
                continue
            if next_pos is None or aus.sample_rate != AUDIO_RATE:
                pos = round((Fraction(frame.pts) * atb - origin) * AUDIO_RATE)
                if next_pos is None or abs(pos - next_pos) > 1:
                    next_pos = pos
            for rf in resampler.resample(frame):
                data: np.ndarray = rf.to_ndarray()
                if data.shape[0] == 1:
                    data = np.repeat(data, 2, axis=0).astype(np.float32)
                pos = next_pos if next_pos is not None else 0
                _place(out, data, pos - first_sample)
                next_pos = pos + data.shape[1]
            if next_pos is not None and next_pos >= end:
                break
    return out


def _place(out: np.ndarray, data: np.ndarray, offset: int) -> None:
    a = max(0, offset)
    b = min(out.shape[1], offset + data.shape[1])
    if b > a:
        out[:, a:b] = data[:, a - offset:b - offset]


def read_mono(path: Path, rate: int) -> tuple[np.ndarray, bool]:
    """The whole sound of ``path`` as mono float32 at ``rate`` Hz, and whether it has a
    sound track at all (no track gives an empty array and False).

    Decoded and resampled frame by frame, so memory is the output alone (a 15-minute
    clip at 16 kHz is 58 MB), never the 48 kHz stereo of :func:`read_audio`.
    """
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32), False
        aus = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts: list[np.ndarray] = []
        for frame in container.decode(aus):
            for rf in resampler.resample(frame):
                parts.append(rf.to_ndarray().reshape(-1).astype(np.float32, copy=False))
        for rf in resampler.resample(None):
            parts.append(rf.to_ndarray().reshape(-1).astype(np.float32, copy=False))
    if not parts:
        return np.zeros(0, np.float32), True
    return np.concatenate(parts), True
