"""Accounts: users, their roles and passwords, sign-in attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from attune.core.people import (
    Role,
    User,
)
from attune.errors import InputError, NotFoundError
from attune.storage.audit import AuditLog
from attune.storage.models import (
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


def _user(rec: UserRecord) -> User:
    return User(rec.id, rec.username, rec.display_name, Role(rec.role), rec.active,
                rec.supervisor_id, rec.locked_until)

