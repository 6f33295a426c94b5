"""Benchmark: suggested marks on the synthetic sample clips, and the analysis's time and
memory on a 15-minute clip in a process of its own.

1. Sample clips (sample_clips/, true events in each ``.events.json``): the suggestions
   (attune.detect: segments -> suggest) matched to the true events as agreement matches
   events (same kind, onsets within 1000 ms, one to one): how many suggestions are true
   (precision), how many true vocal cues (C03, C15, C16) are suggested (recall), how many
   matched suggestions carry the true code; and the keystrokes of coding the vocal marks
   by accepting/correcting suggestions against marking them from nothing (a count of keys
   under a stated model, not a timing: with suggestions, one key to reach the first, then
   one key per suggestion, Enter, a code key or Backspace, as the next comes up by itself,
   and two keys, seek and mark, for each true vocal cue not suggested; from nothing, two
   keys, seek and mark, for each of the same marks). Keys are not the whole cost: from
   nothing the coder must also listen through the clip to find the marks.
2. A 15-minute clip (the three sample clips' sound, repeated) analysed from a file in a
   fresh Python process: wall time against a reference measured in the same run (numpy's
   FFT of the same samples in 1024-blocks), and peak memory (max RSS) against a fresh
   process that only imports the same modules. The machine is shared and loaded: the load
   average is printed before and after.

Run: ``PYTHONPATH=. .venv/bin/python bench/detect_suggestions.py [--minutes 15]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from attune.analysis.agreement.matching import match_events
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.detect.segments import voices
from attune.detect.suggest import suggestions_from
from attune.detect.voice import RATE, frame_features
from attune.media.sound import read_mono

sys.path.insert(0, str(Path(__file__).resolve().parent))

from longclip import time_analysis, write_aac  # bench/longclip.py

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "sample_clips").glob("sample_*.mp4"))
VOCAL_CUES = {"C03", "C15", "C16"}


def _truth(clip: Path) -> list[Event]:
    doc = json.loads(clip.with_suffix(".events.json").read_text())
    return [Event(EventKind(e["kind"]), e["code"], e["start_ms"], e["end_ms"])
            for e in doc["events"]]


def sample_clips() -> None:
    tot = {"suggested": 0, "true": 0, "code": 0, "vocal": 0, "found": 0,
           "keys_with": 0, "keys_without": 0}
    for clip in SAMPLES:
        x, _ = read_mono(clip, RATE)
        sugg = suggestions_from(voices(frame_features(x)))
        as_events = [Event(s.kind, s.code, s.start_ms, s.end_ms) for s in sugg]
        truth = _truth(clip)
        m = match_events(as_events, truth, 1000)
        matched = len(m.pairs)
        right_code = sum(a.code == b.code for a, b in m.pairs)
        vocal = [e for e in truth if e.code in VOCAL_CUES]
        vm = match_events([e for e in as_events if e.kind == EventKind.CUE], vocal, 1000)
        # the marks a coder keeps from the suggestions: the true ones (matched)
        keys_with = 1 + len(sugg) + 2 * (len(vocal) - len(vm.pairs))
        keys_without = 2 * (len(vocal) + sum(a.kind == EventKind.RESPONSE
                                              for a, _ in m.pairs))
        for k, v in (("suggested", len(sugg)), ("true", matched), ("code", right_code),
                     ("vocal", len(vocal)), ("found", len(vm.pairs)),
                     ("keys_with", keys_with), ("keys_without", keys_without)):
            tot[k] += v
        print(f"{clip.stem}: {len(sugg)} suggested, {matched} match a true event "
              f"({right_code} with its code); true vocal cues found {len(vm.pairs)}/"
              f"{len(vocal)}; keys {keys_with} with suggestions, {keys_without} without")
    print(f"sample clips: precision {tot['true'] / max(1, tot['suggested']):.2f} "
          f"({tot['true']}/{tot['suggested']}), vocal-cue recall "
          f"{tot['found'] / max(1, tot['vocal']):.2f} ({tot['found']}/{tot['vocal']}), "
          f"true code on {tot['code']}/{tot['true']} matched; keystrokes for the same marks "
          f"{tot['keys_with']} with suggestions vs {tot['keys_without']} from nothing")


def _write_long(path: Path, minutes: float) -> None:
    parts = [read_mono(c, RATE)[0] for c in SAMPLES]
    one = np.concatenate(parts)
    reps = int(np.ceil(minutes * 60 * RATE / len(one)))
    write_aac(path, np.tile(one, reps)[: int(minutes * 60 * RATE)])


def long_clip(minutes: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.m4a"
        _write_long(path, minutes)
        time_analysis(path, minutes, suggestions=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--no-long", action="store_true", help="only the sample clips")
    a = ap.parse_args()
    sample_clips()
    if not a.no_long:
        long_clip(a.minutes)


if __name__ == "__main__":
    main()
