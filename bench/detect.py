"""Benchmark: suggested marks from the sound (attune.detect) against known truth.

1. Real infant cries (tests/data/audio/cries: 40 phone uploads of the Donate-a-cry
   corpus, AMR-NB 8 kHz and ADPCM 16 kHz): the share of files where at least 1 s is found
   as the baby's (cry or vocalisation), and the share of each file's duration found.
2. Mixes (tests/detect_mixes.py): real cries cut into short vocalisations and long cries,
   synthetic adult speech (espeak-ng, six voices, three of them high like infant-directed
   speech) at known times and levels over room noise: precision and recall of the baby's
   seconds (a second counts when it holds 300 ms or more), adult-vs-baby confusions, and
   turns per minute (LENA rule) against the truth's.
3. Time and memory: a 15-minute mix analysed from a file (decode + analysis), against a
   reference measured in the same run (numpy's FFT of the same samples in 1024-blocks).

``--half tune`` or ``--half held-out`` uses one half of the cries and of the adult phrases
(``tests/detect_mixes.half_of``) for all of it: a rule is tuned on one half and measured
on the other.

Run: ``.venv/bin/python bench/detect.py [--mixes 20] [--half tune] [--long]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attune.detect.segments import Voice, turn_count, voices
from attune.detect.voice import RATE, frame_features
from attune.media.sound import read_mono
from tests.detect_mixes import (
    CRIES,
    half_of,
    holds_crying,
    load_sounds,
    make_mix,
    seconds_of,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from longclip import time_analysis, write_aac  # bench/longclip.py

BABY = {Voice.INFANT, Voice.CRY}


def real_cries(verbose: bool, half: str | None) -> None:
    found = found_crying = 0
    shares: list[float] = []
    misses: list[str] = []
    files = half_of(list(CRIES.iterdir()), half)
    crying = [p for p in files if holds_crying(p)]
    for p in files:
        x, _ = read_mono(p, RATE)
        segs = voices(frame_features(x))
        baby_ms = sum(s.end_ms - s.start_ms for s in segs if s.voice in BABY)
        dur_ms = len(x) * 1000 // RATE
        shares.append(baby_ms / max(1, dur_ms))
        if baby_ms >= 1000:
            found += 1
            found_crying += holds_crying(p)
        else:
            what = "" if holds_crying(p) else " (holds no crying)"
            misses.append(f"{p.name}{what}: {dur_ms} ms long, {baby_ms} ms baby, "
                          + ", ".join(f"{s.voice.value} {s.start_ms}-{s.end_ms} "
                                      f"f0 {s.f0_hz:.0f}" for s in segs[:4]))
    print(f"real cries: {found}/{len(files)} files with >= 1 s found "
          f"({100 * found / len(files):.0f} %); of the {len(crying)} files that hold crying "
          f"(not tests/detect_mixes.NO_CRYING): {found_crying}/{len(crying)} "
          f"({100 * found_crying / max(1, len(crying)):.0f} %); share of duration found: "
          f"median {100 * statistics.median(shares):.0f} %, "
          f"mean {100 * statistics.mean(shares):.0f} %")
    if verbose:
        for m in misses:
            print("  miss", m)


def mixes(count: int, half: str | None) -> None:
    cries, speech = load_sounds(half)
    tp = fp = fn = 0
    adult_as_baby = baby_as_adult = 0
    turn_err: list[float] = []
    for seed in range(count):
        mix = make_mix(seed, cries, speech)
        segs = voices(frame_features(mix.samples))
        d = mix.duration_ms
        truth_b = seconds_of(mix.truth, BABY, d)
        found_b = seconds_of(segs, BABY, d)
        truth_a = seconds_of(mix.truth, {Voice.ADULT}, d)
        found_a = seconds_of(segs, {Voice.ADULT}, d)
        tp += int((truth_b & found_b).sum())
        fp += int((~truth_b & found_b).sum())
        fn += int((truth_b & ~found_b).sum())
        adult_as_baby += int((truth_a & ~truth_b & found_b).sum())
        baby_as_adult += int((truth_b & ~truth_a & found_a & ~found_b).sum())
        minutes = d / 60_000
        turn_err.append((turn_count(segs) - turn_count(mix.truth)) / minutes)
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    print(f"mixes ({count} x 60 s, the baby's sounds cut from the files that hold crying): "
          f"baby seconds precision {p:.3f} recall {r:.3f}; adult seconds taken for the "
          f"baby's {adult_as_baby}, baby's taken for adult {baby_as_adult}")
    abs_err = [abs(e) for e in turn_err]
    print(f"turns per minute, found - true: median {statistics.median(turn_err):+.2f}, "
          f"median |error| {statistics.median(abs_err):.2f}, within +-1: "
          f"{sum(e <= 1 for e in abs_err)}/{len(abs_err)}")


def long_clip(minutes: float) -> None:
    cries, speech = load_sounds()
    x = np.concatenate([make_mix(s, cries, speech).samples for s in range(int(minutes))])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.m4a"
        write_aac(path, x)
        del x
        time_analysis(path, minutes, suggestions=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mixes", type=int, default=20)
    ap.add_argument("--long", action="store_true", help="also time a 15-minute clip")
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    ap.add_argument("--half", choices=["tune", "held-out"],
                    help="only one half of the cries and adult phrases (default: all)")
    a = ap.parse_args()
    print(f"sounds: {a.half or 'all'}")
    real_cries(a.verbose, a.half)
    mixes(a.mixes, a.half)
    if a.long:
        long_clip(a.minutes)


if __name__ == "__main__":
    main()
