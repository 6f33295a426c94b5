"""Clips with known movement for the motion tests and bench: a textured hand moving over
a textured still room with sensor noise (H.264 made with PyAV, as a proxy is), and a long
clip made by repeating a short one's packets (no re-encoding)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

#: The picture the positions are given in (a clip of another width scales them).
W, H, FPS = 320, 180, 25
#: (start s, end s, x from, x to): the hand's centre moves linearly in between.
Move = tuple[float, float, float, float]
HAND = 44  # the hand's size at W


def _x_at(t: float, x0: float, moves: Sequence[Move]) -> float:
    x = x0
    for a, b, xa, xb in moves:
        if t >= b:
            x = xb
        elif t > a:
            x = xa + (xb - xa) * (t - a) / (b - a)
    return x


def make_clip(path: Path, seconds: float, hand_x: float, moves: Sequence[Move] = (),
              pan_px_s: float = 0.0, rock: tuple[float, float] | None = None,
              hand_y: float = 110, seed: int = 1, width: int = W, fps: int = FPS) -> Path:
    """A clip of a textured hand (a disc with a pattern) moving as ``moves`` say over a
    textured still room with sensor noise; ``pan_px_s`` pans the camera; ``rock``
    (amplitude px, period s) sways the hand back and forth all along. Positions are in
    a 320 x 180 picture; ``width`` scales it all (16:9)."""
    k = width / W
    height = round(H * k / 2) * 2
    rng = np.random.default_rng(seed)
    span = width + int(abs(pan_px_s) * k * seconds) + 4
    cell = round(40 * k)  # walls and furniture: soft light and dark patches, a few edges
    coarse = rng.uniform(90, 170, (height // cell + 2, span // cell + 2, 3))
    room = cv2.resize(coarse.astype(np.float32), (span, height),
                      interpolation=cv2.INTER_CUBIC)
    for _ in range(max(1, span // round(4 * k))):  # furniture, toys, pictures, a rug
        x0, y0 = int(rng.integers(0, span)), int(rng.integers(0, height))
        w0, h0 = int(rng.integers(4, 40) * k), int(rng.integers(4, 40) * k)
        colour = tuple(float(v) for v in rng.uniform(60, 200, 3))
        cv2.rectangle(room, (x0, y0), (x0 + w0, y0 + h0), colour, -1)
    size = round(HAND * k)
    # the hand: skin, lit from one side, with a darker rim
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    shade = (0.75 + 0.35 * (1 - xx) * (1 - yy))[..., None]
    pattern = np.clip(np.array([150, 175, 215], np.float32) * shade, 0, 255)
    disc = np.zeros((size, size), np.uint8)
    cv2.circle(disc, (size // 2, size // 2), size // 2 - 1, 255, -1)
    rim = np.zeros((size, size), np.uint8)
    cv2.circle(rim, (size // 2, size // 2), size // 2 - 1, 255, max(1, round(2 * k)))
    pattern[rim > 0] *= 0.6
    inside = disc > 0
    with av.open(str(path), "w") as out:
        st = out.add_stream("libx264", rate=fps)
        st.width, st.height, st.pix_fmt = width, height, "yuv420p"
        st.options = {"preset": "veryfast", "crf": "23",
                      "x264-params": f"keyint={fps}:min-keyint={fps}:scenecut=0"}
        for i in range(int(seconds * fps)):
            t = i / fps
            off = round(pan_px_s * k * t)
            img = room[:, off:off + width].copy()
            x = _x_at(t, hand_x, moves)
            if rock is not None:
                x += rock[0] * np.sin(2 * np.pi * t / rock[1])
            cx = min(max(round(x * k) - size // 2, 0), width - size)
            cy = min(max(round(hand_y * k) - size // 2, 0), height - size)
            patch = img[cy:cy + size, cx:cx + size]
            patch[inside] = pattern[inside]
            img += rng.normal(0, 3, img.shape).astype(np.float32)  # sensor noise
            frame = av.VideoFrame.from_ndarray(np.clip(img, 0, 255).astype(np.uint8),
                                               format="bgr24")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for pkt in st.encode(frame):
                out.mux(pkt)
        for pkt in st.encode(None):
            out.mux(pkt)
    return path


def repeat_clip(source: Path, path: Path, minutes: float) -> Path:
    """``source`` played again and again for ``minutes``, its packets copied (video and
    sound alike, each shifted by the source's length each time)."""
    with av.open(str(source)) as src:
        streams = list(src.streams.video[:1]) + list(src.streams.audio[:1])
        packets = [p for p in src.demux(*streams) if p.size > 0 and p.pts is not None]
        # each stream's span, from its first decoding time (before 0 where the encoder
        # reorders pictures) to its last picture's end: the next copy starts after it
        length = {s.index: max(p.pts + (p.duration or 0) for p in packets
                               if p.stream.index == s.index)
                  - min(min(p.pts, p.dts if p.dts is not None else p.pts) for p in packets
                        if p.stream.index == s.index) for s in streams}
        seconds = max(float(length[s.index] * s.time_base) for s in streams if s.time_base)
        with av.open(str(path), "w") as out:
            made = {s.index: out.add_stream_from_template(s) for s in streams}
            for rep in range(int(np.ceil(minutes * 60 / seconds))):
                for p in packets:
                    s = p.stream
                    shift = round(rep * seconds / float(s.time_base))
                    p.pts += shift
                    if p.dts is not None:
                        p.dts += shift
                    p.stream = made[s.index]
                    out.mux(p)
                    p.stream = s
                    p.pts -= shift
                    if p.dts is not None:
                        p.dts -= shift
    return path
