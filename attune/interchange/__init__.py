"""Events in and out: ELAN, BORIS, CSV/XLSX and attune JSON (see each module).

Every reader returns a whole :class:`EventsDocument` or raises
:class:`~attune.errors.InputError` naming the line, row or element that is wrong.
"""

from __future__ import annotations

from attune.interchange.convert import convert, read_events_file, write_events_file
from attune.interchange.mapping import GENERIC_MAPPING, Mapping, TierRule, load_mapping
from attune.interchange.model import ClipInfo, EventsDocument, document_from_events

__all__ = [
    "GENERIC_MAPPING",
    "ClipInfo",
    "EventsDocument",
    "Mapping",
    "TierRule",
    "convert",
    "document_from_events",
    "load_mapping",
    "read_events_file",
    "write_events_file",
]
