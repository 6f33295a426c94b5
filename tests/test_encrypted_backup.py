"""Backups that nobody else can read, and nightly work without a person (issue 16, item
4): archives encrypted to an age public key as they are written, restored only with the
private key; the worker's nightly retention and backup, kept N deep, failures shown to
administrators. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from attune.config import Settings
from attune.core.accounts import Role
from attune.core.jobs import JobStatus
from attune.errors import InputError, NotAllowedError
from attune.jobs import huey_for
from attune.services import Context
from attune.services.backup import backup, restore
from attune.services.backup_keys import (
    AGE_MAGIC,
    new_key_pair,
    parse_recipients,
    read_identities,
)
from attune.services.nightly import (
    NIGHTLY,
    backup_name,
    nightly_status,
    run_nightly,
    run_nightly_by_hand,
)
from tests.factories import make_user
from tests.test_backup import assert_empty, media_hashes, populate


@pytest.fixture
def keys(tmp_path: Path) -> tuple[str, Path]:
    private = tmp_path / "keys" / "attune-backup.key"
    private.parent.mkdir()
    return new_key_pair(private), private


def test_an_encrypted_backup_reads_as_nothing_and_restores_with_its_key(
        ctx: Context, target: Context, tmp_path: Path, keys: tuple[str, Path]) -> None:
    public, private = keys
    assert public.startswith("age1") and (private.stat().st_mode & 0o777) == 0o600
    populate(ctx)
    media_before = media_hashes(ctx.media.root)
    archive = tmp_path / "attune.tar.age"
    report = backup(ctx, archive, "admin", recipients=parse_recipients(public))
    data = archive.read_bytes()
    assert data.startswith(AGE_MAGIC) and report.size_bytes == len(data)
    # nothing of the families, the accounts or the archive's layout is readable
    for plain in (b"FAM-042", b"Noa smiles, Mum answers", b"She was waiting for me",
                  b"database.json", b"manifest.json", bytes(range(256)) * 2):
        assert plain not in data
    assert (archive.stat().st_mode & 0o777) == 0o600

    with pytest.raises(InputError, match=r"is encrypted\. Give its private key file"):
        restore(target, archive, "admin")
    assert_empty(target)
    other = tmp_path / "other.key"
    new_key_pair(other)
    with pytest.raises(InputError, match="cannot be opened with this private key"):
        restore(target, archive, "admin", identities=read_identities(other))
    assert_empty(target)

    result = restore(target, archive, "admin", identities=read_identities(private))
    assert result.rows == report.rows
    assert media_hashes(target.media.root) == media_before
    with target.db.transaction("system") as tx:
        assert tx.get_family("FAM-042").baby_name == "Noa"
        assert tx.verify_audit_chain().ok


def test_a_cut_short_encrypted_backup_is_refused_and_restores_nothing(
        ctx: Context, target: Context, tmp_path: Path, keys: tuple[str, Path]) -> None:
    public, private = keys
    populate(ctx)
    archive = tmp_path / "attune.tar.age"
    backup(ctx, archive, "admin", recipients=parse_recipients(public))
    cut = tmp_path / "cut.tar.age"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(InputError, match=r"cannot be|damaged|cut short"):
        restore(target, cut, "admin", identities=read_identities(private))
    assert_empty(target)


@pytest.mark.parametrize("bad, message", [
    ("", "No public key was given"),
    ("age1notakey", "is not an age public key"),
    ("ssh-rsa AAAA", "is not an age public key"),
])
def test_bad_public_keys_say_what_to_give(bad: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_recipients(bad)


def test_bad_private_key_files_say_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_identities(tmp_path / "missing.key")
    junk = tmp_path / "junk.key"
    junk.write_text("# a comment\nnot a key\n")
    with pytest.raises(InputError, match="not an age private key"):
        read_identities(junk)
    with pytest.raises(InputError, match="already exists"):
        new_key_pair(junk)
    assert junk.read_text() == "# a comment\nnot a key\n"


# ------------------------------------------------------------------ the nightly work
def _nightly_ctx(ctx: Context, **changes: object) -> Context:
    return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, **changes))


def test_the_nightly_work_deletes_what_is_due_then_backs_up_encrypted_and_keeps_n(
        ctx: Context, target: Context, tmp_path: Path, keys: tuple[str, Path]) -> None:
    public, private = keys
    made = populate(ctx)  # FAM-042's involvement ended 2026-10-31: due in January 2027
    shelf = tmp_path / "backups"
    shelf.mkdir()
    (shelf / "notes.txt").write_text("not ours")
    night = _nightly_ctx(ctx, backup_dir=str(shelf), backup_recipients=public, backup_keep=2)
    admin = make_user(ctx, "ada", Role.ADMIN)

    first = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    report = run_nightly(night, first)
    assert report.ok and report.deleted == ()
    assert report.backup is not None and report.backup.path == shelf / backup_name(first)
    assert report.backup.path.read_bytes().startswith(AGE_MAGIC)
    for kind in nightly_status(night, admin):
        assert kind.last is not None and kind.last.status == JobStatus.DONE and kind.set_up

    later = first + timedelta(days=70)  # past the retention date
    report = run_nightly(night, later)
    assert report.ok and [i.family for i in report.deleted] == ["FAM-042"]
    with ctx.db.transaction("system") as tx:
        assert tx.clips_for_family(made["family"].id) == []
        actors = {e.actor for e in tx.audit_entries(limit=20)
                  if e.action.startswith("delete") and e.object_type in ("clip", "reel")}
        assert actors == {NIGHTLY}
    run_nightly(night, later + timedelta(days=1))
    kept = sorted(p.name for p in shelf.iterdir())
    assert kept == sorted([backup_name(later), backup_name(later + timedelta(days=1)),
                           "notes.txt"])
    # the newest opens with the private key and holds no deleted clip
    restore(target, shelf / backup_name(later + timedelta(days=1)), "admin",
            identities=read_identities(private))
    with target.db.transaction("system") as tx:
        assert tx.clips_for_family(tx.get_family("FAM-042").id) == []


@pytest.mark.parametrize("changes, message", [
    ({}, "No nightly backup is set up"),
    ({"backup_dir": "SHELF"}, "never writes the families' videos unencrypted"),
    ({"backup_dir": "SHELF/missing", "backup_recipients": "PUBLIC"}, "does not exist"),
])
def test_a_failed_nightly_backup_is_shown_to_admins_and_retention_still_runs(
        ctx: Context, tmp_path: Path, keys: tuple[str, Path], changes: dict[str, str],
        message: str) -> None:
    public, _ = keys
    shelf = tmp_path / "backups"
    shelf.mkdir()
    changes = {k: v.replace("SHELF", str(shelf)).replace("PUBLIC", public)
               for k, v in changes.items()}
    night = _nightly_ctx(ctx, **changes)
    admin = make_user(ctx, "ada", Role.ADMIN)
    report = run_nightly(night, datetime(2026, 12, 1, 2, tzinfo=UTC))
    assert not report.ok and report.backup is None
    assert len(report.problems) == 1 and message in report.problems[0]
    status = {s.kind: s for s in nightly_status(night, admin)}
    assert status["retention"].last.status == JobStatus.DONE  # type: ignore[union-attr]
    assert status["backup"].failed and message in status["backup"].last.error  # type: ignore[union-attr]
    assert not [p for p in shelf.rglob("*") if p.is_file()]


def test_only_an_administrator_runs_or_reads_the_nightly_work(ctx: Context) -> None:
    pat = make_user(ctx, "pat", Role.PRACTITIONER)
    with pytest.raises(NotAllowedError):
        run_nightly_by_hand(ctx, pat)
    with pytest.raises(NotAllowedError):
        nightly_status(ctx, pat)


def test_the_worker_schedules_the_nightly_work_at_the_set_hour(tmp_path: Path) -> None:
    settings = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path),
                                  "ATTUNE_NIGHTLY_HOUR": "3"})
    huey = huey_for(settings)

    def due(at: datetime) -> set[str]:
        return {task.name for task in huey.read_periodic(at)}
    assert due(datetime(2026, 12, 1, 3, 0)) == {"attune.recover", "attune.nightly"}
    assert due(datetime(2026, 12, 1, 3, 1)) == {"attune.recover"}
    assert due(datetime(2026, 12, 1, 2, 0)) == {"attune.recover"}
    with pytest.raises(InputError, match="not an hour of the day"):
        Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path), "ATTUNE_NIGHTLY_HOUR": "24"})


def test_encrypted_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    """As an administrator would: make a key, back up to it, restore with it elsewhere."""
    def attune(*args: str, data: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "ATTUNE_DATA_DIR": str(data)}
        env.pop("ATTUNE_DATABASE_URL", None)
        return subprocess.run([sys.executable, "-m", "attune", *args], env=env, text=True,
                              capture_output=True, check=check, timeout=120)

    old, new, key = tmp_path / "old", tmp_path / "new", tmp_path / "backup.key"
    attune("init", data=old)
    attune("demo", data=old)
    made = attune("backup-key", str(key), data=old)
    public = made.stdout.strip().splitlines()[-1]
    assert public.startswith("age1") and "Move it off this server" in made.stdout
    archive = tmp_path / "night.tar.age"
    attune("backup", str(archive), "--to", public, "--as", "admin", data=old)
    new.mkdir(mode=0o700)  # the old installation's audit key comes along, as the README says
    shutil.copy2(old / "audit_key", new / "audit_key")
    refused = attune("restore", str(archive), "--as", "admin", data=new, check=False)
    assert refused.returncode == 2 and "--identity FILE" in refused.stderr
    done = attune("restore", str(archive), "--identity", str(key), "--as", "admin", data=new)
    assert "audit chain" in done.stdout
    assert attune("audit", "verify", "--as", "admin", data=new).returncode == 0
    assert date.today()  # the restored installation works as it did

