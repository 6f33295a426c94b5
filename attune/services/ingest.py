"""Ingest as a job: probe at upload (reject what is not a playable video before any row
exists), then make the proxy, filmstrip and envelope in the background with progress in
the ``jobs`` table (``attune.services.recovery`` puts back jobs whose worker died).

A copied proxy comes with a coarse filmstrip (:mod:`attune.media.ingest`): the clip is
ready and codable at once, and the same job then puts in the full filmstrip, which a
timeline that has the clip open swaps in (it looks again while its strip is coarse)."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attune.core.accounts import User
from attune.core.clip import Clip, ClipStatus
from attune.core.jobs import Job, JobKind, JobStatus
from attune.errors import MediaError, NotAllowedError, NotFoundError, StateError
from attune.media.ingest import IngestResult, ingest_media, sharpen_filmstrip
from attune.services import Context
from attune.services.access import Action, require_access

Progress = Callable[[str, float], None]

log = logging.getLogger("attune.ingest")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def media_paths(ctx: Context, clip: Clip) -> dict[str, Path]:
    """Where a ready clip's files are (the media store says)."""
    return ctx.media.clip_files(clip.id, clip.sha256)


def _stored_media(result: Any) -> dict[str, Any]:
    """What the clip row keeps: facts and proxy numbers, never absolute paths."""
    data = result.to_dict()
    for key in ("proxy_path", "filmstrip_path", "filmstrip_index_path", "envelope_path"):
        data.pop(key, None)
    return data


class _JobReporter:
    """Progress into the jobs table, at most twice a second (it is also the heartbeat)."""

    def __init__(self, ctx: Context, job_id: int, extra: Progress | None) -> None:
        self.ctx, self.job_id, self.extra = ctx, job_id, extra
        self.last = 0.0
        self.stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        if self.extra is not None:
            self.extra(stage, fraction)
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.5 and fraction < 1.0:
            return
        self.stage, self.last = stage, now
        with self.ctx.db.transaction("worker") as tx:
            tx.update_job(self.job_id, stage=stage, percent=int(fraction * 100))


def queue_job(ctx: Context, clip_id: int) -> Job:
    with ctx.db.transaction("system") as tx:
        job = tx.create_job(JobKind.INGEST, clip_id)
        tx.set_clip_media(clip_id, status=ClipStatus.QUEUED)
    return job


def run_ingest(ctx: Context, clip_id: int, job_id: int | None = None,
               progress: Progress | None = None) -> Clip:
    """Do the ingest of ``clip_id`` here and now (a worker, the CLI or the demo)."""
    if job_id is None:
        job_id = queue_job(ctx, clip_id).id
    _gate(ctx, clip_id, job_id)  # consent withdrawn while queued: nothing is made
    with ctx.db.transaction("worker") as tx:
        clip = tx.get_clip(clip_id)
        tx.update_job(job_id, status=JobStatus.RUNNING, stage="starting", percent=0,
                      worker=worker_name())
        tx.set_clip_media(clip_id, status=ClipStatus.INGESTING, media=clip.media)
    paths = media_paths(ctx, clip)
    try:
        result = ingest_media(paths["original"], ctx.media.clip_dir(clip_id),
                              short_side=ctx.settings.proxy_short_side,
                              progress=_JobReporter(ctx, job_id, progress))
    except MediaError as exc:
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
            tx.set_clip_media(clip_id, status=ClipStatus.FAILED, failure_reason=str(exc))
        raise
    # consent withdrawn (the clip deleted) while processing: keep nothing of it
    _gate(ctx, clip_id, job_id)
    with ctx.db.transaction("worker") as tx:
        tx.update_job(job_id, status=JobStatus.DONE, stage="done", percent=100)
        ready = tx.set_clip_media(clip_id, status=ClipStatus.READY,
                                  media=_stored_media(result),
                                  duration_ms=result.proxy_duration_ms)
    if result.filmstrip.coarse:
        _sharpen(ctx, clip_id, job_id, result, progress)
    return ready


def _sharpen(ctx: Context, clip_id: int, job_id: int, result: IngestResult,
             progress: Progress | None) -> None:
    """The full filmstrip of a ready clip that got a coarse one (``progress``: the stage
    ``"filmstrip"``; the job itself is done). A failure leaves the coarse one (right,
    only less detailed) and is logged; the clip stays ready."""
    if progress is not None:
        progress("filmstrip", 0.0)
    try:
        sharpen_filmstrip(ctx.media.clip_dir(clip_id), result.proxy_fps,
                          result.proxy_frame_count)
    except (MediaError, OSError, ValueError) as exc:
        log.warning("the full filmstrip of clip %s was not made: %s", clip_id, exc)
    if progress is not None:
        progress("filmstrip", 1.0)
    # consent withdrawn (the clip deleted) meanwhile: what was written goes too
    with contextlib.suppress(NotAllowedError, NotFoundError):
        _gate(ctx, clip_id, job_id)


def _gate(ctx: Context, clip_id: int, job_id: int) -> None:
    """The gate, for the job worker: may the clip still be processed? If not, remove
    whatever was made, mark the job failed and raise the (audited) refusal."""
    try:
        with ctx.db.transaction("worker") as tx:
            clip = tx.get_clip(clip_id)
            require_access(tx, None, Action.PROCESS_CLIP, clip.family_id, clip,
                           what=f"process clip {clip_id}")
    except (NotAllowedError, NotFoundError) as exc:
        shutil.rmtree(ctx.media.clip_dir(clip_id), ignore_errors=True)
        with ctx.db.transaction("worker") as tx:
            tx.update_job(job_id, status=JobStatus.FAILED, error=str(exc))
            with contextlib.suppress(NotFoundError):  # deleted with its consent
                tx.set_clip_media(clip_id, status=ClipStatus.FAILED, failure_reason=str(exc))
        raise


def ingest_now(ctx: Context, clip_id: int, progress: Progress | None = None) -> Clip:
    return run_ingest(ctx, clip_id, None, progress)


def queue_ingest(ctx: Context, clip_id: int) -> Job:
    """Queue the ingest for a worker (``attune worker``; ``make run`` starts one)."""
    job = queue_job(ctx, clip_id)
    ctx.queue.enqueue_ingest(clip_id, job.id)
    return job


def retry_check(ctx: Context, actor: User, clip: Clip) -> None:
    """Raise unless ``actor`` may retry ``clip`` and its processing failed (or never ran)."""
    with ctx.db.transaction(actor.username) as tx:
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"retry clip {clip.id}")
    if clip.status not in (ClipStatus.FAILED, ClipStatus.STORED):
        raise StateError(f"Clip {clip.id} is {clip.status}; only a clip whose processing "
                         "failed (or never ran) can be processed again.")


def retry_ingest(ctx: Context, actor: User, clip_id: int) -> Job:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
    retry_check(ctx, actor, clip)
    return queue_ingest(ctx, clip_id)


def uploaded_clips(ctx: Context, actor: User, code: str) -> list[tuple[Clip, Job | None]]:
    """The family's clips, newest first, each with its latest ingest job (the Upload
    page's list), for someone who may upload to the family (the gate, again)."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.UPLOAD, family,
                       what=f"see the uploads of family {code}")
        clips = tx.clips_for_family(family.id)
    return [(clip, ingest_job(ctx, clip.id))
            for clip in sorted(clips, key=lambda c: c.id, reverse=True)]


def ingest_job(ctx: Context, clip_id: int) -> Job | None:
    with ctx.db.transaction("system") as tx:
        return tx.latest_job(JobKind.INGEST, clip_id)
