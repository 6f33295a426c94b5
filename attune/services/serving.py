"""What the media routes may serve, and to whom: the gate at serve time (a withdrawn or
declined consent stops a link at once), and the audit of what was served or refused.

The routes (``attune.ui.routes``) check the signed link and the file's name, and stream
the bytes; everything here reads or writes the database.
"""

from __future__ import annotations

from pathlib import Path

from attune.core.accounts import Role, User
from attune.errors import NotFoundError
from attune.services import Context
from attune.services.access import Action, refusal, require_access, require_reel
from attune.services.parent_view import may_open
from attune.services.tokens import CLIP_KINDS, REEL_KINDS, STILL


def media_folder(ctx: Context, user: User, kind: str, object_id: int, name: str) -> Path:
    """The folder that holds ``name`` of ``kind`` for clip or reel ``object_id``, once
    ``user`` may still see it, now. Raises :class:`NotAllowedError` (audited) or
    :class:`NotFoundError`."""
    if kind in CLIP_KINDS:
        with ctx.db.transaction(user.username) as tx:
            try:
                clip = tx.get_clip(object_id)
            except NotFoundError:
                # deleted (e.g. consent withdrawn): the link no longer opens anything
                raise refusal(f"open clip {object_id}'s media",
                              {"clip_id": object_id, "kind": kind, "gone": True}) from None
            # the gate at serve time: a withdrawn or declined consent stops the link
            require_access(tx, user, Action.VIEW_CLIP, clip.family_id, clip,
                           what=f"open clip {object_id}'s media")
        if kind != STILL and ctx.media.clip_file(clip.id, kind).name != name:
            raise NotFoundError("There is no such file.")
        return ctx.media.stills_dir(clip.id) if kind == STILL else ctx.media.clip_dir(clip.id)
    if kind in REEL_KINDS and user.role == Role.PARENT:
        # a parent: only the shared version's own files, while shared and consented to
        with ctx.db.transaction(user.username) as tx:
            if not may_open(tx, user, object_id, name):
                raise refusal(f"open reel {object_id}", {"reel_id": object_id, "kind": kind,
                                                         "shared": False})
        return ctx.media.reel_dir(object_id)
    if kind in REEL_KINDS:
        with ctx.db.transaction(user.username) as tx:
            try:
                reel = tx.get_reel(object_id)
            except NotFoundError:
                raise refusal(f"open reel {object_id}",
                              {"reel_id": object_id, "kind": kind, "gone": True}) from None
            # every clip of the reel must still allow watching it, now
            require_reel(tx, user, Action.WATCH_REEL, reel, what=f"open reel {object_id}")
        return ctx.media.reel_dir(object_id)
    raise NotFoundError("There is no such kind of file.")


def record_served(ctx: Context, user: User, kind: str, object_id: int, name: str) -> None:
    """Audit that ``user`` was served this file (the route does it once a link)."""
    object_type = "clip" if kind in CLIP_KINDS else "reel"
    with ctx.db.transaction(user.username) as tx:
        tx.audit("serve-media", object_type, object_id, {"kind": kind, "name": name})


def record_outside_sign_in(ctx: Context, user: User, what: str, why: str) -> None:
    """Audit a link used outside the sign-in it was made for (or by a switched-off
    account): the route then refuses it."""
    with ctx.db.transaction(user.username) as tx:
        tx.audit("not-allowed", "access", f"{what} outside its sign-in", {"why": why})
