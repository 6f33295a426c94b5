"""Who codes a clip: the family's coder, a blind second coder, a gold standard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


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
class Calibration:
    """A calibration session: gold clips trainees code blind; a code passes when the
    trainee's specific agreement with the gold coding reaches ``pass_line_percent``."""

    id: int
    title: str
    supervisor: str
    pass_line_percent: int
    clip_ids: tuple[int, ...]
    trainees: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class SupervisionSession:
    """A supervision session as logged: who supervised whom, when and for how long, the
    clips and reels watched, the supervisor's notes and the agreed next steps."""

    id: int
    supervisor: str
    practitioner: str
    held_on: date
    minutes: int
    clip_ids: tuple[int, ...]
    reel_ids: tuple[int, ...]
    notes: str
    actions: str  # the agreed next steps
    created_at: datetime
