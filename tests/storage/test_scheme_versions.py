"""Stored scheme versions stay as they were made (issue 17, item 2): the shipped
``attuned-moments`` v1 is exactly as first shipped, the scheme with modifiers is v2, and
an installation upgraded from revision 0011 (a real database made by attune at that
revision, ``tests/data/migrations``) keeps its v1 byte for byte, gains v2, and goes on
coding its clips under the version they began with, on SQLite and PostgreSQL. A database
that went through the first form of migration 0012 (modifiers written into v1 in place)
is put right by 0016."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, text

from attune.config import Settings
from attune.core.accounts import Role
from attune.core.clip import ClipStatus
from attune.core.scheme_template import canonical, checksum, from_template
from attune.errors import ConflictError, InputError
from attune.schemes import shipped_scheme_documents
from attune.services import Context
from attune.services.audit import verify_audit
from attune.services.demo import initialise
from attune.services.events import add_event, list_events, update_event
from attune.services.schemes import (
    clip_scheme,
    export_scheme,
    import_scheme,
    install_default_scheme,
    list_schemes,
)
from attune.storage.db import current_revision, make_engine, migrate
from attune.storage.dump import head_revision
from tests.conftest import BACKENDS, drop_pg_database, new_pg_database, pg_url
from tests.factories import make_clip, make_family, make_user
from tests.paths import TEST_DATA

#: attuned-moments v1 as first shipped (the file before modifiers, commit a68172f's)
V1_CHECKSUM = "sha256:79c1161b942dd981e7cf0ca8f243e006f9a217b75fd18cd55baf51b5bb8641d5"
#: attuned-moments v2: v1 with its modifiers
V2_CHECKSUM = "sha256:0265c8d9a4b29ad32939924fd83cd8db6f041434662ec0c57fa95cfd291ff8e2"
OLD_DB = TEST_DATA / "migrations" / "attune-rev0011.db"
OLD_AUDIT_KEY = TEST_DATA / "migrations" / "attune-rev0011.audit_key"


def test_the_shipped_versions_never_change() -> None:
    v1, v2 = shipped_scheme_documents()
    assert (v1["version"], checksum(v1)) == (1, V1_CHECKSUM)
    assert (v2["version"], checksum(v2)) == (2, V2_CHECKSUM)
    assert "modifiers" not in v1 and {m["id"] for m in v2["modifiers"]} == \
        {"modality", "intensity", "initiated"}
    # v2 is v1 with modifiers: the same codes, windows and bands (old coding compares)
    same = {k for k in v1 if k not in ("version", "description")}
    assert {k: v1[k] for k in same} == {k: v2[k] for k in same}


def test_a_new_installation_has_both_versions_and_codes_new_clips_with_v2(
        ctx: Context) -> None:
    admin = make_user(ctx, "kim", Role.ADMIN)
    pat = make_user(ctx, "pat")
    clip = make_clip(ctx, pat, make_family(ctx, pat))
    assert [(s.name, s.version) for s in list_schemes(ctx, admin)] == \
        [("attuned-moments", 1), ("attuned-moments", 2)]
    with ctx.db.transaction("system") as tx:
        install_default_scheme(tx)  # again: nothing added, nothing changed
    assert len(list_schemes(ctx, admin)) == 2
    for version, expected in ((1, V1_CHECKSUM), (2, V2_CHECKSUM)):
        assert checksum(from_template(export_scheme(ctx, admin, "attuned-moments",
                                                    version))) == expected
    assert clip_scheme(ctx, clip.id)[0].version == 2


# ------------------------------------------------------------ a real revision-0011 database
def _copy_rows(source: Path, url: str) -> None:
    """Every row of the SQLite database ``source`` into the database at ``url``, which
    is at the same revision (tables and columns alike)."""
    src = create_engine(f"sqlite:///{source}")
    dst = make_engine(url)
    src_meta, dst_meta = MetaData(), MetaData()
    src_meta.reflect(src)
    dst_meta.reflect(dst)
    with src.connect() as s, dst.begin() as d:
        d.execute(text("SET session_replication_role = replica"))  # links checked below
        for table in dst_meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in s.execute(src_meta.tables[table.name].select())]
            d.execute(table.delete())  # what the migrations wrote (the audit head)
            if rows:
                d.execute(table.insert(), rows)
            if "id" in table.c:
                seq = d.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": table.name}).scalar()
                if seq:
                    d.execute(text(f"SELECT setval('{seq}', "
                                   f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), "
                                   "false)"))
        d.execute(text("SET session_replication_role = origin"))
    src.dispose()
    dst.dispose()


@pytest.fixture(params=BACKENDS)
def old_installation(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of an installation whose database is the real revision-0011 one (its
    audit key beside it), on SQLite or PostgreSQL."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(OLD_AUDIT_KEY, data / "audit_key")
    name = None
    if request.param == "sqlite":
        shutil.copy(OLD_DB, data / "attune.db")
        url = f"sqlite:///{data / 'attune.db'}"
    else:
        name = new_pg_database(None)
        url = pg_url(name)
        engine = make_engine(url)
        migrate(engine, "0011")
        engine.dispose()
        _copy_rows(OLD_DB, url)
    yield Settings.from_env({"ATTUNE_DATA_DIR": str(data), "ATTUNE_DATABASE_URL": url})
    if name:
        drop_pg_database(name)


def _v1_before() -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{OLD_DB}")
    with engine.connect() as conn:
        doc = conn.execute(text("SELECT document FROM schemes WHERE version = 1")).scalar_one()
    engine.dispose()
    return dict(json.loads(doc))


def _revision(settings: Settings) -> str | None:
    engine = make_engine(settings.database_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def _upgrade(settings: Settings, to: str = "head") -> None:
    engine = make_engine(settings.database_url)
    migrate(engine, to)
    engine.dispose()


def test_upgrading_a_revision_0011_database_keeps_v1_and_adds_v2(
        old_installation: Settings) -> None:
    before = _v1_before()
    assert checksum(before) == V1_CHECKSUM  # what a template exported then carries
    assert _revision(old_installation) == "0011"
    ctx = Context.open(old_installation, migrate=True)  # as `attune init` does
    try:
        info = initialise(ctx)
        assert _revision(old_installation) == head_revision()
        assert info["schemes"] == ["attuned-moments v1", "attuned-moments v2"]
        with ctx.db.transaction("system") as tx:
            pat, admin = tx.get_user("pat"), tx.get_user("admin")
            stored = {s.version: s.document for s in tx.list_schemes()}
            clips = [c.id for f in tx.list_families() for c in tx.clips_for_family(f.id)]
        assert canonical(stored[1]) == canonical(before)  # byte for byte as stored then
        assert checksum(stored[2]) == V2_CHECKSUM
        # a template of v1 exported before the upgrade still matches: nothing to import
        old_template = json.dumps({"format": "attune coding scheme template",
                                   "format_version": 1, "name": "attuned-moments",
                                   "version": 1, "checksum": V1_CHECKSUM,
                                   "scheme": before}).encode()
        assert import_scheme(ctx, admin, old_template)[1] is False
        # the clips coded under v1 go on under v1, with v1's codes and no modifiers
        coded = [c for c in clips if list_events(ctx, pat, c)]
        assert coded
        for clip_id in coded:
            assert {e.scheme_version for e in list_events(ctx, pat, clip_id)} == {1}
            assert clip_scheme(ctx, clip_id)[0].version == 1
        with ctx.db.transaction("test") as tx:  # the demo's clips were never processed
            tx.set_clip_media(coded[0], status=ClipStatus.READY, duration_ms=30_000)
        mark = add_event(ctx, pat, coded[0], "C15", 1000)
        assert mark.scheme_version == 1
        with pytest.raises(InputError, match="no modifier"):
            update_event(ctx, pat, mark.id or 0, mark.version, modifiers=("intensity=3",))
        # the audit chain made at revision 0011 still checks, with this upgrade's entries
        report = verify_audit(ctx)
        assert report.ok, report.problem
    finally:
        ctx.close()


def _went_through_the_first_0012(settings: Settings, own_v2: bool = False) -> int:
    """Put the database (at 0015) where the first form of 0012 and some coding left it:
    v1 with modifiers written in, and an event coded with modifiers under v1. With
    ``own_v2`` the service had also saved its own edit as v2. Returns the event's id."""
    _upgrade(settings, "0015")
    v2 = shipped_scheme_documents()[1]
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        row = conn.execute(text("SELECT id, document FROM schemes WHERE version = 1")).one()
        doc = row[1] if isinstance(row[1], dict) else json.loads(row[1])
        doc["modifiers"] = v2["modifiers"]
        conn.execute(text("UPDATE schemes SET document = :d WHERE id = :i"),
                     {"d": json.dumps(doc), "i": row[0]})
        event_id = conn.execute(text("SELECT id FROM events WHERE code = 'C15' "
                                     "ORDER BY id")).scalars().first()
        assert event_id is not None
        conn.execute(text("UPDATE events SET modifiers = :m WHERE id = :i"),
                     {"m": json.dumps(["intensity=3", "initiated=baby"]), "i": event_id})
        if own_v2:
            theirs = copy.deepcopy(doc)
            theirs.update(version=2, title="Our attuned moments")
            conn.execute(text("INSERT INTO schemes (name, version, document, created_at) "
                              "VALUES ('attuned-moments', 2, :d, :t)"),
                         {"d": json.dumps(theirs), "t": "2026-11-29 08:00:00"})
    engine.dispose()
    return int(event_id)


def test_a_database_that_went_through_the_first_0012_gets_v1_back(
        old_installation: Settings) -> None:
    before = _v1_before()
    event_id = _went_through_the_first_0012(old_installation)
    ctx = Context.open(old_installation, migrate=True)
    try:
        initialise(ctx)
        with ctx.db.transaction("system") as tx:
            stored = {s.version: s.document for s in tx.list_schemes()}
            moved = tx.get_event(event_id)
            others = {e.scheme_version for e in tx.list_events(moved.clip_id or 0)
                      if e.id != event_id}
        assert sorted(stored) == [1, 2]
        assert canonical(stored[1]) == canonical(before)
        assert checksum(stored[2]) == V2_CHECKSUM
        # the event coded with modifiers is under the version that defines them
        assert (moved.scheme_version, moved.modifiers) == (2, ("intensity=3", "initiated=baby"))
        assert others == {1}  # every other mark keeps its version
    finally:
        ctx.close()


def test_a_service_with_its_own_v2_keeps_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(OLD_AUDIT_KEY, data / "audit_key")
    shutil.copy(OLD_DB, data / "attune.db")
    settings = Settings.from_env({"ATTUNE_DATA_DIR": str(data),
                                  "ATTUNE_DATABASE_URL": f"sqlite:///{data / 'attune.db'}"})
    event_id = _went_through_the_first_0012(settings, own_v2=True)
    ctx = Context.open(settings, migrate=True)
    try:
        initialise(ctx)
        with ctx.db.transaction("system") as tx:
            stored = {s.version: s.document for s in tx.list_schemes()}
            kept = tx.get_event(event_id)
        assert canonical(stored[1]) == canonical(_v1_before())
        assert stored[2]["title"] == "Our attuned moments"  # theirs, untouched
        assert sorted(stored) == [1, 2]  # the shipped v2 is not forced in
        assert (kept.scheme_version, kept.modifiers) == (1, ("intensity=3", "initiated=baby"))
        with pytest.raises(ConflictError):  # the shipped v2 cannot be imported over theirs
            from attune.core.scheme_template import template_bytes

            with ctx.db.transaction("system") as tx:
                who = tx.get_user("admin")
            import_scheme(ctx, who, template_bytes(shipped_scheme_documents()[1]))
    finally:
        ctx.close()
