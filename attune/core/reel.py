"""Moments chosen for a reel, the reel, and what the parent said about a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ReelStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


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
    crop: dict[str, float] | None = None  # zoom and pan (attune.core.crop.Crop as a dict)


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
