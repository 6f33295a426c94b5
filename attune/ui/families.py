"""What the Families page shows and offers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from attune.core.accounts import Role, User
from attune.core.clip import CLIP_STATUS_WORDS, Clip
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


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def plain(text: str) -> str:
    """``text`` shown as it is in markdown (a baby's name with a star or an underscore
    is not made bold or italic)."""
    return _MARKDOWN.sub(r"\\\1", text)


def people_line(family: Family) -> str:
    """Who works with the family, whose accounts are linked, and whether it has ended."""
    ended = (f" · involvement ended {family.involvement_ended_on}"
             if family.involvement_ended_on else "")
    return plain(f"Practitioners: {', '.join(family.practitioners) or 'none'} · Parent "
                 f"accounts: {', '.join(family.parents) or 'none'}{ended}")


def clip_numbers(ids: list[int]) -> str:
    """``Clip 4`` or ``Clips 1 to 12, 14 and 15``: three or more numbers one after
    another read as one run."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    items: list[str] = []
    for r in runs:
        items += [f"{r[0]} to {r[-1]}"] if len(r) > 2 else [str(i) for i in r]
    said = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
    return f"Clip {said}" if len(ids) == 1 else f"Clips {said}"


def clips_line(clips: list[Clip]) -> str:
    """The family's clips by their state, in plain words, on one line:
    ``Clips 1 to 12: ready to code · Clip 13: being prepared``."""
    if not clips:
        return "No clips yet."
    by_state: dict[str, list[int]] = {}
    for clip in clips:
        by_state.setdefault(CLIP_STATUS_WORDS[clip.status], []).append(clip.id)
    return " · ".join(f"{clip_numbers(ids)}: {state}" for state, ids in by_state.items())


def family_summary(row: FamilyRow) -> str:
    """One family as a few lines of markdown: its code and baby (a heading, to find a
    family by with a screen reader as with the eyes), its people, its clips."""
    f = row.family
    return (f"##### {plain(f.code)} · {plain(f.baby_name)}\n{people_line(f)}  \n"
            f"{clips_line(row.clips)}")


def account_names(ctx: Context, user: User, role: Role) -> list[str]:
    """Usernames of the accounts of ``role`` (to assign a practitioner, link a parent)."""
    return active_usernames(ctx, user, role)


def editable_codes(ctx: Context, user: User) -> list[str]:
    """The codes of the families ``user`` may record consent for and upload to."""
    return editable_family_codes(ctx, user)


def visible_codes(ctx: Context, user: User) -> list[str]:
    return [f.code for f in visible_families(ctx, user)]
