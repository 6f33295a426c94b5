"""Retention (docs/practice.md §7): a family's media is deleted two months (a setting) after
its involvement ends, unless consent was renewed to a later date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from attune.core.accounts import Role, User
from attune.core.consent import retention_date
from attune.services import Context
from attune.services.access import require_role
from attune.services.clips import delete_clips


@dataclass(frozen=True)
class RetentionItem:
    family: str
    delete_after: date
    clip_ids: tuple[int, ...]
    reel_ids: tuple[int, ...]


def due_for_deletion(ctx: Context, today: date) -> list[RetentionItem]:
    items = []
    with ctx.db.transaction("retention") as tx:
        for family in tx.list_families():
            due = retention_date(family.involvement_ended_on, ctx.settings.retention_months,
                                 tx.consents_for_family(family.id))
            if due is None or today <= due:
                continue
            clips = tuple(c.id for c in tx.clips_for_family(family.id))
            reels = tuple(r.id for r in tx.reels_for_family(family.id))
            if clips or reels:
                items.append(RetentionItem(family.code, due, clips, reels))
    return items


def run_retention(ctx: Context, actor: User, today: date | None = None, *,
                  dry_run: bool = False) -> list[RetentionItem]:
    """Delete what is past its retention date; return what was (or would be) deleted.

    Only an administrator runs it (it deletes any family's media, and ``today`` moves the
    date), and the deletions are audited in their name with the retention as the reason:
    the log says who really acted."""
    require_role(ctx, actor, {Role.ADMIN}, "run the retention deletions")
    items = due_for_deletion(ctx, today or date.today())
    if not dry_run:
        for item in items:
            delete_clips(ctx, actor.username, item.clip_ids, reel_ids=item.reel_ids,
                         reason=f"retention period ended {item.delete_after.isoformat()}")
    return items
