"""Services that the CLI and the app share: each checks the rules (roles, consent),
changes the database through one transaction (with its audit entry) and keeps the media
folder in step with it."""

from __future__ import annotations

from dataclasses import dataclass

from attune.config import Settings
from attune.services.mediastore import MediaStore
from attune.storage.store import Database


@dataclass
class Context:
    settings: Settings
    db: Database
    media: MediaStore

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = False) -> Context:
        return cls(settings, Database.open(settings.database_url, migrate_to_head=migrate,
                                           audit_key=settings.audit_key_bytes),
                   MediaStore(settings.media_dir))

    def close(self) -> None:
        self.db.dispose()
