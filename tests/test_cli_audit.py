"""`attune audit anchor` and `attune audit verify --anchors` as a user runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

from tests.test_cli import PASSWORD, Cli


def test_anchor_then_cut_off_entries_are_found(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("init")
    cli("user", "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "audit_key").st_mode) == 0o600
    receipt = cli("audit", "anchor", "--as", "admin").stdout
    assert "Keep this receipt" in receipt
    anchors = tmp_path / "anchors.jsonl"
    cli("audit", "anchor", "--to", str(anchors), "--as", "admin")
    cli("user", "add", "pat", "--role", "practitioner", "--password-stdin", "--as", "admin",
        stdin=PASSWORD + "\n")
    cli("audit", "anchor", "--to", str(anchors), "--as", "admin")
    assert len(anchors.read_text().splitlines()) == 2
    verified = cli("audit", "verify", "--anchors", str(anchors), "--as", "admin").stdout
    assert "against the anchors" in verified

    last = json.loads(anchors.read_text().splitlines()[0])
    db = sqlite3.connect(tmp_path / "data" / "attune.db")
    kept = db.execute("SELECT hash FROM audit_log WHERE id = ?", (last["entry_id"],)).fetchone()
    db.execute("DELETE FROM audit_log WHERE id > ?", (last["entry_id"],))
    db.execute("UPDATE audit_head SET last_id = ?, last_hash = ?", (last["entry_id"], kept[0]))
    db.commit()
    db.close()
    assert cli("audit", "verify", "--as", "admin").returncode == 0  # the chain alone cannot tell
    proc = cli("audit", "verify", "--anchors", str(anchors), "--as", "admin",
               ok=False)
    assert proc.returncode == 1 and "AUDIT LOG DAMAGED" in proc.stdout
    assert "missing" in proc.stdout
