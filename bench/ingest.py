"""Benchmark: attune's ingest on both paths against the ffmpeg command line, in one run.

Run ``python bench/ingest.py`` (15-minute clip, 3 rounds) or ``--minutes 2 --repeat 1``.
It makes (once, cached in bench/out/) a phone-like 1080p30 recording: H.264 High,
level 4.0, a keyframe every second, 12 Mbit/s (filler makes FFmpeg's test pattern weigh
what a phone's picture does), AAC 48 kHz stereo. Then, alternating, in each round:

copy path:      (a) ``ingest_media`` remuxing (proxy + filmstrip + envelope, probe
                included), in a child process whose peak memory is measured;
                (b) a bare ``ffmpeg -i SRC -c copy -movflags +faststart``.
transcode path: (a) ``ingest_media(..., allow_copy=False)``: the one-pass transcode;
                (b) ffmpeg making only the equivalent proxy (same size, libx264 preset
                and CRF, keyframe interval, AAC 48 kHz stereo, +faststart).

It prints the load before and after, each round's times (wall clock, and CPU seconds,
which hold better on a busy machine), and the medians with the ratio ffmpeg/attune.
Targets: copy < 1/60 of the clip's length and ratio >= 0.8; transcode
ratio >= 1.0; peak memory < 300 MB on both.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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
    """The phone-like 1080p30 recording described above."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"phone_1080p30_{minutes:g}min.mp4"
    if path.exists():
        return path
    seconds = str(minutes * 60)
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-level", "4.0",
         "-pix_fmt", "yuv420p", "-g", "30", "-b:v", "12M", "-minrate", "12M",
         "-maxrate", "12M", "-bufsize", "12M", "-x264-params", "nal-hrd=cbr",
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
r = ingest_media(Path(sys.argv[1]), Path(sys.argv[2]), allow_copy=sys.argv[3] == "copy")
elapsed = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "width": r.proxy_width,
                  "height": r.proxy_height, "fps": str(r.proxy_fps),
                  "duration_ms": r.proxy_duration_ms, "made_by": r.proxy_made_by}))
"""


def run_attune(source: Path, work: Path, path: str) -> dict[str, float | str | int]:
    shutil.rmtree(work / "attune", ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(work / "attune"), path],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    shutil.rmtree(work / "attune", ignore_errors=True)
    result: dict[str, float | str | int] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["made_by"] != path:
        sys.exit(f"attune took the {result['made_by']} path, not the {path} path")
    return result


#: CPU seconds of the last ffmpeg command (its own and its children's).
LAST_FFMPEG_CPU = [0.0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str]) -> float:
    t, c = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True)
    LAST_FFMPEG_CPU[0] = _children_cpu() - c
    return time.perf_counter() - t


def ffmpeg_copy(ffmpeg: str, source: Path, work: Path) -> float:
    """Wall seconds of a bare remux with faststart."""
    out = work / "ffmpeg_copy.mp4"
    seconds = _timed([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
                      "-c", "copy", "-movflags", "+faststart", str(out)])
    out.unlink()
    return seconds


def ffmpeg_transcode(ffmpeg: str, source: Path, work: Path, width: int, height: int,
                     fps: str) -> float:
    """Wall seconds of the ffmpeg command making the same proxy."""
    from fractions import Fraction

    from attune.media.ingest import AUDIO_BITRATE, X264_CRF, X264_PRESET, keyframe_interval
    gop = keyframe_interval(Fraction(fps))
    out = work / "ffmpeg_proxy.mp4"
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
           "-vf", f"scale={width}:{height}:flags=bicubic,format=yuv420p", "-r", fps,
           "-c:v", "libx264", "-preset", X264_PRESET, "-crf", str(X264_CRF),
           "-profile:v", "high", "-g", str(gop), "-keyint_min", str(gop),
           "-sc_threshold", "0", "-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-ar", "48000",
           "-ac", "2", "-movflags", "+faststart", str(out)]
    seconds = _timed(cmd)
    out.unlink()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0,
                        help="length of the test clip (default 15)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds, each running all four (default 3); medians are given")
    parser.add_argument("--paths", default="copy,transcode",
                        help="which paths to measure (default copy,transcode)")
    args = parser.parse_args()
    ffmpeg = need_ffmpeg()
    paths = [p for p in args.paths.split(",") if p]
    print(f"making (or reusing) the {args.minutes:g}-minute 1080p30 source in {OUT} ...")
    source = make_source(ffmpeg, args.minutes)
    real_s = args.minutes * 60
    print(f"source: {source.name} ({source.stat().st_size / 1e6:.0f} MB, {real_s:g} s)")
    load_before = os.getloadavg()
    runs: dict[str, list[tuple[float, float, float, float, float]]] = {p: [] for p in paths}
    with tempfile.TemporaryDirectory(prefix="attune-bench-", dir=OUT) as tmp:
        work = Path(tmp)
        for round_no in range(1, max(1, args.repeat) + 1):
            for path in paths:
                at = run_attune(source, work, path)
                if path == "copy":
                    ff = ffmpeg_copy(ffmpeg, source, work)
                else:
                    ff = ffmpeg_transcode(ffmpeg, source, work, int(at["width"]),
                                          int(at["height"]), str(at["fps"]))
                at_s, peak = float(at["seconds"]), float(at["peak_mb"])
                at_cpu, ff_cpu = float(at["cpu_s"]), LAST_FFMPEG_CPU[0]
                runs[path].append((at_s, ff, peak, at_cpu, ff_cpu))
                print(f"round {round_no} {path:9s}: attune {at_s:7.2f} s  ffmpeg {ff:7.2f} s  "
                      f"ratio {ff / at_s:4.2f}  CPU attune {at_cpu:6.2f} s ffmpeg "
                      f"{ff_cpu:6.2f} s  peak RSS {peak:4.0f} MB  "
                      f"proxy {at['width']}x{at['height']} @ {at['fps']}  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"load average before: {load_before[0]:.2f} (1 min) {load_before[1]:.2f} (5 min); "
          f"after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {os.cpu_count()} cores")
    for path in paths:
        at_s = statistics.median(r[0] for r in runs[path])
        ff = statistics.median(r[1] for r in runs[path])
        ratio = statistics.median(r[1] / r[0] for r in runs[path])
        peak = max(r[2] for r in runs[path])
        at_cpu = statistics.median(r[3] for r in runs[path])
        ff_cpu = statistics.median(r[4] for r in runs[path])
        target = 0.8 if path == "copy" else 1.0
        verdict = [f"ratio {'OK' if ratio >= target else 'BELOW'} (>= {target})",
                   f"memory {'OK' if peak < 300 else 'OVER'} (< 300 MB)"]
        if path == "copy":
            verdict.append(f"time {'OK' if at_s < real_s / 60 else 'OVER'} (< {real_s / 60:g} s)")
        print(f"median of {len(runs[path])}, {path}: attune {at_s:.2f} s "
              f"({real_s / at_s:.0f}x real time), ffmpeg {ff:.2f} s, ratio ffmpeg/attune "
              f"{ratio:.2f}; CPU attune {at_cpu:.2f} s, ffmpeg {ff_cpu:.2f} s; "
              f"peak RSS {peak:.0f} MB: {', '.join(verdict)}")


if __name__ == "__main__":
    main()
