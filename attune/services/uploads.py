"""Before an upload starts: may this user upload for this family, and is the consent
that an upload needs on record? (``clips.store_clip`` checks both again.)"""

from __future__ import annotations

from datetime import date

from attune.core.consent import ConsentScope, scope_allows
from attune.core.people import User
from attune.errors import ConsentError
from attune.services import Context
from attune.services.access import Access, require


def check_upload(ctx: Context, actor: User, code: str,
                 scope: ConsentScope = ConsentScope.SHARED_REVIEW) -> None:
    """Raise :class:`NotAllowedError` (audited) or :class:`ConsentError` (saying what to
    record) unless ``actor`` may upload clips for family ``code`` now."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require(ctx, tx, actor, family.id, Access.EDIT, f"upload clips for family {code}")
        decisions = tx.consents_for_family(family.id)
    if not scope_allows(decisions, scope, date.today()):
        raise ConsentError(
            f"Nothing can be uploaded for family {code} yet: '{scope}' consent is not on "
            "record (or was declined, withdrawn or has run out). Record the family's "
            "consent on the Consent page first.")
