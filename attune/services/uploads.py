"""Before an upload starts: may this user upload for this family, and is the consent
that an upload needs on record? (``clips.store_clip`` checks both again.)"""

from __future__ import annotations

from attune.core.consent import ConsentScope
from attune.core.people import User
from attune.services import Context
from attune.services.access import Action, require_access


def check_upload(ctx: Context, actor: User, code: str,
                 scope: ConsentScope = ConsentScope.SHARED_REVIEW) -> None:
    """Raise :class:`NotAllowedError` (audited) or :class:`ConsentError` (saying what to
    record) unless ``actor`` may upload clips for family ``code`` now."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.UPLOAD, family, what=f"upload clips for family {code}",
                       filmed_under=scope)
