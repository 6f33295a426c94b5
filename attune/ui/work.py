"""What "My work" shows: the practitioner's clips to code and their assignments."""

from __future__ import annotations

from dataclasses import dataclass

from attune.core.people import (
    CODING_ROLE_WORDS,
    Clip,
    ClipStatus,
    CodingAssignment,
    User,
    clip_label,
)
from attune.services import Context
from attune.services.access import Action, decide_access
from attune.services.families import visible_families
from attune.services.supervision import my_assignments
from attune.storage.store import Tx


@dataclass(frozen=True)
class WorkRow:
    family: str
    clip_id: int
    label: str
    status: ClipStatus
    my_events: int
    assignment: str  # "" (the family's practitioner), or the coding role assigned
    done: bool

    @property
    def openable(self) -> bool:
        return self.status == ClipStatus.READY


def work_rows(ctx: Context, user: User) -> list[WorkRow]:
    """The clips of the families the user works with, and clips assigned to them."""
    rows: dict[int, WorkRow] = {}
    # only the assignments the gate still allows (a withdrawn consent ends them)
    assigned = {a.clip_id: a for a in my_assignments(ctx, user)}
    for family in visible_families(ctx, user):
        with ctx.db.transaction(user.username) as tx:
            for clip in tx.clips_for_family(family.id):
                if not decide_access(tx, user, Action.CODE_CLIP, family, clip).allowed:
                    continue
                rows[clip.id] = _row(tx, user, family.code, clip, assigned.get(clip.id))
    with ctx.db.transaction(user.username) as tx:
        for clip_id, assignment in assigned.items():
            if clip_id not in rows:
                clip = tx.get_clip(clip_id)
                code = tx.family_by_id(clip.family_id).code
                rows[clip_id] = _row(tx, user, code, clip, assignment)
    return sorted(rows.values(), key=lambda r: (r.family, r.clip_id))


def _row(tx: Tx, user: User, code: str, clip: Clip,
         assignment: CodingAssignment | None) -> WorkRow:
    return WorkRow(
        family=code, clip_id=clip.id, label=clip_label(clip), status=clip.status,
        my_events=len(tx.list_events(clip.id, user.username)),
        assignment=CODING_ROLE_WORDS[assignment.role] if assignment else "",
        done=bool(assignment and assignment.done_at))
