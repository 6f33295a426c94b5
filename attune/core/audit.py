"""An entry of the audit log, as the rest of attune reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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


#: Audit entries that record a look, not a change: signing in, watching or downloading,
#: exports and reports, refusals. The data's version (what pages cache under, see
#: ``attune.ui.cache``) is the newest entry of any other action.
LOOK_ACTIONS: frozenset[str] = frozenset({
    "sign-in", "sign-in-refused", "serve-media", "view", "download", "handout", "export",
    "backup", "agreement", "agreement-report", "title-read-by-colleague", "not-allowed",
    "portfolio-made",
})
