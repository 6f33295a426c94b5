"""A deleted row's id never comes back for another row (SQLite AUTOINCREMENT; PostgreSQL
sequences), and migration 0005 rebuilds the SQLite tables keeping every row and link."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.services import Context
from attune.storage.db import make_engine, migrate
from tests.factories import REAL_VIDEO, make_clip, make_family, make_user


def test_deleted_reel_clip_and_event_ids_are_not_reused(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, "FAM-A")
    other = make_family(ctx, pat, "FAM-B")
    clip = make_clip(ctx, pat, family, REAL_VIDEO)
    with ctx.db.transaction("pat") as tx:
        event = tx.add_event(clip.id, Event(EventKind.CUE, "C01", 100, 200), coder="pat")
        moment = tx.add_moment(clip.id, 0, 1000, "a moment")
        reel = tx.add_reel(family.id, "First", [moment.id])
    with ctx.db.transaction("pat") as tx:  # the newest of each, deleted for good
        tx.delete_reel(reel.id, "test")
        tx.delete_event(event.id or 0, 1)
        tx.purge_deleted_events(clip.id)
        tx.delete_moment(moment.id)
        tx.delete_clip(clip.id, "test")
    clip2 = make_clip(ctx, pat, other, REAL_VIDEO)
    with ctx.db.transaction("pat") as tx:
        event2 = tx.add_event(clip2.id, Event(EventKind.CUE, "C01", 100, 200), coder="pat")
        moment2 = tx.add_moment(clip2.id, 0, 1000, "another")
        reel2 = tx.add_reel(other.id, "Second", [moment2.id])
    assert clip2.id > clip.id
    assert (event2.id or 0) > (event.id or 0)
    assert moment2.id > moment.id
    assert reel2.id > reel.id
    with ctx.db.transaction("x") as tx:
        reel_entries = tx.audit_entries(object_type="reel", object_id=reel2.id)
    assert [e.action for e in reel_entries] == ["create"]  # nothing of the deleted reel


def test_migration_0005_keeps_rows_and_links(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        migrate(engine, "0004")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, username, display_name, role, password_hash, active, "
                "failed_logins, created_at) VALUES (1, 'pat', 'Pat', 'practitioner', 'x', 1, "
                "0, '2026-01-01 00:00:00')"))
            for fid in (1, 2, 3):
                conn.execute(text(
                    "INSERT INTO families (id, code, baby_name, created_at) VALUES "
                    "(:i, :c, 'Maya', '2026-01-01 00:00:00')"), {"i": fid, "c": f"FAM-{fid}"})
                conn.execute(text("INSERT INTO family_practitioners (family_id, user_id) "
                                  "VALUES (:i, 1)"), {"i": fid})
            conn.execute(text("DELETE FROM family_practitioners WHERE family_id = 3"))
            conn.execute(text("DELETE FROM families WHERE id = 3"))
        migrate(engine)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM family_practitioners")).scalar() == 2
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert "AUTOINCREMENT" in conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE name = 'families'")).scalar()
            conn.execute(text("INSERT INTO families (code, baby_name, created_at) VALUES "
                              "('FAM-9', 'Ari', '2026-01-02 00:00:00')"))
            new_id = conn.execute(text("SELECT id FROM families WHERE code = 'FAM-9'")).scalar()
        assert new_id == 3  # 3 was deleted before the migration: its counter starts at 2
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM families WHERE id = 3"))
            conn.execute(text("INSERT INTO families (code, baby_name, created_at) VALUES "
                              "('FAM-10', 'Bo', '2026-01-02 00:00:00')"))
            assert conn.execute(text(
                "SELECT id FROM families WHERE code = 'FAM-10'")).scalar() == 4
    finally:
        engine.dispose()
