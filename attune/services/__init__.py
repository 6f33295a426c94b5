"""Services that the CLI and the app share: each checks the rules (roles, consent),
changes the database through one transaction (with its audit entry) and keeps the media
folder in step with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from attune.config import Settings
from attune.services.mediastore import MediaStore
from attune.services.queue import JobQueue, NoQueue
from attune.storage.store import Database


@dataclass
class Context:
    settings: Settings
    db: Database
    media: MediaStore
    #: Where background work goes; the entry points hand in the jobs' queue
    #: (``attune.jobs.open_context``), so that the services never import the jobs.
    queue: JobQueue = field(default_factory=NoQueue)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = False,
             queue: JobQueue | None = None) -> Context:
        """Open the database and media folder. From here on this process makes its files
        for its own account only (umask 077: ``attune.services.permissions``)."""
        from attune.services.permissions import private_files

        private_files()
        return cls(settings, Database.open(settings.database_url, migrate_to_head=migrate,
                                           audit_key=settings.audit_key_bytes),
                   MediaStore(settings.media_dir), queue or NoQueue())

    def close(self) -> None:
        self.db.dispose()
