"""Users, families, sessions and clips as the rest of the code sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from attune.core.consent import ConsentScope
from attune.core.pronouns import Pronoun
from attune.core.spans import format_ms


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    SUPERVISOR = "supervisor"
    PARENT = "parent"
    ADMIN = "admin"


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


class ReelStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class CodingRole(StrEnum):
    PRIMARY = "primary"  # the family's practitioner coding their own clip
    SECOND = "second"  # blind double-coding by a second practitioner
    GOLD = "gold"  # an expert's reference coding, for calibration


#: Coding roles in practitioners' words.
CODING_ROLE_WORDS: dict[CodingRole, str] = {
    CodingRole.PRIMARY: "the family's coder",
    CodingRole.SECOND: "second coder (blind)",
    CodingRole.GOLD: "gold-standard coder",
}


@dataclass(frozen=True)
class CodingAssignment:
    clip_id: int
    coder: str
    role: CodingRole
    assigned_at: datetime
    assigned_by: str = ""
    done_at: datetime | None = None


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool = True
    supervisor_id: int | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Family:
    id: int
    code: str
    baby_name: str
    birth_month: str | None = None  # "YYYY-MM"
    involvement_ended_on: date | None = None
    practitioners: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    pronoun: Pronoun = Pronoun.THEY  # how words for parents speak of the baby


@dataclass(frozen=True)
class Session:
    """A visit: one family, one day, one practitioner."""

    id: int
    family_id: int
    held_on: date
    practitioner: str
    note: str = ""


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


@dataclass(frozen=True)
class Moment:
    id: int
    clip_id: int
    start_ms: int
    end_ms: int
    caption: str = ""
    key_ms: int | None = None
    position: int = 0
    film_stop: bool = False
    film_stop_caption: str = ""
    slow_replay: bool = False
    caption_override: str = ""  # the practitioner's reason for keeping a flagged caption
    caption_position: str = "bottom"  # "bottom" or "top" of the picture (clear of faces)


@dataclass(frozen=True)
class Reel:
    id: int
    family_id: int
    title: str
    status: ReelStatus
    moment_ids: tuple[int, ...] = ()
    path: str | None = None
    duration_ms: int | None = None
    error: str = ""
    rendered_at: datetime | None = None
    created_at: datetime | None = None
    # the version the family's parents see (None: not shared); its file stays as it was
    # shared however the reel is edited afterwards
    shared_at: datetime | None = None
    shared_path: str | None = None

    @property
    def shared(self) -> bool:
        return self.shared_at is not None


@dataclass(frozen=True)
class Reflection:
    """What the parent said about a moment, typed by the practitioner."""

    id: int
    moment_id: int
    reel_id: int | None
    text: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str
