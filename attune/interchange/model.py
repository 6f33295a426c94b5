"""The in-memory unit of interchange: one clip's events, as a file holds them.

An :class:`EventsDocument` carries the clip's facts, the coding scheme's name and version
and a tuple of core :class:`~attune.core.events.Event`. In a document, events have
*file-local* integer ids ``1..n`` (their position plus one) and ``answers_id`` refers to
those ids; ``local_ids`` keeps the string id each file uses (``"e1"``...), so that an
export writes stable ids and a link survives a round trip.

The database import maps these local ids to its own ids; the database export calls
:func:`document_from_events`, which renumbers stored events to ``1..n``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from attune.core import modifiers as mods
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.errors import InputError
from attune.fileio import write_bytes_atomic

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused before parsing (a parameter of every reader)."""

# the limits of schemas/events.v1.schema.json, checked on import so that what imports
# also exports
MAX_CODE_CHARS = 32
MAX_CODER_CHARS = 100
MAX_NOTE_CHARS = 4000
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class ClipInfo:
    """What a file says about the clip its events belong to."""

    name: str = ""
    duration_ms: int | None = None
    sha256: str | None = None
    fps: str | None = None  # a fraction string, e.g. "25/1" or "30000/1001"


@dataclass(frozen=True)
class EventsDocument:
    """One clip's events as read from, or written to, a file.

    ``events[i].id == i + 1``; ``answers_id`` is ``None`` or one of those ids;
    ``local_ids[i]`` is the string id of ``events[i]`` in files (unique).
    """

    events: tuple[Event, ...] = ()
    scheme_name: str = "attuned-moments"
    scheme_version: int = 1
    clip: ClipInfo = field(default_factory=ClipInfo)
    local_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.local_ids:
            object.__setattr__(self, "local_ids", tuple(f"e{i + 1}" for i in
                                                        range(len(self.events))))
        if len(self.local_ids) != len(self.events):
            raise ValueError("local_ids must give one id per event")
        if len(set(self.local_ids)) != len(self.local_ids):
            raise ValueError("local_ids must be unique")
        n = len(self.events)
        for i, event in enumerate(self.events):
            if event.id != i + 1:
                raise ValueError(f"event {i} has id {event.id}; use document_from_events()")
            if event.answers_id is not None and not 1 <= event.answers_id <= n:
                raise ValueError(f"event {i} answers unknown id {event.answers_id}")

    def local_id(self, event_id: int) -> str:
        return self.local_ids[event_id - 1]

    def answers_local_id(self, event: Event) -> str | None:
        return None if event.answers_id is None else self.local_id(event.answers_id)


def document_from_events(
    events: Iterable[Event],
    *,
    scheme_name: str = "attuned-moments",
    scheme_version: int = 1,
    clip: ClipInfo | None = None,
    local_ids: Sequence[str] | None = None,
) -> EventsDocument:
    """Build a document from events with any ids (e.g. stored ones), renumbering to 1..n.

    ``answers_id`` values are remapped; a link to an event not in ``events`` is dropped
    (the answered cue is not part of the export). Without ``local_ids`` the string ids
    are ``e<stored id>`` when every event has a stored id, else ``e1..en``.
    """
    items = list(events)
    old_ids = [e.id for e in items]
    if local_ids is None:
        if all(i is not None for i in old_ids) and len(set(old_ids)) == len(old_ids):
            local_ids = [f"e{i}" for i in old_ids]
        else:
            local_ids = [f"e{i + 1}" for i in range(len(items))]
    new_of = {old: i + 1 for i, old in enumerate(old_ids) if old is not None}
    out = []
    for i, e in enumerate(items):
        answers = new_of.get(e.answers_id) if e.answers_id is not None else None
        out.append(replace(e, id=i + 1, answers_id=answers, scheme=scheme_name,
                           scheme_version=scheme_version))
    return EventsDocument(tuple(out), scheme_name, scheme_version, clip or ClipInfo(),
                          tuple(local_ids))


@dataclass
class EventDraft:
    """An event being read, before its links are resolved."""

    where: str
    kind: EventKind
    code: str
    start_ms: int
    end_ms: int
    coder: str
    local_id: str | None = None
    answers: str | None = None
    note: str = ""
    modifiers: tuple[str, ...] = ()


def build_document(
    drafts: Sequence[EventDraft],
    *,
    scheme_name: str,
    scheme_version: int,
    clip: ClipInfo,
    scheme: Scheme | None = None,
) -> EventsDocument:
    """Resolve ids and links of drafts, check codes against ``scheme``; all or nothing."""
    ids: list[str] = []
    for d in drafts:
        if d.local_id is not None and len(d.local_id) > MAX_ID_CHARS:
            raise InputError(f"{d.where}: the id is longer than {MAX_ID_CHARS} characters.")
    seen: dict[str, str] = {}
    for i, d in enumerate(drafts):
        lid = d.local_id if d.local_id else f"e{i + 1}"
        if lid in seen:
            raise InputError(f"{d.where}: id {lid!r} is also used at {seen[lid]}; "
                             "give each event its own id.")
        seen[lid] = d.where
        ids.append(lid)
    # generated ids (e<i>) may collide with explicit ones only if a file mixes both
    position = {lid: i + 1 for i, lid in enumerate(ids)}
    events = []
    for i, d in enumerate(drafts):
        if d.start_ms < 0:
            raise InputError(f"{d.where}: start {d.start_ms} ms is before the clip starts; "
                             "times must be 0 or more.")
        if d.end_ms < d.start_ms:
            raise InputError(f"{d.where}: the end ({d.end_ms} ms) is before the start "
                             f"({d.start_ms} ms); swap them or fix the end.")
        if not d.code:
            raise InputError(f"{d.where}: the code is empty; give a code.")
        if not d.coder:
            raise InputError(f"{d.where}: the coder is empty; give a coder name.")
        if len(d.code) > MAX_CODE_CHARS:
            raise InputError(f"{d.where}: code {d.code[:40]!r}... is longer than "
                             f"{MAX_CODE_CHARS} characters, so it is text, not a code; give a "
                             "mapping that maps it to a code (or a fixed code with "
                             "note_from: value).")
        if len(d.coder) > MAX_CODER_CHARS:
            raise InputError(f"{d.where}: the coder name is longer than {MAX_CODER_CHARS} "
                             "characters; shorten it.")
        if len(d.note) > MAX_NOTE_CHARS:
            raise InputError(f"{d.where}: the note is longer than {MAX_NOTE_CHARS} "
                             "characters; shorten it.")
        answers_id = None
        if d.answers:
            if d.answers not in position:
                raise InputError(f"{d.where}: answers {d.answers!r}, which is no event's id "
                                 "in this file; fix the link or leave it empty.")
            answers_id = position[d.answers]
            if answers_id == i + 1:
                raise InputError(f"{d.where}: an event cannot answer itself.")
        modifiers = d.modifiers
        if scheme is not None:
            check_code(scheme, d.code, d.kind, d.where)
            if scheme.modifiers:
                try:  # the scheme's modifiers of the code, in its order; free ones kept
                    modifiers = mods.check(scheme.modifiers, d.code, modifiers)
                except InputError as err:
                    raise InputError(f"{d.where}: {err}") from None
        events.append(Event(kind=d.kind, code=d.code, start_ms=d.start_ms, end_ms=d.end_ms,
                            coder=d.coder, id=i + 1, scheme=scheme_name,
                            scheme_version=scheme_version, answers_id=answers_id,
                            note=d.note, modifiers=modifiers))
    return EventsDocument(tuple(events), scheme_name, scheme_version, clip, tuple(ids))


def check_code(scheme: Scheme, code: str, kind: EventKind, where: str) -> None:
    """An event's code must be in ``scheme`` and of the event's kind."""
    if not scheme.has_code(code):
        raise InputError(
            f"{where}: code {code!r} is not in coding scheme {scheme.name} "
            f"v{scheme.version}; use one of its codes or give a mapping that maps it."
        )
    if scheme.code(code).kind != kind:
        raise InputError(
            f"{where}: code {code!r} is a {scheme.code(code).kind} code, but the "
            f"event is a {kind}; fix the kind or the code."
        )


def parse_kind(value: object, where: str) -> EventKind:
    text = str(value).strip().lower() if value is not None else ""
    try:
        return EventKind(text)
    except ValueError:
        raise InputError(f"{where}: kind {value!r} is not one of cue, response, reaction; "
                         "fix the kind.") from None


# --- file safety ---------------------------------------------------------------------


def read_limited(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a user's file, refusing missing, huge or unreadable files."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as err:
        raise InputError(f"Cannot read {p}: {err.strerror or err}; check the path.") from None
    if not p.is_file():
        raise InputError(f"{p} is not a file; give a file to import.")
    if size > max_bytes:
        raise InputError(f"{p.name} is {size} bytes, more than the limit of {max_bytes} "
                         "bytes; split it or raise the limit.")
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise InputError(f"Cannot read {p}: {err.strerror or err}; check the path.") from None
    if len(data) > max_bytes:
        raise InputError(f"{p.name} is larger than the limit of {max_bytes} bytes.")
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped), refusing binary files with a clear message."""
    if b"\x00" in data:
        raise InputError(f"{name} looks like a binary file (it contains NUL bytes), not a "
                         "text file; export it as text from the tool that made it.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(f"{name}, line {line}: the bytes are not UTF-8 text; save the file "
                         "as UTF-8.") from None
    return text


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a file whole or not at all (see :mod:`attune.fileio`)."""
    write_bytes_atomic(path, data)
