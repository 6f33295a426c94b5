"""The audit log: every change's entry, chained so that an edit, insertion, removal or
reordering shows (``verify_audit_chain``), and keyed so that it cannot be rewritten.

Each entry's ``hash`` is an HMAC-SHA-256, keyed by the installation's audit key (kept
outside the database: ``ATTUNE_AUDIT_KEY`` or ``<data folder>/audit_key``), over its
content and the previous entry's hash. Someone who can change the database but does not
have the key cannot recompute the chain after deleting or editing an entry. The newest
entries can still be cut off together with the head row; ``attune audit anchor`` keeps
the head outside the database so that ``attune audit verify --anchors`` finds that too.

Entries written before the key existed (plain SHA-256, attune before revision 0005) or
with another installation's key (a restore) cannot be checked with this key. They are
*sealed*, never silently adopted: the first keyed entry after them is an
``audit-sealed`` entry whose detail records how many entries came before it, a digest
of all of them, and what was found when they were checked (the old chain's hashes for
SHA-256 entries; the links for another key's). Verification recomputes that digest, so
an earlier entry changed after the seal shows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import select, text

from attune.core.audit import AuditEntry
from attune.storage.models import (
    AuditHeadRecord,
    AuditRecord,
)
from attune.storage.txbase import TxBase, utcnow

GENESIS_HASH = "0" * 64
#: Alembic revisions of attune before audit keys: a database still at one of these (or
#: being migrated from one) may hold plain SHA-256 entries, which are sealed. Anywhere
#: else an entry without this key's HMAC was changed, or written without the key.
BEFORE_AUDIT_KEYS = frozenset({"0001", "0002", "0003", "0004"})
#: The action of the entry that seals entries not written with this installation's key.
SEALED = "audit-sealed"


def _payload(prev_hash: str, at: datetime, actor: str, action: str, object_type: str,
             object_id: str, detail: Mapping[str, Any]) -> bytes:
    return json.dumps(
        [prev_hash, at.astimezone(UTC).isoformat(), actor, action, object_type, object_id,
         detail],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    ).encode("utf-8")


def audit_hash(prev_hash: str, at: datetime, actor: str, action: str, object_type: str,
               object_id: str, detail: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 of attune before revision 0005 (to check old entries)."""
    return hashlib.sha256(_payload(prev_hash, at, actor, action, object_type, object_id,
                                   detail)).hexdigest()


def audit_mac(key: bytes, prev_hash: str, at: datetime, actor: str, action: str,
              object_type: str, object_id: str, detail: Mapping[str, Any]) -> str:
    """HMAC-SHA-256 of an entry and its predecessor's hash, keyed by the audit key."""
    if not key:
        raise ValueError("the audit key is empty")
    return hmac.new(key, _payload(prev_hash, at, actor, action, object_type, object_id,
                                  detail), hashlib.sha256).hexdigest()


class ChainRow(NamedTuple):
    """One audit entry as stored (from the database or from a backup)."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""
    entry_id: int | None = None
    last_id: int = 0
    last_hash: str = GENESIS_HASH
    #: entries written before the key or with another key, sealed by a keyed entry
    sealed: int = 0
    #: the only problem: the entries from ``entry_id`` on do not carry this key's HMAC
    unkeyed_tail: bool = False


def _digest_line(row: ChainRow) -> bytes:
    return json.dumps([row.id, row.at.astimezone(UTC).isoformat(), row.actor, row.action,
                       row.object_type, row.object_id, row.detail, row.prev_hash, row.hash],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False
                      ).encode("utf-8") + b"\n"


def check_chain(rows: Iterable[ChainRow], key: bytes,
                head: tuple[int, str] | None) -> ChainReport:
    """Check a whole chain against ``key`` and the head ``(last_id, last_hash)``.

    Every entry must follow the one before it and carry this key's HMAC, except entries
    sealed by a later ``audit-sealed`` entry (see the module's doc).
    """
    prev, count, last_id = GENESIS_HASH, 0, 0
    digest = hashlib.sha256()
    unkeyed_from: int | None = None  # first entry since the last seal without our HMAC
    sealed = 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            return ChainReport(False, count, "an entry before this one was removed, or this "
                               "entry was moved", row.id)
        mac = audit_mac(key, row.prev_hash, row.at, row.actor, row.action, row.object_type,
                        row.object_id, row.detail)
        if hmac.compare_digest(mac, row.hash):
            if unkeyed_from is not None:
                if not (row.action == SEALED
                        and row.detail.get("sealed_entries") == count - 1
                        and row.detail.get("sealed_digest") == digest.hexdigest()):
                    return ChainReport(False, count, "this entry was changed after it was "
                                       "written, or written without the audit key",
                                       unkeyed_from)
                if row.detail.get("earlier_problem"):
                    return ChainReport(False, count, "the log was already broken when the "
                                       f"audit key sealed it: {row.detail['earlier_problem']}",
                                       row.id)
                sealed = count - 1
                unkeyed_from = None
        elif unkeyed_from is None:
            unkeyed_from = row.id
        digest.update(_digest_line(row))
        prev, last_id = row.hash, row.id
    if unkeyed_from is not None and head is not None and head == (last_id, prev):
        return ChainReport(False, count, "this entry was changed after it was written, or "
                           "written without the audit key", unkeyed_from, last_id, prev,
                           sealed, unkeyed_tail=True)
    if head is None or head[1] != prev or head[0] != last_id:
        return ChainReport(False, count, "the newest entries were removed", last_id or None)
    return ChainReport(True, count, last_id=last_id, last_hash=prev, sealed=sealed)


def _row(rec: AuditRecord) -> ChainRow:
    return ChainRow(rec.id, rec.at, rec.actor, rec.action, rec.object_type, rec.object_id,
                    rec.detail or {}, rec.prev_hash, rec.hash)


class AuditLog(TxBase):
    def audit(self, action: str, object_type: str, object_id: object,
              detail: dict[str, Any] | None = None) -> AuditEntry:
        """Append an audit entry chained to the previous one (in this transaction)."""
        head = self._audit_head()
        if head.last_id and not self._keyed(head):
            revision = self.orm.execute(text("SELECT version_num FROM alembic_version")
                                        ).scalar()
            self._seal(head, "entries written before this installation's audit key",
                       sha256=revision in BEFORE_AUDIT_KEYS)
        return self._append(head, action, object_type, str(object_id), detail or {})

    def _audit_head(self) -> AuditHeadRecord:
        return self.orm.execute(
            select(AuditHeadRecord).where(AuditHeadRecord.id == 1).with_for_update()
        ).scalar_one()

    def _append(self, head: AuditHeadRecord, action: str, object_type: str, object_id: str,
                detail: dict[str, Any]) -> AuditEntry:
        at = utcnow()
        digest = audit_mac(self.audit_key, head.last_hash, at, self.actor, action,
                           object_type, object_id, detail)
        rec = AuditRecord(at=at, actor=self.actor, action=action, object_type=object_type,
                          object_id=object_id, detail=detail, prev_hash=head.last_hash,
                          hash=digest)
        self.orm.add(rec)
        self.orm.flush()
        self.changed = True
        head.last_id = rec.id
        head.last_hash = digest
        return _audit(rec)

    def _keyed(self, head: AuditHeadRecord) -> bool:
        """Does the newest entry carry this key's HMAC?"""
        rec = self.orm.get(AuditRecord, head.last_id)
        if rec is None:
            return False
        r = _row(rec)
        return hmac.compare_digest(rec.hash, audit_mac(
            self.audit_key, r.prev_hash, r.at, r.actor, r.action, r.object_type, r.object_id,
            r.detail))

    def seal_audit_chain(self, reason: str, *, sha256: bool = False,
                         other_key: bool = False) -> AuditEntry | None:
        """Seal the entries not written with this key (see the module's doc); ``None``
        when there is nothing to seal. ``sha256``: the database comes from attune before
        audit keys, and entries with a valid plain SHA-256 chain from the first entry
        are accepted. ``other_key``: entries may carry another installation's HMAC (a
        restored backup whose links and head were checked). Anything else is sealed with
        its problem recorded, so that verification keeps reporting it."""
        head = self._audit_head()
        if not head.last_id or self._keyed(head):
            return None
        return self._seal(head, reason, sha256=sha256, other_key=other_key)

    def _seal(self, head: AuditHeadRecord, reason: str, *, sha256: bool = False,
              other_key: bool = False) -> AuditEntry:
        rows = [_row(r) for r in self.orm.scalars(
            select(AuditRecord).order_by(AuditRecord.id))]
        report = check_chain(rows, self.audit_key, (head.last_id, head.last_hash))
        detail: dict[str, Any] = {"reason": reason, "sealed_entries": len(rows),
                                  "sealed_digest": hashlib.sha256(
                                      b"".join(_digest_line(r) for r in rows)).hexdigest()}
        problem = "" if report.unkeyed_tail else \
            f"entry {report.entry_id}: {report.problem}"
        if not problem:
            tail = [r for r in rows if r.id >= (report.entry_id or 0)]
            # entries of attune before 0005 carry a plain SHA-256, which can be checked
            old = [r for r in tail if r.hash == audit_hash(
                r.prev_hash, r.at, r.actor, r.action, r.object_type, r.object_id, r.detail)]
            detail |= {"checked_by_sha256": len(old), "other_key": len(tail) - len(old)}
            if not other_key and not (sha256 and tail[0] is rows[0] and len(old) == len(tail)):
                # SHA-256 entries come only before the first keyed one; anything else
                # without the key was changed or added by someone without it
                bad = next((r for r in tail if r not in old), tail[0])
                problem = (f"entry {bad.id}: this entry was changed after it was written, "
                           "or written without the audit key")
        if problem:
            detail["earlier_problem"] = problem
        return self._append(head, SEALED, "audit", str(head.last_id), detail)

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

    def audit_head(self) -> tuple[int, str]:
        """(id, hash) of the newest entry, as the head row names it."""
        head = self.orm.get(AuditHeadRecord, 1)
        return (head.last_id, head.last_hash) if head is not None else (0, GENESIS_HASH)

    def newest_change(self, looks: Iterable[str]) -> tuple[int, str]:
        """(id, hash) of the newest entry whose action is not in ``looks`` (read backwards
        along the primary key: it stops at the first change)."""
        row = self.orm.execute(select(AuditRecord.id, AuditRecord.hash)
                               .where(AuditRecord.action.not_in(list(looks)))
                               .order_by(AuditRecord.id.desc()).limit(1)).first()
        return (row[0], row[1]) if row is not None else (0, GENESIS_HASH)

    def audit_hash_of(self, entry_id: int) -> str | None:
        rec = self.orm.get(AuditRecord, entry_id)
        return rec.hash if rec is not None else None

    def verify_audit_chain(self) -> ChainReport:
        rows = (_row(r) for r in self.orm.scalars(
            select(AuditRecord).order_by(AuditRecord.id)).yield_per(1000))
        head = self.orm.get(AuditHeadRecord, 1)
        return check_chain(rows, self.audit_key,
                           (head.last_id, head.last_hash) if head is not None else None)


def _audit(rec: AuditRecord) -> AuditEntry:
    return AuditEntry(rec.id, rec.at, rec.actor, rec.action, rec.object_type, rec.object_id,
                      dict(rec.detail or {}), rec.prev_hash, rec.hash)
