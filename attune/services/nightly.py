"""Nightly work without a person: the retention deletions, then an encrypted backup.

``attune worker`` runs :func:`run_nightly` once a day at ``ATTUNE_NIGHTLY_HOUR`` (huey's
periodic task, :mod:`attune.jobs`); ``attune nightly`` runs it by hand (administrators).
Each part is recorded as a job (``retention`` and ``backup``), so a failure is shown to
administrators in the app (:func:`nightly_status`) and written to the worker's log.

The audit log names the schedule as the actor (``NIGHTLY``): nobody chose the moment,
and nobody can move the date (the retention uses today's date, never a given one).

Backups go into ``ATTUNE_BACKUP_DIR`` as ``attune-backup-<UTC time>.tar.age``, encrypted
to ``ATTUNE_BACKUP_RECIPIENTS``; once a new one is whole, the oldest beyond
``ATTUNE_BACKUP_KEEP`` are removed (only files of that name: nothing else in the folder
is touched). Without recipients the nightly backup refuses to run: a readable copy of
the families' videos on a backup disk is what this guards against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from attune.core.accounts import Role, User
from attune.core.jobs import Job, JobKind, JobStatus
from attune.errors import AttuneError, InputError
from attune.services import Context
from attune.services.access import require_role
from attune.services.backup import BackupReport, backup
from attune.services.backup_keys import parse_recipients
from attune.services.clips import delete_clips
from attune.services.ingest import worker_name
from attune.services.retention import RetentionItem, due_for_deletion

#: Who the audit log names for what the schedule does.
NIGHTLY = "nightly schedule"
#: The jobs that record each night's parts (object id 0: the installation).
NIGHTLY_KINDS = (JobKind.RETENTION, JobKind.BACKUP)
BACKUP_NAME = re.compile(r"^attune-backup-\d{8}T\d{6}Z\.tar\.age$")


@dataclass(frozen=True)
class NightlyReport:
    deleted: tuple[RetentionItem, ...]
    backup: BackupReport | None
    removed_backups: tuple[Path, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_name(now: datetime) -> str:
    return f"attune-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar.age"


def _start(ctx: Context, kind: JobKind, stage: str) -> Job:
    with ctx.db.transaction(NIGHTLY) as tx:
        job = tx.create_job(kind, 0)
        return tx.update_job(job.id, status=JobStatus.RUNNING, stage=stage,
                             worker=worker_name())


def _end(ctx: Context, job: Job, error: str = "", stage: str = "done") -> None:
    with ctx.db.transaction(NIGHTLY) as tx:
        tx.update_job(job.id, status=JobStatus.FAILED if error else JobStatus.DONE,
                      stage=stage, percent=100, error=error)


def _retention(ctx: Context, today: date) -> tuple[list[RetentionItem], str]:
    job = _start(ctx, JobKind.RETENTION, "deleting what is past its date")
    done: list[RetentionItem] = []
    try:
        for item in due_for_deletion(ctx, today):
            delete_clips(ctx, NIGHTLY, item.clip_ids, reel_ids=item.reel_ids,
                         reason=f"retention period ended {item.delete_after.isoformat()}")
            done.append(item)
    except Exception as exc:
        error = f"The retention deletions stopped: {exc}"
        _end(ctx, job, error, stage="stopped")
        return done, error
    _end(ctx, job, stage=f"{len(done)} famil{'y' if len(done) == 1 else 'ies'} past the date"[:40])
    return done, ""


def _backup(ctx: Context, now: datetime) -> tuple[BackupReport | None, list[Path], str]:
    settings = ctx.settings
    job = _start(ctx, JobKind.BACKUP, "writing the encrypted backup")  # stages: 40 characters
    try:
        if not settings.backup_dir:
            raise InputError("No nightly backup is set up: set ATTUNE_BACKUP_DIR to a folder "
                             "or mounted disk, and ATTUNE_BACKUP_RECIPIENTS to the public key "
                             "from `attune backup-key`, then restart the worker.")
        if not settings.backup_recipients:
            raise InputError("The nightly backup needs ATTUNE_BACKUP_RECIPIENTS (the public "
                             "key from `attune backup-key`): it never writes the families' "
                             "videos unencrypted. Set it and restart the worker.")
        recipients = parse_recipients(settings.backup_recipients)
        folder = Path(settings.backup_dir).expanduser()
        report = backup(ctx, folder / backup_name(now), NIGHTLY, recipients=recipients)
        removed = prune_backups(folder, settings.backup_keep)
    except (AttuneError, OSError) as exc:
        error = f"The nightly backup failed: {exc}"
        _end(ctx, job, error, stage="stopped")
        return None, [], error
    _end(ctx, job, stage="written whole, encrypted")
    return report, removed, ""


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Remove the oldest nightly backups in ``folder`` beyond ``keep`` (by their names,
    which sort by time); other files are never touched."""
    ours = sorted(p for p in folder.iterdir() if BACKUP_NAME.match(p.name) and p.is_file())
    old = ours[:-keep] if keep > 0 else ours
    for path in old:
        path.unlink(missing_ok=True)
    return old


def run_nightly(ctx: Context, now: datetime | None = None) -> NightlyReport:
    """The night's work, in order: retention deletions (today's date), then the backup
    (so that it holds nothing already past its date). Never raises for a failed part:
    each is recorded and reported."""
    now = now or datetime.now(UTC)
    deleted, retention_error = _retention(ctx, now.date())
    report, removed, backup_error = _backup(ctx, now)
    problems = tuple(p for p in (retention_error, backup_error) if p)
    return NightlyReport(tuple(deleted), report, tuple(removed), problems)


def run_nightly_by_hand(ctx: Context, actor: User) -> NightlyReport:
    """``attune nightly``: the same work now, asked for by an administrator."""
    require_role(ctx, actor, {Role.ADMIN}, "run the nightly work")
    return run_nightly(ctx)


@dataclass(frozen=True)
class NightlyStatus:
    """What an administrator is shown about the nightly work."""

    kind: JobKind
    last: Job | None
    set_up: bool

    @property
    def failed(self) -> bool:
        return self.last is not None and self.last.status == JobStatus.FAILED


def nightly_status(ctx: Context, actor: User) -> list[NightlyStatus]:
    require_role(ctx, actor, {Role.ADMIN}, "see the nightly work")
    s = ctx.settings
    with ctx.db.transaction(actor.username) as tx:
        return [NightlyStatus(JobKind.RETENTION, tx.latest_job(JobKind.RETENTION, 0), True),
                NightlyStatus(JobKind.BACKUP, tx.latest_job(JobKind.BACKUP, 0),
                              bool(s.backup_dir and s.backup_recipients))]
