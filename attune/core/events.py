"""Events on a clip's timeline: infant cues, parent responses, infant reactions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from attune.core.scheme import EventKind
from attune.core.spans import Span, check_span


@dataclass(frozen=True)
class Event:
    """One coded event. ``answers_id`` links a response to the cue it answers.

    ``id`` is None for an event not yet stored (e.g. read from a file). ``coder`` is the
    coder's username; ``scheme`` and ``scheme_version`` name the coding scheme used.
    """

    kind: EventKind
    code: str
    start_ms: int
    end_ms: int
    coder: str = ""
    id: int | None = None
    clip_id: int | None = None
    scheme: str = "attuned-moments"
    scheme_version: int = 1
    answers_id: int | None = None
    note: str = ""
    modifiers: tuple[str, ...] = ()
    version: int = 1
    deleted_at: datetime | None = None
    created_at: datetime | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_span(self.start_ms, self.end_ms)

    @property
    def span(self) -> Span:
        return Span(self.start_ms, self.end_ms)

    @property
    def is_point(self) -> bool:
        return self.start_ms == self.end_ms

    def moved(self, start_ms: int, end_ms: int) -> Event:
        return replace(self, start_ms=start_ms, end_ms=end_ms)
