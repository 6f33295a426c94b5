"""Accounts: users, their roles and passwords, sign-in attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from attune.core.accounts import Role, User
from attune.errors import InputError, NotFoundError
from attune.storage.audit import AuditLog
from attune.storage.models import (
    SignInThrottleRecord,
    UserRecord,
)
from attune.storage.txbase import utcnow


@dataclass(frozen=True)
class UserAuth:
    """What signing in needs to know about an account (never leaves the services)."""

    user: User
    password_hash: str
    failed_logins: int
    locked_until: datetime | None


@dataclass(frozen=True)
class ThrottleState:
    """Wrong passwords counted for one throttle (see ``SignInThrottleRecord``)."""

    failures: int = 0
    lockouts: int = 0
    locked_until: datetime | None = None
    last_failed_at: datetime | None = None


#: The throttles of one attempt: (scope, username, address) with "" for "any".
THROTTLE_SCOPES = ("pair", "address", "account")
#: Throttle rows untouched for this long (and not locked) are dropped.
THROTTLE_KEEP = timedelta(days=2)


def _throttle_keys(username: str, address: str) -> dict[str, tuple[str, str]]:
    username, address = username[:100], address[:64]
    return {"pair": (username, address), "address": ("", address),
            "account": (username, "")}


class Accounts(AuditLog):
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

    def find_user_auth(self, username: str) -> UserAuth | None:
        """Like :meth:`user_auth`, but None for an unknown username."""
        rec = self.orm.scalar(select(UserRecord).where(UserRecord.username == username))
        if rec is None:
            return None
        return UserAuth(_user(rec), rec.password_hash, rec.failed_logins, rec.locked_until)

    # -------------------------------------------------------------- sign-in throttles
    def lock_sign_in_throttles(self, username: str, address: str) -> dict[str, ThrottleState]:
        """The throttles of a sign-in attempt by ``username`` from ``address``, locked
        for the rest of this transaction (so that parallel attempts count one by one).
        Keyed by the typed username, whether or not such an account exists."""
        now = utcnow()
        keys = _throttle_keys(username, address)
        insert = pg_insert if self.orm.get_bind().dialect.name == "postgresql" \
            else sqlite_insert
        for scope, (user_key, address_key) in keys.items():
            self.orm.execute(insert(SignInThrottleRecord).values(
                scope=scope, username=user_key, address=address_key, failures=0,
                lockouts=0, last_failed_at=now).on_conflict_do_nothing())
        rows = self.orm.scalars(select(SignInThrottleRecord).where(
            tuple_(SignInThrottleRecord.scope, SignInThrottleRecord.username,
                   SignInThrottleRecord.address).in_(
                [(scope, u, a) for scope, (u, a) in keys.items()])).with_for_update())
        by_scope = {r.scope: r for r in rows}
        return {scope: ThrottleState(r.failures, r.lockouts, r.locked_until, r.last_failed_at)
                for scope, r in by_scope.items()}

    def save_sign_in_throttles(self, username: str, address: str,
                               states: dict[str, ThrottleState]) -> None:
        """Write back what :meth:`lock_sign_in_throttles` returned, as changed."""
        keys = _throttle_keys(username, address)
        for scope, state in states.items():
            rec = self.orm.get(SignInThrottleRecord, (scope, *keys[scope]))
            if rec is None:
                raise ValueError("lock the throttles in this transaction before saving them")
            rec.failures, rec.lockouts = state.failures, state.lockouts
            rec.locked_until = state.locked_until
            rec.last_failed_at = state.last_failed_at or utcnow()
        now = utcnow()
        self.orm.execute(delete(SignInThrottleRecord).where(
            SignInThrottleRecord.last_failed_at < now - THROTTLE_KEEP,
            (SignInThrottleRecord.locked_until.is_(None))
            | (SignInThrottleRecord.locked_until < now)))

    def clear_sign_in_throttles(self, username: str) -> None:
        """Forget the wrong passwords typed for ``username`` (a new password is set)."""
        self.orm.execute(delete(SignInThrottleRecord).where(
            SignInThrottleRecord.username == username[:100],
            SignInThrottleRecord.scope.in_(("pair", "account"))))

    def set_password_hash(self, username: str, password_hash: str) -> None:
        rec = self._user_rec(username)
        rec.password_hash = password_hash
        rec.failed_logins = 0
        rec.locked_until = None
        self.clear_sign_in_throttles(username)
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
            if locked_until is not None:  # (an address's lock, shown to admins)
                rec.locked_until = locked_until
            self.audit("sign-in-failed", "user", rec.id,
                       {"failed_logins": rec.failed_logins,
                        "locked": locked_until is not None})

    def set_user_active(self, username: str, active: bool) -> None:
        rec = self._user_rec(username)
        rec.active = active
        self.audit("activate" if active else "deactivate", "user", rec.id)


def _user(rec: UserRecord) -> User:
    return User(rec.id, rec.username, rec.display_name, Role(rec.role), rec.active,
                rec.supervisor_id, rec.locked_until)

