"""Engines and migrations.

SQLite is the embedded default (WAL so that the app and a worker can read while one
writes, foreign keys on, a busy timeout instead of "database is locked"); PostgreSQL is
used by URL. Alembic is the only way the schema changes: ``migrate()`` runs it to head.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.pool import StaticPool

from attune.errors import InputError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with attune's SQLite settings applied on every connection."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            path = Path(url.split("sqlite:///", 1)[-1])
            if not path.parent.exists():
                raise InputError(
                    f"The database folder {path.parent} does not exist; create it or set "
                    "ATTUNE_DATA_DIR / ATTUNE_DATABASE_URL to a folder that does."
                )
    try:
        engine = create_engine(url, **kwargs)
    except Exception as exc:  # a malformed URL or a missing driver
        raise InputError(
            f"Cannot use the database URL {url!r}: {exc}. Check ATTUNE_DATABASE_URL."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (so BEGIN IMMEDIATE works).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at the start: two writers wait for each other instead of
    # failing half-way with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creates every table on a new database)."""
    command.upgrade(alembic_config(engine), revision)


def is_migrated(engine: Engine) -> bool:
    return "alembic_version" in inspect(engine).get_table_names()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    if not is_migrated(engine):
        return None
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
