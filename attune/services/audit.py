"""Checking the audit log, and keeping its head outside the database.

``verify_audit`` checks the HMAC chain (``attune.storage.audit``). That finds an edited,
moved, inserted or removed entry, but not the newest entries cut off together with the
head row. An *anchor* closes that gap: ``anchor_audit`` appends the head (entry id, hash,
time) to a file kept elsewhere (opened append-only, mode 0600) or gives it as a receipt to
keep; ``verify_audit(anchors=...)`` then requires every anchored entry to be in the log,
unchanged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from attune.core.audit import LOOK_ACTIONS
from attune.errors import InputError
from attune.services import Context
from attune.storage.store import ChainReport


@dataclass(frozen=True)
class Anchor:
    entry_id: int
    hash: str
    at: datetime
    entries: int

    def line(self) -> str:
        return json.dumps({"entry_id": self.entry_id, "hash": self.hash,
                           "at": self.at.isoformat(), "entries": self.entries},
                          sort_keys=True)


def anchor_audit(ctx: Context, to: Path | None = None) -> Anchor:
    """The audit log's head, checked first (an anchor of a damaged log would vouch for
    it); appended as one JSON line to ``to`` when given."""
    with ctx.db.transaction("audit") as tx:
        report = tx.verify_audit_chain()
    if not report.ok:
        raise InputError(f"The audit log is damaged at entry {report.entry_id} "
                         f"({report.problem}); an anchor would vouch for it. Keep a copy of "
                         "the database and tell your data protection lead.")
    anchor = Anchor(report.last_id, report.last_hash, datetime.now(UTC), report.entries)
    if to is not None:
        append_anchor(Path(to).expanduser(), anchor)
    return anchor


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Append one line, never rewriting what is there (O_APPEND; created 0600)."""
    if not path.parent.is_dir():
        raise InputError(f"The folder {path.parent} does not exist; create it or choose "
                         "another file for the anchors.")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.line() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_anchors(path: Path) -> list[Anchor]:
    path = Path(path).expanduser()
    if not path.is_file():
        raise InputError(f"There is no anchors file at {path}; check the path.")
    anchors = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            doc = json.loads(raw)
            anchors.append(Anchor(int(doc["entry_id"]), str(doc["hash"]),
                                  datetime.fromisoformat(doc["at"]), int(doc["entries"])))
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path.name}, line {n}, is not an anchor written by `attune "
                             "audit anchor`; remove that line or use the original file.") \
                from None
    return anchors


def verify_audit(ctx: Context, anchors: Path | None = None) -> ChainReport:
    """The chain's report; with ``anchors``, also not ok when an anchored entry is
    missing or changed (the newest entries were cut off, or the log rewritten)."""
    with ctx.db.transaction("audit") as tx:
        report = tx.verify_audit_chain()
        if not report.ok or anchors is None:
            return report
        for anchor in read_anchors(anchors):
            found = tx.audit_hash_of(anchor.entry_id)
            if found != anchor.hash:
                what = "is missing" if found is None else "is not the one anchored"
                return ChainReport(False, report.entries,
                                   f"entry {anchor.entry_id}, anchored on "
                                   f"{anchor.at:%Y-%m-%d %H:%M} UTC, {what}: entries were "
                                   "removed or the log was rewritten since", anchor.entry_id)
            if anchor.entries > report.entries:
                return ChainReport(False, report.entries,
                                   f"the log had {anchor.entries} entries when anchored on "
                                   f"{anchor.at:%Y-%m-%d %H:%M} UTC and has "
                                   f"{report.entries} now", anchor.entry_id)
    return report


def changes_made(ctx: Context) -> int:
    """How many changes this process has committed so far: while it stays the same, a
    data version read in this process still holds for what this process did (a page
    reads the version once per run, :mod:`attune.ui.cache`)."""
    return ctx.db.changes


def data_version(ctx: Context) -> tuple[int, str]:
    """A number that changes whenever anything shown changes: every change a person makes
    is audited, so the newest audit entry that records a change (not a look,
    ``LOOK_ACTIONS``) names the data's version, together with the newest move of a
    background job. Pages cache what they show under it (:mod:`attune.ui.cache`)."""
    with ctx.db.transaction("system") as tx:
        entry, digest = tx.newest_change(LOOK_ACTIONS)
        # background jobs (an ingest finishing, a render) change what pages show without
        # an audit entry of their own
        return entry, f"{digest}|{tx.newest_job_update()}"
