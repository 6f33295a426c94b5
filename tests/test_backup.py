"""Backup and restore (issue 7, item 6): a whole installation out to one archive and back
into an empty data folder, on SQLite and PostgreSQL, and from SQLite to PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from attune.core.accounts import Role
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.events import Event
from attune.core.reel import ReelStatus
from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.schemas import load_schema
from attune.services import Context
from attune.services.backup import backup, restore
from attune.storage.dump import (
    dump_database,
    head_revision,
    row_counts,
    table_columns,
    tables_in_use,
)
from tests.conftest import PG_URL, _open_target, drop_pg_database, new_pg_database, pg_url
from tests.factories import make_clip, make_family, make_user


# ------------------------------------------------------------------ a realistic installation
def populate(ctx: Context) -> dict[str, Any]:
    """Users (a supervisor chain, a parent, a locked account), a family with consent and a
    clip-level consent, a session and a real clip with derived files, events with a link
    to a later event and a history (update, delete), coding assignments, a moment, a
    rendered reel with its file and a reflection, a job, a goal with two wordings and a
    visit plan."""
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", Role.PRACTITIONER, supervisor="sue")
    make_user(ctx, "sam", Role.PRACTITIONER, supervisor="sue")
    make_user(ctx, "pam", Role.PARENT)
    family = make_family(ctx, pat, code="FAM-042", baby="Noa")
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("pat") as tx:
        tx.assign_practitioner(family.code, sue.username)
        tx.link_parent(family.code, "pam")
        tx.set_involvement_end(family.code, date(2026, 10, 31))
        tx.record_consent(family.id, ConsentScope.RESEARCH, False, date(2026, 9, 1),
                          "declined on the phone", clip_id=clip.id,
                          retain_until=date(2027, 1, 31))
        tx.record_login("sam", success=False,
                        locked_until=datetime(2026, 11, 22, 10, 30, 15, 123456, tzinfo=UTC))
        # the response is coded before the cue it answers: the link points forward
        response = tx.add_event(clip.id, Event(EventKind.RESPONSE, "R04", 900, 1400,
                                               note="warm \u2764 reply"), coder="pat")
        cue = tx.add_event(clip.id, Event(EventKind.CUE, "C02", 500, 800), coder="pat")
        tx.update_event(response.id or 0, 1, answers_id=cue.id, modifiers=["gentle"])
        extra = tx.add_event(clip.id, Event(EventKind.CUE, "C01", 100, 200), coder="sam")
        tx.delete_event(extra.id or 0, 1)
        moment = tx.add_moment(clip.id, 400, 1500, "Noa smiles, Mum answers", key_ms=900)
        reel = tx.add_reel(family.id, "First smiles", [moment.id])
        tx.set_reel_status(reel.id, ReelStatus.READY, path=f"reels/{reel.id}/reel.mp4",
                           duration_ms=1100)
        tx.add_reflection(moment.id, "She was waiting for me", reel_id=reel.id)
        tx.assign_coder(clip.id, "sam", CodingRole.SECOND)
        tx.mark_coding_done(clip.id, "pat")
        job = tx.create_job("ingest", clip.id)
        tx.update_job(job.id, status="done", stage="done", percent=100, worker="host:1")
        goal = tx.add_goal(family.id, "I want to know what she needs", date(2026, 9, 2),
                           ["C15", "C16"], ["R11"])
        tx.revise_goal(goal.id, "I want to know what she needs when she cries",
                       date(2026, 9, 9), ["C16"], ["R11"])
        tx.save_visit_plan(family.id, 1, "Speaking for the child", "Bath time", reel.id, None)
    clip_dir = ctx.media.clip_dir(clip.id)
    (clip_dir / "stills").mkdir(parents=True)
    (clip_dir / "filmstrip.json").write_text('{"frames": [0, 40, 80]}')
    (clip_dir / "stills" / "900.jpg").write_bytes(bytes(range(256)) * 40)
    ctx.media.reel_dir(reel.id).mkdir(parents=True)
    (ctx.media.reel_dir(reel.id) / "reel.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" * 500)
    return {"family": family, "clip": clip, "cue": cue, "response": response,
            "extra": extra, "reel": reel}


def media_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "tmp"}


def assert_empty(target: Context, scheme_rows: int = 2) -> None:  # v1 and v2 shipped
    counts = row_counts(target.db)
    assert tables_in_use(counts) == []
    assert counts["schemes"] == scheme_rows
    assert not [p for p in target.media.root.rglob("*") if p.is_file()]
    with target.db.transaction("system") as tx:
        assert tx.verify_audit_chain().ok


# ------------------------------------------------------------------ round trip
@pytest.mark.parametrize("suffix", [".tar", ".tar.gz"])
def test_backup_then_restore_brings_everything_back(ctx: Context, target: Context,
                                                    tmp_path: Path, suffix: str) -> None:
    made = populate(ctx)
    before = dump_database(ctx.db)["tables"]
    media_before = media_hashes(ctx.media.root)
    assert len(media_before) == 4  # original, filmstrip, still, reel file
    scratch = ctx.media.root / "tmp" / "upload-in-progress"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_bytes(b"half an upload")  # the scratch folder is not backed up

    archive = tmp_path / f"attune-backup{suffix}"
    report = backup(ctx, archive, "admin")
    assert archive.is_file() and report.path == archive
    assert report.size_bytes == archive.stat().st_size
    assert report.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert report.media_files == 4 and report.warnings == ()
    assert report.rows["events"] == 3 and report.rows["event_changes"] == 5
    assert report.rows["family_goal_versions"] == 2 and report.rows["visit_plans"] == 1
    assert not list(tmp_path.glob(f".{archive.name}*"))  # no temp file left beside it
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[-1] == "manifest.json"
        assert not [n for n in names if n.startswith("media/tmp")]
        assert "schemes/attuned-moments.v1.json" in names
        audit_lines = tar.extractfile("audit.jsonl").read().decode().splitlines()  # type: ignore[union-attr]
        assert len(audit_lines) == len(before["audit_log"])
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert (archive.stat().st_mode & 0o777) == 0o600
    with ctx.db.transaction("system") as tx:
        entry = tx.audit_entries(limit=1)[0]
        assert (entry.actor, entry.action) == ("admin", "backup")
        assert entry.detail["rows"]["clips"] == 1 and "Noa" not in json.dumps(entry.detail)
        assert tx.verify_audit_chain().ok

    result = restore(target, archive, "admin")
    assert result.rows == report.rows and result.media_files == 4
    assert result.audit_entries == len(before["audit_log"])

    after = dump_database(target.db)["tables"]
    assert set(after) == set(before)
    for name in before:
        if name in ("audit_log", "audit_head"):
            continue
        assert after[name] == before[name], name
    # the restored chain, then one "restore" entry chained onto it
    assert after["audit_log"][:-1] == before["audit_log"]
    assert after["audit_log"][-1]["action"] == "restore"
    assert after["audit_log"][-1]["prev_hash"] == before["audit_head"][0]["last_hash"]
    assert media_hashes(target.media.root) == media_before
    with target.db.transaction("system") as tx:
        chain = tx.verify_audit_chain()
        assert chain.ok and chain.entries == len(before["audit_log"]) + 1
        # the links survive, and new rows get new ids (sequences moved on)
        response = tx.get_event(made["response"].id)
        assert response.answers_id == made["cue"].id and response.modifiers == ("gentle",)
        assert [c.action for c in tx.event_history(made["response"].id)] == \
            ["create", "update"]
        assert tx.get_event(made["extra"].id).deleted_at is not None
        assert tx.get_user("pat").supervisor_id == tx.get_user("sue").id
        assert tx.get_family("FAM-042").parents == ("pam",)
        family = tx.add_family("FAM-043", "Ari")
        assert family.id > made["family"].id
        assert tx.add_user("new", "New", Role.PARENT, "x").id > tx.get_user("pam").id
        assert tx.verify_audit_chain().ok


def test_restore_with_another_audit_key_only_on_purpose_and_sealed(
        ctx: Context, tmp_path: Path) -> None:
    """The audit key was lost with the old machine: the backup still restores, on purpose,
    and the restored log is sealed with the new key by an entry that says so."""
    populate(ctx)
    before = dump_database(ctx.db)["tables"]
    archive = tmp_path / "other-key.tar"
    backup(ctx, archive, "admin")
    folder = tmp_path / "new-machine"
    target = _open_target(folder, f"sqlite:///{folder / 'attune.db'}", init=False)
    try:
        assert target.settings.audit_key != ctx.settings.audit_key
        with pytest.raises(InputError, match=r"another installation's audit key.*audit_key"):
            restore(target, archive, "admin")
        assert row_counts(target.db)["families"] == 0
        restore(target, archive, "admin", other_audit_key=True)
        after = dump_database(target.db)["tables"]
        assert after["audit_log"][:-2] == before["audit_log"]
        seal = after["audit_log"][-2]
        assert seal["action"] == "audit-sealed"
        assert "another audit key" in seal["detail"]["reason"]
        assert seal["detail"]["sealed_entries"] == len(before["audit_log"])
        assert seal["prev_hash"] == before["audit_head"][0]["last_hash"]
        assert after["audit_log"][-1]["action"] == "restore"
        with target.db.transaction("system") as tx:
            report = tx.verify_audit_chain()
            assert report.ok and report.sealed == len(before["audit_log"])
        # an entry before the seal changed afterwards shows
        with target.db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
        with target.db.transaction("system") as tx:
            assert not tx.verify_audit_chain().ok
    finally:
        target.close()


def test_backup_refuses_to_overwrite_or_to_write_into_the_media_folder(
        ctx: Context, tmp_path: Path) -> None:
    existing = tmp_path / "old.tar"
    existing.write_bytes(b"an older backup")
    with pytest.raises(InputError, match="already exists; choose a new file name"):
        backup(ctx, existing, "admin")
    assert existing.read_bytes() == b"an older backup"
    ctx.media.root.mkdir(parents=True, exist_ok=True)
    with pytest.raises(InputError, match="outside the media folder"):
        backup(ctx, ctx.media.root / "b.tar", "admin")
    with pytest.raises(InputError, match="does not exist"):
        backup(ctx, tmp_path / "nowhere" / "b.tar", "admin")


# ------------------------------------------------------------------ refusals
def test_restore_into_a_folder_in_use_refuses_and_changes_nothing(
        ctx: Context, target: Context, tmp_path: Path) -> None:
    populate(ctx)
    archive = tmp_path / "b.tar"
    backup(ctx, archive, "admin")
    before = dump_database(ctx.db)["tables"]
    media_before = media_hashes(ctx.media.root)
    with pytest.raises(InputError, match="restore only into an empty data folder: set "
                       "ATTUNE_DATA_DIR to a new folder"):
        restore(ctx, archive, "admin")
    assert dump_database(ctx.db)["tables"] == before
    assert media_hashes(ctx.media.root) == media_before

    # an empty database but a media folder with a file in it
    stray = target.media.root / "originals" / "ab" / "stray"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"someone's file")
    with pytest.raises(InputError, match=r"media folder .* already holds files"):
        restore(target, archive, "admin")
    assert stray.read_bytes() == b"someone's file"
    stray.unlink()
    assert_empty(target)


# ------------------------------------------------------------------ damaged archives
def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes | None], *,
             fix_manifest: bool) -> None:
    """Copy ``archive`` to ``out`` with members changed by ``change`` (None: leave out);
    with ``fix_manifest`` the manifest is updated to match, as a forger would."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    manifest = json.loads(dict((m.name, d) for m, d in members)["manifest.json"])
    with tarfile.open(out, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                continue
            new = change(member.name, data)
            if new is None:
                continue
            if fix_manifest:
                manifest["files"][member.name] = {"sha256": hashlib.sha256(new).hexdigest(),
                                                  "size": len(new)}
            member.size = len(new)
            tar.addfile(member, io.BytesIO(new))
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def _flip_media_bytes(archive: Path, out: Path) -> None:
    shutil.copy(archive, out)
    with tarfile.open(out) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("media/originals/"))
    with out.open("r+b") as fh:
        fh.seek(member.offset_data + member.size // 2)
        byte = fh.read(1)
        fh.seek(-1, io.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _truncate(archive: Path, out: Path) -> None:
    data = archive.read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3])


def _edit_database(edit: Callable[[dict[str, Any]], None]) -> Callable[[str, bytes], bytes | None]:
    def change(name: str, data: bytes) -> bytes | None:
        if name != "database.json":
            return data
        doc = json.loads(data)
        edit(doc)
        return json.dumps(doc).encode()
    return change


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


DAMAGE: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "flipped media bytes": (_flip_media_bytes,
                            r"media/originals/.* does not match its checksum"),
    "truncated tar": (_truncate, r"damaged or incomplete"),
    "database.json not JSON": (
        lambda a, o: _rewrite(a, o, lambda n, d: b"{not json" if n == "database.json" else d,
                              fix_manifest=True),
        "database.json is not JSON"),
    "database.json against the schema": (
        lambda a, o: _rewrite(a, o, _edit_database(_set(("tables", "events", 0, "start_ms"),
                                                        "soon")), fix_manifest=True),
        r"not a valid backup.v1 document: at tables/events/0/start_ms"),
    "database.json edited, manifest not": (
        lambda a, o: _rewrite(a, o, _edit_database(_set(("tables", "families", 0, "baby_name"),
                                                        "Eve")), fix_manifest=False),
        "database.json does not match its checksum"),
    "audit entry edited": (
        lambda a, o: _rewrite(a, o, _edit_database(_set(("tables", "audit_log", 2, "actor"),
                                                        "mallory")), fix_manifest=True),
        "audit chain in it is broken"),
    "media member missing": (
        lambda a, o: _rewrite(a, o, lambda n, d: None if n.startswith("media/clips/") else d,
                              fix_manifest=False),
        "listed in its manifest are missing"),
    "unsafe member name": (
        lambda a, o: _rewrite(a, o, lambda n, d: d, fix_manifest=False) or
        _append_member(o, "media/../../escape", b"x"),
        "unsafe name"),
    "other revision": (
        lambda a, o: _rewrite(a, o, _edit_database(_set(("alembic_revision",), "0099")),
                              fix_manifest=True) or _edit_manifest(o, "alembic_revision", "0099"),
        r"made by attune .*revision 0099; this attune .* is at revision " + head_revision()),
}


def _append_member(archive: Path, name: str, data: bytes) -> None:
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))


def _edit_manifest(archive: Path, key: str, value: Any) -> None:
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(archive, "w") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                doc = json.loads(data)
                doc[key] = value
                data = json.dumps(doc).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_archive_is_refused_and_leaves_the_target_empty(
        ctx: Context, target: Context, tmp_path: Path, damage: str) -> None:
    populate(ctx)
    good = tmp_path / "good.tar"
    backup(ctx, good, "admin")
    bad = tmp_path / "bad.tar"
    make, message = DAMAGE[damage]
    make(good, bad)
    with pytest.raises(InputError, match=message) as err:
        restore(target, bad, "admin")
    assert "Nothing was restored" in str(err.value) or "nothing was restored" in str(err.value)
    assert_empty(target)
    # the good archive still restores into the same (untouched) target
    restore(target, good, "admin")
    with target.db.transaction("system") as tx:
        assert tx.verify_audit_chain().ok
        assert tx.get_family("FAM-042").baby_name == "Noa"


def test_a_truncated_gzip_archive_is_refused(ctx: Context, target: Context,
                                             tmp_path: Path) -> None:
    populate(ctx)
    good = tmp_path / "good.tar.gz"
    backup(ctx, good, "admin")
    bad = tmp_path / "bad.tar.gz"
    _truncate(good, bad)
    with pytest.raises(InputError, match="damaged or incomplete"):
        restore(target, bad, "admin")
    assert_empty(target)


def test_a_failure_while_loading_rows_removes_the_media_already_written(
        ctx: Context, target: Context, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing: rows fail after the media files were staged."""
    populate(ctx)
    archive = tmp_path / "b.tar"
    backup(ctx, archive, "admin")
    import attune.services.backup as backup_module

    def broken_load(tx: Any, document: Any) -> dict[str, int]:
        raise InputError("disk full (simulated)")

    monkeypatch.setattr(backup_module, "load_database", broken_load)
    with pytest.raises(InputError, match="simulated"):
        restore(target, archive, "admin")
    assert_empty(target)
    assert not [p for p in target.media.root.rglob("*") if p.is_dir()]


# ------------------------------------------------------------------ moving an installation
@pytest.mark.skipif(not PG_URL, reason="needs ATTUNE_TEST_DATABASE_URL (PostgreSQL)")
def test_restore_moves_an_installation_from_sqlite_to_postgresql(
        sqlite_template: Path, tmp_path: Path) -> None:
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    shutil.copy(sqlite_template, source_dir / "attune.db")
    source = _open_target(source_dir, f"sqlite:///{source_dir / 'attune.db'}")
    name = new_pg_database(None)  # a bare database: restore sets it up
    try:
        populate(source)
        before = dump_database(source.db)["tables"]
        archive = tmp_path / "move.tar.gz"
        backup(source, archive, "admin")
        (tmp_path / "moved").mkdir()  # the same audit key: every entry verifies as it is
        shutil.copy(source_dir / "audit_key", tmp_path / "moved" / "audit_key")
        moved = _open_target(tmp_path / "moved", pg_url(name), init=False)
        try:
            result = restore(moved, archive, "admin")
            assert result.source_database == "sqlite"
            after = dump_database(moved.db)["tables"]
            for table in before:
                if table not in ("audit_log", "audit_head"):
                    assert after[table] == before[table], table
            assert after["audit_log"][:-1] == before["audit_log"]  # no seal needed
            assert media_hashes(moved.media.root) == media_hashes(source.media.root)
            with moved.db.transaction("system") as tx:
                assert tx.verify_audit_chain().ok
                assert tx.add_family("FAM-099", "Kim").id == len(before["families"]) + 1
        finally:
            moved.close()
    finally:
        source.close()
        drop_pg_database(name)


# ------------------------------------------------------------------ the document's schema
def test_the_backup_schema_describes_every_table_and_column() -> None:
    schema = load_schema("backup.v1")
    described = schema["properties"]["tables"]["properties"]
    assert {name: list(t["items"]["properties"]) for name, t in described.items()} == \
        table_columns()

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                assert isinstance(prop.get("description"), str) and prop["description"], \
                    f"{where}/{key} has no description"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "")


def test_retention_dates_survive_exactly(ctx: Context, target: Context, tmp_path: Path) -> None:
    """Dates and times go through ISO strings without drifting (a retention date one day
    off would delete a family's video early)."""
    made = populate(ctx)
    archive = tmp_path / "b.tar"
    backup(ctx, archive, "admin")
    restore(target, archive, "admin")
    with ctx.db.transaction("system") as a, target.db.transaction("system") as b:
        assert a.consents_for_family(made["family"].id) == \
            b.consents_for_family(made["family"].id)
        assert b.get_family("FAM-042").involvement_ended_on == date(2026, 10, 31)
        locked = b.user_auth("sam").locked_until
        assert locked == datetime(2026, 11, 22, 10, 30, 15, 123456, tzinfo=UTC)
        assert b.get_event(made["cue"].id).created_at == a.get_event(made["cue"].id).created_at
