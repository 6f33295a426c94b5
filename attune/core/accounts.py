"""People's accounts and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    SUPERVISOR = "supervisor"
    PARENT = "parent"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool = True
    supervisor_id: int | None = None
    locked_until: datetime | None = None
