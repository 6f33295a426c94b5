"""The picture of a frame: the one decoder behind stills, handouts, film-stops and reels.

A proxy's picture ``i`` is on screen during ``[pts_i, pts_(i+1))``, times counted from the
video stream's start, as a browser plays it. The picture **at** a millisecond is the last
one whose presentation time is not after it (:func:`picture_at`); the picture **of** frame
``n`` of a grid (:class:`attune.core.timebase.FrameGrid`) is the picture at that frame's
first millisecond, ``grid.start_ms(n)`` (:func:`picture_of`, :func:`pictures_of`). So the
frame the timeline opens on (it seeks to ``start_ms(n)``), a handout's still and a reel's
film-stop of frame ``n`` are one picture, on constant and variable frame rate proxies
alike. Each call seeks to the keyframe before its first time and decodes forward.
"""

from __future__ import annotations

import contextlib
import math
import operator
from collections.abc import Generator, Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from attune.core.crop import Crop
from attune.core.timebase import FrameGrid
from attune.errors import MediaError
from attune.media.files import write_bytes_atomic
from attune.media.probe import open_input

_STILL_FORMATS = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}


def picture_at(proxy: Path, ms: int) -> np.ndarray:
    """The picture (BGR, height x width x 3) on screen at ``ms`` milliseconds into ``proxy``.

    A time past the end gives the last picture, as a paused player shows it.
    """
    ms = _check_ms(ms)
    with _pictures(Path(proxy), [Fraction(ms, 1000)]) as pictures:
        return next(pictures).to_ndarray(format="bgr24")


def picture_of(proxy: Path, fps: Fraction, frame: int) -> np.ndarray:
    """The picture (BGR) of ``frame`` on the ``fps`` grid: the one at its first ms."""
    return picture_at(proxy, FrameGrid(fps).start_ms(_check_ms(frame)))


def pictures_of(proxy: Path, fps: Fraction, frames: Iterable[int]
                ) -> Generator[av.VideoFrame, None, None]:
    """For each frame number in ``frames`` (non-decreasing) the decoded picture of that
    frame (as :func:`picture_of`): one seek, then decoding forward (a reel's frame-exact
    cut). A frame repeated, or two frames showing one picture, give the same object. The
    frames are the decoder's own: copy them before drawing on them."""
    grid = FrameGrid(fps)
    times = [Fraction(grid.start_ms(_check_ms(n)), 1000) for n in frames]
    if not times:
        return
    with _pictures(Path(proxy), times) as pictures:
        yield from pictures


def cropped(picture: np.ndarray, crop: Crop | None) -> np.ndarray:
    """``picture`` (height x width x channels) zoomed to ``crop`` and scaled back to its
    own size (a moment's zoom and pan: the handout's still, the reel's film-stop); the
    picture itself for no crop."""
    if crop is None or crop.whole:
        return picture
    height, width = picture.shape[:2]
    x, y, w, h = crop.pixels(width, height)
    part = picture[y:y + h, x:x + w]
    return cv2.resize(part, (width, height), interpolation=cv2.INTER_CUBIC)


def frame_index_at(proxy: Path, ms: int) -> int:
    """Number (from 0) of the proxy picture shown at ``ms``, by its frame rate's grid."""
    ms = _check_ms(ms)
    with open_input(Path(proxy)) as container:
        stream = container.streams.video[0]
        rate = stream.guessed_rate or stream.average_rate
        if not rate:
            raise MediaError(f"{Path(proxy).name} has no frame rate; make the proxy again.")
        index = FrameGrid(Fraction(rate)).frame_at(ms)
        last = (stream.frames or index + 1) - 1
        return max(0, min(index, last))


def write_still(proxy: Path, ms: int, out_path: Path, *, jpeg_quality: int = 92) -> Path:
    """Save the picture shown at ``ms`` as JPEG or PNG (by ``out_path``'s suffix), atomically."""
    out_path = Path(out_path)
    ext = _STILL_FORMATS.get(out_path.suffix.lower())
    if ext is None:
        raise ValueError(f"still frames are .jpg, .jpeg or .png, not {out_path.suffix!r}")
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if ext == ".jpg" else []
    ok, buf = cv2.imencode(ext, picture_at(proxy, ms), params)
    if not ok:
        raise RuntimeError(f"OpenCV could not encode a {ext} still")
    write_bytes_atomic(out_path, buf.tobytes())
    return out_path


def _check_ms(ms: int) -> int:
    if isinstance(ms, bool):
        raise TypeError("a time or frame must be a whole number, not a bool")
    value = operator.index(ms)  # any integer type; a float raises TypeError
    if value < 0:
        raise ValueError(f"a time or frame must be >= 0, not {value}")
    return value


@contextlib.contextmanager
def _pictures(proxy: Path, times: list[Fraction]
              ) -> Iterator[Generator[av.VideoFrame, None, None]]:
    """The pictures on screen at each of ``times`` (seconds from the stream's start,
    non-decreasing), while the proxy is open."""
    with open_input(proxy) as container:
        yield _walk(container, proxy.name, times)


def _walk(container: Any, name: str, times: list[Fraction]
          ) -> Generator[av.VideoFrame, None, None]:
    if not container.streams.video:
        raise MediaError(f"{name} has no pictures; make the proxy again.")
    vs = container.streams.video[0]
    vs.thread_type = "AUTO"
    tb = vs.time_base
    if tb is None:
        raise MediaError(f"{name} has no time base; make the proxy again.")
    origin = Fraction(vs.start_time or 0)  # in ticks of tb
    ticks = [t / tb + origin for t in times]
    try:
        container.seek(max(0, math.floor(ticks[0])), stream=vs, backward=True,
                       any_frame=False)
        decoded = (f for f in container.decode(vs) if f.pts is not None)
        current: av.VideoFrame | None = None
        pending = next(decoded, None)
        if pending is not None and pending.pts > ticks[0] and ticks[0] > origin:
            # the seek landed after the time (an index without that keyframe): restart
            container.seek(0, stream=vs, backward=True, any_frame=False)
            decoded = (f for f in container.decode(vs) if f.pts is not None)
            pending = next(decoded, None)
        for t in ticks:
            while pending is not None and pending.pts <= t:
                current, pending = pending, next(decoded, None)
            if current is None:  # before the first picture: the first is on screen
                if pending is None:
                    raise MediaError(f"No picture could be decoded from {name}; "
                                     "make the proxy again.")
                current = pending
            yield current
    except av.FFmpegError as err:
        raise MediaError(f"{name} could not be decoded ({err}); "
                         "make the proxy again.") from err
