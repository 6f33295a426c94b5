"""Accounts: argon2 password hashes, signing in with a lockout after wrong passwords."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from attune.core.people import Role, User
from attune.errors import AuthError, InputError
from attune.services import Context
from attune.storage.store import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def add_user(ctx: Context, actor: str, username: str, role: Role | str, password: str,
             display_name: str = "", supervisor: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InputError("A username needs 1-100 characters and no spaces.")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"{role!r} is not a role; use one of "
                         f"{', '.join(r.value for r in Role)}.") from None
    with ctx.db.transaction(actor) as tx:
        return tx.add_user(username, display_name, role, hash_password(password), supervisor)


def set_password(ctx: Context, actor: str, username: str, password: str) -> None:
    with ctx.db.transaction(actor) as tx:
        tx.set_password_hash(username, hash_password(password))


def sign_in(ctx: Context, username: str, password: str) -> User:
    """Check a password. After ``lockout_attempts`` wrong ones in a row the account is
    locked for ``lockout_minutes``; every attempt is audited."""
    settings = ctx.settings
    wrong = AuthError("That username and password do not match. Check them and try again.")
    with ctx.db.transaction(username) as tx:
        try:
            auth = tx.user_auth(username)
        except Exception:
            raise wrong from None
        now = utcnow()
        if auth.locked_until is not None and auth.locked_until > now:
            minutes = max(1, round((auth.locked_until - now).total_seconds() / 60))
            raise AuthError(f"This account is locked after {settings.lockout_attempts} wrong "
                            f"passwords. Try again in {minutes} minute(s), or ask an "
                            "administrator to reset the password.")
        if not auth.user.active:
            raise AuthError("This account is switched off; ask an administrator.")
        try:
            _hasher.verify(auth.password_hash, password)
        except (VerificationError, InvalidHashError):
            failures = auth.failed_logins + 1
            locked = None
            if failures >= settings.lockout_attempts:
                locked = now + timedelta(minutes=settings.lockout_minutes)
            tx.record_login(username, success=False, locked_until=locked)
            error = wrong
            if locked is not None:
                error = AuthError(
                    f"That password was wrong {failures} times, so the account is locked for "
                    f"{settings.lockout_minutes} minutes. Try again later, or ask an "
                    "administrator to reset the password.")
        else:
            tx.record_login(username, success=True)
            return auth.user
    raise error
