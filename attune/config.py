"""Settings: every ``ATTUNE_*`` environment variable, its default and its help.

``Settings.from_env()`` is the one place that reads the environment. ``SETTINGS`` lists
each variable with its help text; the README documents each one (a test checks it) and
``attune settings`` prints them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from attune.errors import InputError


@dataclass(frozen=True)
class SettingSpec:
    env: str
    default: str
    help: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("ATTUNE_DATA_DIR", "./attune-data",
                "Folder for the database, media and keys of this installation."),
    SettingSpec("ATTUNE_DATABASE_URL", "sqlite:///<ATTUNE_DATA_DIR>/attune.db",
                "SQLAlchemy URL of the database. SQLite (WAL, foreign keys on) by default; "
                "PostgreSQL with postgresql+psycopg://user@host:5432/name."),
    SettingSpec("ATTUNE_MEDIA_DIR", "<ATTUNE_DATA_DIR>/media",
                "Folder for originals (stored by content hash), proxies, filmstrips, "
                "stills and reels."),
    SettingSpec("ATTUNE_SECRET_KEY", "made once, kept in <ATTUNE_DATA_DIR>/secret_key (0600)",
                "Key that signs media URLs and sign-in cookies. Set it to share one key "
                "between several app servers."),
    SettingSpec("ATTUNE_AUDIT_KEY", "made once, kept in <ATTUNE_DATA_DIR>/audit_key (0600)",
                "Key of the audit log's HMAC chain, kept out of the database so that "
                "whoever can change the database cannot rewrite the log unseen. Keep a "
                "copy with your backups; set it to share one key between app servers."),
    SettingSpec("ATTUNE_REDIS_URL", "(unset: jobs queue in <ATTUNE_DATA_DIR>/jobs.db)",
                "Redis URL for the background job queue, e.g. redis://127.0.0.1:6379/0. "
                "Unset, the queue is a SQLite file in the data folder."),
    SettingSpec("ATTUNE_UPLOAD_LIMIT_MB", "8192",
                "Largest upload, in MiB (8 GiB: a 30-minute 1080p phone recording at 60 "
                "frames a second is about 5-6 GB). A larger upload is refused before it "
                "fills the disk."),
    SettingSpec("ATTUNE_PROXY_SHORT_SIDE", "720",
                "Largest short side, in pixels, of the browser proxy made at ingest."),
    SettingSpec("ATTUNE_RETENTION_MONTHS", "2",
                "Months after a family's involvement ends before its media is deleted, "
                "unless consent was renewed to a later date."),
    SettingSpec("ATTUNE_IDLE_MINUTES", "30",
                "Minutes without activity after which a signed-in user is signed out."),
    SettingSpec("ATTUNE_LOCKOUT_ATTEMPTS", "5",
                "Wrong passwords in a row, from one address, that lock that address out of "
                "that account."),
    SettingSpec("ATTUNE_LOCKOUT_MINUTES", "15",
                "Minutes of the first such lock; each further lock doubles (up to a day)."),
    SettingSpec("ATTUNE_ADDRESS_ATTEMPTS", "30",
                "Wrong passwords from one address, for any accounts, that lock that address "
                "out of signing in (as long as ATTUNE_LOCKOUT_MINUTES, doubling)."),
    SettingSpec("ATTUNE_TRUST_PROXY", "no",
                "yes: the app is behind a reverse proxy that adds the client's address to "
                "X-Forwarded-For, and sign-in throttling uses that address. Leave it at no "
                "when browsers reach the app directly (they could forge the header)."),
    SettingSpec("ATTUNE_TEST_DATABASE_URL", "(unset: tests use SQLite only)",
                "Tests only: a PostgreSQL URL; the storage tests then run on it as well "
                "as on SQLite (make test sets it to this machine's server)."),
)


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a whole number; set it to e.g. {default}.") \
            from None
    if value <= 0:
        raise InputError(f"{name} must be greater than 0 (it is {value}).")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("yes", "true", "1", "on"):
        return True
    if raw in ("no", "false", "0", "off"):
        return False
    raise InputError(f"{name}={raw!r} is neither yes nor no; set it to yes or no.")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    media_dir: Path
    secret_key: str = field(repr=False)
    audit_key: str = field(default="", repr=False)
    redis_url: str | None = None
    upload_limit_mb: int = 8192
    proxy_short_side: int = 720
    retention_months: int = 2
    idle_minutes: int = 30
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    address_attempts: int = 30
    trust_proxy: bool = False

    @property
    def audit_key_bytes(self) -> bytes:
        if not self.audit_key:
            raise ValueError("Settings without an audit key: use Settings.from_env()")
        return self.audit_key.encode("utf-8")

    @property
    def upload_limit_bytes(self) -> int:
        return self.upload_limit_mb << 20

    @property
    def jobs_db_path(self) -> Path:
        return self.data_dir / "jobs.db"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``ATTUNE_*`` variable (see ``SETTINGS``).

        Creates the data folder and, when ``ATTUNE_SECRET_KEY`` / ``ATTUNE_AUDIT_KEY``
        are unset, their key files in it (once, mode 0600), so that keys survive
        restarts.
        """
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("ATTUNE_DATA_DIR") or "./attune-data").expanduser().resolve()
        if not data_dir.exists():
            # the families' data: for the service account only (attune.services.permissions)
            data_dir.mkdir(parents=True, mode=0o700)
            data_dir.chmod(0o700)  # mkdir's mode is masked by the umask
        database_url = env.get("ATTUNE_DATABASE_URL") or f"sqlite:///{data_dir / 'attune.db'}"
        media_dir = Path(env.get("ATTUNE_MEDIA_DIR") or data_dir / "media").expanduser().resolve()
        secret = env.get("ATTUNE_SECRET_KEY") or _stored_secret(data_dir)
        audit_key = env.get("ATTUNE_AUDIT_KEY") or _stored_secret(data_dir, "audit_key")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            media_dir=media_dir,
            secret_key=secret,
            audit_key=audit_key,
            redis_url=env.get("ATTUNE_REDIS_URL") or None,
            upload_limit_mb=_int(env, "ATTUNE_UPLOAD_LIMIT_MB", 8192),
            proxy_short_side=_int(env, "ATTUNE_PROXY_SHORT_SIDE", 720),
            retention_months=_int(env, "ATTUNE_RETENTION_MONTHS", 2),
            idle_minutes=_int(env, "ATTUNE_IDLE_MINUTES", 30),
            lockout_attempts=_int(env, "ATTUNE_LOCKOUT_ATTEMPTS", 5),
            lockout_minutes=_int(env, "ATTUNE_LOCKOUT_MINUTES", 15),
            address_attempts=_int(env, "ATTUNE_ADDRESS_ATTEMPTS", 30),
            trust_proxy=_bool(env, "ATTUNE_TRUST_PROXY", False),
        )


def _stored_secret(data_dir: Path, name: str = "secret_key") -> str:
    path = data_dir / name
    if path.exists():
        return path.read_text().strip()
    tmp = data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
        fh.flush()
        os.fsync(fh.fileno())
    try:  # link, not rename: if another process made the key first, its key wins
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()
