"""The background job queue (huey): ingest, the sound analysis for suggested marks that
follows each ingest (``attune.services.suggestions``), and reel rendering, and the periodic work
(recovering jobs of dead workers every minute; the nightly retention and backup).

The queue is a SQLite file in the data folder by default, Redis when ``ATTUNE_REDIS_URL``
is set; either way ``attune worker`` runs the consumer (``make run`` starts one). The
huey instance is built on first use, not at import, from the settings.

The services ask for background work through :class:`attune.services.queue.JobQueue`;
:class:`HueyQueue` is that queue here, and :func:`open_context` hands it to them. The
services never import this module (``tests/test_architecture.py``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from attune.config import Settings
from attune.core.jobs import JobKind
from attune.errors import AttuneError, MediaError, NotAllowedError, NotFoundError
from attune.services import Context
from attune.services.ingest import run_ingest
from attune.services.nightly import run_nightly
from attune.services.recovery import recover_stalled_jobs
from attune.services.reels import render_queued
from attune.services.suggestions import queue_detection, run_detection

log = logging.getLogger("attune.jobs")


@functools.cache
def huey_for(settings: Settings) -> Huey:
    """The queue for these settings, with attune's tasks registered on it."""
    # One queue per installation (its database), so that two installations sharing a
    # Redis server never run each other's jobs.
    name = "attune-" + hashlib.sha256(settings.database_url.encode()).hexdigest()[:12]
    if settings.redis_url:
        queue: Huey = RedisHuey(name, url=settings.redis_url)
    else:
        queue = SqliteHuey(name, filename=str(settings.jobs_db_path))
    _register(queue, settings)
    return queue


def _register(queue: Huey, settings: Settings) -> None:
    contexts: dict[str, Any] = {}

    def context() -> Context:
        if "ctx" not in contexts:
            contexts["ctx"] = open_context(settings)
        return contexts["ctx"]

    @queue.task(name="attune.ingest")
    def ingest(clip_id: int, job_id: int) -> None:
        try:
            run_ingest(context(), clip_id, job_id)  # asks the gate at start and before writing
        except (MediaError, NotAllowedError, NotFoundError) as exc:
            # recorded on the clip and the job (a refusal in the audit log); not a crash
            log.warning("ingest of clip %s failed: %s", clip_id, exc)
            return
        # the clip is codable now; its sound is analysed after, as a job of its own
        queue_detection(context(), clip_id)

    @queue.task(name="attune.detect")
    def detect(clip_id: int, job_id: int) -> None:
        try:
            run_detection(context(), clip_id, job_id)  # asks the gate at start and end
        except AttuneError as exc:  # recorded on the job; the clip stays ready
            log.warning("analysis of clip %s failed: %s", clip_id, exc)

    @queue.task(name="attune.reel")
    def reel(reel_id: int, job_id: int, username: str) -> None:
        try:
            # asks the gate when it starts and before it writes the reel
            render_queued(context(), username, reel_id, job_id)
        except AttuneError as exc:  # recorded on the reel and the job
            log.warning("reel %s failed: %s", reel_id, exc)

    @queue.periodic_task(_every_minute(), name="attune.recover")
    def recover() -> None:
        recover_stalled_jobs(context())

    @queue.periodic_task(_daily_at(settings.nightly_hour), name="attune.nightly")
    def nightly() -> None:
        report = run_nightly(context())
        for problem in report.problems:  # also shown to administrators in the app
            log.error("%s", problem)
        if report.backup is not None:
            log.info("nightly backup written: %s", report.backup.path)

    queue._attune_tasks = {  # type: ignore[attr-defined]
        JobKind.INGEST: ingest, JobKind.REEL: reel, JobKind.DETECT: detect,
        "recover": recover, "nightly": nightly}


def _every_minute() -> Any:
    from huey import crontab

    return crontab(minute="*")


def _daily_at(hour: int) -> Any:
    from huey import crontab

    return crontab(minute="0", hour=str(hour))


def enqueue_ingest(settings: Settings, clip_id: int, job_id: int) -> None:
    huey_for(settings)._attune_tasks[JobKind.INGEST](clip_id, job_id)  # type: ignore[attr-defined]


def enqueue_reel(settings: Settings, reel_id: int, job_id: int, username: str) -> None:
    huey_for(settings)._attune_tasks[JobKind.REEL](reel_id, job_id, username)  # type: ignore[attr-defined]


def enqueue_detect(settings: Settings, clip_id: int, job_id: int) -> None:
    huey_for(settings)._attune_tasks[JobKind.DETECT](clip_id, job_id)  # type: ignore[attr-defined]


class HueyQueue:
    """The services' :class:`~attune.services.queue.JobQueue` on huey, for these settings
    (the module's functions are looked up at each call, so tests can replace them)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def enqueue_ingest(self, clip_id: int, job_id: int) -> None:
        enqueue_ingest(self.settings, clip_id, job_id)

    def enqueue_reel(self, reel_id: int, job_id: int, username: str) -> None:
        enqueue_reel(self.settings, reel_id, job_id, username)

    def enqueue_detect(self, clip_id: int, job_id: int) -> None:
        enqueue_detect(self.settings, clip_id, job_id)


def open_context(settings: Settings, *, migrate: bool = False) -> Context:
    """The services' context with this installation's job queue: what the app, the
    command line and the worker open."""
    return Context.open(settings, migrate=migrate, queue=HueyQueue(settings))


def run_worker(settings: Settings, workers: int = 2) -> None:
    """Run the consumer until interrupted. Jobs of every kind left running by a worker
    that died are marked failed first (and every minute), so that they can be retried."""
    from attune.services.permissions import check_permissions, permission_warning

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ctx = open_context(settings)
    warning = permission_warning(check_permissions(settings))
    if warning:
        log.warning(warning)
    recovered = recover_stalled_jobs(ctx)
    if recovered:
        log.warning("marked failed the jobs whose worker had died: %s",
                    ", ".join(f"{j.kind} of {j.object_id}" for j in recovered))
    ctx.close()
    consumer = huey_for(settings).create_consumer(workers=workers, worker_type="thread")
    consumer.run()
