"""Account administration (admins only): list, reset a password, switch off and on."""

from __future__ import annotations

from attune.core.people import Role, User
from attune.services import Context
from attune.services.access import require_role
from attune.services.accounts import hash_password
from attune.services.tokens import SESSIONS


def list_accounts(ctx: Context, actor: User) -> list[User]:
    require_role(ctx, actor, {Role.ADMIN}, "list accounts")
    with ctx.db.transaction(actor.username) as tx:
        return tx.list_users()


def reset_password(ctx: Context, actor: User, username: str, password: str) -> None:
    """Set a new password (this also lifts a lockout)."""
    require_role(ctx, actor, {Role.ADMIN}, "reset passwords")
    hashed = hash_password(password)
    with ctx.db.transaction(actor.username) as tx:
        tx.set_password_hash(username, hashed)


def set_active(ctx: Context, actor: User, username: str, active: bool) -> User:
    """Switch an account off (it is signed out at once, everywhere) or on again."""
    require_role(ctx, actor, {Role.ADMIN}, "switch accounts off or on")
    with ctx.db.transaction(actor.username) as tx:
        tx.set_user_active(username, active)
        user = tx.get_user(username)
    if not active:
        SESSIONS.end_user(ctx, user.id)
    return user
