"""The audit log: every change's entry, chained so that an edit, insertion or removal
shows (``verify_audit_chain``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from attune.core.people import (
    AuditEntry,
)
from attune.storage.models import (
    AuditHeadRecord,
    AuditRecord,
)
from attune.storage.txbase import TxBase, utcnow

GENESIS_HASH = "0" * 64


def audit_hash(prev_hash: str, at: datetime, actor: str, action: str, object_type: str,
               object_id: str, detail: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of an entry and its predecessor's hash."""
    payload = json.dumps(
        [prev_hash, at.astimezone(UTC).isoformat(), actor, action, object_type, object_id,
         detail],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""
    entry_id: int | None = None


class AuditLog(TxBase):
    def audit(self, action: str, object_type: str, object_id: object,
              detail: dict[str, Any] | None = None) -> AuditEntry:
        """Append an audit entry chained to the previous one (in this transaction)."""
        head = self.orm.execute(
            select(AuditHeadRecord).where(AuditHeadRecord.id == 1).with_for_update()
        ).scalar_one()
        at = utcnow()
        detail = detail or {}
        digest = audit_hash(head.last_hash, at, self.actor, action, object_type,
                            str(object_id), detail)
        rec = AuditRecord(at=at, actor=self.actor, action=action, object_type=object_type,
                          object_id=str(object_id), detail=detail, prev_hash=head.last_hash,
                          hash=digest)
        self.orm.add(rec)
        self.orm.flush()
        head.last_id = rec.id
        head.last_hash = digest
        return _audit(rec)

    def audit_entries(self, *, object_type: str | None = None, object_id: object = None,
                      limit: int | None = None) -> list[AuditEntry]:
        q = select(AuditRecord).order_by(AuditRecord.id.desc())
        if object_type is not None:
            q = q.where(AuditRecord.object_type == object_type)
        if object_id is not None:
            q = q.where(AuditRecord.object_id == str(object_id))
        if limit is not None:
            q = q.limit(limit)
        return [_audit(r) for r in self.orm.scalars(q)]

    def verify_audit_chain(self) -> ChainReport:
        prev = GENESIS_HASH
        count = 0
        last_id = 0
        for rec in self.orm.scalars(select(AuditRecord).order_by(AuditRecord.id))\
                .yield_per(1000):
            count += 1
            if rec.prev_hash != prev:
                return ChainReport(False, count, "an entry before this one was removed, or "
                                   "this entry was moved", rec.id)
            expected = audit_hash(rec.prev_hash, rec.at, rec.actor, rec.action,
                                  rec.object_type, rec.object_id, rec.detail)
            if expected != rec.hash:
                return ChainReport(False, count, "this entry was changed after it was written",
                                   rec.id)
            prev = rec.hash
            last_id = rec.id
        head = self.orm.get(AuditHeadRecord, 1)
        if head is None or head.last_hash != prev or head.last_id != last_id:
            return ChainReport(False, count, "the newest entries were removed", last_id or None)
        return ChainReport(True, count)


def _audit(rec: AuditRecord) -> AuditEntry:
    return AuditEntry(rec.id, rec.at, rec.actor, rec.action, rec.object_type, rec.object_id,
                      dict(rec.detail or {}), rec.prev_hash, rec.hash)

