"""Events files in JSON (``schemas/events.v1.schema.json``), with explicit upgrades.

Every document carries ``schema_version``. Reading upgrades an older document step by
step through :data:`UPGRADES` (``{from_version: function}``) before validating it against
the current schema; a document from a newer attune is refused.

Version 0 is the shape of attune's early prototype exports: times as ``onset`` and
``offset`` in seconds (floats) and the scheme as a string ``"name@version"``.
:func:`upgrade_v0_to_v1` turns it into version 1 (integer milliseconds, rounded half up).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from attune.core.scheme import Scheme
from attune.errors import InputError
from attune.interchange.model import (
    DEFAULT_MAX_BYTES,
    ClipInfo,
    EventDraft,
    EventsDocument,
    build_document,
    decode_text,
    parse_kind,
    read_limited,
    write_atomic,
)
from attune.schemas import validate

CURRENT_VERSION = 1


def _seconds_to_ms(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{where}: {value!r} is not a number of seconds.")
    try:
        ms = (Decimal(str(value)) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise InputError(f"{where}: {value!r} is not a number of seconds.") from None
    if not ms.is_finite():
        raise InputError(f"{where}: {value!r} is not a finite number of seconds.")
    return int(ms)


def upgrade_v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (``onset``/``offset`` seconds, ``scheme: "name@version"``) to version 1."""
    out = dict(doc)
    scheme = doc.get("scheme")
    if isinstance(scheme, str):
        name, _, version = scheme.partition("@")
        out["scheme"] = {"name": name, "version": int(version) if version.isdigit() else 1}
    events = []
    raw_events = doc.get("events")
    if not isinstance(raw_events, list):
        raise InputError("The document's events must be a list (at events).")
    for i, raw in enumerate(raw_events):
        if not isinstance(raw, dict):
            raise InputError(f"At events/{i}: an event must be an object.")
        event = {k: v for k, v in raw.items() if k not in ("onset", "offset")}
        for old, new in (("onset", "start_ms"), ("offset", "end_ms")):
            if old in raw:
                event[new] = _seconds_to_ms(raw[old], f"At events/{i}/{old}")
        events.append(event)
    out["events"] = events
    out["schema_version"] = 1
    return out


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: upgrade_v0_to_v1}
"""``UPGRADES[v]`` turns a version ``v`` document into version ``v + 1``."""


def upgrade_document(doc: Any) -> dict[str, Any]:
    """Upgrade a parsed document to the current version (no validation yet)."""
    if not isinstance(doc, dict):
        raise InputError("An events file must hold a JSON object at the top level.")
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InputError("At schema_version: the document has no integer schema_version; "
                         "add \"schema_version\": 1.")
    if version > CURRENT_VERSION:
        raise InputError(f"At schema_version: version {version} is newer than this attune "
                         f"reads ({CURRENT_VERSION}); update attune.")
    while version < CURRENT_VERSION:
        if version not in UPGRADES:
            raise InputError(f"At schema_version: no upgrade from version {version}; "
                             "this version was never released.")
        doc = UPGRADES[version](doc)
        version = doc["schema_version"]
    return doc


def parse_events_document(doc: Any, scheme: Scheme | None = None) -> EventsDocument:
    """Upgrade, validate (errors name the element path) and build an EventsDocument."""
    doc = upgrade_document(doc)
    validate(doc, "events.v1", "events file")
    clip_raw = doc.get("clip") or {}
    clip = ClipInfo(name=clip_raw.get("name", ""), duration_ms=clip_raw.get("duration_ms"),
                    sha256=clip_raw.get("sha256"), fps=clip_raw.get("fps"))
    drafts = [
        EventDraft(where=f"At events/{i} (id {e['id']!r})", kind=parse_kind(e["kind"], "kind"),
                   code=e["code"], start_ms=e["start_ms"], end_ms=e["end_ms"],
                   coder=e["coder"], local_id=e["id"], answers=e.get("answers"),
                   note=e.get("note", ""), modifiers=tuple(e.get("modifiers", ())))
        for i, e in enumerate(doc["events"])
    ]
    return build_document(drafts, scheme_name=doc["scheme"]["name"],
                          scheme_version=doc["scheme"]["version"], clip=clip, scheme=scheme)


def loads_events_json(text: str, scheme: Scheme | None = None,
                      name: str = "events file") -> EventsDocument:
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}, line {err.lineno} column {err.colno}: not valid JSON "
                         f"({err.msg}); fix the file.") from None
    except RecursionError:
        raise InputError(f"{name}: the JSON is nested too deeply.") from None
    return parse_events_document(doc, scheme)


def _no_constant(name: str) -> Any:
    raise InputError(f"JSON value {name} is not allowed in an events file.")


def read_events_json(path: str | os.PathLike[str], scheme: Scheme | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> EventsDocument:
    """Read an events JSON file (any known version); all or nothing."""
    name = os.path.basename(os.fspath(path))
    return loads_events_json(decode_text(read_limited(path, max_bytes), name), scheme, name)


def events_document_to_json(document: EventsDocument) -> dict[str, Any]:
    """The version-1 JSON object of a document (validated before it is returned)."""
    clip = document.clip
    clip_obj: dict[str, Any] = {"name": clip.name}
    for key in ("duration_ms", "sha256", "fps"):
        if getattr(clip, key) is not None:
            clip_obj[key] = getattr(clip, key)
    events = []
    for e in document.events:
        assert e.id is not None
        obj: dict[str, Any] = {
            "id": document.local_id(e.id), "coder": e.coder, "kind": str(e.kind),
            "code": e.code, "start_ms": e.start_ms, "end_ms": e.end_ms,
            "answers": document.answers_local_id(e),
        }
        if e.note:
            obj["note"] = e.note
        if e.modifiers:
            obj["modifiers"] = list(e.modifiers)
        events.append(obj)
    out = {"schema_version": CURRENT_VERSION, "clip": clip_obj,
           "scheme": {"name": document.scheme_name, "version": document.scheme_version},
           "events": events}
    validate(out, "events.v1", "exported events")
    return out


def dumps_events_json(document: EventsDocument) -> str:
    return json.dumps(events_document_to_json(document), ensure_ascii=False, indent=2) + "\n"


def write_events_json(document: EventsDocument, path: str | os.PathLike[str]) -> None:
    """Write a version-1 events file atomically."""
    write_atomic(path, dumps_events_json(document).encode("utf-8"))
