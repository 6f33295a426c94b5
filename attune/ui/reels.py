"""What the Reels page needs beyond the services (docs/practice.md §1, §6): a family's clips and
chosen moments in reel order, frame steps for trimming, reordering, the words check as
the page shows it, and the render's progress. Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from attune.core.accounts import User
from attune.core.clip import Clip
from attune.core.jobs import Job, JobStatus
from attune.core.practice import too_many_moments
from attune.core.reel import Moment, Reel
from attune.core.spans import format_ms
from attune.core.timebase import FrameGrid
from attune.core.words import RULE_WHY, Finding, WordRule, check_words
from attune.reels.plan import CaptionPosition
from attune.reels.propose import Proposal
from attune.services import Context
from attune.services.reels import Sharing, proxy_fps, snap_bounds, update_moment

RULE_WORDS = RULE_WHY  # why each kind of finding matters, in plain words
_BUT = re.compile(r"\s*,?\s*\bbut\b", re.IGNORECASE)
#: The Reels page's steps (tab labels never change, so the chosen one is kept)
STEPS = ("1 · Proposals", "2 · Chosen moments", "3 · Reel")
POSITION_WORDS = {CaptionPosition.BOTTOM: "Bottom", CaptionPosition.TOP: "Top"}


#: The proposals tab lists up to this many clips; a family with more (a year of visits)
#: shows them one clip at a time, chosen from a list (each clip's proposals take a while).
CLIPS_AT_ONCE = 3


def proposal_moment(clip: Clip, proposal: Proposal, moments: Sequence[Moment]
                    ) -> Moment | None:
    """The chosen moment that is this proposal: the same frames of the same clip (at
    30000/1001 fps, 6974 ms and 6975 ms are one frame), snapped as accepting snaps."""
    bounds = snap_bounds(clip, proposal.start_ms, proposal.end_ms)
    return next((m for m in moments
                 if m.clip_id == clip.id and (m.start_ms, m.end_ms) == bounds), None)


def sync_widget(state: MutableMapping[str, Any], key: str, stored: Any) -> None:
    """Seed a widget's value from the database, and refresh it whenever the stored value
    changed since this page last showed it (another tab or practitioner changed it), so a
    page never shows, or writes back, a moment's old words or bounds. A value typed here
    and refused (an error) stays, as long as the stored value did not change."""
    seen = f"{key}__stored"
    if key not in state or (seen in state and state[seen] != stored):
        state[key] = stored
    state[seen] = stored


def step_frame(clip: Clip, ms: int, frames: int) -> int:
    """``ms`` snapped to the clip's frame grid and moved by ``frames`` frames (at least 0)."""
    grid = FrameGrid(proxy_fps(clip))
    return grid.start_ms(max(0, grid.snap(ms) + frames))


def frame_step_ms(clip: Clip) -> int:
    """One frame of the clip's playable copy, rounded to whole milliseconds."""
    return max(1, FrameGrid(proxy_fps(clip)).start_ms(1))


def reordered(moment_ids: Sequence[int], moment_id: int, delta: int) -> list[int]:
    """``moment_ids`` with ``moment_id`` moved ``delta`` places (clamped at the ends).

    >>> reordered([1, 2, 3], 3, -1)
    [1, 3, 2]
    >>> reordered([1, 2, 3], 1, -1)
    [1, 2, 3]
    """
    ids = list(moment_ids)
    i = ids.index(moment_id)
    j = max(0, min(len(ids) - 1, i + delta))
    ids.insert(j, ids.pop(i))
    return ids


def move_moment(ctx: Context, user: User, moments: Sequence[Moment], moment_id: int,
                delta: int) -> list[int]:
    """Move a moment up (-1) or down (+1); positions are rewritten 0, 1, 2, ..."""
    ids = reordered([m.id for m in moments], moment_id, delta)
    old = {m.id: m.position for m in moments}
    for position, mid in enumerate(ids):
        if old[mid] != position:
            update_moment(ctx, user, mid, position=position)
    return ids


def reel_order(moments: Sequence[Moment], chosen: set[int]) -> list[int]:
    """The ids of the chosen moments, in the page's order."""
    return [m.id for m in moments if m.id in chosen]


def selection_warning(count: int) -> str | None:
    if count == 0:
        return "Tick at least one moment to make a reel."
    return too_many_moments(count)


@dataclass(frozen=True)
class FindingView:
    word: str
    why: str
    suggestion: str
    replacement: str | None  # the caption reworded, where a plain rewrite exists


def finding_views(caption: str, findings: Sequence[Finding] | None = None) -> list[FindingView]:
    """Each avoided word in ``caption``, why, and a rewording (docs/practice.md §6)."""
    found = check_words(caption) if findings is None else findings
    out = []
    for f in found:
        replacement = None
        if f.rule == WordRule.CONTRAST and f.found.lower() == "but":
            replacement = _BUT.sub(", and", caption, count=1).replace(", and,", ", and")
            replacement = re.sub(r"\s+", " ", replacement).strip()
        out.append(FindingView(f.found, f.why, f.suggestion, replacement))
    return out


def title_unchecked(title: str) -> bool:
    """Whether the words check has no rules for the title's language."""
    return any(f.rule == WordRule.UNCHECKED for f in check_words(title))


def job_progress(job: Job | None) -> tuple[str, float, bool]:
    """(what to say, fraction done, finished) for the render's latest job."""
    if job is None:
        return "Not rendered yet.", 0.0, True
    if job.status == JobStatus.FAILED:
        return f"The render stopped: {job.error or 'unknown error'}. Try again.", 0.0, True
    if job.status == JobStatus.DONE:
        return "The reel is ready.", 1.0, True
    stage = job.stage or "waiting for the worker"
    if job.status == JobStatus.QUEUED:
        stage = "waiting for the worker (`attune worker`)"
    return f"Rendering: {stage} ({job.percent}%)", max(0.0, min(1.0, job.percent / 100)), False


def sharing_words(reel: Reel, state: Sharing) -> str:
    """What the parent sees of this reel, in a sentence for the practitioner."""
    if reel.shared_at is None or state == Sharing.NOT_SHARED:
        return "Not shared: the parent sees nothing of this reel."
    when = f"{reel.shared_at:%-d %B %Y, %H:%M}"
    if state == Sharing.HIDDEN:
        return (f"Shared on {when}, and hidden from the parent now: consent to share the "
                "film with the parent was withdrawn or has run out for a clip in it. "
                "Renew it on the Consent page, or stop sharing.")
    if state == Sharing.CURRENT:
        return f"Shared with the parent on {when}: they see this version."
    return (f"The parent sees the version shared on {when}, not these changes: render "
            "this one, watch it, and share it to replace it.")


#: ``12345`` -> ``0:12.345``: the Reels page's name for the one formatter.
ms_label = format_ms
