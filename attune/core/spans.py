"""Time spans: integer milliseconds on half-open intervals ``[start_ms, end_ms)``.

A point event has ``end_ms == start_ms``.
"""

from __future__ import annotations

from dataclasses import dataclass


def check_span(start_ms: int, end_ms: int) -> None:
    """Refuse times that are not a span: ints of milliseconds (not bools), from 0, the
    end not before the start. Every event and span read is checked, so the usual case
    (two plain ints) is tested first."""
    if type(start_ms) is not int or type(end_ms) is not int:
        for name, value in (("start_ms", start_ms), ("end_ms", end_ms)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int of milliseconds, got {value!r}")
    if start_ms < 0:
        raise ValueError(f"start_ms must be >= 0, got {start_ms}")
    if end_ms < start_ms:
        raise ValueError(f"end_ms ({end_ms}) is before start_ms ({start_ms})")


@dataclass(frozen=True, order=True)
class Span:
    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        check_span(self.start_ms, self.end_ms)

    @classmethod
    def point(cls, at_ms: int) -> Span:
        return cls(at_ms, at_ms)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def is_point(self) -> bool:
        return self.end_ms == self.start_ms

    def contains(self, at_ms: int) -> bool:
        """Whether ``at_ms`` falls in the span; a point span contains only its instant.

        >>> Span(1000, 2000).contains(2000), Span.point(5).contains(5)
        (False, True)
        """
        if self.is_point:
            return at_ms == self.start_ms
        return self.start_ms <= at_ms < self.end_ms

    def overlap_ms(self, other: Span) -> int:
        """Length of the intersection (0 when the spans only touch).

        >>> Span(0, 1000).overlap_ms(Span(500, 2000))
        500
        """
        return max(0, min(self.end_ms, other.end_ms) - max(self.start_ms, other.start_ms))

    def shifted(self, delta_ms: int) -> Span:
        return Span(self.start_ms + delta_ms, self.end_ms + delta_ms)


def format_ms(ms: int, decimals: int = 3, *, hours: bool = False) -> str:
    """``m:ss.mmm`` as practitioners read a timeline; ``decimals`` 0-3 digits of the
    second, rounded on the whole time (so 59,960 ms with one decimal is ``1:00.0``).
    ``hours`` gives ``hh:mm:ss.mmm``, the form WebVTT cue times need.

    The one formatter of times for screens and files: every ``m:ss`` attune shows or
    writes comes from here, so a rounding rule is fixed once.

    >>> format_ms(83_456), format_ms(59_960, 1), format_ms(30_499, 0), format_ms(-1500, 1)
    ('1:23.456', '1:00.0', '0:30', '-0:01.5')
    >>> format_ms(3_723_004, hours=True), format_ms(59_960, hours=True)
    ('01:02:03.004', '00:00:59.960')
    """
    if not 0 <= decimals <= 3:
        raise ValueError("decimals must be 0 to 3")
    sign = "-" if ms < 0 else ""
    unit = 10 ** (3 - decimals)
    ticks = (abs(ms) + unit // 2) // unit  # half up, in units of the last digit shown
    minutes, rest = divmod(ticks, 60 * 10**decimals)
    seconds, frac = divmod(rest, 10**decimals)
    tail = f".{frac:0{decimals}d}" if decimals else ""
    if hours:
        whole_hours, minutes = divmod(minutes, 60)
        return f"{sign}{whole_hours:02d}:{minutes:02d}:{seconds:02d}{tail}"
    return f"{sign}{minutes}:{seconds:02d}{tail}"
