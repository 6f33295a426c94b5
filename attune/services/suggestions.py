"""Suggested marks: the clip's sound and picture analysed after ingest (a job of its own,
so it never slows or fails the ingest that makes a clip codable), and a practitioner's
decisions. The sound gives the baby's vocalisations, fussing and crying and the adult
answers after them (:mod:`attune.detect.suggest`); the picture gives clear movements
toward or away from its middle (:mod:`attune.detect.motion`), also for a clip without
sound.

Only the family's practitioners see and decide suggestions (the gate:
``Action.USE_SUGGESTIONS``); the analysis runs only where the clip may be processed
(``Action.ANALYSE_CLIP``: the consent it was filmed under). Accepting makes an ordinary
event of the person who accepted it, in the same transaction as the decision (both
audited); until then a suggestion counts nowhere: tallies, agreement, contingency and
reels read events only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from attune.core.accounts import User
from attune.core.attunement import find_answered_cue
from attune.core.clip import Clip, ClipStatus
from attune.core.events import Event
from attune.core.jobs import Job, JobKind, JobStatus
from attune.core.scheme import EventKind
from attune.core.suggestions import Suggestion, SuggestionStatus
from attune.detect.motion import motion_suggestions, movements
from attune.detect.segments import voices
from attune.detect.suggest import latency_windows, suggestions_from
from attune.detect.voice import RATE, frame_features
from attune.errors import InputError, MediaError, NotAllowedError, NotFoundError, StateError
from attune.media.motion import motion_field
from attune.media.sound import read_mono
from attune.services import Context
from attune.services.access import Action, decide_access, require_access
from attune.services.ingest import worker_name
from attune.services.schemes import clip_scheme, clip_scheme_in
from attune.storage.store import Tx

Progress = Callable[[str, float], None]

NO_SOUND = "This clip has no sound, so nothing could be suggested from what was heard."
NO_VOICES = "No voices were heard in this clip's sound, so nothing is suggested from it."
NO_PICTURE = ("This clip's picture could not be read, so no movements are suggested: "
              "the suggestions from its sound are there as usual.")


@dataclass(frozen=True)
class Analysis:
    """What an analysis found: how many suggestions are now waiting, and a plain note
    for what it could not use (no sound, no voices, a picture it could not read)."""

    clip_id: int
    pending: int
    heard: int
    note: str = ""


def _windows(ctx: Context, clip_id: int) -> dict[str, int]:
    """The latency windows of the vocal cues, in the scheme the clip is coded with."""
    _, scheme = clip_scheme(ctx, clip_id)
    return latency_windows(scheme)


def _in_scheme(ctx: Context, clip_id: int, found: list[Suggestion]) -> list[Suggestion]:
    """The suggestions with a code the clip's scheme lacks left without a code (the
    practitioner chooses one with a code key when accepting)."""
    _, scheme = clip_scheme(ctx, clip_id)
    return [s if not s.code or scheme.has_code(s.code)
            else dataclasses.replace(s, code="", guess=False) for s in found]


def analyse_clip(ctx: Context, actor: User | None, clip_id: int,
                 progress: Progress | None = None) -> Analysis:
    """Listen to the clip's proxy and watch its picture, and store its suggestions
    (replacing the pending ones; decided ones stay decided). ``actor`` None is the job
    worker."""
    who = actor.username if actor else "worker"
    with ctx.db.transaction(who) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.ANALYSE_CLIP, clip.family_id, clip,
                       what=f"analyse clip {clip_id}")
    if clip.status != ClipStatus.READY:
        raise StateError(f"Clip {clip_id} is not processed yet ({clip.status}); its sound "
                         "is analysed once it is ready.")
    proxy = ctx.media.clip_files(clip.id, clip.sha256)["proxy"]
    if not proxy.is_file():
        raise MediaError(f"The playable copy of clip {clip_id} is missing; process the clip "
                         f"again (attune clip retry {clip_id}).")

    def tell(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction)

    tell("reading the sound", 0.0)
    # a recording without sound gets a silent track in its proxy: the original's facts
    # say whether it had any
    recorded_sound = bool((clip.media or {}).get("facts", {}).get("has_audio", True))
    samples, has_sound = read_mono(proxy, RATE) if recorded_sound else (None, False)
    found: list[Suggestion] = []
    notes: list[str] = []
    if samples is None or not has_sound or len(samples) == 0:
        notes.append(NO_SOUND)
    else:
        frames = frame_features(samples, lambda f: tell("listening", 0.05 + 0.6 * f))
        del samples
        found = suggestions_from(voices(frames), _windows(ctx, clip_id))
        if not found:
            notes.append(NO_VOICES)
    tell("watching", 0.65)
    try:
        field = motion_field(proxy, lambda f: tell("watching", 0.65 + 0.3 * f))
    except MediaError:
        notes.append(NO_PICTURE)
        field = None
    if field is not None:
        found += motion_suggestions(movements(field))
    found = _in_scheme(ctx, clip_id, sorted(found, key=lambda s: (s.start_ms, s.kind)))
    with ctx.db.transaction(who) as tx:  # consent may have ended while listening
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.ANALYSE_CLIP, clip.family_id, clip,
                       what=f"analyse clip {clip_id}")
        pending = tx.replace_suggestions(clip_id, found)
    tell("done", 1.0)
    return Analysis(clip_id, pending, len(found), " ".join(notes))


def queue_detection(ctx: Context, clip_id: int, actor: User | None = None) -> Job:
    """Queue the analysis of a ready clip for a worker (the worker does this after each
    ingest; ``attune detect CLIP --queue`` too, as ``actor``: the gate asks first)."""
    with ctx.db.transaction(actor.username if actor else "system") as tx:
        if actor is not None:
            clip = tx.get_clip(clip_id)
            require_access(tx, actor, Action.ANALYSE_CLIP, clip.family_id, clip,
                           what=f"analyse clip {clip_id}")
        job = tx.create_job(JobKind.DETECT, clip_id)
    ctx.queue.enqueue_detect(clip_id, job.id)
    return job


def run_detection(ctx: Context, clip_id: int, job_id: int) -> Analysis | None:
    """The worker's job: the analysis with progress in the jobs table. A failure is
    recorded on the job only: the clip stays ready and codable."""
    # the job names its worker, so that recovery sees at once when that worker died
    with ctx.db.transaction("worker") as tx:
        tx.update_job(job_id, status=JobStatus.RUNNING, stage="starting", percent=0,
                      worker=worker_name())

    def progress(stage: str, fraction: float) -> None:
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, stage=stage[:40], percent=int(100 * fraction))

    try:
        result = analyse_clip(ctx, None, clip_id, progress)
    except (MediaError, StateError, NotAllowedError, NotFoundError, ValueError) as exc:
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
        raise
    with ctx.db.transaction("worker") as tx:
        tx.update_job(job_id, status=JobStatus.DONE, stage=(result.note or "done")[:40],
                      percent=100)
    return result


def detection_job(ctx: Context, clip_id: int) -> Job | None:
    with ctx.db.transaction("system") as tx:
        return tx.latest_job(JobKind.DETECT, clip_id)


def list_suggestions(ctx: Context, actor: User, clip_id: int,
                     status: SuggestionStatus | None = SuggestionStatus.PENDING
                     ) -> list[Suggestion]:
    """The clip's suggestions (pending ones unless ``status`` says otherwise; None: all)."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.USE_SUGGESTIONS, clip.family_id, clip,
                       what=f"see the suggestions of clip {clip_id}")
        return tx.list_suggestions(clip_id, status)


def may_use_suggestions(ctx: Context, actor: User, clip: Clip) -> bool:
    """Whether the gate lets ``actor`` see and decide the clip's suggestions (the
    workspace shows the Suggested lane only then)."""
    with ctx.db.transaction(actor.username) as tx:
        return decide_access(tx, actor, Action.USE_SUGGESTIONS, clip.family_id, clip).allowed


def _decidable(tx: Tx, actor: User, suggestion_id: int, verb: str) -> Suggestion:
    found = tx.get_suggestion(suggestion_id)
    clip = tx.get_clip(found.clip_id or 0)
    for action in (Action.USE_SUGGESTIONS, Action.CODE_CLIP):
        require_access(tx, actor, action, clip.family_id, clip,
                       what=f"{verb} suggestion {suggestion_id}")
    if found.status != SuggestionStatus.PENDING:
        raise StateError(f"That suggestion was {found.status} already.")
    return found


def accept_suggestion(ctx: Context, actor: User, suggestion_id: int,
                      code: str | None = None) -> Event:
    """Accept a suggestion (under ``code`` when given: another code of the same kind): it
    becomes an ordinary event of ``actor``; a response is linked to the cue it answers
    as a marked one would be. Returns the event."""
    with ctx.db.transaction(actor.username) as tx:
        found = _decidable(tx, actor, suggestion_id, "accept")
        # under the scheme version the clip is coded with, as a marked event would be
        stored, scheme = clip_scheme_in(ctx, tx, found.clip_id or 0)
        chosen = (code or found.code).strip().upper()
        if not chosen:
            raise InputError("This suggestion has no code: accept it with a code key (or "
                             "--code) to say which.")
        if not scheme.has_code(chosen):
            raise InputError(f"{chosen} is not a code of the coding scheme.")
        kind = scheme.code(chosen).kind
        if kind != found.kind:
            raise InputError(f"This suggestion is a {found.kind}; {chosen} is a {kind} code. "
                             f"Choose a {found.kind} code.")
        event = Event(kind, chosen, found.start_ms, found.end_ms, coder=actor.username,
                      scheme=stored.name, scheme_version=stored.version)
        answers_id = None
        if kind == EventKind.RESPONSE:
            cues = [e for e in tx.list_events(found.clip_id or 0, actor.username)
                    if e.kind == EventKind.CUE]
            cue = find_answered_cue(event, cues, scheme)
            answers_id = cue.id if cue else None
        made = tx.add_event(found.clip_id or 0, event, answers_id=answers_id)
        tx.decide_suggestion(suggestion_id, SuggestionStatus.ACCEPTED, made.id)
        return made


def reject_suggestion(ctx: Context, actor: User, suggestion_id: int) -> Suggestion:
    """Reject a suggestion: it stays rejected, also when the clip is analysed again."""
    with ctx.db.transaction(actor.username) as tx:
        _decidable(tx, actor, suggestion_id, "reject")
        return tx.decide_suggestion(suggestion_id, SuggestionStatus.REJECTED)


def events_from_suggestions(ctx: Context, actor: User, clip_id: int) -> dict[str, int]:
    """Per coder, how many of their events on the clip came from accepted suggestions:
    for a supervisor's agreement audit (anyone who may open the clip's coding; a blind
    coder learns only their own count)."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see the coding of clip {clip_id}")
        counts = tx.accepted_counts(clip_id)
    if decision.blind:
        return {k: v for k, v in counts.items() if k == actor.username}
    return counts
