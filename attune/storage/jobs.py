"""Background jobs' progress as the pages and the CLI see it."""

from __future__ import annotations

from sqlalchemy import func, select

from attune.core.jobs import UNFINISHED, Job, JobKind, JobStatus
from attune.errors import NotFoundError
from attune.storage.audit import AuditLog
from attune.storage.models import (
    JobRecord,
)
from attune.storage.txbase import utcnow


class Jobs(AuditLog):
    def create_job(self, kind: JobKind, object_id: int) -> Job:
        now = utcnow()
        rec = JobRecord(kind=str(kind), object_id=object_id, status=str(JobStatus.QUEUED),
                        stage="queued", percent=0, error="", worker="", created_at=now,
                        updated_at=now)
        self.orm.add(rec)
        self.orm.flush()
        return _job(rec)

    def update_job(self, job_id: int, *, status: JobStatus | None = None, stage: str | None = None,
                   percent: int | None = None, error: str | None = None,
                   worker: str | None = None) -> Job:
        rec = self.orm.get(JobRecord, job_id)
        if rec is None:
            raise NotFoundError(f"There is no job {job_id}.")
        if status is not None:
            rec.status = str(status)
        if stage is not None:
            rec.stage = stage
        if percent is not None:
            rec.percent = max(0, min(100, percent))
        if error is not None:
            rec.error = error
        if worker is not None:
            rec.worker = worker
        rec.updated_at = utcnow()
        return _job(rec)

    def running_jobs(self) -> list[Job]:
        return [_job(r) for r in self.orm.scalars(
            select(JobRecord).where(JobRecord.status.in_([str(s) for s in UNFINISHED]))
            .order_by(JobRecord.id))]

    def newest_job_update(self) -> str:
        """When a background job last moved (ingest and renders change what pages show
        without an audit entry): part of the pages' data version."""
        newest = self.orm.scalar(select(func.max(JobRecord.updated_at)))
        return newest.isoformat() if newest is not None else ""

    def latest_job(self, kind: JobKind, object_id: int) -> Job | None:
        rec = self.orm.scalars(select(JobRecord).where(JobRecord.kind == str(kind),
                                                       JobRecord.object_id == object_id)
                               .order_by(JobRecord.id.desc())).first()
        return _job(rec) if rec else None


def _job(rec: JobRecord) -> Job:
    return Job(rec.id, rec.kind, rec.object_id, JobStatus(rec.status), rec.stage, rec.percent,
               rec.error, rec.updated_at, rec.worker)

