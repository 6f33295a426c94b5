"""What every part of a transaction shares: the ORM session and the acting account."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session as OrmSession


def utcnow() -> datetime:
    return datetime.now(UTC)


class TxBase:
    def __init__(self, orm: OrmSession, actor: str, audit_key: bytes) -> None:
        self.orm = orm
        self.actor = actor
        #: keys the audit chain's HMAC; kept outside the database (attune.config)
        self.audit_key = audit_key
        #: set when this transaction audited something (every change is audited)
        self.changed = False
