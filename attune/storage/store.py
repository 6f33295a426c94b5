"""The database as the rest of attune sees it: a transaction object with one method per
thing practitioners do, returning frozen dataclasses from ``attune.core``.

Every change writes its audit entry in the same transaction (``Tx.audit``), so a change
and its audit entry commit or roll back together. The audit log is a hash chain: each
entry's hash covers its content and the previous entry's hash; ``verify_audit_chain``
finds an edited, inserted or removed entry.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from attune.core.consent import ConsentDecision, ConsentScope
from attune.core.events import Event
from attune.core.people import (
    AuditEntry,
    Clip,
    ClipStatus,
    CodingAssignment,
    CodingRole,
    Family,
    Moment,
    Reel,
    ReelStatus,
    Reflection,
    Role,
    Session,
    User,
)
from attune.core.scheme import EventKind
from attune.errors import ConflictError, InputError, NotAllowedError, NotFoundError
from attune.storage.db import make_engine, migrate
from attune.storage.models import (
    AuditHeadRecord,
    AuditRecord,
    ClipRecord,
    CodingAssignmentRecord,
    ConsentRecord,
    EventChangeRecord,
    EventRecord,
    FamilyParentRecord,
    FamilyPractitionerRecord,
    FamilyRecord,
    JobRecord,
    MomentRecord,
    ReelMomentRecord,
    ReelRecord,
    ReflectionRecord,
    SchemeRecord,
    SessionRecord,
    SignInSessionRecord,
    UserRecord,
)

GENESIS_HASH = "0" * 64


def utcnow() -> datetime:
    return datetime.now(UTC)


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
class UserAuth:
    """What signing in needs to know about an account (never leaves the services)."""

    user: User
    password_hash: str
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True)
class StoredScheme:
    id: int
    name: str
    version: int
    document: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    object_id: int
    status: str
    stage: str
    percent: int
    error: str
    updated_at: datetime
    worker: str = ""


@dataclass(frozen=True)
class EventChange:
    event_id: int
    actor: str
    at: datetime
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""
    entry_id: int | None = None


class Database:
    """An engine plus a session factory. ``transaction(actor)`` is the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._local = threading.local()

    @classmethod
    def open(cls, url: str, *, migrate_to_head: bool = False) -> Database:
        engine = make_engine(url)
        if migrate_to_head:
            migrate(engine)
        return cls(engine)

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
                with self._sessions() as orm, orm.begin():
                    yield Tx(orm, actor)
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


class Tx:
    def __init__(self, orm: OrmSession, actor: str) -> None:
        self.orm = orm
        self.actor = actor

    # ---------------------------------------------------------------- audit
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

    # ---------------------------------------------------------------- users
    def add_user(self, username: str, display_name: str, role: Role, password_hash: str,
                 supervisor: str | None = None) -> User:
        if self.orm.scalar(select(UserRecord.id).where(UserRecord.username == username)):
            raise InputError(f"There is already an account called {username!r}; "
                             "choose another username.")
        sup_id = self._user_rec(supervisor).id if supervisor else None
        rec = UserRecord(username=username, display_name=display_name or username,
                         role=str(role), password_hash=password_hash, supervisor_id=sup_id,
                         created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "user", rec.id, {"username": username, "role": str(role)})
        return _user(rec)

    def _user_rec(self, username: str) -> UserRecord:
        rec = self.orm.scalar(select(UserRecord).where(UserRecord.username == username))
        if rec is None:
            raise NotFoundError(f"There is no account called {username!r}. "
                                "List accounts with `attune user list`.")
        return rec

    def get_user(self, username: str) -> User:
        return _user(self._user_rec(username))

    def user_by_id(self, user_id: int) -> User:
        rec = self.orm.get(UserRecord, user_id)
        if rec is None:
            raise NotFoundError(f"There is no account with id {user_id}.")
        return _user(rec)

    def list_users(self, role: Role | None = None) -> list[User]:
        q = select(UserRecord).order_by(UserRecord.username)
        if role is not None:
            q = q.where(UserRecord.role == str(role))
        return [_user(r) for r in self.orm.scalars(q)]

    def team_of(self, supervisor: str) -> list[User]:
        sup = self._user_rec(supervisor)
        return [_user(r) for r in self.orm.scalars(
            select(UserRecord).where(UserRecord.supervisor_id == sup.id)
            .order_by(UserRecord.username))]

    def user_auth(self, username: str) -> UserAuth:
        rec = self._user_rec(username)
        return UserAuth(_user(rec), rec.password_hash, rec.failed_logins, rec.locked_until)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        rec = self._user_rec(username)
        rec.password_hash = password_hash
        rec.failed_logins = 0
        rec.locked_until = None
        self.audit("set-password", "user", rec.id, {"username": username})

    def record_login(self, username: str, *, success: bool,
                     locked_until: datetime | None = None) -> None:
        rec = self._user_rec(username)
        if success:
            rec.failed_logins = 0
            rec.locked_until = None
            self.audit("sign-in", "user", rec.id)
        else:
            rec.failed_logins += 1
            rec.locked_until = locked_until
            self.audit("sign-in-failed", "user", rec.id,
                       {"failed_logins": rec.failed_logins,
                        "locked": locked_until is not None})

    def set_user_active(self, username: str, active: bool) -> None:
        rec = self._user_rec(username)
        rec.active = active
        self.audit("activate" if active else "deactivate", "user", rec.id)

    # ---------------------------------------------------------------- families
    def add_family(self, code: str, baby_name: str, birth_month: str | None = None) -> Family:
        if self.orm.scalar(select(FamilyRecord.id).where(FamilyRecord.code == code)):
            raise InputError(f"A family with code {code!r} already exists; "
                             "choose another code.")
        rec = FamilyRecord(code=code, baby_name=baby_name, birth_month=birth_month,
                           created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "family", rec.id, {"code": code})
        return self._family(rec)

    def _family_rec(self, code: str) -> FamilyRecord:
        rec = self.orm.scalar(select(FamilyRecord).where(FamilyRecord.code == code))
        if rec is None:
            raise NotFoundError(f"There is no family with code {code!r}. "
                                "List families with `attune family list`.")
        return rec

    def _family(self, rec: FamilyRecord) -> Family:
        practitioners = tuple(self.orm.scalars(
            select(UserRecord.username).join(
                FamilyPractitionerRecord, FamilyPractitionerRecord.user_id == UserRecord.id)
            .where(FamilyPractitionerRecord.family_id == rec.id).order_by(UserRecord.username)))
        parents = tuple(self.orm.scalars(
            select(UserRecord.username).join(
                FamilyParentRecord, FamilyParentRecord.user_id == UserRecord.id)
            .where(FamilyParentRecord.family_id == rec.id).order_by(UserRecord.username)))
        return Family(rec.id, rec.code, rec.baby_name, rec.birth_month,
                      rec.involvement_ended_on, practitioners, parents)

    def get_family(self, code: str) -> Family:
        return self._family(self._family_rec(code))

    def family_by_id(self, family_id: int) -> Family:
        rec = self.orm.get(FamilyRecord, family_id)
        if rec is None:
            raise NotFoundError(f"There is no family with id {family_id}.")
        return self._family(rec)

    def list_families(self) -> list[Family]:
        return [self._family(r) for r in
                self.orm.scalars(select(FamilyRecord).order_by(FamilyRecord.code))]

    def assign_practitioner(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        if user.role not in (Role.PRACTITIONER, Role.SUPERVISOR):
            raise InputError(f"{username} is a {user.role}, not a practitioner; only "
                             "practitioners and supervisors can be assigned to a family.")
        if self.orm.get(FamilyPractitionerRecord, (fam.id, user.id)) is None:
            self.orm.add(FamilyPractitionerRecord(family_id=fam.id, user_id=user.id))
            self.audit("assign-practitioner", "family", fam.id, {"username": username})

    def unassign_practitioner(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        rec = self.orm.get(FamilyPractitionerRecord, (fam.id, user.id))
        if rec is not None:
            self.orm.delete(rec)
            self.audit("unassign-practitioner", "family", fam.id, {"username": username})

    def link_parent(self, code: str, username: str) -> None:
        fam, user = self._family_rec(code), self._user_rec(username)
        if user.role != Role.PARENT:
            raise InputError(f"{username} is a {user.role} account; link a parent account.")
        if self.orm.get(FamilyParentRecord, (fam.id, user.id)) is None:
            self.orm.add(FamilyParentRecord(family_id=fam.id, user_id=user.id))
            self.audit("link-parent", "family", fam.id, {"username": username})

    def set_involvement_end(self, code: str, ended_on: date | None) -> None:
        rec = self._family_rec(code)
        rec.involvement_ended_on = ended_on
        self.audit("set-involvement-end", "family", rec.id,
                   {"ended_on": ended_on.isoformat() if ended_on else None})

    def delete_family(self, code: str) -> None:
        rec = self._family_rec(code)
        self.orm.delete(rec)
        self.audit("delete", "family", rec.id, {"code": code})

    # ---------------------------------------------------------------- consent
    def record_consent(self, family_id: int, scope: ConsentScope, granted: bool,
                       decided_on: date, evidence: str = "", clip_id: int | None = None,
                       retain_until: date | None = None) -> ConsentDecision:
        recorder = self._user_rec(self.actor)
        rec = ConsentRecord(family_id=family_id, clip_id=clip_id, scope=str(scope),
                            granted=granted, decided_on=decided_on, recorded_by=recorder.id,
                            evidence=evidence, retain_until=retain_until, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("consent-record", "consent", rec.id,
                   {"family_id": family_id, "clip_id": clip_id, "scope": str(scope),
                    "granted": granted, "decided_on": decided_on.isoformat(),
                    "retain_until": retain_until.isoformat() if retain_until else None})
        return self._consent(rec)

    def _consent(self, rec: ConsentRecord) -> ConsentDecision:
        recorder = self.orm.get(UserRecord, rec.recorded_by)
        return ConsentDecision(
            family_id=rec.family_id, scope=ConsentScope(rec.scope), granted=rec.granted,
            decided_on=rec.decided_on, clip_id=rec.clip_id, retain_until=rec.retain_until,
            withdrawn_on=rec.withdrawn_on, id=rec.id,
            recorded_by=recorder.username if recorder else "", evidence=rec.evidence)

    def consents_for_family(self, family_id: int) -> list[ConsentDecision]:
        return [self._consent(r) for r in self.orm.scalars(
            select(ConsentRecord).where(ConsentRecord.family_id == family_id)
            .order_by(ConsentRecord.id))]

    def withdraw_consent(self, family_id: int, scope: ConsentScope, on: date,
                         clip_id: int | None = None) -> list[ConsentDecision]:
        """Mark every granted, unwithdrawn decision of this scope (for the family, or for
        one clip) as withdrawn on ``on``. Returns what was withdrawn."""
        q = select(ConsentRecord).where(
            ConsentRecord.family_id == family_id, ConsentRecord.scope == str(scope),
            ConsentRecord.granted.is_(True), ConsentRecord.withdrawn_on.is_(None))
        if clip_id is not None:
            q = q.where(ConsentRecord.clip_id == clip_id)
        withdrawer = self._user_rec(self.actor)
        changed = []
        for rec in self.orm.scalars(q):
            rec.withdrawn_on = on
            rec.withdrawn_by = withdrawer.id
            changed.append(self._consent(rec))
            self.audit("consent-withdraw", "consent", rec.id,
                       {"family_id": family_id, "clip_id": rec.clip_id, "scope": str(scope),
                        "withdrawn_on": on.isoformat()})
        return changed

    # ---------------------------------------------------------------- sessions
    def add_session(self, family_id: int, held_on: date, practitioner: str,
                    note: str = "") -> Session:
        user = self._user_rec(practitioner)
        rec = SessionRecord(family_id=family_id, held_on=held_on, practitioner_id=user.id,
                            note=note)
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "session", rec.id, {"family_id": family_id,
                                                 "held_on": held_on.isoformat()})
        return Session(rec.id, family_id, held_on, practitioner, note)

    def get_session(self, session_id: int) -> Session:
        rec = self.orm.get(SessionRecord, session_id)
        if rec is None:
            raise NotFoundError(f"There is no session with id {session_id}.")
        return self._session(rec)

    def _session(self, rec: SessionRecord) -> Session:
        user = self.orm.get(UserRecord, rec.practitioner_id)
        return Session(rec.id, rec.family_id, rec.held_on, user.username if user else "",
                       rec.note)

    def sessions_for_family(self, family_id: int) -> list[Session]:
        return [self._session(r) for r in self.orm.scalars(
            select(SessionRecord).where(SessionRecord.family_id == family_id)
            .order_by(SessionRecord.held_on, SessionRecord.id))]

    def find_session(self, family_id: int, held_on: date) -> Session | None:
        rec = self.orm.scalar(select(SessionRecord).where(
            SessionRecord.family_id == family_id, SessionRecord.held_on == held_on)
            .order_by(SessionRecord.id))
        return self._session(rec) if rec else None

    # ---------------------------------------------------------------- clips
    def add_clip(self, session_id: int, original_name: str, sha256: str, size_bytes: int,
                 uploaded_under: ConsentScope, status: ClipStatus = ClipStatus.STORED,
                 media: dict[str, Any] | None = None,
                 third_parties_in_frame: bool = False) -> Clip:
        creator = self._user_rec(self.actor)
        rec = ClipRecord(session_id=session_id, original_name=original_name, sha256=sha256,
                         size_bytes=size_bytes, status=str(status),
                         uploaded_under=str(uploaded_under), media=media or {},
                         third_parties_in_frame=third_parties_in_frame,
                         created_by=creator.id, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "clip", rec.id, {"session_id": session_id, "sha256": sha256,
                                              "size_bytes": size_bytes})
        return self._clip(rec)

    def _clip_rec(self, clip_id: int) -> ClipRecord:
        rec = self.orm.get(ClipRecord, clip_id)
        if rec is None:
            raise NotFoundError(f"There is no clip with id {clip_id}. "
                                "List a family's clips with `attune family list --clips`.")
        return rec

    def _clip(self, rec: ClipRecord) -> Clip:
        session = self.orm.get(SessionRecord, rec.session_id)
        assert session is not None  # foreign key
        return Clip(rec.id, rec.session_id, session.family_id, rec.original_name, rec.sha256,
                    rec.size_bytes, ClipStatus(rec.status), ConsentScope(rec.uploaded_under),
                    dict(rec.media or {}), rec.failure_reason, rec.third_parties_in_frame,
                    rec.duration_ms, rec.created_at)

    def get_clip(self, clip_id: int) -> Clip:
        return self._clip(self._clip_rec(clip_id))

    def clips_for_family(self, family_id: int) -> list[Clip]:
        return [self._clip(r) for r in self.orm.scalars(
            select(ClipRecord).join(SessionRecord, SessionRecord.id == ClipRecord.session_id)
            .where(SessionRecord.family_id == family_id).order_by(ClipRecord.id))]

    def all_clips(self) -> list[Clip]:
        return [self._clip(r) for r in self.orm.scalars(select(ClipRecord)
                                                        .order_by(ClipRecord.id))]

    def clips_with_sha(self, sha256: str) -> list[int]:
        return list(self.orm.scalars(select(ClipRecord.id).where(ClipRecord.sha256 == sha256)))

    def set_clip_media(self, clip_id: int, *, status: ClipStatus,
                       media: dict[str, Any] | None = None, duration_ms: int | None = None,
                       failure_reason: str = "") -> Clip:
        rec = self._clip_rec(clip_id)
        rec.status = str(status)
        if media is not None:
            rec.media = media
        if duration_ms is not None:
            rec.duration_ms = duration_ms
        rec.failure_reason = failure_reason
        self.audit("set-status", "clip", clip_id,
                   {"status": str(status), "failure_reason": failure_reason})
        return self._clip(rec)

    def set_third_parties(self, clip_id: int, flagged: bool) -> None:
        rec = self._clip_rec(clip_id)
        rec.third_parties_in_frame = flagged
        self.audit("flag-third-parties", "clip", clip_id, {"flagged": flagged})

    def delete_clip(self, clip_id: int, reason: str) -> Clip:
        """Delete the clip's row and every row made from it; audit a tombstone that keeps
        ids, the hash and who did it, nothing of the content."""
        rec = self._clip_rec(clip_id)
        clip = self._clip(rec)
        reel_ids = list(self.orm.scalars(
            select(ReelMomentRecord.reel_id).join(
                MomentRecord, MomentRecord.id == ReelMomentRecord.moment_id)
            .where(MomentRecord.clip_id == clip_id).distinct()))
        for reel_id in reel_ids:
            reel = self.orm.get(ReelRecord, reel_id)
            if reel is not None:
                self.orm.delete(reel)
        event_ids = list(self.orm.scalars(select(EventRecord.id)
                                          .where(EventRecord.clip_id == clip_id)))
        if event_ids:
            self.orm.execute(delete(EventChangeRecord)
                             .where(EventChangeRecord.event_id.in_(event_ids)))
            self.orm.execute(update(EventRecord).where(EventRecord.clip_id == clip_id)
                             .values(answers_id=None))
            self.orm.execute(delete(EventRecord).where(EventRecord.clip_id == clip_id))
        self.orm.execute(delete(MomentRecord).where(MomentRecord.clip_id == clip_id))
        self.orm.execute(delete(ConsentRecord).where(ConsentRecord.clip_id == clip_id))
        self.orm.execute(delete(JobRecord).where(JobRecord.kind == "ingest",
                                                 JobRecord.object_id == clip_id))
        self.orm.delete(rec)
        self.orm.flush()
        self.audit("delete", "clip", clip_id,
                   {"tombstone": True, "reason": reason, "family_id": clip.family_id,
                    "session_id": clip.session_id, "sha256": clip.sha256,
                    "events_deleted": len(event_ids), "reels_deleted": reel_ids})
        return clip

    # ---------------------------------------------------------------- schemes
    def add_scheme(self, document: dict[str, Any]) -> StoredScheme:
        name, version = document["name"], int(document["version"])
        if self.orm.scalar(select(SchemeRecord.id).where(SchemeRecord.name == name,
                                                         SchemeRecord.version == version)):
            raise ConflictError(f"Coding scheme {name} v{version} already exists; a changed "
                                "scheme is saved as the next version.")
        user = self.orm.scalar(select(UserRecord).where(UserRecord.username == self.actor))
        rec = SchemeRecord(name=name, version=version, document=document,
                           created_by=user.id if user else None, created_at=utcnow())
        self.orm.add(rec)
        try:
            self.orm.flush()
        except IntegrityError as exc:
            raise ConflictError(f"Someone saved {name} v{version} at the same time; "
                                "reload the scheme and save again.") from exc
        self.audit("create", "scheme", rec.id, {"name": name, "version": version})
        return _scheme(rec)

    def get_scheme(self, name: str, version: int | None = None) -> StoredScheme:
        q = select(SchemeRecord).where(SchemeRecord.name == name)
        q = q.where(SchemeRecord.version == version) if version is not None else \
            q.order_by(SchemeRecord.version.desc())
        rec = self.orm.scalars(q).first()
        if rec is None:
            which = f"{name} v{version}" if version else name
            raise NotFoundError(f"There is no coding scheme {which}. "
                                "Run `attune init` to install the default scheme.")
        return _scheme(rec)

    def scheme_by_id(self, scheme_id: int) -> StoredScheme:
        rec = self.orm.get(SchemeRecord, scheme_id)
        if rec is None:
            raise NotFoundError(f"There is no coding scheme with id {scheme_id}.")
        return _scheme(rec)

    def list_schemes(self) -> list[StoredScheme]:
        return [_scheme(r) for r in self.orm.scalars(
            select(SchemeRecord).order_by(SchemeRecord.name, SchemeRecord.version))]

    # ---------------------------------------------------------------- events
    def add_event(self, clip_id: int, event: Event, coder: str | None = None,
                  answers_id: int | None = None) -> Event:
        self._clip_rec(clip_id)
        coder_rec = self._user_rec(coder or event.coder or self.actor)
        scheme = self.get_scheme(event.scheme, event.scheme_version)
        if answers_id is not None:
            self._check_link(clip_id, answers_id)
        now = utcnow()
        rec = EventRecord(clip_id=clip_id, coder_id=coder_rec.id, scheme_id=scheme.id,
                          kind=str(event.kind), code=event.code, start_ms=event.start_ms,
                          end_ms=event.end_ms, answers_id=answers_id, note=event.note,
                          modifiers=list(event.modifiers), version=1, created_at=now,
                          updated_at=now)
        self.orm.add(rec)
        self.orm.flush()
        stored = self._event(rec)
        self._history(rec.id, "create", None, _event_dict(stored))
        self.audit("create", "event", rec.id, {"clip_id": clip_id, "code": event.code})
        return stored

    def add_events(self, clip_id: int, events: Sequence[Event],
                   links: dict[int, int] | None = None) -> list[Event]:
        """Add many events in this transaction. ``links`` maps an index in ``events`` to
        the index of the event it answers (file-local links become database ids)."""
        stored: list[Event] = []
        for ev in events:
            stored.append(self.add_event(clip_id, ev))
        for i, j in (links or {}).items():
            rec = self.orm.get(EventRecord, stored[i].id)
            assert rec is not None
            rec.answers_id = stored[j].id
            stored[i] = self._event(rec)
        return stored

    def _check_link(self, clip_id: int, answers_id: int) -> None:
        target = self.orm.get(EventRecord, answers_id)
        if target is None or target.clip_id != clip_id:
            raise InputError(f"Event {answers_id} is not an event of clip {clip_id}; "
                             "a response can only answer a cue of the same clip.")

    def _event_rec(self, event_id: int) -> EventRecord:
        rec = self.orm.get(EventRecord, event_id)
        if rec is None:
            raise NotFoundError(f"There is no event with id {event_id}; it may have been "
                                "purged.")
        return rec

    def _event(self, rec: EventRecord) -> Event:
        coder = self.orm.get(UserRecord, rec.coder_id)
        scheme = self.orm.get(SchemeRecord, rec.scheme_id)
        assert coder is not None and scheme is not None
        return Event(kind=EventKind(rec.kind), code=rec.code, start_ms=rec.start_ms,
                     end_ms=rec.end_ms, coder=coder.username, id=rec.id, clip_id=rec.clip_id,
                     scheme=scheme.name, scheme_version=scheme.version,
                     answers_id=rec.answers_id, note=rec.note,
                     modifiers=tuple(rec.modifiers or ()), version=rec.version,
                     deleted_at=rec.deleted_at, created_at=rec.created_at)

    def get_event(self, event_id: int) -> Event:
        return self._event(self._event_rec(event_id))

    def list_events(self, clip_id: int, coder: str | None = None,
                    include_deleted: bool = False) -> list[Event]:
        q = select(EventRecord).where(EventRecord.clip_id == clip_id)
        if coder is not None:
            q = q.where(EventRecord.coder_id == self._user_rec(coder).id)
        if not include_deleted:
            q = q.where(EventRecord.deleted_at.is_(None))
        q = q.order_by(EventRecord.start_ms, EventRecord.id)
        users = {u.id: u.username for u in self.orm.scalars(select(UserRecord))}
        schemes = {s.id: (s.name, s.version) for s in self.orm.scalars(select(SchemeRecord))}
        out = []
        for rec in self.orm.scalars(q):
            name, version = schemes[rec.scheme_id]
            out.append(Event(kind=EventKind(rec.kind), code=rec.code, start_ms=rec.start_ms,
                             end_ms=rec.end_ms, coder=users[rec.coder_id], id=rec.id,
                             clip_id=rec.clip_id, scheme=name, scheme_version=version,
                             answers_id=rec.answers_id, note=rec.note,
                             modifiers=tuple(rec.modifiers or ()), version=rec.version,
                             deleted_at=rec.deleted_at, created_at=rec.created_at))
        return out

    def coders_of_clip(self, clip_id: int) -> list[str]:
        return list(self.orm.scalars(
            select(UserRecord.username).join(EventRecord, EventRecord.coder_id == UserRecord.id)
            .where(EventRecord.clip_id == clip_id, EventRecord.deleted_at.is_(None))
            .distinct().order_by(UserRecord.username)))

    def update_event(self, event_id: int, expected_version: int, **changes: Any) -> Event:
        """Change an event if nobody else changed it since ``expected_version`` was read.

        Allowed changes: code, start_ms, end_ms, answers_id, note, modifiers.
        """
        allowed = {"code", "start_ms", "end_ms", "answers_id", "note", "modifiers"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of an event")
        rec = self._event_rec(event_id)
        before = self._event(rec)
        if rec.version != expected_version:
            raise ConflictError(
                f"Event {event_id} was changed by someone else (it is now version "
                f"{rec.version}, you edited version {expected_version}). Reload the clip "
                "to see their change, then make yours again.")
        if changes.get("answers_id") is not None:
            self._check_link(rec.clip_id, changes["answers_id"])
        if "modifiers" in changes:
            changes["modifiers"] = list(changes["modifiers"])
        values = {**changes, "version": expected_version + 1, "updated_at": utcnow()}
        merged = {"start_ms": rec.start_ms, "end_ms": rec.end_ms, **changes}
        Event(before.kind, changes.get("code", rec.code), merged["start_ms"],
              merged["end_ms"])  # validates the new span
        result = self.orm.execute(
            update(EventRecord)
            .where(EventRecord.id == event_id, EventRecord.version == expected_version)
            .values(**values).execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"Event {event_id} was changed by someone else at the same "
                                "moment. Reload the clip, then make your change again.")
        self.orm.refresh(rec)
        after = self._event(rec)
        self._history(event_id, "update", _event_dict(before), _event_dict(after))
        self.audit("update", "event", event_id, {"fields": sorted(changes)})
        return after

    def delete_event(self, event_id: int, expected_version: int) -> Event:
        """Soft-delete: reversible with ``restore_event`` until purged."""
        rec = self._event_rec(event_id)
        before = self._event(rec)
        if rec.deleted_at is not None:
            return before
        if rec.version != expected_version:
            raise ConflictError(f"Event {event_id} was changed by someone else; reload "
                                "before deleting it.")
        rec.deleted_at = utcnow()
        rec.version += 1
        self.orm.flush()
        after = self._event(rec)
        self._history(event_id, "delete", _event_dict(before), _event_dict(after))
        self.audit("delete", "event", event_id, {"clip_id": rec.clip_id})
        return after

    def restore_event(self, event_id: int) -> Event:
        rec = self._event_rec(event_id)
        before = self._event(rec)
        rec.deleted_at = None
        rec.version += 1
        self.orm.flush()
        after = self._event(rec)
        self._history(event_id, "restore", _event_dict(before), _event_dict(after))
        self.audit("restore", "event", event_id, {"clip_id": rec.clip_id})
        return after

    def purge_deleted_events(self, clip_id: int | None = None) -> int:
        q = select(EventRecord.id).where(EventRecord.deleted_at.is_not(None))
        if clip_id is not None:
            q = q.where(EventRecord.clip_id == clip_id)
        ids = list(self.orm.scalars(q))
        if ids:
            self.orm.execute(update(EventRecord).where(EventRecord.answers_id.in_(ids))
                             .values(answers_id=None))
            self.orm.execute(delete(EventChangeRecord)
                             .where(EventChangeRecord.event_id.in_(ids)))
            self.orm.execute(delete(EventRecord).where(EventRecord.id.in_(ids)))
            self.audit("purge", "event", clip_id if clip_id is not None else "*",
                       {"count": len(ids)})
        return len(ids)

    def _history(self, event_id: int, action: str, before: dict[str, Any] | None,
                 after: dict[str, Any] | None) -> None:
        actor = self._user_rec(self.actor)
        self.orm.add(EventChangeRecord(event_id=event_id, actor_id=actor.id, at=utcnow(),
                                       action=action, before=before, after=after))

    def event_history(self, event_id: int) -> list[EventChange]:
        users = {u.id: u.username for u in self.orm.scalars(select(UserRecord))}
        return [EventChange(r.event_id, users.get(r.actor_id, "?"), r.at, r.action, r.before,
                            r.after)
                for r in self.orm.scalars(select(EventChangeRecord)
                                          .where(EventChangeRecord.event_id == event_id)
                                          .order_by(EventChangeRecord.id))]

    # ---------------------------------------------------------------- moments and reels
    def add_moment(self, clip_id: int, start_ms: int, end_ms: int, caption: str = "",
                   key_ms: int | None = None, position: int | None = None) -> Moment:
        self._clip_rec(clip_id)
        Event(EventKind.CUE, "-", start_ms, end_ms)  # validates the span
        creator = self._user_rec(self.actor)
        if position is None:
            position = (self.orm.scalar(select(func.max(MomentRecord.position))
                                        .where(MomentRecord.clip_id == clip_id)) or 0) + 1
        rec = MomentRecord(clip_id=clip_id, start_ms=start_ms, end_ms=end_ms, key_ms=key_ms,
                           caption=caption, position=position, created_by=creator.id,
                           created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "moment", rec.id, {"clip_id": clip_id})
        return _moment(rec)

    def get_moment(self, moment_id: int) -> Moment:
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is None:
            raise NotFoundError(f"There is no moment {moment_id}.")
        return _moment(rec)

    def update_moment(self, moment_id: int, **changes: Any) -> Moment:
        allowed = {"start_ms", "end_ms", "key_ms", "caption", "position", "film_stop",
                   "film_stop_caption", "slow_replay", "caption_override"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)} of a moment")
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is None:
            raise NotFoundError(f"There is no moment {moment_id}.")
        start = changes.get("start_ms", rec.start_ms)
        end = changes.get("end_ms", rec.end_ms)
        Event(EventKind.CUE, "-", start, end)  # validates the span
        for key, value in changes.items():
            setattr(rec, key, value)
        self.orm.flush()
        detail: dict[str, Any] = {"fields": sorted(changes)}
        if changes.get("caption_override"):
            detail["override_reason"] = changes["caption_override"]
        self.audit("update", "moment", moment_id, detail)
        return _moment(rec)

    def delete_moment(self, moment_id: int) -> None:
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is not None:
            self.orm.delete(rec)
            self.audit("delete", "moment", moment_id, {"clip_id": rec.clip_id})

    def moments_for_clip(self, clip_id: int) -> list[Moment]:
        return [_moment(r) for r in self.orm.scalars(
            select(MomentRecord).where(MomentRecord.clip_id == clip_id)
            .order_by(MomentRecord.position, MomentRecord.id))]

    def add_reel(self, family_id: int, title: str, moment_ids: Sequence[int]) -> Reel:
        creator = self._user_rec(self.actor)
        rec = ReelRecord(family_id=family_id, title=title, status=str(ReelStatus.DRAFT),
                         created_by=creator.id, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        for pos, mid in enumerate(moment_ids):
            self.orm.add(ReelMomentRecord(reel_id=rec.id, moment_id=mid, position=pos))
        self.orm.flush()
        self.audit("create", "reel", rec.id, {"family_id": family_id,
                                              "moments": list(moment_ids)})
        return self._reel(rec)

    def _reel(self, rec: ReelRecord) -> Reel:
        ids = tuple(self.orm.scalars(select(ReelMomentRecord.moment_id)
                                     .where(ReelMomentRecord.reel_id == rec.id)
                                     .order_by(ReelMomentRecord.position)))
        return Reel(rec.id, rec.family_id, rec.title, ReelStatus(rec.status), ids, rec.path,
                    rec.duration_ms, rec.error, rec.rendered_at, rec.created_at)

    def delete_reel(self, reel_id: int, reason: str) -> None:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            return
        self.orm.delete(rec)
        self.orm.flush()
        self.audit("delete", "reel", reel_id, {"tombstone": True, "reason": reason,
                                               "family_id": rec.family_id})

    def get_reel(self, reel_id: int) -> Reel:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}; it may have been deleted when "
                                "consent was withdrawn.")
        return self._reel(rec)

    def set_reel_moments(self, reel_id: int, moment_ids: Sequence[int]) -> Reel:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        self.orm.execute(delete(ReelMomentRecord).where(ReelMomentRecord.reel_id == reel_id))
        for pos, mid in enumerate(moment_ids):
            self.orm.add(ReelMomentRecord(reel_id=reel_id, moment_id=mid, position=pos))
        rec.status = str(ReelStatus.DRAFT)
        self.orm.flush()
        self.audit("set-moments", "reel", reel_id, {"moments": list(moment_ids)})
        return self._reel(rec)

    def set_reel_title(self, reel_id: int, title: str) -> Reel:
        """A new title goes on the first card, so the reel goes back to draft."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        if rec.title != title:
            rec.title = title
            rec.status = str(ReelStatus.DRAFT)
            self.orm.flush()
            self.audit("rename", "reel", reel_id, {"status": str(ReelStatus.DRAFT)})
        return self._reel(rec)

    def set_reel_status(self, reel_id: int, status: ReelStatus, *, path: str | None = None,
                        duration_ms: int | None = None, error: str = "") -> Reel:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        rec.status = str(status)
        rec.error = error
        if status == ReelStatus.READY:
            rec.path, rec.duration_ms, rec.rendered_at = path, duration_ms, utcnow()
        self.audit("set-status", "reel", reel_id, {"status": str(status), "error": error})
        return self._reel(rec)

    def add_reflection(self, moment_id: int, text: str, reel_id: int | None = None,
                       ) -> Reflection:
        by = self._user_rec(self.actor)
        rec = ReflectionRecord(moment_id=moment_id, reel_id=reel_id, text=text,
                               recorded_by=by.id, recorded_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "reflection", rec.id, {"moment_id": moment_id,
                                                    "reel_id": reel_id})
        return Reflection(rec.id, moment_id, reel_id, text, by.username, rec.recorded_at)

    def reflections(self, moment_ids: Sequence[int]) -> list[Reflection]:
        users = {u.id: u.username for u in self.orm.scalars(select(UserRecord))}
        return [Reflection(r.id, r.moment_id, r.reel_id, r.text, users.get(r.recorded_by, "?"),
                           r.recorded_at)
                for r in self.orm.scalars(select(ReflectionRecord)
                                          .where(ReflectionRecord.moment_id.in_(list(moment_ids)))
                                          .order_by(ReflectionRecord.id))]

    def reels_for_family(self, family_id: int) -> list[Reel]:
        return [self._reel(r) for r in self.orm.scalars(
            select(ReelRecord).where(ReelRecord.family_id == family_id)
            .order_by(ReelRecord.id))]

    def reels_for_clip(self, clip_id: int) -> list[Reel]:
        ids = self.orm.scalars(
            select(ReelMomentRecord.reel_id).join(
                MomentRecord, MomentRecord.id == ReelMomentRecord.moment_id)
            .where(MomentRecord.clip_id == clip_id).distinct())
        return [self._reel(r) for r in
                self.orm.scalars(select(ReelRecord).where(ReelRecord.id.in_(list(ids))))]

    # ---------------------------------------------------------------- coding assignments
    def assign_coder(self, clip_id: int, coder: str, role: CodingRole) -> CodingAssignment:
        self._clip_rec(clip_id)
        user = self._user_rec(coder)
        by = self.orm.scalar(select(UserRecord).where(UserRecord.username == self.actor))
        rec = self.orm.scalar(select(CodingAssignmentRecord).where(
            CodingAssignmentRecord.clip_id == clip_id, CodingAssignmentRecord.coder_id == user.id))
        if rec is None:
            rec = CodingAssignmentRecord(clip_id=clip_id, coder_id=user.id, role=str(role),
                                         assigned_by=by.id if by else None,
                                         assigned_at=utcnow())
            self.orm.add(rec)
        else:
            rec.role = str(role)
        self.orm.flush()
        self.audit("assign-coder", "clip", clip_id, {"coder": coder, "role": str(role)})
        return self._assignment(rec)

    def _assignment(self, rec: CodingAssignmentRecord) -> CodingAssignment:
        coder = self.orm.get(UserRecord, rec.coder_id)
        by = self.orm.get(UserRecord, rec.assigned_by) if rec.assigned_by else None
        return CodingAssignment(rec.clip_id, coder.username if coder else "?",
                                CodingRole(rec.role), rec.assigned_at,
                                by.username if by else "", rec.done_at)

    def assignments(self, *, clip_id: int | None = None,
                    coder: str | None = None) -> list[CodingAssignment]:
        q = select(CodingAssignmentRecord).order_by(CodingAssignmentRecord.id)
        if clip_id is not None:
            q = q.where(CodingAssignmentRecord.clip_id == clip_id)
        if coder is not None:
            q = q.where(CodingAssignmentRecord.coder_id == self._user_rec(coder).id)
        return [self._assignment(r) for r in self.orm.scalars(q)]

    def mark_coding_done(self, clip_id: int, coder: str, done: bool = True) -> CodingAssignment:
        user = self._user_rec(coder)
        rec = self.orm.scalar(select(CodingAssignmentRecord).where(
            CodingAssignmentRecord.clip_id == clip_id, CodingAssignmentRecord.coder_id == user.id))
        if rec is None:
            self.assign_coder(clip_id, coder, CodingRole.PRIMARY)
            rec = self.orm.scalar(select(CodingAssignmentRecord).where(
                CodingAssignmentRecord.clip_id == clip_id,
                CodingAssignmentRecord.coder_id == user.id))
            assert rec is not None
        rec.done_at = utcnow() if done else None
        self.orm.flush()
        self.audit("coding-done" if done else "coding-reopened", "clip", clip_id,
                   {"coder": coder})
        return self._assignment(rec)

    # ---------------------------------------------------------------- sign-in sessions
    def start_sign_in(self, session_id: str, user_id: int) -> None:
        now = utcnow()
        self.orm.add(SignInSessionRecord(id=session_id, user_id=user_id, started_at=now,
                                         last_seen_at=now))
        self.orm.flush()

    def touch_sign_in(self, session_id: str, user_id: int, idle: timedelta,
                      write_every: timedelta) -> bool:
        """True (and the activity noted, at most every ``write_every``) if the session
        is live for ``user_id``; a session idle for longer than ``idle`` is ended."""
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None or rec.user_id != user_id or rec.ended_at is not None:
            return False
        now = utcnow()
        if now - rec.last_seen_at > idle:
            rec.ended_at = now
            self.audit("sign-out-idle", "user", user_id)
            return False
        if now - rec.last_seen_at >= write_every:
            rec.last_seen_at = now
        return True

    def sign_in_is_live(self, session_id: str, idle: timedelta) -> bool:
        rec = self.orm.get(SignInSessionRecord, session_id)
        return rec is not None and rec.ended_at is None and \
            utcnow() - rec.last_seen_at <= idle

    def set_review(self, session_id: str, family_code: str | None,
                   reel_id: int | None) -> None:
        """Put a signed-in browser into the shared review of a reel (None: leave it)."""
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None:
            raise NotFoundError("That sign-in session has ended; sign in again.")
        rec.review_family, rec.review_reel_id = family_code, reel_id
        self.audit("review-start" if reel_id else "review-end", "user", rec.user_id,
                   {"reel_id": reel_id})

    def review_of(self, session_id: str) -> tuple[str, int] | None:
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None or rec.ended_at is not None or rec.review_reel_id is None \
                or rec.review_family is None:
            return None
        return rec.review_family, rec.review_reel_id

    def end_sign_in(self, session_id: str | None = None, user_id: int | None = None) -> None:
        """End one session, or every session of a user."""
        q = update(SignInSessionRecord).where(SignInSessionRecord.ended_at.is_(None))
        if session_id is not None:
            q = q.where(SignInSessionRecord.id == session_id)
        if user_id is not None:
            q = q.where(SignInSessionRecord.user_id == user_id)
        self.orm.execute(q.values(ended_at=utcnow()))

    # ---------------------------------------------------------------- jobs
    def create_job(self, kind: str, object_id: int) -> Job:
        now = utcnow()
        rec = JobRecord(kind=kind, object_id=object_id, status="queued", stage="queued",
                        percent=0, error="", worker="", created_at=now, updated_at=now)
        self.orm.add(rec)
        self.orm.flush()
        return _job(rec)

    def update_job(self, job_id: int, *, status: str | None = None, stage: str | None = None,
                   percent: int | None = None, error: str | None = None,
                   worker: str | None = None) -> Job:
        rec = self.orm.get(JobRecord, job_id)
        if rec is None:
            raise NotFoundError(f"There is no job {job_id}.")
        if status is not None:
            rec.status = status
        if stage is not None:
            rec.stage = stage
        if percent is not None:
            rec.percent = max(0, min(100, percent))
        if error is not None:
            rec.error = error
        if worker is not None:
            rec.worker = worker
        rec.updated_at = utcnow()
        return _job(rec)

    def running_jobs(self) -> list[Job]:
        return [_job(r) for r in self.orm.scalars(
            select(JobRecord).where(JobRecord.status.in_(("queued", "running")))
            .order_by(JobRecord.id))]

    def latest_job(self, kind: str, object_id: int) -> Job | None:
        rec = self.orm.scalars(select(JobRecord).where(JobRecord.kind == kind,
                                                       JobRecord.object_id == object_id)
                               .order_by(JobRecord.id.desc())).first()
        return _job(rec) if rec else None


def _user(rec: UserRecord) -> User:
    return User(rec.id, rec.username, rec.display_name, Role(rec.role), rec.active,
                rec.supervisor_id, rec.locked_until)


def _scheme(rec: SchemeRecord) -> StoredScheme:
    return StoredScheme(rec.id, rec.name, rec.version, dict(rec.document), rec.created_at)


def _moment(rec: MomentRecord) -> Moment:
    return Moment(rec.id, rec.clip_id, rec.start_ms, rec.end_ms, rec.caption, rec.key_ms,
                  rec.position, rec.film_stop, rec.film_stop_caption, rec.slow_replay,
                  rec.caption_override)


def _job(rec: JobRecord) -> Job:
    return Job(rec.id, rec.kind, rec.object_id, rec.status, rec.stage, rec.percent, rec.error,
               rec.updated_at, rec.worker)


def _audit(rec: AuditRecord) -> AuditEntry:
    return AuditEntry(rec.id, rec.at, rec.actor, rec.action, rec.object_type, rec.object_id,
                      dict(rec.detail or {}), rec.prev_hash, rec.hash)


def _event_dict(ev: Event) -> dict[str, Any]:
    return {"kind": str(ev.kind), "code": ev.code, "start_ms": ev.start_ms,
            "end_ms": ev.end_ms, "answers_id": ev.answers_id, "note": ev.note,
            "modifiers": list(ev.modifiers), "version": ev.version,
            "deleted": ev.deleted_at is not None}
