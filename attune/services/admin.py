"""Account administration (admins only): list, reset a password, switch off and on."""

from __future__ import annotations

from attune.core.accounts import Role, User
from attune.services import Context
from attune.services.access import require_role
from attune.services.accounts import set_password


def list_accounts(ctx: Context, actor: User) -> list[User]:
    require_role(ctx, actor, {Role.ADMIN}, "list accounts")
    with ctx.db.transaction(actor.username) as tx:
        return tx.list_users()


def reset_password(ctx: Context, actor: User, username: str, password: str) -> None:
    """Set a new password: this lifts any lock and signs the account out everywhere."""
    require_role(ctx, actor, {Role.ADMIN}, "reset passwords")
    set_password(ctx, actor.username, username, password)


def set_active(ctx: Context, actor: User, username: str, active: bool) -> User:
    """Switch an account off (it is signed out at once, everywhere) or on again."""
    require_role(ctx, actor, {Role.ADMIN}, "switch accounts off or on")
    with ctx.db.transaction(actor.username) as tx:
        tx.set_user_active(username, active)
        user = tx.get_user(username)
        if not active:
            tx.end_sign_in(user_id=user.id)
    return user
