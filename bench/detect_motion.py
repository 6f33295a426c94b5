"""Benchmark: suggested movements from the picture (attune.media.motion ->
attune.detect.motion) against known truth, and the whole analysis's time and memory on a
15-minute clip.

1. Clips made here with known movement (tests/motion_clips.py: a hand reaching toward the
   middle of the picture and drawing back, on either side, at several speeds and sizes,
   and clips with no gesture: a still room, a camera pan, a hand rocking all along, a
   slow drift): suggestions matched to the true movements (same code, onsets within
   1000 ms, one to one), precision and recall.
2. The sample clips: movement suggestions against their true C04 (reach), C05 (turn
   toward) and C13 (turn away).
3. A 15-minute clip in a process of its own: a short clip with sound and picture repeated
   by copying its packets (``--size 640`` a sample clip's 640x360 at 25 fps;
   ``--size 1280`` a 1280x720 30 fps clip made here, the largest picture a re-encoded
   proxy has; ``--rocking``: its hand rocks all along, so that every step has something
   moving and the flow is computed at each: the slowest case, where a still room's
   steps skip it): the sound analysis and the picture analysis timed apart, peak memory
   (VmHWM), the load average before and after (the machine is shared: times are
   indicative).

Run: ``PYTHONPATH=. .venv/bin/python bench/detect_motion.py [--size 640|1280] [--rocking]
[--no-long]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from attune.analysis.agreement.matching import match_events
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.detect.motion import AWAY_CODE, TOWARD_CODE, motion_suggestions, movements
from attune.media.motion import motion_field
from tests.motion_clips import make_clip, repeat_clip

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "sample_clips").glob("sample_*.mp4"))
MOTION_CODES = {"C04", "C05", "C13"}

#: (name, hand x, moves, extra options, true (code, onset ms) list)
MADE = [
    ("left reach and back", 60, [(3.0, 3.8, 60, 140), (7.0, 7.6, 140, 60)], {},
     [(TOWARD_CODE, 3000), (AWAY_CODE, 7000)]),
    ("right reach", 260, [(4.0, 4.8, 260, 180)], {}, [(TOWARD_CODE, 4000)]),
    ("quick small reach", 70, [(2.0, 2.4, 70, 110)], {}, [(TOWARD_CODE, 2000)]),
    ("slow long reach", 60, [(2.0, 4.5, 60, 150)], {}, [(TOWARD_CODE, 2000)]),
    ("turn away right", 200, [(5.0, 5.6, 200, 280)], {}, [(AWAY_CODE, 5000)]),
    ("high hand, reach", 60, [(3.0, 3.8, 60, 140)], {"hand_y": 40}, [(TOWARD_CODE, 3000)]),
    ("reach while the camera pans", 60, [(3.0, 3.8, 60, 140)], {"pan_px_s": 15.0},
     [(TOWARD_CODE, 3000)]),
    ("still room", 60, [], {}, []),
    ("camera pan", 60, [], {"pan_px_s": 30.0}, []),
    ("rocking all along", 60, [], {"rock": (25.0, 1.5)}, []),
    ("slow drift", 60, [(1.0, 9.0, 60, 100)], {}, []),
]


def _match(found: list[tuple[str, int]], truth: list[tuple[str, int]]) -> int:
    a = [Event(EventKind.CUE, c, t, t + 500) for c, t in found]
    b = [Event(EventKind.CUE, c, t, t + 500) for c, t in truth]
    return sum(x.code == y.code for x, y in match_events(a, b, 1000).pairs)


def made_clips(seed: int) -> None:
    tp = suggested = true = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, x, moves, opts, truth) in enumerate(MADE):
            clip = make_clip(Path(tmp) / f"m{i}.mp4", 10, x, moves, seed=seed + i, **opts)
            field = motion_field(clip)
            assert field is not None
            found = [(s.code, s.start_ms) for s in motion_suggestions(movements(field))]
            ok = _match(found, truth)
            tp, suggested, true = tp + ok, suggested + len(found), true + len(truth)
            print(f"  {name}: found {found}, true {truth}")
    print(f"made clips (seeds {seed}-{seed + len(MADE) - 1}): {suggested} suggested, {tp} "
          "right (code and onset within 1 s) of "
          f"{true} true movements: precision {tp / max(1, suggested):.2f}, recall "
          f"{tp / max(1, true):.2f}")


def sample_clips() -> None:
    for clip in SAMPLES:
        doc = json.loads(clip.with_suffix(".events.json").read_text())
        truth = [(e["code"], e["start_ms"]) for e in doc["events"]
                 if e["code"] in MOTION_CODES]
        field = motion_field(clip)
        assert field is not None
        found = [(s.code, s.start_ms) for s in motion_suggestions(movements(field))]
        print(f"{clip.stem}: movement suggestions {found}; true movement cues {truth}")


CHILD = """
import sys, time
def hwm():
    line = [x for x in open("/proc/self/status") if x.startswith("VmHWM")][0]
    return int(line.split()[1]) / 1024
from pathlib import Path
from attune.detect.motion import motion_suggestions, movements
from attune.detect.segments import voices
from attune.detect.suggest import suggestions_from
from attune.detect.voice import RATE, frame_features
from attune.media.motion import motion_field
from attune.media.sound import read_mono
if sys.argv[1] == "analyse":
    t0, c0 = time.perf_counter(), time.process_time()
    x, _ = read_mono(Path(sys.argv[2]), RATE)
    heard = len(suggestions_from(voices(frame_features(x))))
    dur = len(x) / RATE
    del x
    t1, c1 = time.perf_counter(), time.process_time()
    field = motion_field(Path(sys.argv[2]))
    seen = len(motion_suggestions(movements(field)))
    t2, c2 = time.perf_counter(), time.process_time()
    dur = max(dur, float(field.times_ms[-1]) / 1000)  # a clip made without sound
    print(t1 - t0, t2 - t1, dur, heard, seen, len(field), hwm(), c1 - c0, c2 - c1)
else:
    print(hwm())
"""


def _child(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.split()


def long_clip(minutes: float, size: int, rocking: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if size == 640 and not rocking:
            source = REPO / "sample_clips" / "sample_b_turns.mp4"
        elif rocking:
            source = make_clip(Path(tmp) / "short.mp4", 30, 60, [], rock=(25.0, 1.5),
                               width=size, fps=30)
        else:
            source = make_clip(Path(tmp) / "short.mp4", 30, 60,
                               [(3.0, 3.8, 60, 140), (17.0, 17.6, 140, 60)],
                               width=size, fps=30)
        path = repeat_clip(source, Path(tmp) / "long.mp4", minutes)
        print(f"load before: {os.getloadavg()[0]:.2f} (2 cores shared: times are "
              "indicative)")
        base = float(_child("imports")[0])
        sound, picture, dur, heard, seen, steps, peak, cpu_sound, cpu_picture = (
            float(v) for v in _child("analyse", str(path)))
        total = sound + picture
        print(f"{minutes:.0f}-minute clip ({size} px wide{', rocking' if rocking else ''}), "
              f"own process: sound {sound:.1f} s "
              f"wall, {cpu_sound:.1f} s CPU ({heard:.0f} suggestions), picture "
              f"{picture:.1f} s wall, {cpu_picture:.1f} s CPU ({steps:.0f} steps compared, "
              f"{seen:.0f} suggestions); together {total:.1f} s wall = 1/"
              f"{dur / total:.0f} of its duration; peak memory {peak:.0f} MB (imports "
              f"alone {base:.0f} MB); load after {os.getloadavg()[0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--size", type=int, default=640, choices=[640, 1280])
    ap.add_argument("--no-long", action="store_true", help="skip the 15-minute clip")
    ap.add_argument("--rocking", action="store_true",
                    help="the 15-minute clip moves all along (the flow at every step)")
    ap.add_argument("--seed", type=int, default=1,
                    help="first seed of the made clips' rooms and noise (the rule was set "
                         "on seeds 1-11; 101 gives rooms it never saw)")
    a = ap.parse_args()
    made_clips(a.seed)
    sample_clips()
    if not a.no_long:
        long_clip(a.minutes, a.size, a.rocking)


if __name__ == "__main__":
    main()
