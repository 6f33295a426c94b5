"""The long-clip timing both detect benches share (bench/detect.py, bench/detect_suggestions.py):
a sound written to an AAC file, then analysed from that file in a Python process of its own,
so that its peak memory is its own, against a reference measured in the same process and
run (numpy's FFT of the same samples in 1024-blocks). The machine is shared: the load
average is printed before and after."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from attune.detect.voice import RATE

REPO = Path(__file__).resolve().parents[1]

_CHILD = """
import sys, time
def hwm():  # this process's own peak (ru_maxrss after fork and exec can count the parent's)
    line = [x for x in open("/proc/self/status") if x.startswith("VmHWM")][0]
    return int(line.split()[1]) / 1024
import numpy as np
from attune.detect.segments import voices
from attune.detect.suggest import suggestions_from
from attune.detect.voice import RATE, frame_features
from attune.media.sound import read_mono
if sys.argv[1] == "analyse":
    t0 = time.perf_counter()
    x, _ = read_mono(sys.argv[2], RATE)
    found = voices(frame_features(x))
    if sys.argv[3] == "suggestions":
        found = suggestions_from(found)
    took = time.perf_counter() - t0
    peak = hwm()  # before the reference, which needs memory of its own
    t0 = time.perf_counter()
    m = len(x) // 1024 * 1024
    np.fft.rfft(x[:m].reshape(-1, 1024), axis=1)
    ref = time.perf_counter() - t0
    print(took, ref, len(x) / RATE, len(found), peak)
else:
    print(hwm())
"""


def write_aac(path: Path, x: np.ndarray) -> None:
    """Mono float samples at the analysis rate, as AAC at 48 kHz (as a proxy's sound)."""
    with av.open(str(path), "w") as out:
        st = out.add_stream("aac", rate=48_000)
        st.layout = "mono"
        rs = av.AudioResampler(format="fltp", layout="mono", rate=48_000)
        for a in range(0, len(x), RATE):
            fr = av.AudioFrame.from_ndarray(x[None, a:a + RATE].astype(np.float32),
                                            format="flt", layout="mono")
            fr.sample_rate = RATE
            for r in rs.resample(fr):
                for pkt in st.encode(r):
                    out.mux(pkt)
        for pkt in st.encode(None):
            out.mux(pkt)


def _child(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.split()


def time_analysis(path: Path, minutes: float, *, suggestions: bool) -> None:
    """Analyse ``path`` in a fresh process (voice segments, and the suggestions made of
    them when ``suggestions``) and print its time against the FFT reference and its peak
    memory against a process that only imports the same modules."""
    what = "suggestions" if suggestions else "segments"
    print(f"load before: {os.getloadavg()[0]:.2f} (2 cores shared with other people's "
          "work: times are indicative)")
    base = float(_child("imports")[0])
    took, ref, dur, n, peak = (float(v) for v in _child("analyse", str(path), what))
    print(f"{minutes:.0f}-minute clip, own process: analysis {took:.1f} s = 1/"
          f"{dur / took:.0f} of its duration ({n:.0f} {what}); reference FFT "
          f"{ref:.2f} s, ratio {took / ref:.0f}x; peak memory {peak:.0f} MB (a process "
          f"importing the same modules: {base:.0f} MB; the analysis adds "
          f"{peak - base:.0f} MB); load after {os.getloadavg()[0]:.2f}")
