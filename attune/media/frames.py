"""Still frames from a proxy: exactly the picture the browser shows at a time.

The proxy's picture ``i`` is on screen during ``[pts_i, pts_(i+1))``. :func:`frame_at`
seeks to the keyframe before ``ms`` (at most one second before, see ingest) and decodes
forward to the last picture whose presentation time is not after ``ms``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Generator, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.container
import av.video.stream
import cv2
import numpy as np

from attune.errors import MediaError
from attune.media.files import write_bytes_atomic
from attune.media.probe import open_input

_STILL_FORMATS = {".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}


def frame_at(proxy: Path, ms: int) -> np.ndarray:
    """The picture (BGR, height x width x 3) shown at ``ms`` milliseconds into ``proxy``.

    A time past the end gives the last picture, as a paused player shows it.
    """
    _, frame = _locate(Path(proxy), ms)
    return frame.to_ndarray(format="bgr24")


def pictures_at(proxy: Path, fps: Fraction, targets: Sequence[int]
                ) -> Generator[tuple[int, av.VideoFrame], None, None]:
    """For each frame number in ``targets`` (non-decreasing), the decoded picture on
    screen at that frame's start, with its own frame number: one seek to the keyframe
    before the first target, then decoding forward (a reel's frame-exact cut). A target
    before the first picture gets the first picture. The frames are the decoder's own:
    copy them before drawing on them.
    """
    if not targets:
        return
    with av.open(str(proxy)) as container:
        vs = container.streams.video[0]
        vs.thread_type = "AUTO"
        tb = vs.time_base or Fraction(1, 90000)
        origin = Fraction(vs.start_time or 0) * tb
        first_t = Fraction(targets[0]) / fps + origin
        container.seek(max(0, math.floor(first_t / tb)), stream=vs, backward=True,
                       any_frame=False)
        decoded = _numbered(container, vs, tb, origin, fps)
        current: tuple[int, av.VideoFrame] | None = None
        pending = next(decoded, None)
        for target in targets:
            while pending is not None and pending[0] <= target:
                current, pending = pending, next(decoded, None)
            if current is None:  # before the first picture: show the first one
                if pending is None:
                    raise MediaError(f"No picture could be decoded from {Path(proxy).name}.")
                current = pending
            yield current


def _numbered(container: Any, vs: Any, tb: Fraction, origin: Fraction, fps: Fraction
              ) -> Iterator[tuple[int, av.VideoFrame]]:
    for frame in container.decode(vs):
        if frame.pts is None:
            continue
        yield round((Fraction(frame.pts) * tb - origin) * fps), frame


def frame_index_at(proxy: Path, ms: int) -> int:
    """Number (from 0) of the proxy picture shown at ``ms``; same rule as :func:`frame_at`."""
    ms = _check_ms(ms)
    with open_input(Path(proxy)) as container:
        stream = container.streams.video[0]
        rate = stream.guessed_rate or stream.average_rate
        if not rate:
            raise MediaError(f"{Path(proxy).name} has no frame rate; make the proxy again.")
        start = Fraction(stream.start_time or 0) * (stream.time_base or 1)
        index = math.floor((Fraction(ms, 1000) - start) * Fraction(rate))
        last = (stream.frames or index + 1) - 1
        return max(0, min(index, last))


def write_still(proxy: Path, ms: int, out_path: Path, *, jpeg_quality: int = 92) -> Path:
    """Save the picture shown at ``ms`` as JPEG or PNG (by ``out_path``'s suffix), atomically."""
    out_path = Path(out_path)
    ext = _STILL_FORMATS.get(out_path.suffix.lower())
    if ext is None:
        raise ValueError(f"still frames are .jpg, .jpeg or .png, not {out_path.suffix!r}")
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if ext == ".jpg" else []
    ok, buf = cv2.imencode(ext, frame_at(proxy, ms), params)
    if not ok:
        raise RuntimeError(f"OpenCV could not encode a {ext} still")
    write_bytes_atomic(out_path, buf.tobytes())
    return out_path


def _check_ms(ms: int) -> int:
    if isinstance(ms, bool):
        raise TypeError("ms must be a whole number of milliseconds, not a bool")
    value = operator.index(ms)  # any integer type; a float raises TypeError
    if value < 0:
        raise ValueError(f"ms must be >= 0, not {value}")
    return value


def _locate(proxy: Path, ms: int) -> tuple[int, av.VideoFrame]:
    ms = _check_ms(ms)
    target = Fraction(ms, 1000)
    with open_input(proxy) as container:
        stream = container.streams.video[0]
        tb = stream.time_base
        if tb is None:
            raise MediaError(f"{proxy.name} has no time base; make the proxy again.")
        container.seek(math.floor(target / tb), stream=stream, backward=True, any_frame=False)
        shown = _decode_until(container, stream, target)
        if shown is None:  # before the first picture: the first one is on screen
            container.seek(0, stream=stream, backward=True, any_frame=False)
            first = next(container.decode(stream), None)
            if first is None:
                raise MediaError(f"No picture could be decoded from {proxy.name}.")
            shown = (0, first)
        return shown


def _decode_until(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    target: Fraction,
) -> tuple[int, av.VideoFrame] | None:
    """The last decoded picture at or before ``target`` seconds, with its index."""
    tb = stream.time_base
    rate = Fraction(stream.guessed_rate or stream.average_rate or 1)
    shown: tuple[int, av.VideoFrame] | None = None
    for frame in container.decode(stream):
        if frame.pts is None or tb is None:
            continue
        when = Fraction(frame.pts) * tb
        if when > target:
            break
        shown = (round(when * rate), frame)
    return shown
