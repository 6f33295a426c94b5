"""Background jobs (ingest, analysis, reel rendering, the nightly work) as the pages and
the CLI see them: what a job does and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class JobKind(StrEnum):
    """What a job does (the object it names: a clip, a reel, or 0 for the installation).
    The worker's huey task for a kind has the same name (``attune.jobs``)."""

    INGEST = "ingest"  # a clip's proxy, filmstrip and envelope (services/ingest.py)
    DETECT = "detect"  # suggested marks from a clip's sound (services/suggestions.py)
    REEL = "reel"  # a reel rendered (services/reels.py)
    RETENTION = "retention"  # the nightly deletions (services/nightly.py)
    BACKUP = "backup"  # the nightly encrypted backup


#: The jobs made for a clip, ended with it when it is deleted.
CLIP_JOBS = (JobKind.INGEST, JobKind.DETECT)


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
    kind: str  # a JobKind (kept as stored: a job of a kind no longer made still reads)
    object_id: int
    status: JobStatus
    stage: str
    percent: int
    error: str
    updated_at: datetime
    worker: str = ""
