"""What the services ask of the background jobs: put an ingest, a render or
a clip's analysis for suggested marks on the queue.

The services depend on this interface only; :mod:`attune.jobs` implements it on huey and
the entry points (the app, the command line, the worker) hand it to the services through
:class:`attune.services.Context`. So the jobs, which run services, are never imported by
them, and there is no import circle (``tests/test_architecture.py``).
"""

from __future__ import annotations

from typing import Protocol

from attune.errors import StateError


class JobQueue(Protocol):
    """A queue that a worker (``attune worker``) takes its jobs from."""

    def enqueue_ingest(self, clip_id: int, job_id: int) -> None:
        """Process ``clip_id`` in the background; ``job_id`` records its progress."""

    def enqueue_reel(self, reel_id: int, job_id: int, username: str) -> None:
        """Render ``reel_id`` in the background, as ``username`` (the gate asks again)."""

    def enqueue_detect(self, clip_id: int, job_id: int) -> None:
        """Listen to ready ``clip_id`` for suggested marks; ``job_id`` records progress."""


class NoQueue:
    """The queue of a context opened without one: it says how to get one."""

    def _refuse(self) -> None:
        raise StateError("This program was started without the job queue, so nothing can "
                         "be queued. Process it now instead (without --queue), or open the "
                         "services with attune.jobs.open_context.")

    def enqueue_ingest(self, clip_id: int, job_id: int) -> None:
        self._refuse()

    def enqueue_reel(self, reel_id: int, job_id: int, username: str) -> None:
        self._refuse()

    def enqueue_detect(self, clip_id: int, job_id: int) -> None:
        self._refuse()
