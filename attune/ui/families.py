"""What the Families page shows."""

from __future__ import annotations

from attune.core.people import Clip, Family, Role, User
from attune.services import Context
from attune.services.families import visible_families


def family_table(ctx: Context, user: User) -> list[tuple[Family, list[Clip]]]:
    """Each visible family with its clips (admins see the families, not their clips)."""
    rows = []
    for family in visible_families(ctx, user):
        clips: list[Clip] = []
        if user.role != Role.ADMIN:
            with ctx.db.transaction(user.username) as tx:
                clips = tx.clips_for_family(family.id)
        rows.append((family, clips))
    return rows
