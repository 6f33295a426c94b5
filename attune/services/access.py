"""Who may see and do what (roles and assignments). A refusal is audited in a
transaction of its own, so that it stays on record even though the action fails."""

from __future__ import annotations

from enum import StrEnum

from attune.core.people import Role, User
from attune.errors import NotAllowedError
from attune.services import Context
from attune.storage.store import Tx


class Access(StrEnum):
    VIEW = "view"  # see the family's record, clips and events
    EDIT = "edit"  # code clips, record consent, upload
    PARENT = "parent"  # the parent view of the family's own reels


def family_ids_for(tx: Tx, user: User) -> set[int]:
    """The families a user may see at all."""
    families = tx.list_families()
    if user.role == Role.ADMIN:
        return {f.id for f in families}
    if user.role == Role.PARENT:
        return {f.id for f in families if user.username in f.parents}
    names = {user.username}
    if user.role == Role.SUPERVISOR:
        names |= {u.username for u in tx.team_of(user.username)}
    return {f.id for f in families if names & set(f.practitioners)}


def allowed(tx: Tx, user: User, family_id: int, access: Access) -> bool:
    if not user.active:
        return False
    family = tx.family_by_id(family_id)
    if access == Access.PARENT:
        return user.role == Role.PARENT and user.username in family.parents
    if user.role in (Role.PARENT, Role.ADMIN):
        # Admins manage accounts and assignments; they see no family's clips or coding.
        return False
    if access == Access.EDIT:
        return user.username in family.practitioners
    return family_id in family_ids_for(tx, user)


def require(ctx: Context, tx: Tx, user: User, family_id: int, access: Access,
            what: str) -> None:
    """Raise :class:`NotAllowedError` inside a transaction; the transaction rolls back
    and audits the refusal (``Database.transaction``)."""
    if not allowed(tx, user, family_id, access):
        raise refusal(what, {"family_id": family_id, "access": str(access)})


def require_role(ctx: Context, user: User, roles: set[Role], what: str) -> None:
    """Outside a transaction: check the role, auditing a refusal."""
    if user.active and user.role in roles:
        return
    with ctx.db.transaction(user.username):
        raise refusal(what, {"roles": sorted(str(r) for r in roles)})


def refusal(what: str, detail: dict[str, object]) -> NotAllowedError:
    return NotAllowedError(f"Not allowed: your account cannot {what}. Ask the family's "
                           "practitioner or an administrator if you need to.", what, detail)
