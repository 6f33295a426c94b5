"""Settings: every ``ATTUNE_*`` environment variable, its type, default and help.

Each setting is declared once, as a field of :class:`Settings` (the field's name gives
the variable, ``ATTUNE_`` + its name in capitals; its annotation the type; its default
the default; and :func:`about` the help and, where the default is made from other
settings, how it is read and shown), as datasette declares its settings. Everything
else is derived from those declarations: ``Settings.from_env()`` (the one place that
reads the environment) and ``SETTINGS`` (which ``attune settings`` prints, the app
watches for changes, and a test checks the README documents).
"""

from __future__ import annotations

import os
import secrets
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from attune.errors import InputError

PREFIX = "ATTUNE_"
#: ``read(raw, values so far, variable name) -> value``, for a setting whose default is
#: made from others (the folders, the keys); the rest are read by their type.
Reader = Callable[[str, Mapping[str, Any], str], Any]


@dataclass(frozen=True)
class SettingSpec:
    """A setting as people read about it: variable, default as shown, help."""

    env: str
    default: str
    help: str


def about(help: str, *, shown: str | None = None, read: Reader | None = None
          ) -> dict[str, Any]:
    """The metadata that makes a field of :class:`Settings` a setting: its ``help`` (one
    or two sentences), ``shown`` (the default in words, when it is not the field's
    default itself) and ``read`` (for a default made from other settings)."""
    return {"help": help, "shown": shown, "read": read}


def _shown(default: Any) -> str:
    if isinstance(default, bool):
        return "yes" if default else "no"
    return "" if default is MISSING or default is None else str(default)


# ------------------------------------------------------------------ reading a value
def _int(raw: str, name: str, default: int) -> int:
    raw = raw.strip()
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


def _bool(raw: str, name: str, default: bool) -> bool:
    raw = raw.strip().lower()
    if not raw:
        return default
    if raw in ("yes", "true", "1", "on"):
        return True
    if raw in ("no", "false", "0", "off"):
        return False
    raise InputError(f"{name}={raw!r} is neither yes nor no; set it to yes or no.")


def _read_data_dir(raw: str, _values: Mapping[str, Any], _name: str) -> Path:
    data_dir = Path(raw or "./attune-data").expanduser().resolve()
    if not data_dir.exists():
        # the families' data: for the service account only (attune.services.permissions)
        data_dir.mkdir(parents=True, mode=0o700)
        data_dir.chmod(0o700)  # mkdir's mode is masked by the umask
    return data_dir


def _read_database_url(raw: str, values: Mapping[str, Any], _name: str) -> str:
    return raw or f"sqlite:///{values['data_dir'] / 'attune.db'}"


def _read_media_dir(raw: str, values: Mapping[str, Any], _name: str) -> Path:
    return Path(raw or values["data_dir"] / "media").expanduser().resolve()


def _read_hour(raw: str, _values: Mapping[str, Any], name: str) -> int:
    raw = raw.strip()
    if not raw:
        return 2
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise InputError(f"{name}={raw!r} is not an hour of the day; set it to 0-23, e.g. 2.")
    return int(raw)


def _stored_key(file_name: str) -> Reader:
    def read(raw: str, values: Mapping[str, Any], _name: str) -> str:
        return raw or _stored_secret(values["data_dir"], file_name)
    return read


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(metadata=about(
        "Folder for the database, media and keys of this installation.",
        shown="./attune-data", read=_read_data_dir))
    database_url: str = field(metadata=about(
        "SQLAlchemy URL of the database. SQLite (WAL, foreign keys on) by default; "
        "PostgreSQL with postgresql+psycopg://user@host:5432/name.",
        shown="sqlite:///<ATTUNE_DATA_DIR>/attune.db", read=_read_database_url))
    media_dir: Path = field(metadata=about(
        "Folder for originals (stored by content hash), proxies, filmstrips, stills and "
        "reels.", shown="<ATTUNE_DATA_DIR>/media", read=_read_media_dir))
    secret_key: str = field(repr=False, metadata=about(
        "Key that signs media URLs and sign-in cookies. Set it to share one key between "
        "several app servers.",
        shown="made once, kept in <ATTUNE_DATA_DIR>/secret_key (0600)",
        read=_stored_key("secret_key")))
    audit_key: str = field(default="", repr=False, metadata=about(
        "Key of the audit log's HMAC chain, kept out of the database so that whoever can "
        "change the database cannot rewrite the log unseen. Keep a copy with your backups; "
        "set it to share one key between app servers.",
        shown="made once, kept in <ATTUNE_DATA_DIR>/audit_key (0600)",
        read=_stored_key("audit_key")))
    redis_url: str | None = field(default=None, metadata=about(
        "Redis URL for the background job queue, e.g. redis://127.0.0.1:6379/0. Unset, the "
        "queue is a SQLite file in the data folder.",
        shown="(unset: jobs queue in <ATTUNE_DATA_DIR>/jobs.db)"))
    upload_limit_mb: int = field(default=8192, metadata=about(
        "Largest upload, in MiB (8 GiB: a 30-minute 1080p phone recording at 60 frames a "
        "second is about 5-6 GB). A larger upload is refused before it fills the disk."))
    proxy_short_side: int = field(default=720, metadata=about(
        "Largest short side, in pixels, of the browser proxy made at ingest."))
    retention_months: int = field(default=2, metadata=about(
        "Months after a family's involvement ends before its media is deleted, unless "
        "consent was renewed to a later date."))
    idle_minutes: int = field(default=30, metadata=about(
        "Minutes without activity after which a signed-in user is signed out."))
    lockout_attempts: int = field(default=5, metadata=about(
        "Wrong passwords in a row, from one address, that lock that address out of that "
        "account."))
    lockout_minutes: int = field(default=15, metadata=about(
        "Minutes of the first such lock; each further lock doubles (up to a day)."))
    address_attempts: int = field(default=30, metadata=about(
        "Wrong passwords from one address, for any accounts, that lock that address out of "
        "signing in (as long as ATTUNE_LOCKOUT_MINUTES, doubling)."))
    trust_proxy: bool = field(default=False, metadata=about(
        "yes: the app is behind a reverse proxy that adds the client's address to "
        "X-Forwarded-For, and sign-in throttling uses that address. Leave it at no when "
        "browsers reach the app directly (they could forge the header)."))

    backup_dir: str | None = field(default=None, metadata=about(
        "Folder (or mounted disk) for the nightly backup, written by `attune worker` and "
        "encrypted to ATTUNE_BACKUP_RECIPIENTS. Unset: no nightly backup (and admins are "
        "told so).", shown="(unset: no nightly backup)"))
    backup_recipients: str | None = field(default=None, metadata=about(
        "Public key(s) (age1..., made by `attune backup-key`; several separated by commas) "
        "that the nightly backup is encrypted to. The private key that opens it never goes "
        "on the server.", shown="(unset)"))
    backup_keep: int = field(default=14, metadata=about(
        "Nightly backups kept in ATTUNE_BACKUP_DIR; the oldest beyond this are removed "
        "after a new one is written whole."))
    nightly_hour: int = field(default=2, metadata=about(
        "Hour of the day (0-23, the worker's clock) of the nightly work: the retention "
        "deletions, then the backup.", read=_read_hour))

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
        """Read every ``ATTUNE_*`` variable (see ``SETTINGS``), in the order declared.

        Creates the data folder and, when ``ATTUNE_SECRET_KEY`` / ``ATTUNE_AUDIT_KEY``
        are unset, their key files in it (once, mode 0600), so that keys survive
        restarts.
        """
        env = os.environ if environ is None else environ
        types_ = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = env_name(f.name)
            raw = env.get(name, "")
            read: Reader | None = f.metadata["read"]
            values[f.name] = read(raw, values, name) if read is not None \
                else _by_type(types_[f.name], raw, name, f.default)
        return cls(**values)


def _by_type(kind: Any, raw: str, name: str, default: Any) -> Any:
    if kind is bool:
        return _bool(raw, name, default)
    if kind is int:
        return _int(raw, name, default)
    if kind is str:
        return raw or default
    if get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind):
        return raw or None
    raise TypeError(f"a setting of type {kind!r} needs read= in its declaration")


def env_name(field_name: str) -> str:
    """The environment variable of a :class:`Settings` field."""
    return PREFIX + field_name.upper()


#: Variables that are not settings of an installation but are documented with them.
_TEST_ONLY = (
    SettingSpec("ATTUNE_TEST_DATABASE_URL", "(unset: tests use SQLite only)",
                "Tests only: a PostgreSQL URL; the storage tests then run on it as well "
                "as on SQLite (make test sets it to this machine's server)."),
)

#: Every setting, as ``attune settings`` prints it and the README documents it.
SETTINGS: tuple[SettingSpec, ...] = tuple(
    SettingSpec(env_name(f.name), f.metadata["shown"] or _shown(f.default), f.metadata["help"])
    for f in fields(Settings)) + _TEST_ONLY


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
