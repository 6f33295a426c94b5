"""Highlight reels from the database: candidate moments, captions checked against the
words for parents, consent, rendering as a background job, the parent's view and
download, reflections and the stills handout (docs/practice.md §1, §6, §7).

Every render, view and download is audited; a caption the words check flags is kept only
with the practitioner's reason, which is audited too.

A reel's life: draft -> rendered (``READY``) -> shared (on purpose, after the practitioner
has watched the render) -> unshared or replaced by a newer shared version. Rendering never
shares; changing a moment, the title or the choice of moments makes the reel a draft
again, while the shared version (its own file and snapshot) stays as the parent saw it.
What a parent may see is decided in :mod:`attune.services.parent_view`.

Captions once (docs/practice.md §6): the render makes the film the app plays, its picture
without captions (a smart cut, :mod:`attune.reels.smartcut`: watchable sooner) with the
WebVTT track beside it, then, in the same job, the copy that leaves the building with the
captions burned in (shared along with the film; the parent's copy to keep is made when
first asked for if it is missing: :func:`reel_file`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any

from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus
from attune.core.crop import Crop
from attune.core.family import Family
from attune.core.jobs import Job, JobKind, JobStatus
from attune.core.practice import moment_length_note, too_many_moments
from attune.core.pronouns import Pronoun
from attune.core.reel import Moment, Reel, ReelStatus, Reflection
from attune.core.timebase import FrameGrid
from attune.core.words import Finding, WordRule, check_words
from attune.errors import ConsentError, InputError, NotAllowedError, NotFoundError, StateError
from attune.fileio import copy_atomic
from attune.reels.plan import (
    DEFAULT_TITLE,
    CaptionPosition,
    MomentSpec,
    ReelOptions,
    ReelPlan,
    plan_reel,
)
from attune.reels.propose import Proposal, propose_moments
from attune.services import Context
from attune.services.access import (
    Action,
    decide_access,
    decide_many,
    decide_reel,
    require_access,
    require_reel,
)
from attune.services.analysis import primary_coder
from attune.services.ingest import media_paths, worker_name
from attune.services.parent_view import (
    CAPTIONS_ON_TRACK,
    captions_on_track,
    shared_file,
    shared_reel,
    shared_to_keep,
    snapshot_moment,
)
from attune.services.schemes import load_scheme
from attune.storage.store import Tx

Progress = Callable[[str, float], None]
log = logging.getLogger("attune.reels")


def proxy_fps(clip: Clip) -> Fraction:
    fps = clip.media.get("proxy_fps")
    if not fps:
        raise StateError(f"Clip {clip.id} has no playable copy yet ({clip.status}); wait for "
                         "its processing to finish.")
    return Fraction(str(fps))


# ------------------------------------------------------------------ moments
def propose(ctx: Context, actor: User, clip_id: int, pronoun: Pronoun | str | None = None,
            limit: int | None = 8) -> list[Proposal]:
    """Candidate moments of a clip, best first, from the clip's (primary) coding.
    Practitioner-only codes never feed a proposal or a caption. Captions speak of the
    baby as the family's record says, unless ``pronoun`` overrides it."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.MAKE_REEL, clip.family_id, clip,
                                  what=f"choose moments of clip {clip_id}")
        events = tx.list_events(clip_id)
        if decision.blind:  # blind double-coding: never from the other coder's events
            events = [e for e in events if e.coder == actor.username]
        coder = primary_coder(tx, clip, events)
        mine = [e for e in events if e.coder == coder]
        family = tx.family_by_id(clip.family_id)
    if not mine:
        return []
    _, scheme = load_scheme(ctx, mine[0].scheme, mine[0].scheme_version)
    return propose_moments(mine, scheme, clip_duration_ms=clip.duration_ms,
                           baby_name=family.baby_name, pronoun=pronoun or family.pronoun,
                           limit=limit)


def snap_bounds(clip: Clip, start_ms: int, end_ms: int) -> tuple[int, int]:
    """Frame-accurate bounds inside the clip."""
    grid = FrameGrid(proxy_fps(clip))
    start, end = grid.snap_ms(start_ms), grid.snap_ms(end_ms)
    if clip.duration_ms is not None:
        end = min(end, clip.duration_ms)
    if not 0 <= start < end:
        raise InputError(f"A moment must start before it ends inside the clip (0 to "
                         f"{clip.duration_ms} ms); got {start_ms}-{end_ms} ms.")
    return start, end


def add_moment(ctx: Context, actor: User, clip_id: int, start_ms: int, end_ms: int,
               caption: str = "", key_ms: int | None = None) -> Moment:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.MAKE_REEL, clip.family_id, clip,
                       what=f"choose moments of clip {clip_id}")
        start, end = snap_bounds(clip, start_ms, end_ms)
        key = key_ms if key_ms is not None and start <= key_ms < end else None
        return tx.add_moment(clip_id, start, end, caption.strip(), key)


def accept_proposal(ctx: Context, actor: User, clip_id: int, proposal: Proposal) -> Moment:
    return add_moment(ctx, actor, clip_id, proposal.start_ms, proposal.end_ms,
                      proposal.caption, proposal.key_ms)


def update_moment(ctx: Context, actor: User, moment_id: int, **changes: object) -> Moment:
    """Trim (frame-accurately), caption, film-stop and slow-replay options, order. A
    changed caption clears an earlier override: the new words are checked again. A change
    the picture shows makes the reels with this moment drafts again (storage does it)."""
    if "crop" in changes:  # zoom and pan, kept with the moment (None: the whole picture)
        crop = Crop.from_dict(changes["crop"])  # type: ignore[arg-type]
        changes["crop"] = None if crop is None else crop.to_dict()
    if "caption_position" in changes:
        try:
            changes["caption_position"] = str(CaptionPosition(str(changes["caption_position"])))
        except ValueError:
            raise InputError("Put the caption at the top or the bottom of the picture."
                             ) from None
    with ctx.db.transaction(actor.username) as tx:
        moment = tx.get_moment(moment_id)
        clip = tx.get_clip(moment.clip_id)
        require_access(tx, actor, Action.MAKE_REEL, clip.family_id, clip,
                       what=f"change moment {moment_id}")
        if "start_ms" in changes or "end_ms" in changes:
            start, end = snap_bounds(clip, int(changes.get("start_ms", moment.start_ms)),  # type: ignore[call-overload]
                               int(changes.get("end_ms", moment.end_ms)))  # type: ignore[call-overload]
            changes["start_ms"], changes["end_ms"] = start, end
        if "caption" in changes and changes["caption"] != moment.caption:
            changes.setdefault("caption_override", "")
        return tx.update_moment(moment_id, **changes)


def delete_moment(ctx: Context, actor: User, moment_id: int) -> None:
    with ctx.db.transaction(actor.username) as tx:
        moment = tx.get_moment(moment_id)
        clip = tx.get_clip(moment.clip_id)
        require_access(tx, actor, Action.MAKE_REEL, clip.family_id, clip,
                       what=f"delete moment {moment_id}")
        tx.delete_moment(moment_id)


def caption_findings(moment: Moment) -> list[Finding]:
    """What the words-for-parents check finds in a moment's captions."""
    return [*check_words(moment.caption), *check_words(moment.film_stop_caption)]


def keep_caption(ctx: Context, actor: User, moment_id: int, reason: str) -> Moment:
    """Keep a flagged caption for a parent's reel; the reason is audited."""
    if len(reason.strip()) < 10:
        raise InputError("Say in a sentence why this caption is right for this parent "
                         "(it is kept in the audit log).")
    return update_moment(ctx, actor, moment_id, caption_override=reason.strip())


# ------------------------------------------------------------------ reels
@dataclass(frozen=True)
class ReelDraft:
    reel: Reel
    moments: tuple[Moment, ...]
    clips: dict[int, Clip]
    warnings: tuple[str, ...]
    findings: dict[int, list[Finding]]  # moment id -> words-check findings not overridden

    @property
    def ready_to_render(self) -> bool:
        return bool(self.moments) and not self.findings


def check_title(title: str, *, read_with_colleague: bool = False) -> bool:
    """The title goes on the reel's first card, in front of the parent: the words check,
    as for captions. Words to avoid are refused with a rewording; a title in a language
    the check has no rules for needs ``read_with_colleague`` (returns True when that
    confirmation was needed, for the audit)."""
    found = check_words(title)
    flagged = [f for f in found if f.rule != WordRule.UNCHECKED]
    if flagged:
        f = flagged[0]
        raise InputError(f"The title has words to avoid with parents: '{f.found}' "
                         f"({f.why}); try: {f.suggestion}")
    if found and not read_with_colleague:
        raise InputError("The words check cannot read this title's language. Read it with "
                         "a colleague, then tick that you have.")
    return bool(found)


def create_reel(ctx: Context, actor: User, family_code: str, moment_ids: Sequence[int],
                title: str = DEFAULT_TITLE, *, read_with_colleague: bool = False) -> Reel:
    title = title.strip() or DEFAULT_TITLE
    unchecked = check_title(title, read_with_colleague=read_with_colleague)
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(family_code)
        require_access(tx, actor, Action.MAKE_REEL, family,
                       what=f"make a reel for family {family_code}")
        _check_moments(tx, family.id, moment_ids)
        reel = tx.add_reel(family.id, title, list(moment_ids))
        if unchecked:
            tx.audit("title-read-by-colleague", "reel", reel.id, {})
        return reel


def set_reel_moments(ctx: Context, actor: User, reel_id: int,
                     moment_ids: Sequence[int]) -> Reel:
    """Choose and order the reel's moments (the reel goes back to draft)."""
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_access(tx, actor, Action.MAKE_REEL, reel.family_id,
                       what=f"change reel {reel_id}")
        _check_moments(tx, reel.family_id, moment_ids)
        return tx.set_reel_moments(reel_id, list(moment_ids))


def rename_reel(ctx: Context, actor: User, reel_id: int, title: str, *,
                read_with_colleague: bool = False) -> Reel:
    """Change the title on the reel's first card (the reel goes back to draft: render it
    again so the parent sees the new title)."""
    title = title.strip()
    if not title:
        raise InputError("Give the reel a title: it is shown on its first card.")
    unchecked = check_title(title, read_with_colleague=read_with_colleague)
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_access(tx, actor, Action.MAKE_REEL, reel.family_id,
                       what=f"rename reel {reel_id}")
        renamed = tx.set_reel_title(reel_id, title)
        if unchecked:
            tx.audit("title-read-by-colleague", "reel", reel_id, {})
        return renamed


def _check_moments(tx: Tx, family_id: int, moment_ids: Sequence[int]) -> None:
    if not moment_ids:
        raise InputError("Choose at least one moment for the reel.")
    if len(set(moment_ids)) != len(moment_ids):
        raise InputError("A moment appears twice in the reel; choose each once.")
    for mid in moment_ids:
        clip = tx.get_clip(tx.get_moment(mid).clip_id)
        if clip.family_id != family_id:
            raise InputError(f"Moment {mid} is from another family's clip; a reel shows one "
                             "family only.")


@dataclass(frozen=True)
class FamilyReels:
    family: Family
    clips: list[Clip]  # processed clips, oldest first
    moments: list[Moment]  # every chosen moment of the family, in reel order
    reels: list[Reel]  # newest first


def family_reels(ctx: Context, user: User, code: str) -> FamilyReels:
    """A family's processed clips, chosen moments (ordered by position, then id) and reels;
    needs edit access (the family's own practitioner)."""
    with ctx.db.transaction(user.username) as tx:
        family = tx.get_family(code)
        require_access(tx, user, Action.MAKE_REEL, family, what=f"make reels for family {code}")
        every = tx.clips_for_family(family.id)
        decisions = decide_many(tx, user, Action.MAKE_REEL, [(family, c) for c in every])
        # blind double-coding: no moments (they come from the other coder's events)
        clips = [c for c, decision in zip(every, decisions, strict=True)
                 if c.status == ClipStatus.READY and c.media.get("proxy_fps")
                 and decision.allowed and not decision.blind]
        # given a clip to code blind: none of its moments, nor the reels made of them
        blind = [c.id for c, decision in zip(every, decisions, strict=True)
                 if decision.blind and not decision.allowed]
        of_clips = tx.moments_of_clips([c.id for c in clips] + blind)
        moments = [m for c in clips for m in of_clips[c.id]]
        hidden = {m.id for c in blind for m in of_clips[c]}
        reels = sorted((r for r in tx.reels_for_family(family.id)
                        if not hidden & set(r.moment_ids)), key=lambda r: r.id, reverse=True)
    moments.sort(key=lambda m: (m.position, m.id))
    return FamilyReels(family, sorted(clips, key=lambda c: c.id), moments, reels)


def clip_moments(ctx: Context, actor: User, clip: Clip) -> list[Moment]:
    """The chosen moments of ``clip`` that ``actor`` may see (none under blind
    double-coding: they were chosen from the other coder's events)."""
    with ctx.db.transaction(actor.username) as tx:
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"open clip {clip.id}")
        return [] if decision.blind else tx.moments_for_clip(clip.id)


def reel_draft(ctx: Context, actor: User, reel_id: int) -> ReelDraft:
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_reel(tx, actor, Action.WATCH_REEL, reel, what=f"open reel {reel_id}")
        moments = tuple(tx.get_moment(m) for m in reel.moment_ids)
        clips = {m.clip_id: tx.get_clip(m.clip_id) for m in moments}
    notes = [too_many_moments(len(moments)),
             *(moment_length_note(i, m.end_ms - m.start_ms) for i, m in enumerate(moments, 1))]
    warnings = [n for n in notes if n]
    findings = {m.id: caption_findings(m) for m in moments if not m.caption_override}
    return ReelDraft(reel, moments, clips, tuple(warnings),
                     {k: v for k, v in findings.items() if v})


def _plan(ctx: Context, draft: ReelDraft) -> tuple[ReelPlan, dict[str, Path]]:
    with ctx.db.transaction("system") as tx:
        family = tx.family_by_id(draft.reel.family_id)
    held = [c for c in draft.clips.values() if c.status != ClipStatus.READY]
    if held:
        raise StateError(f"Clip {held[0].id} is not processed yet ({held[0].status}); render "
                         "the reel once it is ready.")
    # clips are named by their id (as text) in the plan
    specs = [MomentSpec(str(m.clip_id), m.start_ms, m.end_ms, m.caption, m.key_ms, m.film_stop,
                        m.slow_replay, m.film_stop_caption,
                        CaptionPosition(m.caption_position), Crop.from_dict(m.crop))
             for m in draft.moments]
    options = ReelOptions(title=draft.reel.title, baby_name=family.baby_name,
                          date=date.today().strftime("%-d %B %Y"))
    fps = {str(cid): proxy_fps(c) for cid, c in draft.clips.items()}
    durations = {str(cid): c.duration_ms for cid, c in draft.clips.items() if c.duration_ms}
    plan = plan_reel(specs, fps, options, clip_durations_ms=durations)
    sources = {str(cid): media_paths(ctx, c)["proxy"] for cid, c in draft.clips.items()}
    return plan, sources


def check_reel_consent(ctx: Context, actor: User, draft: ReelDraft) -> None:
    """Every clip of the reel needs shared-review consent (docs/practice.md §7): the gate."""
    with ctx.db.transaction(actor.username) as tx:
        require_reel(tx, actor, Action.MAKE_REEL, draft.reel,
                     what=f"render reel {draft.reel.id}")


def _ready_to_render(ctx: Context, actor: User, reel_id: int) -> ReelDraft:
    draft = reel_draft(ctx, actor, reel_id)
    with ctx.db.transaction(actor.username) as tx:
        require_access(tx, actor, Action.MAKE_REEL, draft.reel.family_id,
                       what=f"render reel {reel_id}")
    if not draft.moments:
        raise InputError("The reel has no moments yet; add one first.")
    check_reel_consent(ctx, actor, draft)
    for number, moment in enumerate(draft.moments, 1):
        for f in draft.findings.get(moment.id, [])[:1]:
            raise InputError(caption_refusal(number, f))
    return draft


def caption_refusal(number: int, finding: Finding) -> str:
    """Why moment ``number`` keeps the reel from the parent, and what to do, in words."""
    if finding.rule == WordRule.UNCHECKED:
        return (f"Moment {number}'s caption is in a language the words check cannot read: "
                "read it with a colleague who speaks it, then keep it with a reason.")
    return (f"Moment {number}'s caption has words to avoid with parents: '{finding.found}' "
            f"({finding.why}); try: {finding.suggestion} Change the caption, or keep it "
            "with a reason.")


def queue_render(ctx: Context, actor: User, reel_id: int) -> Job:
    """Check consent and captions, then render in the background (``attune worker``)."""
    _ready_to_render(ctx, actor, reel_id)
    with ctx.db.transaction(actor.username) as tx:
        job = tx.create_job(JobKind.REEL, reel_id)
        tx.set_reel_status(reel_id, ReelStatus.QUEUED)
    ctx.queue.enqueue_reel(reel_id, job.id, actor.username)
    return job


def render_queued(ctx: Context, username: str, reel_id: int, job_id: int) -> Reel:
    """The worker's side of :func:`queue_render`: render as the user who queued it (the
    gate asks again, for that user, when it starts and before it writes)."""
    with ctx.db.transaction("worker") as tx:
        actor = tx.get_user(username)
    return render_now(ctx, actor, reel_id, job_id)


def render_now(ctx: Context, actor: User, reel_id: int, job_id: int | None = None,
               progress: Progress | None = None) -> Reel:
    """Render here and now (a worker, or the command line). The reel file appears whole or
    not at all; an earlier rendering stays until the new one is complete.

    The film is the smart cut without burned captions (the players show its WebVTT
    track); once it is ready (the job done), the copy with the captions burned in is
    made beside it."""
    from attune.reels.smartcut import render_smart_reel

    try:
        draft = _ready_to_render(ctx, actor, reel_id)  # the gate, when the job starts
    except NotAllowedError as exc:
        if job_id is not None:  # a queued job refused: say so on the job and the reel
            with ctx.db.transaction("worker") as tx:
                tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
                tx.set_reel_status(reel_id, ReelStatus.FAILED, error=str(exc))
        raise
    plan, sources = _plan(ctx, draft)
    snapshot = _snapshot(draft.reel.title, draft.moments, plan)
    with ctx.db.transaction(actor.username) as tx:
        if job_id is None:
            job_id = tx.create_job(JobKind.REEL, reel_id).id
        # the worker's name lets recovery tell at once when it died (services.recovery)
        tx.update_job(job_id, status=JobStatus.RUNNING, stage="render", percent=0,
                      worker=worker_name())
        tx.set_reel_status(reel_id, ReelStatus.RENDERING)
    ctx.media.reel_dir(reel_id).mkdir(parents=True, exist_ok=True)

    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, stage=stage, percent=int(fraction * 100))

    try:
        result = render_smart_reel(plan, sources, ctx.media.reel_film(reel_id),
                                   vtt_path=ctx.media.reel_captions(reel_id),
                                   progress=_throttled(report))
    except Exception as exc:
        with ctx.db.transaction(actor.username) as tx:
            tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
            tx.set_reel_status(reel_id, ReelStatus.FAILED, error=str(exc))
        raise
    # the burned copy of the film before it is stale: made again below
    ctx.media.reel_captioned(reel_id).unlink(missing_ok=True)
    _gate_before_writing(ctx, actor, reel_id, job_id, [result.path, result.vtt_path])
    with ctx.db.transaction(actor.username) as tx:
        tx.update_job(job_id, status=JobStatus.DONE, stage="done", percent=100)
        now = tx.get_reel(reel_id)
        current = _content(now.title, [tx.get_moment(m) for m in now.moment_ids])
        # relative to the media folder, so that a restored installation finds it
        reel = tx.set_reel_status(reel_id, ReelStatus.READY,
                                  path=str(result.path.relative_to(ctx.media.root)),
                                  duration_ms=result.duration_ms, snapshot=snapshot)
        tx.audit("render", "reel", reel_id, {"moments": list(reel.moment_ids),
                                             "duration_ms": result.duration_ms})
        if current != _content(snapshot["title"], draft.moments):
            # edited while rendering: the file shows the reel as it was; never call it
            # ready (and so never let it be shared) as if it showed the edits
            reel = tx.set_reel_status(reel_id, ReelStatus.DRAFT)
    if reel.status == ReelStatus.READY:
        # the copy that leaves the building, while nobody waits for it; a failure here
        # leaves the film as it is (a download makes the copy when it asks for it)
        try:
            _burn(ctx, reel_id, plan, sources, ctx.media.reel_captioned(reel_id),
                  snapshot)
        except Exception as exc:  # the film stands; said in the log
            log.warning("reel %s: the copy with captions in the picture was not made "
                        "(%s); a download makes it", reel_id, exc)
    return reel


def _burn(ctx: Context, reel_id: int, plan: ReelPlan, sources: dict[str, Path], out: Path,
          snapshot: dict[str, Any] | None) -> Path:
    """Render the copy of the film with its captions burned in; kept only while the
    rendered film (``snapshot``) is still the one it copies (``None``: a shared version,
    which never changes)."""
    from attune.reels.render import render_reel

    render_reel(plan, sources, out, with_vtt=False)
    if snapshot is not None:
        with ctx.db.transaction("worker") as tx:
            now = tx.get_reel(reel_id)
            current = now.status == ReelStatus.READY and \
                tx.rendered_snapshot(reel_id) == snapshot
        if not current:  # rendered again meanwhile: this copy is of an older film
            out.unlink(missing_ok=True)
            raise StateError("The reel was rendered again; ask for its copy again.")
    return out


def film_captions_on_track(ctx: Context, actor: User, reel_id: int) -> bool:
    """Whether the practitioner's rendered film shows its captions as its WebVTT track
    (its picture carries none, so a player must add the track), or in its picture (a
    film rendered before the smart cut: a player must add none, or they show twice)."""
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_access(tx, actor, Action.SEE_FAMILY, reel.family_id,
                       what=f"see reel {reel_id}")
        return captions_on_track(tx.rendered_snapshot(reel_id))


def _shared_captioned_copy(ctx: Context, actor: User, reel_id: int, out: Path) -> Path:
    """The shared version's film with its captions burned in (the parent's copy to keep):
    copied from the practitioner's when the share was made, else made now from the shared
    version (the caller has checked the gates and audited)."""
    if out.is_file():
        return out
    plan, sources = _plan(ctx, _shared_draft(ctx, actor, reel_id))
    return _burn(ctx, reel_id, plan, sources, out, None)


def _gate_before_writing(ctx: Context, actor: User, reel_id: int, job_id: int,
                         made: list[Path]) -> None:
    """Consent withdrawn (or access ended) while rendering: keep nothing of it."""
    try:
        with ctx.db.transaction(actor.username) as tx:
            require_reel(tx, actor, Action.MAKE_REEL, tx.get_reel(reel_id),
                         what=f"finish rendering reel {reel_id}")
    except (NotAllowedError, NotFoundError) as exc:
        for path in made:
            path.unlink(missing_ok=True)
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
            with contextlib.suppress(NotFoundError):  # deleted with its clips' consent
                tx.set_reel_status(reel_id, ReelStatus.FAILED, error=str(exc))
        raise


def _content(title: str, moments: Sequence[Moment]) -> dict[str, Any]:
    """What a rendered file shows of a reel (to tell whether it is still current)."""
    return {"title": title, "moments": [
        {k: v for k, v in snapshot_moment(m, 0).items() if k != "reel_start_ms"}
        for m in moments]}


def _snapshot(title: str, moments: Sequence[Moment], plan: ReelPlan) -> dict[str, Any]:
    """What the rendered file shows, for the parent's page once it is shared."""
    return {"title": title, "duration_ms": plan.duration_ms,
            "end_card_ms": plan.options.end_card_ms, "captions": CAPTIONS_ON_TRACK,
            "moments": [snapshot_moment(m, start) for m, start in
                        zip(moments, plan.moment_starts_ms, strict=True)]}


# ------------------------------------------------------------------ sharing
def share_reel(ctx: Context, actor: User, reel_id: int) -> Reel:
    """Show the family's parents this reel as rendered (after the practitioner has watched
    it). Needs a render that shows the reel as it stands and shared_review consent for
    every clip in it. The parents see this version (its own copy of the file, and its
    title, moments and captions as they are now) until it is unshared or a newer
    version is shared. Audited."""
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        # the parents will see it: shared review must be in force for every clip in it
        decision = decide_reel(tx, actor, Action.MAKE_REEL, reel)
        if not decision.allowed and decision.missing is None:  # not theirs to share
            require_access(tx, actor, Action.MAKE_REEL, reel.family_id,
                           what=f"share reel {reel_id}")
        snapshot = tx.rendered_snapshot(reel_id)
    if not decision.allowed:
        with ctx.db.transaction(actor.username) as tx:
            tx.audit("refuse-share", "reel", reel_id, {"consent": str(decision.missing)})
        raise ConsentError("The reel cannot be shared: " + decision.reason)
    if reel.status != ReelStatus.READY or not reel.path or snapshot is None:
        raise StateError("Render the reel and watch it first: only a rendered reel that "
                         "shows its moments as they are now can be shared.")
    source = ctx.media.root / reel.path
    copy = ctx.media.new_shared_files(reel_id)
    made = [copy_atomic(source, copy.film)]
    vtt = ctx.media.captions_of(source)
    captioned = ctx.media.captioned_of(source)
    try:
        if vtt.is_file():
            made.append(copy_atomic(vtt, copy.captions))
        if captioned.is_file() and captions_on_track(snapshot):
            made.append(copy_atomic(captioned, copy.captioned))
        with ctx.db.transaction(actor.username) as tx:
            old = tx.unshare_reel(reel_id, "replaced by a newer version")
            shared = tx.share_reel(reel_id, str(made[0].relative_to(ctx.media.root)),
                                   snapshot)
    except BaseException:
        for p in made:
            p.unlink(missing_ok=True)
        raise
    _remove_shared_files(ctx, old)
    return shared


class Sharing(StrEnum):
    """What the family's parents see of a reel, for the practitioner's page."""

    NOT_SHARED = "not shared"  # nothing
    CURRENT = "current"  # the reel as last rendered and as it stands now
    EARLIER = "earlier"  # an earlier shared version, not the changes since
    HIDDEN = "hidden"  # shared, but consent no longer covers a clip in it: nothing


def sharing(ctx: Context, actor: User, reel_id: int) -> Sharing:
    """What the parents see of the reel just now (the gate decides for them at every
    request: a shared reel whose shared-review consent was withdrawn or ran out shows
    them nothing, and the practitioner's page must not say otherwise)."""
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        # the family's record, not its media: asked whatever the consent says
        require_access(tx, actor, Action.SEE_FAMILY, reel.family_id,
                       what=f"see what the parents see of reel {reel_id}")
        shared = tx.shared_snapshot(reel_id)
        if shared is None:
            return Sharing.NOT_SHARED
        clip_ids = dict.fromkeys(int(m["clip_id"]) for m in shared.get("moments", []))
        try:
            clips = [tx.get_clip(c) for c in clip_ids]
        except NotFoundError:
            return Sharing.HIDDEN
        if not all(decide_access(tx, actor, Action.MAKE_REEL, reel.family_id, c).allowed
                   for c in clips):
            return Sharing.HIDDEN
        if reel.status == ReelStatus.READY and shared == tx.rendered_snapshot(reel_id):
            return Sharing.CURRENT
        return Sharing.EARLIER


def unshare_reel(ctx: Context, actor: User, reel_id: int) -> Reel:
    """Stop showing the reel to the family's parents, at once (audited); its shared copy
    is deleted. The practitioner's own reel (draft or rendered) stays. Needs no consent
    (it shows the family less): the family's practitioner may always do it, also once
    shared-review consent has run out."""
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_access(tx, actor, Action.MANAGE_RECORD, reel.family_id,
                       what=f"stop sharing reel {reel_id}")
        old = tx.unshare_reel(reel_id, "stopped by the practitioner")
        reel = tx.get_reel(reel_id)
    _remove_shared_files(ctx, old)
    return reel


def _remove_shared_files(ctx: Context, shared_path: str | None) -> None:
    if not shared_path:
        return
    for path in ctx.media.shared_files(shared_path):
        path.unlink(missing_ok=True)


def _throttled(report: Progress) -> Progress:
    last: dict[str, float] = {}

    def call(stage: str, fraction: float) -> None:
        if fraction >= 1 or fraction - last.get(stage, -1.0) >= 0.02:
            last[stage] = fraction
            report(stage, fraction)

    return call


def reel_job(ctx: Context, reel_id: int) -> Job | None:
    with ctx.db.transaction("system") as tx:
        return tx.latest_job(JobKind.REEL, reel_id)


def reel_moment_starts(ctx: Context, actor: User, reel_id: int) -> list[tuple[Moment, int]]:
    """Each moment of the reel as it stands, with where it starts in the reel (the
    practitioner's view; a parent's comes from the shared snapshot, see
    :mod:`attune.services.parent_view`)."""
    draft = reel_draft(ctx, actor, reel_id)
    plan, _ = _plan(ctx, draft)
    return list(zip(draft.moments, plan.moment_starts_ms, strict=True))


def _shared_draft(ctx: Context, actor: User, reel_id: int) -> ReelDraft:
    """The shared version as a draft to plan from (the parent's handout)."""
    from dataclasses import replace

    shared = shared_reel(ctx, actor, reel_id)
    with ctx.db.transaction("system") as tx:
        reel = replace(tx.get_reel(reel_id), title=shared.title)
        clips = {c: tx.get_clip(c) for c in shared.clip_ids}
    return ReelDraft(reel, shared.moments, clips, (), {})


# ------------------------------------------------------------------ the practitioner's file
def reel_file(ctx: Context, actor: User, reel_id: int, *, download: bool = False) -> Path:
    """The rendered reel for viewing (the family's practitioners: the reel as last
    rendered; a parent: only the shared version, see
    :func:`attune.services.parent_view.shared_file`), or to keep (``download``: the copy
    with the captions burned in; a parent's needs parent_copy consent). Audited either
    way."""
    if actor.role == Role.PARENT:
        path = shared_file(ctx, actor, reel_id, download=download)
        # the copy to keep, with burned captions, made now if it is not there yet
        return _shared_captioned_copy(ctx, actor, reel_id, path) if download else path
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_reel(tx, actor, Action.WATCH_REEL, reel, what=f"watch reel {reel_id}")
        if download:
            require_reel(tx, actor, Action.KEEP_REEL, reel, what=f"keep reel {reel_id}")
        if reel.status != ReelStatus.READY or reel.path is None:
            raise StateError(f"Reel {reel_id} is not rendered yet.")
        tx.audit("download" if download else "view", "reel", reel_id)
        snapshot = tx.rendered_snapshot(reel_id)
    if download and captions_on_track(snapshot):  # the copy that leaves the building
        # (the policy lets only parents keep a copy, of the shared version; this is for
        # any role it may let keep the practitioner's, with the render's burned copy)
        captioned = ctx.media.reel_captioned(reel_id)
        if not captioned.is_file():
            raise StateError("The copy with the captions in the picture is still being "
                             "made; try again in a minute, or render the reel again.")
        return captioned
    # to watch; or rendered before the smart cut, with its captions in its picture
    return ctx.media.root / reel.path


def add_reflection(ctx: Context, actor: User, moment_id: int, text: str,
                   reel_id: int | None = None) -> Reflection:
    """What the parent said about a moment, typed by the practitioner."""
    text = text.strip()
    if not text:
        raise InputError("Type what the parent said first.")
    with ctx.db.transaction(actor.username) as tx:
        moment = tx.get_moment(moment_id)
        clip = tx.get_clip(moment.clip_id)
        require_access(tx, actor, Action.MAKE_REEL, clip.family_id, clip,
                       what=f"add reflections to moment {moment_id}")
        return tx.add_reflection(moment_id, text, reel_id)


def reflections(ctx: Context, actor: User, reel_id: int) -> list[Reflection]:
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_reel(tx, actor, Action.WATCH_REEL, reel, what=f"see reel {reel_id}")
        return tx.reflections(list(reel.moment_ids))


def handout(ctx: Context, actor: User, reel_id: int) -> Path:
    """The printable A4 stills handout of a reel (made once per rendering): a parent's
    from the shared version only, with parent-copy consent (it is theirs to keep); the
    practitioner's from a reel that could be rendered
    (shared-review consent, no flagged caption kept without a reason)."""
    from attune.reels.handout import write_handout

    if actor.role == Role.PARENT:  # a copy to keep: parent-copy consent as for the film
        out = ctx.media.reel_path(reel_id, shared_to_keep(ctx, actor, reel_id).handout_name)
        draft = _shared_draft(ctx, actor, reel_id)
    else:  # what goes to the parent on paper passes the checks a rendering does
        draft, out = _ready_to_render(ctx, actor, reel_id), ctx.media.reel_handout(reel_id)
    plan, sources = _plan(ctx, draft)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_handout(plan, sources, out)
    with ctx.db.transaction(actor.username) as tx:
        tx.audit("handout", "reel", reel_id)
    return out


def delete_reel(ctx: Context, actor: User, reel_id: int) -> None:
    with ctx.db.transaction(actor.username) as tx:
        reel = tx.get_reel(reel_id)
        require_access(tx, actor, Action.MANAGE_RECORD, reel.family_id,
                       what=f"delete reel {reel_id}")
    with ctx.media.deleting([ctx.media.reel_dir(reel_id)]), \
            ctx.db.transaction(actor.username) as tx:
        tx.delete_reel(reel_id, "deleted by practitioner")

