"""A clip: one recording of a visit, its state and how it is named on screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from attune.core.consent import ConsentScope
from attune.core.spans import format_ms


class ClipStatus(StrEnum):
    STORED = "stored"  # original kept, not yet processed
    QUEUED = "queued"
    INGESTING = "ingesting"
    READY = "ready"
    FAILED = "failed"


#: A clip's state in practitioners' words.
CLIP_STATUS_WORDS: dict[ClipStatus, str] = {
    ClipStatus.STORED: "kept, not prepared yet",
    ClipStatus.QUEUED: "waiting to be prepared",
    ClipStatus.INGESTING: "being prepared",
    ClipStatus.READY: "ready to code",
    ClipStatus.FAILED: "could not be prepared",
}


@dataclass(frozen=True)
class Clip:
    id: int
    session_id: int
    family_id: int
    original_name: str
    sha256: str
    size_bytes: int
    status: ClipStatus
    uploaded_under: ConsentScope = ConsentScope.SHARED_REVIEW
    media: dict[str, Any] = field(default_factory=dict)
    failure_reason: str = ""
    third_parties_in_frame: bool = False
    duration_ms: int | None = None
    created_at: datetime | None = None


def clip_label(clip: Clip, held_on: date | None = None) -> str:
    """How a clip is named on screen, in practitioners' words (never its file name):
    ``Clip 3 · visit of 7 Nov 2026 · 0:30``."""
    parts = [f"Clip {clip.id}"]
    if held_on is not None:
        parts.append(f"visit of {held_on.day} {held_on:%b %Y}")
    if clip.duration_ms:
        parts.append(format_ms(clip.duration_ms, 0))
    return " · ".join(parts)
