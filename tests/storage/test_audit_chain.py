"""The keyed audit chain: whoever can change the database but has not the audit key
cannot delete, edit, reorder or rewrite entries unseen; anchors kept outside the database
catch the newest entries cut off; a log from before audit keys is sealed, not adopted."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from attune.errors import InputError
from attune.services import Context
from attune.services.audit import anchor_audit, verify_audit
from attune.storage.audit import GENESIS_HASH, SEALED, audit_hash, audit_mac
from attune.storage.store import Database
from tests.factories import make_family, make_user


def _rows(ctx: Context) -> list[dict[str, object]]:
    with ctx.db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(
            "SELECT id, at, actor, action, object_type, object_id, detail, prev_hash, hash "
            "FROM audit_log ORDER BY id"))]


def _rechain(ctx: Context, digest: object) -> None:
    """What an intruder with the database (and the code) does after deleting a row:
    recompute every hash from the start and move the head."""
    with ctx.db.transaction("x") as tx:
        entries = sorted(tx.audit_entries(), key=lambda e: e.id)
    prev = GENESIS_HASH
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET hash = 'tmp' || CAST(id AS VARCHAR(20))"))
        for e in entries:
            h = digest(prev, e.at, e.actor, e.action, e.object_type,  # type: ignore[operator]
                       e.object_id, e.detail)
            conn.execute(text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev, "h": h, "i": e.id})
            prev = h
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h"),
                     {"i": entries[-1].id, "h": prev})


def _some_history(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    make_family(ctx, pat, "FAM-A")
    make_family(ctx, pat, "FAM-B")


@pytest.mark.parametrize("digest", [
    audit_hash,  # the unkeyed SHA-256 of attune before audit keys
    lambda *a: audit_mac(b"a guessed key", *a),
])
def test_deleting_and_rechaining_without_the_key_shows(ctx: Context, digest: object) -> None:
    _some_history(ctx)
    with ctx.db.transaction("x") as tx:
        assert tx.verify_audit_chain().ok
        victim = sorted(tx.audit_entries(), key=lambda e: e.id)[3]
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": victim.id})
    _rechain(ctx, digest)
    with ctx.db.transaction("x") as tx:
        report = tx.verify_audit_chain()
    assert not report.ok and report.entry_id == 1 and "without the audit key" in report.problem
    # and the next change does not launder it: the log stays damaged
    with ctx.db.transaction("pat") as tx:
        tx.add_family("FAM-C", "Ari")
    with ctx.db.transaction("x") as tx:
        assert not tx.verify_audit_chain().ok


def test_reordering_and_editing_show(ctx: Context) -> None:
    _some_history(ctx)
    rows = _rows(ctx)
    a, b = rows[2], rows[3]
    with ctx.db.engine.begin() as conn:  # swap two entries' contents, hashes and all
        for row, other in ((a, b), (b, a)):
            conn.execute(text("UPDATE audit_log SET action = :ac, object_id = :o, "
                              "prev_hash = :p, hash = :h WHERE id = :i"),
                         {"ac": other["action"], "o": other["object_id"],
                          "p": other["prev_hash"], "h": "x" + str(other["hash"])[1:],
                          "i": row["id"]})
    with ctx.db.transaction("x") as tx:
        assert not tx.verify_audit_chain().ok
    with ctx.db.engine.begin() as conn:
        for row in (a, b):
            conn.execute(text("UPDATE audit_log SET action = :ac, object_id = :o, "
                              "prev_hash = :p, hash = :h WHERE id = :i"),
                         {"ac": row["action"], "o": row["object_id"], "p": row["prev_hash"],
                          "h": row["hash"], "i": row["id"]})
    with ctx.db.transaction("x") as tx:
        assert tx.verify_audit_chain().ok
    # the newest entry edited, then a new change: still damaged (no silent re-keying)
    last = rows[-1]
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :i"),
                     {"i": last["id"]})
    with ctx.db.transaction("pat") as tx:
        tx.add_family("FAM-C", "Ari")
    with ctx.db.transaction("x") as tx:
        report = tx.verify_audit_chain()
        newest = tx.audit_entries(limit=2)
    assert not report.ok
    assert newest[1].action == SEALED and "earlier_problem" in newest[1].detail


def test_anchors_catch_the_newest_entries_cut_off(ctx: Context, tmp_path: Path) -> None:
    _some_history(ctx)
    anchors = tmp_path / "elsewhere" / "audit-anchors.jsonl"
    anchors.parent.mkdir()
    first = anchor_audit(ctx, anchors)
    assert stat.S_IMODE(os.stat(anchors).st_mode) == 0o600
    with ctx.db.transaction("pat") as tx:
        tx.add_family("FAM-C", "Ari")
    second = anchor_audit(ctx, anchors)
    lines = anchors.read_text().splitlines()
    assert [json.loads(line)["entry_id"] for line in lines] == [first.entry_id,
                                                                second.entry_id]
    assert second.entry_id > first.entry_id and second.entries > first.entries
    assert verify_audit(ctx, anchors).ok
    receipt = anchor_audit(ctx)  # printed, not written
    assert receipt.entry_id == second.entry_id and len(anchors.read_text().splitlines()) == 2

    # cut off the newest entries and move the head back: the chain alone cannot tell
    keep = [r for r in _rows(ctx) if int(r["id"]) <= first.entry_id]  # type: ignore[call-overload]
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id > :i"), {"i": first.entry_id})
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h"),
                     {"i": keep[-1]["id"], "h": keep[-1]["hash"]})
    assert verify_audit(ctx).ok
    report = verify_audit(ctx, anchors)
    assert not report.ok and report.entry_id == second.entry_id
    assert "missing" in report.problem

    anchors.write_text(anchors.read_text() + "not an anchor\n")
    with pytest.raises(InputError, match="line 3"):
        verify_audit(ctx, anchors)


def test_anchoring_a_damaged_log_is_refused(ctx: Context, tmp_path: Path) -> None:
    _some_history(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    with pytest.raises(InputError, match="damaged at entry 2"):
        anchor_audit(ctx, tmp_path / "a.jsonl")
    assert not (tmp_path / "a.jsonl").exists()


def _make_legacy(ctx: Context, entries: int = 4) -> None:
    """A database as attune before audit keys left it (revision 0004), with a log it wrote
    (unkeyed SHA-256)."""
    from datetime import UTC, datetime, timedelta

    from alembic import command

    from attune.storage.db import alembic_config

    command.downgrade(alembic_config(ctx.db.engine), "0004")

    prev = GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        for i in range(1, entries + 1):
            at = start + timedelta(minutes=i)
            h = audit_hash(prev, at, "pat", "create", "family", str(i), {"n": i})
            conn.execute(text(
                "INSERT INTO audit_log (id, at, actor, action, object_type, object_id, detail,"
                " prev_hash, hash) VALUES (:i, :at, 'pat', 'create', 'family', :o, :d, :p, :h)"),
                {"i": i, "at": at, "o": str(i), "d": json.dumps({"n": i}), "p": prev, "h": h})
            prev = h
        conn.execute(text("UPDATE audit_head SET last_id = :i, last_hash = :h"),
                     {"i": entries, "h": prev})
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequence past them
            conn.execute(text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), "
                              "(SELECT MAX(id) FROM audit_log))"))


def _reopen(ctx: Context) -> Database:
    """Open the installation as `attune init` / the app's start does: migrate, then open."""
    return Database.open(ctx.settings.database_url, migrate_to_head=True,
                         audit_key=ctx.settings.audit_key_bytes)


def test_a_log_from_before_audit_keys_is_checked_then_sealed(ctx: Context) -> None:
    _make_legacy(ctx)
    with ctx.db.transaction("x") as tx:
        report = tx.verify_audit_chain()
    assert not report.ok and report.entry_id == 1  # not yet sealed: not vouched for
    db = _reopen(ctx)  # what `attune init` / the app's start does after migrating
    try:
        with db.transaction("x") as tx:
            report = tx.verify_audit_chain()
            seal = tx.audit_entries(limit=1)[0]
        assert report.ok and report.sealed == 4 and report.entries == 5
        assert seal.action == SEALED and seal.detail["checked_by_sha256"] == 4
        assert "earlier_problem" not in seal.detail
        with db.transaction("x") as tx:  # sealing happens once
            assert tx.seal_audit_chain("again") is None
        # a sealed entry changed afterwards shows
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET object_id = '99' WHERE id = 2"))
        with db.transaction("x") as tx:
            assert not tx.verify_audit_chain().ok
    finally:
        db.dispose()


def test_a_broken_log_from_before_audit_keys_is_sealed_as_broken(ctx: Context) -> None:
    _make_legacy(ctx)
    with ctx.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    db = _reopen(ctx)
    try:
        with db.transaction("x") as tx:
            report = tx.verify_audit_chain()
            seal = tx.audit_entries(limit=1)[0]
        assert seal.action == SEALED and "entry 2" in seal.detail["earlier_problem"]
        assert not report.ok and "already broken" in report.problem
    finally:
        db.dispose()
