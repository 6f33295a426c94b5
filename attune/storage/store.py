"""The database as the rest of attune sees it: a transaction object with one method per
thing practitioners do, returning frozen dataclasses from ``attune.core``.

Every change writes its audit entry in the same transaction (``Tx.audit``), so a change
and its audit entry commit or roll back together. The audit log is a hash chain: each
entry's hash is an HMAC (keyed by the audit key, which is not in the database) of its
content and the previous entry's hash; ``verify_audit_chain`` finds an edited, inserted,
removed or rewritten entry (``attune.storage.audit``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from attune.errors import NotAllowedError
from attune.storage.accounts import Accounts, ThrottleState, UserAuth
from attune.storage.audit import (
    BEFORE_AUDIT_KEYS,
    GENESIS_HASH,
    AuditLog,
    ChainReport,
    audit_hash,
    audit_mac,
)
from attune.storage.clips import Clips
from attune.storage.coding import Coding, EventChange, StoredScheme
from attune.storage.db import current_revision, make_engine, migrate
from attune.storage.families import Families
from attune.storage.goals import Goals
from attune.storage.jobs import Jobs
from attune.storage.reels import Reels
from attune.storage.signins import SignIns
from attune.storage.suggestions import Suggestions
from attune.storage.txbase import utcnow

__all__ = ["GENESIS_HASH", "ChainReport", "Database", "EventChange", "StoredScheme",
           "ThrottleState", "Tx", "UserAuth", "audit_hash", "audit_mac", "utcnow"]


class Database:
    """An engine plus a session factory. ``transaction(actor)`` is the unit of work."""

    def __init__(self, engine: Engine, *, audit_key: bytes) -> None:
        if not audit_key:
            raise ValueError("an audit key is needed (Settings.audit_key)")
        self.engine = engine
        self.audit_key = audit_key
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._local = threading.local()
        #: how many transactions of this process audited something (and committed)
        self.changes = 0

    @classmethod
    def open(cls, url: str, *, audit_key: bytes, migrate_to_head: bool = False) -> Database:
        engine = make_engine(url)
        db = cls(engine, audit_key=audit_key)
        if migrate_to_head:
            before = current_revision(engine)
            migrate(engine)
            if before in BEFORE_AUDIT_KEYS:
                # the entries of attune before audit keys are checked and sealed now
                with db.transaction("system") as tx:
                    tx.seal_audit_chain("entries written before this installation's audit "
                                        "key", sha256=True)
        return db

    @contextmanager
    def transaction(self, actor: str) -> Iterator[Tx]:
        """One atomic unit: everything in the block commits together or not at all.

        A refusal (:class:`NotAllowedError`) rolls the block back and is then audited in
        a transaction of its own, so that the attempt stays on record.
        """
        if getattr(self._local, "open", False):
            # On SQLite a second transaction waits for the first one's write lock until
            # it fails; on PostgreSQL it would not see the first one's changes.
            raise RuntimeError("a transaction is already open in this thread: finish it "
                               "before starting another (read what you need first)")
        try:
            self._local.open = True
            try:
                with self._sessions() as orm:
                    with orm.begin():
                        tx = Tx(orm, actor, self.audit_key)
                        yield tx
                    if tx.changed:
                        self.changes += 1
            finally:
                self._local.open = False
        except NotAllowedError as exc:
            if not exc.audited:
                exc.audited = True
                with self.transaction(actor) as tx:
                    tx.audit("not-allowed", "access", exc.what, dict(exc.detail))
            raise

    def dispose(self) -> None:
        self.engine.dispose()


class Tx(Suggestions, Reels, Coding, Clips, Goals, Families, Accounts, SignIns, Jobs, AuditLog):
    """One transaction: a method per thing practitioners do, grouped by aggregate in the
    modules of ``attune.storage`` (accounts, families and consent, goals and visit plans,
    clips, coding, suggested marks, reels,
    sign-in sessions, jobs, audit)."""
