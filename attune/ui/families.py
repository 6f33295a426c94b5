"""What the Families page shows and offers."""

from __future__ import annotations

from dataclasses import dataclass

from attune.core.people import CLIP_STATUS_WORDS, Clip, Family, Role, User, clip_label
from attune.services import Context
from attune.services.access import Action, decide_access
from attune.services.families import family_clips, visible_families


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    clips: list[Clip]
    can_edit: bool  # the user may assign people, link a parent, end involvement


def family_table(ctx: Context, user: User) -> list[FamilyRow]:
    """Each visible family with its clips (admins see the families, not their clips)."""
    rows = []
    for family in visible_families(ctx, user):
        clips = family_clips(ctx, user, family)  # only those the gate lets them open
        with ctx.db.transaction(user.username) as tx:
            can_edit = decide_access(tx, user, Action.RUN_FAMILY, family).allowed
        rows.append(FamilyRow(family, clips, can_edit))
    return rows


def clip_rows(clips: list[Clip]) -> list[dict[str, object]]:
    return [{"clip": clip_label(c), "state": CLIP_STATUS_WORDS[c.status]} for c in clips]


def account_names(ctx: Context, user: User, role: Role) -> list[str]:
    """Usernames of the accounts of ``role`` (to assign a practitioner, link a parent)."""
    with ctx.db.transaction(user.username) as tx:
        return [u.username for u in tx.list_users(role) if u.active]


def editable_codes(ctx: Context, user: User) -> list[str]:
    """The codes of the families ``user`` may record consent for and upload to."""
    out = []
    for family in visible_families(ctx, user):
        with ctx.db.transaction(user.username) as tx:
            if decide_access(tx, user, Action.MANAGE_RECORD, family).allowed:
                out.append(family.code)
    return out


def visible_codes(ctx: Context, user: User) -> list[str]:
    return [f.code for f in visible_families(ctx, user)]
