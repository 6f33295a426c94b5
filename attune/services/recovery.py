"""Jobs that always end: a job left running by a worker that died (killed, the computer
restarted) is marked failed with a reason, what it half made is removed, and its object
(a clip, a reel) is put back where it can be started again from the page or the CLI.

One recovery for every job kind: ``RECOVERIES`` says, per kind, how its object is put
back; a kind without an entry still has its job marked failed, so nothing stays
"running" for ever. The worker runs this at start and every minute.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from attune.core.clip import ClipStatus
from attune.core.jobs import Job, JobKind, JobStatus
from attune.core.reel import ReelStatus
from attune.errors import NotFoundError
from attune.services import Context
from attune.storage.store import utcnow

#: A running job whose worker has not reported for this long is taken as dead.
STALE_AFTER = timedelta(minutes=3)
STOPPED = ("The work stopped before it finished (the worker was stopped or the computer "
           "restarted). Nothing half-made was kept: ")
RETRY: dict[str, str] = {
    JobKind.INGEST: "press Retry, or run `attune clip retry {id}`.",
    JobKind.REEL: "press Render again, or run `attune reel render {id}`.",
    JobKind.DETECT: "run `attune detect {id}` (the clip itself is ready and codable).",
}


def _worker_is_dead(worker: str, here: str) -> bool | None:
    """True/False when the worker ran on this machine, None when we cannot tell."""
    host, _, pid = worker.rpartition(":")
    if host != here or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _put_back_clip(ctx: Context, job: Job, reason: str) -> None:
    # a clip that is not ready has nothing worth keeping: no half-made set of files
    # (the original, stored by content hash elsewhere, is untouched)
    shutil.rmtree(ctx.media.clip_dir(job.object_id), ignore_errors=True)
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(job.object_id, status=ClipStatus.FAILED, failure_reason=reason)


def remove_partial_files(folder: Path) -> list[Path]:
    """The temporary files a render, a handout or a shared copy leaves when killed (all
    hidden, ``.<name>.….tmp``, as :func:`attune.fileio.atomic_path` and the shared copy
    make them); a finished rendering stays."""
    removed = []
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(".") and p.is_file():
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


def _put_back_reel(ctx: Context, job: Job, reason: str) -> None:
    remove_partial_files(ctx.media.reel_dir(job.object_id))
    with ctx.db.transaction("system") as tx:
        # failed (not rendering) lets the page and the CLI render it again
        tx.set_reel_status(job.object_id, ReelStatus.FAILED, error=reason)


RECOVERIES: dict[str, Callable[[Context, Job, str], None]] = {
    JobKind.INGEST: _put_back_clip,
    JobKind.REEL: _put_back_reel,
}


def stopped_reason(job: Job) -> str:
    return STOPPED + RETRY.get(job.kind, "start it again.").format(id=job.object_id)


def recover_stalled_jobs(ctx: Context, stale_after: timedelta = STALE_AFTER) -> list[Job]:
    """Mark failed the running jobs (of every kind) whose worker died, remove what they
    half made and put their clip or reel back; returns those jobs.

    A worker on this machine that no longer exists is dead at once; elsewhere, a job that
    has not reported for ``stale_after`` is.
    """
    here = socket.gethostname()
    now = utcnow()
    with ctx.db.transaction("system") as tx:
        jobs = [j for j in tx.running_jobs() if j.status == JobStatus.RUNNING]
    failed = []
    for job in jobs:
        dead = _worker_is_dead(job.worker, here)
        if dead is False or (dead is None and now - job.updated_at < stale_after):
            continue
        reason = stopped_reason(job)
        put_back = RECOVERIES.get(job.kind)
        if put_back is not None:
            # the clip or reel deleted meanwhile: only the job is left to end
            with contextlib.suppress(NotFoundError):
                put_back(ctx, job, reason)
        with ctx.db.transaction("system") as tx:
            failed.append(tx.update_job(job.id, status=JobStatus.FAILED, error=reason))
    return failed
