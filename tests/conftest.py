"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL too when
ATTUNE_TEST_DATABASE_URL is set), built by copying a template migrated once."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from attune.config import Settings
from attune.jobs import open_context
from attune.services import Context
from attune.services.schemes import install_default_scheme
from attune.storage.db import make_engine, migrate

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("ATTUNE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


CHROMIUM = "/usr/bin/chromium"  # Debian's; `make test` installs it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one per test process (Playwright's sync API
    allows only one instance per thread, so every browser test shares this one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "attune.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    return path


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def new_pg_database(template: str | None = None, prefix: str = "attune_t") -> str:
    """A new PostgreSQL database on the test server (a copy of ``template`` if given);
    its name is unique to this test worker. Drop it with drop_pg_database."""
    name = f"{prefix}_{_worker()}_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        tpl = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{tpl}'))
    admin.dispose()
    return name


def drop_pg_database(name: str) -> None:
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pg_url(name: str) -> str:
    """The test server's URL for the database ``name``."""
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = new_pg_database(prefix="attune_tpl")
    engine = make_engine(pg_url(name))
    migrate(engine)
    engine.dispose()
    yield name
    drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        db = tmp_path / "attune.db"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{template}{suffix}").exists():
                shutil.copy(f"{template}{suffix}", f"{db}{suffix}")
        yield f"sqlite:///{db}"
        return
    name = new_pg_database(request.getfixturevalue("pg_template"))
    yield pg_url(name)
    drop_pg_database(name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data = tmp_path / "data"
    return Settings.from_env({"ATTUNE_DATA_DIR": str(data), "ATTUNE_DATABASE_URL": database_url})


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = open_context(settings)  # with the job queue, as the app opens it
    with context.db.transaction("system") as tx:
        from attune.services.schemes import install_default_scheme

        install_default_scheme(tx)
    yield context
    context.close()


# ------------------------------------------------------------------ restore targets
def _open_target(folder: Path, url: str, *, init: bool = True) -> Context:
    """A new installation, as `attune init` leaves it (default scheme, its audit entry)."""
    target = Context.open(Settings.from_env({"ATTUNE_DATA_DIR": str(folder),
                                             "ATTUNE_DATABASE_URL": url}))
    if init:
        with target.db.transaction("system") as tx:
            install_default_scheme(tx)
    return target


@pytest.fixture
def target(request: pytest.FixtureRequest, database_url: str, tmp_path: Path,
           settings: Settings) -> Iterator[Context]:
    """An empty installation on the same kind of database as ``ctx``, with the same audit
    key (its ``audit_key`` file copied over, as the README says to do)."""
    folder = tmp_path / "target"
    folder.mkdir()
    (folder / "audit_key").write_text(settings.audit_key)
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{folder / 'attune.db'}")
        migrate(engine)
        engine.dispose()
        context = _open_target(folder, f"sqlite:///{folder / 'attune.db'}")
        yield context
        context.close()
        return
    name = new_pg_database(request.getfixturevalue("pg_template"))
    context = _open_target(folder, pg_url(name))
    yield context
    context.close()
    drop_pg_database(name)
