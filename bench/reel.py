"""Benchmark: a reel of four 8-second captioned moments, attune against the ffmpeg CLI.

    .venv/bin/python bench/reel.py [--preset veryfast] [--crf 20] [--gop 60]

Makes (once, cached in bench/out/) a synthetic 720p 30 fps H.264 + AAC proxy of 60 s with
fine detail and motion and a keyframe every 2 s (``--gop 60``; attune's own proxies have
one every second, which leaves the smart cut more to copy), then times in the same run:

- attune, smart cut (the time to a watchable reel in the app): ``render_smart_reel`` on a
  plan of four 8-second moments (no title or end card, so that both do the same work;
  attune's fades stay on), its captions in the WebVTT beside it, the proxy's pictures
  copied between the IDR pictures inside each moment;
- attune, burned captions (the film that leaves the building): ``render_reel`` on the
  same plan;
- ffmpeg: one command line with the same cuts (input seeking, frame-accurate when
  transcoding), ``drawtext`` captions (DejaVu Sans), ``concat`` and the same libx264 preset
  and CRF, AAC at 48 kHz.

Prints the machine's load before and after, the times (wall clock and CPU seconds: the
CPU figures hold on a busy machine), the ratios ffmpeg/attune for each render (issue 13's
target: 1.5), frames per second and the share of the smart cut's pictures copied. Run it
three times and give the median.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attune.media.probe import probe_clip
from attune.reels.plan import MomentSpec, ReelOptions, plan_reel
from attune.reels.render import FONT_CANDIDATES, caption_size_px, render_reel
from attune.reels.smartcut import Copied, copyable_proxies, cut_plan, render_smart_reel

OUT = Path(__file__).resolve().parent / "out"
FPS = Fraction(30)
W, H = 1280, 720
SECONDS = 60
MOMENTS = [(4_000, 12_000), (17_000, 25_000), (31_000, 39_000), (46_000, 54_000)]
CAPTIONS = [
    "Maya smiled, and you smiled back.",
    "You waited, and she had her turn.",
    "She reached out, you named it, and she laughed.",
    "When she looked away for a rest, you gave her that break.",
]


def make_source(path: Path, gop: int = 60) -> None:
    """720p, 30 fps, 60 s: moving texture with fine detail (hard for the encoder) and a tone."""
    rng = np.random.default_rng(7)
    texture = rng.integers(40, 215, size=(H * 2, W * 2), dtype=np.uint8)
    xs = np.arange(W)[None, :]
    ys = np.arange(H)[:, None]
    tmp = path.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vs = out.add_stream("libx264", rate=FPS)
        vs.width, vs.height, vs.pix_fmt = W, H, "yuv420p"
        # a keyframe every ``gop`` pictures and no others, as attune's proxies have them
        vs.options = {"preset": "veryfast", "crf": "20",
                      "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0"}
        vs.codec_context.time_base = 1 / FPS
        aus = out.add_stream("aac", rate=48_000)
        aus.layout = "stereo"
        written = 0
        n = int(SECONDS * FPS)
        for i in range(n):
            ox, oy = (7 * i) % W, (3 * i) % H
            y = texture[oy:oy + H, ox:ox + W].astype(np.float32)
            y = 0.5 * y + 60 + 40 * np.sin((xs + 5 * i) / 40.0) * np.cos((ys - 2 * i) / 30.0)
            arr = np.empty((H * 3 // 2, W), np.uint8)
            arr[:H] = np.clip(y, 16, 235)
            arr[H:] = (128 + 30 * np.sin(i / 20.0)).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(arr, format="yuv420p")
            frame.pts, frame.time_base = i, 1 / FPS
            out.mux(vs.encode(frame))
            upto = round((i + 1) / FPS * 48_000)
            while written + 1024 <= upto:
                t = (written + np.arange(1024)) / 48_000
                s = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
                af = av.AudioFrame.from_ndarray(np.vstack([s, s]), format="fltp", layout="stereo")
                af.sample_rate, af.pts, af.time_base = 48_000, written, Fraction(1, 48_000)
                out.mux(aus.encode(af))
                written += 1024
        out.mux(vs.encode(None))
        out.mux(aus.encode(None))
    tmp.replace(path)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\u2019").replace(
        "%", "\\%")


def ffmpeg_command(src: Path, out: Path, preset: str, crf: int, font: str) -> list[str]:
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    for a, b in MOMENTS:
        cmd += ["-ss", f"{a / 1000:.3f}", "-t", f"{(b - a) / 1000:.3f}", "-i", str(src)]
    size = caption_size_px(H)
    parts = []
    for i, caption in enumerate(CAPTIONS):
        parts.append(
            f"[{i}:v]drawtext=fontfile={font}:text='{_escape(caption)}':fontsize={size}:"
            f"fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=14:"
            f"x=(w-text_w)/2:y=h-text_h-40[v{i}]"
        )
    concat = "".join(f"[v{i}][{i}:a]" for i in range(len(MOMENTS)))
    parts.append(f"{concat}concat=n={len(MOMENTS)}:v=1:a=1[v][a]")
    cmd += ["-filter_complex", ";".join(parts), "-map", "[v]", "-map", "[a]",
            "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", str(out)]
    return cmd


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="veryfast")
    ap.add_argument("--crf", type=int, default=20)
    ap.add_argument("--gop", type=int, default=60,
                    help="pictures from one keyframe to the next in the source (60: 2 s; "
                         "attune's own proxies have 30 at 30 fps)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each; the best is kept")
    args = ap.parse_args()
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is not installed: run `apt-get update && apt-get install -y ffmpeg`.")
        return 2
    font = next((f for f in FONT_CANDIDATES if Path(f).exists()), None)
    if font is None:
        print("drawtext needs a font file: run `apt-get install -y fonts-dejavu-core`.")
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    src = OUT / f"source-720p30-gop{args.gop}.mp4"
    if not src.exists():
        print(f"making {src.name} (once) ...", flush=True)
        make_source(src, args.gop)

    moments = [MomentSpec("src", a, b, c) for (a, b), c in zip(MOMENTS, CAPTIONS, strict=True)]
    plan = plan_reel(moments, {"src": FPS}, ReelOptions(title_card_ms=0, end_card_ms=0))
    frames = plan.total_frames

    facts = {"src": probe_clip(src)}
    pieces, _ = cut_plan(plan, copyable_proxies(plan, facts, W, H))
    copied = sum(p.frames for p in pieces if isinstance(p, Copied))

    load_before = os.getloadavg()[0]
    inf = float("inf")
    wall = {"smart": inf, "burned": inf, "ffmpeg": inf}
    cpu = dict(wall)
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
        render_smart_reel(plan, {"src": src}, OUT / "reel-smart.mp4", preset=args.preset,
                          crf=args.crf)
        wall["smart"] = min(wall["smart"], time.perf_counter() - t0)
        cpu["smart"] = min(cpu["smart"], _cpu(resource.RUSAGE_SELF) - c0)
        t0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_SELF)
        render_reel(plan, {"src": src}, OUT / "reel-attune.mp4", preset=args.preset,
                    crf=args.crf)
        wall["burned"] = min(wall["burned"], time.perf_counter() - t0)
        cpu["burned"] = min(cpu["burned"], _cpu(resource.RUSAGE_SELF) - c0)
        t0, c0 = time.perf_counter(), _cpu(resource.RUSAGE_CHILDREN)
        subprocess.run(ffmpeg_command(src, OUT / "reel-ffmpeg.mp4", args.preset, args.crf,
                                      font), check=True)
        wall["ffmpeg"] = min(wall["ffmpeg"], time.perf_counter() - t0)
        cpu["ffmpeg"] = min(cpu["ffmpeg"], _cpu(resource.RUSAGE_CHILDREN) - c0)
    load_after = os.getloadavg()[0]
    with av.open(str(OUT / "reel-ffmpeg.mp4")) as c:
        ffmpeg_frames = sum(1 for _ in c.decode(video=0))
    result = {
        "moments": len(MOMENTS), "seconds_each": 8, "size": f"{W}x{H}", "fps": str(FPS),
        "preset": args.preset, "crf": args.crf, "frames": frames,
        "ffmpeg_frames": ffmpeg_frames, "smart_copied_frames": copied,
        **{f"{k}_s": round(v, 2) for k, v in wall.items()},
        **{f"{k}_cpu_s": round(v, 2) for k, v in cpu.items()},
        "ratio_ffmpeg_over_smart": round(wall["ffmpeg"] / wall["smart"], 2),
        "ratio_ffmpeg_over_burned": round(wall["ffmpeg"] / wall["burned"], 2),
        "cpu_ratio_ffmpeg_over_smart": round(cpu["ffmpeg"] / cpu["smart"], 2),
        "cpu_ratio_ffmpeg_over_burned": round(cpu["ffmpeg"] / cpu["burned"], 2),
        "load_before": round(load_before, 2), "load_after": round(load_after, 2),
    }
    print(f"load (1 min) before {load_before:.2f}, after {load_after:.2f}")
    print(f"smart cut: {copied} of {frames} pictures copied from the proxy")
    for key, label, n in (("smart", "attune smart cut", frames),
                          ("burned", "attune burned   ", frames),
                          ("ffmpeg", "ffmpeg          ", ffmpeg_frames)):
        print(f"{label} {wall[key]:6.2f} s  {n / wall[key]:6.1f} frames/s  "
              f"CPU {cpu[key]:6.2f} s")
    for key, label in (("smart", "smart cut"), ("burned", "burned captions")):
        print(f"ratio ffmpeg/attune ({label}): {wall['ffmpeg'] / wall[key]:.2f} wall, "
              f"{cpu['ffmpeg'] / cpu[key]:.2f} CPU (target >= 1.5)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
