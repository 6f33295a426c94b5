"""Sample material shared by the interchange tests (imported by conftest and the fuzzers)."""

from __future__ import annotations

from typing import Any

from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.interchange.model import ClipInfo, EventsDocument, document_from_events


def make_document() -> EventsDocument:
    """Points and intervals, non-ASCII coders, links, notes and modifiers."""
    events = [
        Event(EventKind.CUE, "C02", 1000, 2500, coder="zoë", id=101),
        Event(EventKind.RESPONSE, "R04", 1800, 3200, coder="zoë", id=102, answers_id=101,
              note="warm smile, \"big\" one; ok", modifiers=("face", "voice")),
        Event(EventKind.REACTION, "A01", 3300, 3300, coder="zoë", id=103, answers_id=102),
        Event(EventKind.CUE, "C03", 1200, 1200, coder="Bjørn Øster", id=104),
        Event(EventKind.RESPONSE, "R01", 4000, 4000, coder="Bjørn Øster", id=105,
              answers_id=104),
        Event(EventKind.CUE, "C16", 0, 12_345, coder="李娜", id=106, note="cries\tloudly\nlong"),
        Event(EventKind.RESPONSE, "R11", 2000, 9000, coder="李娜", id=107, answers_id=106),
        Event(EventKind.CUE, "C10", 5000, 5001, coder="zoë", id=108),
    ]
    return document_from_events(
        events, clip=ClipInfo(name="séance 1.mp4", duration_ms=60_000, fps="30000/1001",
                              sha256="a" * 64))


def events_key_of(doc: EventsDocument) -> list[tuple[Any, ...]]:
    """Comparable content: ids, coders, kinds, codes, times, links, notes, modifiers."""
    out = []
    for e in doc.events:
        assert e.id is not None
        out.append((doc.local_id(e.id), e.coder, str(e.kind), e.code, e.start_ms, e.end_ms,
                    doc.answers_local_id(e), e.note, e.modifiers))
    return sorted(out)
