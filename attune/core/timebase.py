"""One time base: frames and milliseconds of a constant frame rate, with one rounding rule.

Every part of attune that turns a frame number into milliseconds or back asks a
:class:`FrameGrid` (the timeline's JavaScript mirrors it, ``ui/timeline/timebase.js``,
checked against this module by a test). The rules, for a rate ``fps`` (a Fraction):

- **Start of frame n** (``start_ms``): the first whole millisecond inside the frame,
  ``ceil(n * 1000 / fps)``. A mark stored at that ms is on frame ``n``, in Python, in the
  browser and in the decoded proxy (picture ``i`` is on screen during
  ``[i / fps, (i + 1) / fps)``).
- **Frame shown at ms** (``frame_at``): ``floor(ms * fps / 1000)``; so
  ``frame_at(start_ms(n)) == n`` for every rate up to 1000 fps.
- **Length** of n frames: ``start_ms(n)``, where a next frame would start (a proxy or
  reel of n pictures lasts that many ms); ``frames_before`` is its inverse.
- **Snapping** a time to a frame edge (``snap``): the nearest edge, half up,
  ``floor(ms * fps / 1000 + 1/2)``; a span snaps both ends (``snap_span``), keeping at
  least one frame. ``snap(start_ms(n)) == n`` for every rate below 500 fps.
- **Audio sample** at the start of frame n (``sample_at``): ``n / fps * rate``, half up, so
  picture and sound cut at the same instant.

>>> g = FrameGrid(Fraction(30000, 1001))
>>> g.start_ms(1), g.frame_at(33), g.frame_at(34), g.snap(33), g.sample_at(1)
(34, 0, 1, 1, 1602)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

SAMPLE_RATE = 48_000
"""The sound's sampling rate in proxies and reels."""

RATES_CHECKED = (Fraction(24000, 1001), Fraction(25), Fraction(30000, 1001), Fraction(30),
                 Fraction(50), Fraction(60))
"""The frame rates the Python/JavaScript agreement and same-frame tests go through."""


def _half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


@dataclass(frozen=True)
class FrameGrid:
    """The frames of a constant frame rate ``fps`` (frames per second, > 0)."""

    fps: Fraction

    def __post_init__(self) -> None:
        fps = Fraction(self.fps)
        if fps <= 0:
            raise ValueError(f"a frame rate must be positive, not {fps}")
        object.__setattr__(self, "fps", fps)

    def start_ms(self, frame: int) -> int:
        """First whole millisecond of ``frame``: ``ceil(frame * 1000 / fps)``."""
        return -((-frame * 1000 * self.fps.denominator) // self.fps.numerator)

    def frame_at(self, ms: int) -> int:
        """The frame on screen at ``ms``: ``floor(ms * fps / 1000)``."""
        return (ms * self.fps.numerator) // (1000 * self.fps.denominator)

    def frame_at_time(self, seconds: Fraction) -> int:
        """The frame on screen at exact time ``seconds`` (e.g. another rate's frame start)."""
        return math.floor(Fraction(seconds) * self.fps)

    def snap(self, ms: int) -> int:
        """The frame edge nearest to ``ms`` (half up), as a frame number."""
        return self.snap_time(Fraction(ms, 1000))

    def snap_time(self, seconds: Fraction) -> int:
        """The frame edge nearest to exact time ``seconds`` (half up), as a frame number:
        e.g. the proxy picture a source picture at that time becomes."""
        return _half_up(Fraction(seconds) * self.fps)

    def snap_ms(self, ms: int) -> int:
        """``ms`` moved to the start of the nearest frame edge."""
        return self.start_ms(self.snap(ms))

    def snap_span(self, start_ms: int, end_ms: int) -> tuple[int, int]:
        """A span snapped to frame edges, as frames ``[first, end)``; at least one frame."""
        first = max(0, self.snap(start_ms))
        return first, max(first + 1, self.snap(end_ms))

    def frames_in(self, ms: int) -> int:
        """How many frames last ``ms`` milliseconds (half up)."""
        return self.frames_lasting(Fraction(ms, 1000))

    def frames_lasting(self, seconds: Fraction) -> int:
        """How many frames last ``seconds`` (half up): e.g. a run of another rate's frames."""
        return _half_up(Fraction(seconds) * self.fps)

    def frames_before(self, ms: int) -> int:
        """How many frames start (at their ``start_ms``) before ``ms``: a clip of ``ms``
        milliseconds has these, and ``frames_before(start_ms(n)) == n``."""
        return 0 if ms <= 0 else self.frame_at(ms - 1) + 1

    def seconds(self, frame: int) -> Fraction:
        """Exact start of ``frame`` in seconds."""
        return Fraction(frame) / self.fps

    def sample_at(self, frame: int, rate: int = SAMPLE_RATE) -> int:
        """First audio sample of ``frame`` at ``rate`` samples a second (half up)."""
        return _half_up(Fraction(frame) / self.fps * rate)
