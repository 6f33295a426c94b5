"""Who is vocalising, frame by frame: loudness, pitch and harmonicity from the sound alone.

Pure numpy, no model to download. Pitch is YIN's cumulative-mean-normalised difference
function (de Cheveigné & Kawahara 2002, "YIN, a fundamental frequency estimator for speech
and music", JASA 111(4)), computed for many frames at once through the FFT; its first dip
under a threshold gives the shortest period, which avoids the octave-too-low errors of a
plain autocorrelation peak. Harmonicity is ``1 - d'(tau)`` at that dip (1 = a pure
periodic sound, 0 = noise).

Why pitch separates baby from adult: infants' cries and vocalisations sit at F0 300-600 Hz
and above (Wasz-Höckert et al. 1968; Soltis 2004, "The signal functions of early infant
crying", BBS 27), adult speech at 85-255 Hz; infant-directed speech raises an adult's F0
to about 250-350 Hz at its peaks (Fernald et al. 1989), which is why the threshold works
on the whole voiced stretch (median), not on single frames. The figures measured on our
mixes are in ``bench/detect.py`` and the README.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The rate the analysis runs at: enough for F0 up to 1 kHz and for 8 kHz phone sound.
RATE = 16_000
HOP = 160  # 10 ms
WINDOW = 400  # 25 ms of integration
MIN_F0_HZ = 75.0
MAX_F0_HZ = 1000.0
TAU_MIN = int(RATE // MAX_F0_HZ)
TAU_MAX = int(RATE // MIN_F0_HZ)
FRAME = WINDOW + TAU_MAX
FFT = 1024
YIN_THRESHOLD = 0.5  # tuned on bench/detect.py (0.2 to 0.6 tried)
CHUNK_FRAMES = 1024  # bounds memory: about 1024 x 1024 floats at a time (~40 MB)
FRAME_MS = 1000 * HOP // RATE


@dataclass(frozen=True)
class Frames:
    """One value a 10 ms frame: loudness (dBFS), F0 (Hz, 0 where unvoiced), harmonicity
    (0-1), the share of energy above 1 kHz (0-1), and whether the frame is clipped."""

    level_db: np.ndarray
    f0_hz: np.ndarray
    harmonicity: np.ndarray
    high_share: np.ndarray
    clipped: np.ndarray

    def __len__(self) -> int:
        return int(self.level_db.shape[0])


def frame_features(samples: np.ndarray,
                   progress: Callable[[float], None] | None = None) -> Frames:
    """The frame values of mono ``samples`` (float, -1..1, at :data:`RATE`);
    ``progress`` is told the share done after each chunk of frames."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim != 1:
        raise ValueError(f"samples must be mono (1-D), got shape {x.shape}")
    n = max(0, 1 + (len(x) - FRAME) // HOP) if len(x) >= FRAME else 0
    level = np.full(n, -120.0, np.float32)
    f0 = np.zeros(n, np.float32)
    harm = np.zeros(n, np.float32)
    high = np.zeros(n, np.float32)
    clipped = np.zeros(n, bool)
    win = np.hanning(WINDOW).astype(np.float32)
    freqs = np.fft.rfftfreq(512, 1 / RATE)
    high_bins = freqs >= 1000.0
    for a in range(0, n, CHUNK_FRAMES):
        b = min(n, a + CHUNK_FRAMES)
        idx = (np.arange(a, b) * HOP)[:, None] + np.arange(FRAME)[None, :]
        fr = x[idx]
        fr = fr - fr.mean(axis=1, keepdims=True)
        head = fr[:, :WINDOW]
        e = np.mean(head * head, axis=1)
        level[a - 0:b - 0] = 10 * np.log10(e + 1e-12)
        clipped[a:b] = np.max(np.abs(x[idx[:, :WINDOW]]), axis=1) >= 0.99
        spec = np.abs(np.fft.rfft(head * win, 512, axis=1)) ** 2
        total = spec.sum(axis=1) + 1e-12
        high[a:b] = spec[:, high_bins].sum(axis=1) / total
        f0[a:b], harm[a:b] = _yin(fr)
        if progress is not None:
            progress(b / n)
    return Frames(level, f0, harm, high, clipped)


def _yin(fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F0 and harmonicity of each row of ``fr`` (length :data:`FRAME`) by YIN."""
    m = fr.shape[0]
    head = fr[:, :WINDOW]
    # r(tau) = sum_j x_j x_{j+tau}, j < WINDOW, via the FFT of the head against the frame
    spec_f = np.fft.rfft(fr, FFT, axis=1)
    spec_h = np.fft.rfft(head, FFT, axis=1)
    r = np.fft.irfft(np.conj(spec_h) * spec_f, FFT, axis=1)[:, : TAU_MAX + 1]
    sq = np.concatenate([np.zeros((m, 1), fr.dtype), np.cumsum(fr * fr, axis=1)], axis=1)
    taus = np.arange(TAU_MAX + 1)
    e0 = sq[:, WINDOW][:, None]
    etau = sq[:, taus + WINDOW] - sq[:, taus]
    d = np.maximum(e0 + etau - 2 * r, 0.0)
    d[:, 0] = 0.0
    cum = np.cumsum(d[:, 1:], axis=1)
    dn = np.ones_like(d)
    dn[:, 1:] = d[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
    seg = dn[:, TAU_MIN:TAU_MAX]
    below = seg < YIN_THRESHOLD
    has = below.any(axis=1)
    first = np.where(has, below.argmax(axis=1), seg.argmin(axis=1))
    # walk down to the local minimum after the first crossing
    rows = np.arange(m)
    for _ in range(TAU_MAX):  # stops at the first local minimum, usually in a few steps
        nxt = np.minimum(first + 1, seg.shape[1] - 1)
        better = seg[rows, nxt] < seg[rows, first]
        if not better.any():
            break
        first = np.where(better, nxt, first)
    best = seg[rows, first]
    tau = (first + TAU_MIN).astype(np.float64)
    # parabolic interpolation for sub-sample period
    left = dn[rows, np.maximum(first + TAU_MIN - 1, 1)]
    right = dn[rows, np.minimum(first + TAU_MIN + 1, TAU_MAX)]
    denom = left - 2 * best + right
    shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / np.where(
        np.abs(denom) > 1e-9, denom, 1.0), 0.0)
    tau = tau + np.clip(shift, -1, 1)
    harm = np.clip(1.0 - best, 0.0, 1.0).astype(np.float32)
    f0 = (RATE / tau).astype(np.float32)
    return f0, harm
