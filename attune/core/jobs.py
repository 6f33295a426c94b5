"""Background jobs (ingest, reel rendering) as the pages and the CLI see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# Statuses of a job that a worker still owes an answer for.
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    object_id: int
    status: JobStatus
    stage: str
    percent: int
    error: str
    updated_at: datetime
    worker: str = ""
