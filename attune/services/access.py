"""Who may see and do what (roles and assignments). A refusal is audited in a
transaction of its own, so that it stays on record even though the action fails."""

from __future__ import annotations

from enum import StrEnum

from attune.core.people import Clip, CodingRole, Role, User
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


def require_clip(ctx: Context, tx: Tx, user: User, clip: Clip, access: Access,
                 what: str) -> None:
    """Like :func:`require`, and a practitioner assigned to code this one clip (second
    coder, gold coder) may view and code it without seeing the rest of the family."""
    if allowed(tx, user, clip.family_id, access):
        return
    if access in (Access.VIEW, Access.EDIT) and user.active and \
            user.role in (Role.PRACTITIONER, Role.SUPERVISOR) and \
            any(a.coder == user.username for a in tx.assignments(clip_id=clip.id)):
        return
    raise refusal(what, {"family_id": clip.family_id, "clip_id": clip.id,
                         "access": str(access)})


def visible_coders(tx: Tx, user: User, clip: Clip) -> set[str] | None:
    """Whose events ``user`` may see on ``clip``; None means everyone's.

    Double-coding is blind: while a clip has a second coder and not every coder of it
    has marked their coding done, a practitioner sees only their own events.
    Supervisors always see every coder.
    """
    if user.role in (Role.SUPERVISOR, Role.ADMIN):
        return None
    assignments = tx.assignments(clip_id=clip.id)
    if not any(a.role == CodingRole.SECOND for a in assignments):
        return None
    if all(a.done_at is not None for a in assignments):
        return None
    return {user.username}


def require_role(ctx: Context, user: User, roles: set[Role], what: str) -> None:
    """Outside a transaction: check the role, auditing a refusal."""
    if user.active and user.role in roles:
        return
    with ctx.db.transaction(user.username):
        raise refusal(what, {"roles": sorted(str(r) for r in roles)})


def refusal(what: str, detail: dict[str, object]) -> NotAllowedError:
    return NotAllowedError(f"Not allowed: your account cannot {what}. Ask the family's "
                           "practitioner or an administrator if you need to.", what, detail)
