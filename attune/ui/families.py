"""What the Families page shows and offers."""

from __future__ import annotations

from dataclasses import dataclass

from attune.core.accounts import Role, User
from attune.core.clip import CLIP_STATUS_WORDS, Clip, clip_label
from attune.core.family import Family
from attune.services import Context
from attune.services.accounts import active_usernames
from attune.services.families import (
    editable_family_codes,
    families_with_clips,
    visible_families,
)


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    clips: list[Clip]
    can_edit: bool  # the user may assign people, link a parent, end involvement


def family_table(ctx: Context, user: User) -> list[FamilyRow]:
    """Each visible family with its clips (admins see the families, not their clips)."""
    # only the clips the gate lets them open
    return [FamilyRow(row.family, row.clips, row.can_run)
            for row in families_with_clips(ctx, user)]


def clip_rows(clips: list[Clip]) -> list[dict[str, object]]:
    return [{"clip": clip_label(c), "state": CLIP_STATUS_WORDS[c.status]} for c in clips]


def account_names(ctx: Context, user: User, role: Role) -> list[str]:
    """Usernames of the accounts of ``role`` (to assign a practitioner, link a parent)."""
    return active_usernames(ctx, user, role)


def editable_codes(ctx: Context, user: User) -> list[str]:
    """The codes of the families ``user`` may record consent for and upload to."""
    return editable_family_codes(ctx, user)


def visible_codes(ctx: Context, user: User) -> list[str]:
    return [f.code for f in visible_families(ctx, user)]
