"""Movement in a proxy's picture, region by region: the cheap second signal behind
suggested marks (:mod:`attune.detect.motion` decides what the movement is).

Kept cheap on purpose: the decoder skips the frames no other frame refers to (where the
encoder made any) and the deblocking filter (:data:`DECODE_OPTIONS`: a 160-pixel picture
cannot show it), each picture's brightness plane is scaled down to a small gray one
(:data:`WIDTH` pixels wide), and only pictures about :data:`STEP_MS` apart are compared.
Farnebäck's dense optical flow (OpenCV) between two such pictures gives each pixel's
movement; the camera's own movement (a pan, a shaking hand) shifts the whole picture, so
that shift is found first (phase correlation) and taken out. The flow, the costliest
step, is computed only where the two pictures differ (:func:`_changed`: the regions that
changed and the regions around them; a still moment is still without it). Each region of
a :data:`COLS` x :data:`ROWS` grid then gets the share of its pixels that moved, their
mean movement and where they are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

from attune.detect.motion import COLS, ROWS, MotionField
from attune.errors import MediaError

#: The width (pixels) the pictures are compared at; the height keeps the picture's shape.
WIDTH = 160
#: Pictures compared are about this far apart (ms): 10 a second (at 5 a second a
#: quick reach moves too far between two pictures for the flow to follow it).
STEP_MS = 100
#: A pixel moved when its flow, camera taken out, is this many pixels (at WIDTH) or more.
MOVED_PX = 0.6
#: The camera moved when moving the picture back leaves at most this share of the
#: difference between two pictures.
CAMERA_MATCH = 0.7
#: A pixel changed between two pictures (camera taken out) when its gray level moved by
#: this much or more (of 255); a picture at WIDTH averages the camera's noise away.
CHANGED_LEVEL = 4
#: The flow is computed only around the regions with this share of their pixels changed:
#: a region counts as moving only with MIN_SHARE (5 %) of its pixels moved, so where
#: fewer than a fifth of that changed at all, nothing moved that the rule could use.
CHANGED_SHARE = 0.01
#: Decoder threads (as ingest: one per core; the analysis shares the worker's cores).
THREADS = 2
#: The decoder leaves out its deblocking filter (the smoothing of the edges between the
#: encoder's blocks: averaged away when the picture is scaled down to WIDTH) and takes
#: its fast paths; as the filmstrip's keyframes are decoded (``attune.media.remux``).
DECODE_OPTIONS = {"skip_loop_filter": "all", "flags2": "+fast"}


def _flow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    flow: np.ndarray = cv2.calcOpticalFlowFarneback(  # type: ignore[call-overload]
        a, b, None, pyr_scale=0.5, levels=3, winsize=11, iterations=3, poly_n=5,
        poly_sigma=1.1, flags=0)
    return flow


#: 8-bit pixel formats whose first plane is the picture's brightness (luma).
_LUMA_FIRST = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12"}


def _small_gray(frame: av.VideoFrame, height: int) -> np.ndarray:
    """The picture in gray at WIDTH x ``height``: its luma plane scaled down by OpenCV
    (cheaper than converting the whole picture first), else the decoder's scaler."""
    if frame.format.name in _LUMA_FIRST:
        plane = frame.planes[0]
        luma = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height,
                                                                  plane.line_size)
        return cv2.resize(luma[:, :plane.width], (WIDTH, height),
                          interpolation=cv2.INTER_AREA)
    return frame.reformat(width=WIDTH, height=height, format="gray",
                          interpolation="AREA").to_ndarray()


def _camera(prev: np.ndarray, gray: np.ndarray, window: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """The camera's own movement between two pictures (a pan, a shaking hand: the whole
    picture shifts), found by phase correlation, and ``prev`` moved by it, with a mask
    of the pixels both pictures show."""
    (dx, dy), response = cv2.phaseCorrelate(prev.astype(np.float32),
                                            gray.astype(np.float32), window)
    if response < 0.05 or (abs(dx) < 0.5 and abs(dy) < 0.5):
        return prev, np.ones(prev.shape, bool)
    h, w = prev.shape
    shift = np.array([[1, 0, dx], [0, 1, dy]], np.float32)
    moved = np.asarray(cv2.warpAffine(prev, shift, (w, h), borderMode=cv2.BORDER_REPLICATE))
    seen = np.zeros(prev.shape, bool)
    seen[max(0, int(np.ceil(dy))):h + min(0, int(np.floor(dy))),
         max(0, int(np.ceil(dx))):w + min(0, int(np.floor(dx)))] = True
    # the whole picture moved only if moving it back makes it match: something large
    # moving in a still room (a parent leaning in) can win the correlation too
    before = np.abs(prev.astype(np.int16) - gray)[seen].mean()
    after = np.abs(moved.astype(np.int16) - gray)[seen].mean()
    if after > CAMERA_MATCH * before:
        return prev, np.ones(prev.shape, bool)
    return moved, seen


def _changed(prev: np.ndarray, gray: np.ndarray, seen: np.ndarray, edges_x: np.ndarray,
             edges_y: np.ndarray) -> tuple[slice, slice] | None:
    """Where the flow is worth computing: the box of the regions with
    :data:`CHANGED_SHARE` of their pixels changed by :data:`CHANGED_LEVEL` or more between
    ``prev`` and ``gray`` (where both show them), one region wider on each side (what
    moved may have come from there); None when no region changed."""
    changed = (cv2.absdiff(prev, gray) >= CHANGED_LEVEL) & seen
    if not changed.any():
        return None
    counts = np.add.reduceat(np.add.reduceat(changed.astype(np.int32), edges_y[:-1], axis=0),
                             edges_x[:-1], axis=1)
    area = np.outer(np.diff(edges_y), np.diff(edges_x))
    rows, cols = np.nonzero(counts >= CHANGED_SHARE * area)
    if not len(rows):
        return None
    r0, r1 = max(0, rows.min() - 1), min(ROWS, rows.max() + 2)
    c0, c1 = max(0, cols.min() - 1), min(COLS, cols.max() + 2)
    return slice(edges_y[r0], edges_y[r1]), slice(edges_x[c0], edges_x[c1])


def _regions(m: np.ndarray, f: np.ndarray, edges_x: np.ndarray, edges_y: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per region (``r * COLS + c``) of the grid ``edges_x`` x ``edges_y``: the share of
    its pixels in ``m`` (those that moved), their mean flow ``f`` (pixels, x and y) and
    the mean x of those pixels (picture widths; NaN where none moved). All regions at
    once: sums over the grid's blocks of the moved pixels, their flow and their x."""
    w = m.shape[1]
    mf = m.astype(np.float64)
    stacked = np.concatenate([mf[..., None], f * mf[..., None],
                              (mf * np.arange(w))[..., None]], axis=2)  # (h, w, 4)
    sums = np.add.reduceat(np.add.reduceat(stacked, edges_y[:-1], axis=0),
                           edges_x[:-1], axis=1).reshape(ROWS * COLS, 4)
    area = np.outer(np.diff(edges_y), np.diff(edges_x)).reshape(ROWS * COLS)
    count = sums[:, 0]
    some = count > 0
    per = np.where(some, count, 1.0)[:, None]
    share = (count / area).astype(np.float32)
    mean = np.where(some[:, None], sums[:, 1:3] / per, 0.0).astype(np.float32)
    where = np.where(some, sums[:, 3] / per[:, 0] / w, np.nan).astype(np.float32)
    return share, mean, where


def motion_field(proxy: Path, progress: Callable[[float], None] | None = None
                 ) -> MotionField | None:
    """The movement in ``proxy``'s picture, or None when it has no picture. A picture
    that cannot be decoded raises :class:`MediaError`."""
    try:
        container = av.open(str(proxy))
    except (av.FFmpegError, OSError) as exc:
        raise MediaError(f"The picture of this clip could not be read ({exc}).") from exc
    with container:
        if not container.streams.video:
            return None
        vs = container.streams.video[0]
        vs.thread_type = "AUTO"
        vs.codec_context.thread_count = THREADS
        vs.codec_context.skip_frame = "NONREF"
        vs.codec_context.options = DECODE_OPTIONS
        tb = vs.time_base
        origin = vs.start_time or 0
        total_ms = float(container.duration or 0) / 1000 or 0.0
        width = vs.codec_context.width or WIDTH
        height = vs.codec_context.height or WIDTH
        h = max(8, round(WIDTH * height / width / 2) * 2)
        times: list[int] = []
        moved: list[np.ndarray] = []
        flows: list[np.ndarray] = []
        centres: list[np.ndarray] = []
        prev: np.ndarray | None = None
        prev_ms = -10**9
        edges_x = np.linspace(0, WIDTH, COLS + 1).astype(int)
        edges_y = np.linspace(0, h, ROWS + 1).astype(int)
        window = cv2.createHanningWindow((WIDTH, h), cv2.CV_32F)
        still = (np.zeros(ROWS * COLS, np.float32), np.zeros((ROWS * COLS, 2), np.float32),
                 np.full(ROWS * COLS, np.nan, np.float32))
        try:
            for frame in container.decode(vs):
                if frame.pts is None or tb is None:
                    continue
                ms = round(float((frame.pts - origin) * tb) * 1000)
                if ms - prev_ms < STEP_MS - 10:
                    continue
                gray = _small_gray(frame, h)
                if prev is not None:
                    steady, seen = _camera(prev, gray, window)
                    box = _changed(steady, gray, seen, edges_x, edges_y)
                    if box is not None:
                        f = np.zeros((h, WIDTH, 2), np.float32)
                        f[box] = _flow(steady[box], gray[box])
                        mag = np.hypot(f[..., 0], f[..., 1])
                        m = (mag >= MOVED_PX) & seen
                        share, mean, where = _regions(m, f, edges_x, edges_y)
                        mean *= 1000.0 / max(1, ms - prev_ms) / WIDTH  # widths a second
                    else:  # still: nothing moved, the flow is not computed
                        share, mean, where = still
                    times.append(ms)
                    moved.append(share)
                    flows.append(mean)
                    centres.append(where)
                    if progress is not None and total_ms > 0:
                        progress(min(1.0, ms / total_ms))
                prev, prev_ms = gray, ms
        except (av.FFmpegError, cv2.error) as exc:
            if not times:
                raise MediaError(f"The picture of this clip could not be read ({exc}).") \
                    from exc
            # a damaged end: what was read before it still counts
    n = len(times)
    return MotionField(
        times_ms=np.asarray(times, np.int64),
        moved=np.asarray(moved, np.float32).reshape(n, ROWS * COLS),
        flow=np.asarray(flows, np.float32).reshape(n, ROWS * COLS, 2),
        centre_x=np.asarray(centres, np.float32).reshape(n, ROWS * COLS),
    )
