"""Mixes with a known truth for the detection bench and tests: real infant cries (cut
into short vocalisations and long cries) and synthetic adult speech (espeak-ng, also
high-pitched as in infant-directed speech) placed at known times and levels over room
noise, in conversations of turns and pauses of 5 s or more between them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from attune.detect.segments import Segment, Voice
from attune.detect.voice import RATE
from attune.media.sound import read_mono
from tests.paths import TEST_DATA

CRIES = TEST_DATA / "audio" / "cries"
SPEECH = TEST_DATA / "audio" / "speech"


#: The cry files that hold no crying to find, by their spectrograms (the README names
#: each): hiss, room noise with clicks, a near-silent file, a machine's tone. The mixes
#: cut the baby's sounds from the other files only: a truth that says "the baby" over
#: a stretch of hiss would count every such second as a miss.
NO_CRYING = ("5B416CE8", "60fb026c", "131D2346", "c10e2b0f", "a40b9b8d", "7060a4f6")


def holds_crying(path: Path) -> bool:
    return not path.name.startswith(NO_CRYING)


@dataclass(frozen=True)
class Mix:
    samples: np.ndarray
    truth: list[Segment]
    #: for each truth segment, the index (in the cries given) of the cry it was cut from
    cut_from: list[int | None]

    @property
    def duration_ms(self) -> int:
        return len(self.samples) * 1000 // RATE


def half_of(paths: list[Path], half: str | None) -> list[Path]:
    """``paths`` (sorted) or one half of them, for tuning a rule on one half and
    measuring it on the other: ``"tune"`` every second one from the second, ``"held-out"``
    every second one from the first (each voice of the adult phrases has some in both).

    >>> [p.name for p in half_of([Path("a"), Path("b"), Path("c")], "held-out")]
    ['a', 'c']
    """
    ordered = sorted(paths)
    if half is None:
        return ordered
    if half not in ("tune", "held-out"):
        raise ValueError(f"half must be 'tune' or 'held-out', got {half!r}")
    return ordered[1::2] if half == "tune" else ordered[0::2]


def load_sounds(half: str | None = None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The cries (of the files that hold crying) and the adult phrases, mono at the
    analysis rate (all, or one :func:`half_of` them)."""
    cries = [read_mono(p, RATE)[0] for p in half_of(list(CRIES.iterdir()), half)
             if holds_crying(p)]
    speech = [read_mono(p, RATE)[0] for p in half_of(list(SPEECH.glob("*.wav")), half)]
    return cries, speech


def _loudest(x: np.ndarray, length: int) -> np.ndarray:
    """The loudest ``length`` samples of ``x`` (by RMS over 10 ms steps)."""
    if len(x) <= length:
        return x
    c = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    e = (c[length:] - c[:-length])[::160]
    a = int(np.argmax(e)) * 160
    return x[a:a + length]


def _trim(x: np.ndarray) -> np.ndarray:
    """``x`` without its silent ends (below 1 % of its peak)."""
    idx = np.flatnonzero(np.abs(x) > 0.01 * (np.max(np.abs(x)) + 1e-9))
    return x[idx[0]:idx[-1] + 1] if len(idx) else x


def _at_level(x: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2)) + 1e-12)
    return (x * (10 ** (dbfs / 20) / rms)).astype(np.float32)


def room_noise(n: int, rng: np.random.Generator, dbfs: float) -> np.ndarray:
    """Pink-ish noise (1/f by FFT shaping) with a 50 Hz hum."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    spec /= np.sqrt(np.maximum(f, 20.0))
    noise = np.fft.irfft(spec, n)
    noise += 0.3 * np.std(noise) * np.sin(2 * np.pi * 50 * np.arange(n) / RATE)
    return _at_level(noise.astype(np.float32), dbfs)


def make_mix(seed: int, cries: list[np.ndarray], speech: list[np.ndarray],
             duration_s: float = 60.0, noise_dbfs: float = -50.0) -> Mix:
    """One mix: conversations (baby sound, adult phrase, ...) with gaps of 0.4-1.5 s,
    cries of 2.5-4.5 s now and then, pauses of 5.5-8 s between; levels -18..-30 dBFS."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    n = int(duration_s * RATE)
    out = room_noise(n, rng, noise_dbfs)
    truth: list[Segment] = []
    cut_from: list[int | None] = []
    t = int(pick.uniform(0.5, 2.0) * RATE)

    def place(x: np.ndarray, voice: Voice, source: int | None = None) -> bool:
        nonlocal t
        if t + len(x) >= n:
            return False
        out[t:t + len(x)] += x
        truth.append(Segment(voice, t * 1000 // RATE, (t + len(x)) * 1000 // RATE, 1.0, 0.0))
        cut_from.append(source)
        t += len(x)
        return True

    while t < n:
        if pick.random() < 0.2:
            i = pick.choice(range(len(cries)))  # as pick.choice(cries): the same draws
            cry = _at_level(_loudest(cries[i], int(pick.uniform(2.5, 4.5) * RATE)),
                            pick.uniform(-24, -16))
            if not place(cry, Voice.CRY, i):
                break
        else:
            for i in range(pick.randint(2, 5)):
                if i % 2 == 0:
                    i = pick.choice(range(len(cries)))
                    x = _loudest(cries[i], int(pick.uniform(0.4, 0.9) * RATE))
                    ok = place(_at_level(x, pick.uniform(-28, -18)), Voice.INFANT, i)
                else:
                    x = _trim(pick.choice(speech))
                    ok = place(_at_level(x, pick.uniform(-26, -18)), Voice.ADULT)
                if not ok:
                    break
                t += int(pick.uniform(0.4, 1.5) * RATE)
        t += int(pick.uniform(5.5, 8.0) * RATE)
    np.clip(out, -1.0, 1.0, out=out)
    return Mix(out, truth, cut_from)


def seconds_of(segments: list[Segment], voices: set[Voice], duration_ms: int,
               min_overlap_ms: int = 300) -> np.ndarray:
    """Which whole seconds hold at least ``min_overlap_ms`` of the given voices."""
    cover = np.zeros(duration_ms, bool)
    for s in segments:
        if s.voice in voices:
            cover[max(0, s.start_ms):min(duration_ms, s.end_ms)] = True
    secs = duration_ms // 1000
    return cover[: secs * 1000].reshape(secs, 1000).sum(axis=1) >= min_overlap_ms
