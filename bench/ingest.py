"""Benchmark: attune's full ingest against the ffmpeg command line making only the proxy.

Run ``python bench/ingest.py`` (10-minute clip) or ``python bench/ingest.py --minutes 2``.
It makes (once, cached in bench/out/) a 1080p30 H.264 + AAC test clip (FFmpeg's
testsrc2 pattern), then times in the same run:

(a) ``attune.media.ingest_media``: probe, proxy, filmstrip and envelope, in a child
    process whose peak resident memory is measured;
(b) ``ffmpeg`` making only the equivalent proxy (same size, libx264 preset and CRF,
    keyframe interval, AAC 48 kHz stereo, +faststart).

It prints both times, the ratio ffmpeg/attune (target >= 0.9), the speed of each as a
multiple of real time, and attune's peak memory (target < 500 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(ROOT))


def need_ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        sys.exit("ffmpeg is not installed; install it with:  apt-get install -y ffmpeg")
    return exe


def make_source(ffmpeg: str, minutes: float) -> Path:
    """A 1080p30 H.264 High + AAC clip: FFmpeg's moving test pattern and a tone."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"source_1080p30_{minutes:g}min.mp4"
    if path.exists():
        return path
    seconds = str(minutes * 60)
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast",
         "-crf", "20", "-profile:v", "high", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-shortest", str(tmp)],
        check=True,
    )
    tmp.rename(path)
    return path


_CHILD = """
import json, resource, sys, time
from pathlib import Path
from attune.media.ingest import ingest_media
t = time.perf_counter()
r = ingest_media(Path(sys.argv[1]), Path(sys.argv[2]))
elapsed = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "width": r.proxy_width,
                  "height": r.proxy_height, "fps": str(r.proxy_fps),
                  "duration_ms": r.proxy_duration_ms}))
"""


def run_attune(source: Path, work: Path) -> dict[str, float | str | int]:
    shutil.rmtree(work / "attune", ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(work / "attune")],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_ffmpeg(ffmpeg: str, source: Path, work: Path, width: int, height: int,
               fps: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the ffmpeg command making the same proxy."""
    from fractions import Fraction

    from attune.media.ingest import AUDIO_BITRATE, X264_CRF, X264_PRESET, keyframe_interval
    gop = keyframe_interval(Fraction(fps))
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
           "-vf", f"scale={width}:{height}:flags=bicubic,format=yuv420p", "-r", fps,
           "-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF),
           "-profile:v", "high", "-g", str(gop), "-keyint_min", str(gop),
           "-sc_threshold", "0", "-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-ar", "48000",
           "-ac", "2", "-movflags", "+faststart", str(work / "ffmpeg_proxy.mp4")]
    cpu = _children_cpu_s()
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t, _children_cpu_s() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="length of the test clip (default 10)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run both N times, alternating, and keep each one's best "
                             "(steadier on a shared machine)")
    args = parser.parse_args()
    ffmpeg = need_ffmpeg()
    print(f"making (or reusing) the {args.minutes:g}-minute 1080p30 source in {OUT} ...")
    source = make_source(ffmpeg, args.minutes)
    real_s = args.minutes * 60
    load_before = os.getloadavg()[0]
    attune_runs: list[dict[str, float | str | int]] = []
    ffmpeg_runs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        work = Path(tmp)
        for _ in range(max(1, args.repeat)):
            attune_runs.append(run_attune(source, work))
            first = attune_runs[0]
            ffmpeg_runs.append(run_ffmpeg(ffmpeg, source, work, int(first["width"]),
                                          int(first["height"]), str(first["fps"])))
    attune = min(attune_runs, key=lambda r: float(r["seconds"]))
    at_s, at_cpu = float(attune["seconds"]), float(attune["cpu_s"])
    ff_s, ff_cpu = min(ffmpeg_runs)
    peak = max(float(r["peak_mb"]) for r in attune_runs)
    print(f"source: {source.name} ({source.stat().st_size / 1e6:.0f} MB, {real_s:g} s), "
          f"best of {len(attune_runs)}")
    print(f"proxy: {attune['width']}x{attune['height']} @ {attune['fps']} fps")
    print(f"attune ingest (probe+proxy+filmstrip+envelope): {at_s:7.1f} s wall "
          f"{at_cpu:7.1f} s CPU  {real_s / at_s:4.2f}x real time  peak RSS {peak:.0f} MB")
    print(f"ffmpeg proxy only:                               {ff_s:7.1f} s wall "
          f"{ff_cpu:7.1f} s CPU  {real_s / ff_s:4.2f}x real time")
    ratio = ff_s / at_s
    print(f"ratio ffmpeg/attune: {ratio:.2f} wall, {ff_cpu / at_cpu:.2f} CPU "
          f"(target >= 0.9: {'OK' if ratio >= 0.9 else 'BELOW'}); "
          f"peak {'OK' if peak < 500 else 'OVER 500 MB'}")
    print(f"machine load average before the runs: {load_before:.1f}, after: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the runs themselves raise it; "
          f"other work on the machine slows both runs unevenly)")


if __name__ == "__main__":
    main()
