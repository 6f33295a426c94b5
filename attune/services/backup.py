"""Backup and restore of a whole installation: ``attune backup OUT`` and
``attune restore IN``.

A backup is one tar file (gzip when its name ends in ``.gz``/``.tgz``) holding:

- ``database.json``: every row of every table (``schemas/backup.v1.schema.json``), read
  from one database snapshot; this is what a restore loads;
- ``audit.jsonl`` and ``schemes/<name>.v<version>.json``: the audit chain and the coding
  schemes again, as files for people (they are in ``database.json`` too);
- ``media/…``: the media folder (originals, clip folders, reel folders), streamed into the
  archive, never read whole;
- ``manifest.json`` (last): each other member's sha256 and size, and the versions that
  made the archive.

The archive appears whole or not at all (temp file in the same folder, fsync, rename).
The secret key is not in it: a restored installation makes a new one, so people sign in
again. Nor is the audit key: a restore into an installation with the same key
(``ATTUNE_AUDIT_KEY``, or the ``audit_key`` file copied into the new data folder first)
verifies every entry; with another key it checks the chain's links and head, then seals
the restored entries with its own key in an ``audit-sealed`` entry that says so.

A restore goes only into an empty data folder. It checks the whole archive (hashes,
schema, Alembic revision, audit chain) before writing anything, then writes media to temp
files, loads every row in one transaction, checks the audit chain there, renames the
files into place and commits; if anything fails, what was written is removed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from pyrage.x25519 import Identity, Recipient

import attune
from attune.core.accounts import Role
from attune.errors import InputError
from attune.fileio import atomic_path, fsync_dir
from attune.schemas import validate
from attune.services import Context
from attune.services.backup_keys import encrypting, opened_archive
from attune.services.mediastore import CHUNK, MediaStore
from attune.storage.db import migrate
from attune.storage.dump import (
    check_audit_rows,
    current_revision,
    dump_database,
    head_revision,
    load_database,
    row_counts,
    tables_in_use,
)
from attune.storage.store import Tx

FORMAT = "attune-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
AUDIT = "audit.jsonl"
SCHEMES_DIR = "schemes"
MEDIA_DIR = "media"
#: database.json is loaded into memory; anything larger is not an attune backup.
MAX_DATABASE_BYTES = 2 << 30
#: The media folder's scratch space (uploads in progress, files being deleted).
MEDIA_SCRATCH = MediaStore.SCRATCH
EMPTY_TARGET = ("restore only into an empty data folder: set ATTUNE_DATA_DIR to a new folder "
                "(and ATTUNE_DATABASE_URL to an empty database, if you set it) and run "
                "`attune restore` again")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size_bytes: int
    sha256: str  # of the archive file, for people to record next to it
    alembic_revision: str
    created_at: datetime
    rows: dict[str, int]
    media_files: int
    media_bytes: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreReport:
    archive: Path
    alembic_revision: str
    backup_created_at: datetime
    source_database: str
    rows: dict[str, int]
    media_files: int
    media_bytes: int
    audit_entries: int
    warnings: tuple[str, ...] = ()


# ------------------------------------------------------------------ streams
class _HashingReader(io.RawIOBase):
    """Reads from ``source``, hashing and counting what passes."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(n)
        self.hash.update(data)
        self.size += len(data)
        return data


class _HashingWriter:
    """Writes to ``sink``, hashing and counting (the archive's own sha256 and size)."""

    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.sink.write(data)

    def flush(self) -> None:
        self.sink.flush()


def _json_bytes(doc: Any, *, indent: int | None = None) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=indent).encode("utf-8")


# ------------------------------------------------------------------ backup
def backup(ctx: Context, out_path: Path, actor: str, *,
           compress: bool | None = None,
           recipients: list[Recipient] | None = None) -> BackupReport:
    """Write the whole installation to one new archive at ``out_path``.

    ``compress`` gzips the archive; by default it does when the name ends in ``.gz`` or
    ``.tgz`` (video barely shrinks, so plain tar is the default). With ``recipients``
    (age public keys) the archive is encrypted to them as it is written
    (:mod:`attune.services.backup_keys`): nothing readable touches the disk. Writes a
    ``backup`` audit entry (who, when, counts; nothing of the content) once the archive
    is in place.
    """
    out = Path(out_path).expanduser().absolute()
    if compress is None:
        compress = out.name.endswith((".gz", ".tgz", ".gz.age", ".tgz.age"))
    if out.exists():
        raise InputError(f"{out} already exists; choose a new file name (a backup never "
                         "overwrites a file).")
    if not out.parent.is_dir():
        raise InputError(f"The folder {out.parent} does not exist; create it or choose "
                         "another place for the backup.")
    media_root = ctx.media.root.resolve()
    if out.parent.resolve().is_relative_to(media_root):
        raise InputError("Write the backup outside the media folder "
                         f"({media_root}), e.g. to another disk.")

    document = dump_database(ctx.db)
    validate(document, "backup.v1", "database document made for the backup")
    warnings: list[str] = []
    entries, problem, _ = check_audit_rows(document, ctx.settings.audit_key_bytes)
    if problem:
        warnings.append(f"The audit chain is broken ({problem}); run `attune audit verify`. "
                        "A restore refuses a backup with a broken chain.")
    tables: dict[str, list[dict[str, Any]]] = document["tables"]

    files: dict[str, dict[str, Any]] = {}
    # whole or not at all (attune.fileio): a hidden temp file beside it, renamed at the end
    with atomic_path(out) as tmp, tmp.open("wb") as raw:
        sink = _HashingWriter(raw)
        mode = "w|gz" if compress else "w|"
        with contextlib.ExitStack() as stack:
            plain: Any = sink if not recipients \
                else stack.enter_context(encrypting(sink, recipients))
            # stream mode only ever calls write(); the stubs ask for a whole file object
            tar = stack.enter_context(tarfile.open(  # type: ignore[call-overload]
                fileobj=plain, mode=mode, format=tarfile.PAX_FORMAT))
            _add_bytes(tar, DATABASE, _json_bytes(document), files)
            audit = b"".join(_json_bytes(row) + b"\n" for row in tables["audit_log"])
            _add_bytes(tar, AUDIT, audit, files)
            for row in tables["schemes"]:
                name = f"{SCHEMES_DIR}/{row['name']}.v{row['version']}.json"
                _add_bytes(tar, name, _json_bytes(row["document"], indent=2), files)
            media_files, media_bytes = _add_media(tar, ctx.media.root, files, warnings)
            manifest = {
                "format": FORMAT, "format_version": FORMAT_VERSION,
                "attune_version": attune.__version__,
                "alembic_revision": document["alembic_revision"],
                "created_at": document["created_at"],
                "source_database": document["source_database"],
                "rows": {name: len(rows) for name, rows in tables.items()},
                "files": files,
            }
            _add_bytes(tar, MANIFEST, _json_bytes(manifest, indent=1), None)

    warnings += _missing_originals(tables["clips"], files)
    rows = {name: len(r) for name, r in tables.items()}
    with ctx.db.transaction(actor) as tx:
        tx.audit("backup", "installation", out.name,
                 {"rows": rows, "media_files": media_files, "media_bytes": media_bytes,
                  "audit_entries": entries, "archive_bytes": sink.size,
                  "archive_sha256": sink.hash.hexdigest()})
    return BackupReport(out, sink.size, sink.hash.hexdigest(), document["alembic_revision"],
                        datetime.fromisoformat(document["created_at"]), rows, media_files,
                        media_bytes, tuple(warnings))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes,
               files: dict[str, dict[str, Any]] | None) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    if files is not None:
        files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _add_media(tar: tarfile.TarFile, root: Path, files: dict[str, dict[str, Any]],
               warnings: list[str]) -> tuple[int, int]:
    count = total = 0
    if not root.is_dir():
        return 0, 0
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d != MEDIA_SCRATCH]
        dirnames.sort()
        for filename in sorted(filenames):
            path = here / filename
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                warnings.append(f"Skipped media/{rel}: it is a link, not a file.")
                continue
            try:
                fh = path.open("rb")
            except FileNotFoundError:  # deleted while the backup ran
                warnings.append(f"Skipped media/{rel}: it was deleted while the backup ran.")
                continue
            with fh:
                st = os.fstat(fh.fileno())
                info = tarfile.TarInfo(f"{MEDIA_DIR}/{rel}")
                info.size = st.st_size
                info.mtime = int(st.st_mtime)
                info.mode = 0o600
                reader = _HashingReader(fh)
                # media files are replaced by rename, never rewritten in place, so the
                # open file keeps the size it had; tarfile copies exactly info.size bytes
                tar.addfile(info, reader)
            files[info.name] = {"sha256": reader.hash.hexdigest(), "size": reader.size}
            count += 1
            total += reader.size
    return count, total


def _missing_originals(clips: list[dict[str, Any]],
                       files: dict[str, dict[str, Any]]) -> list[str]:
    return [f"Clip {c['id']} ({c['original_name']}): its original is not in the media folder, "
            "so the backup holds its row but not its video."
            for c in clips
            if f"{MEDIA_DIR}/{MediaStore.original_key(c['sha256'])}" not in files]


# ------------------------------------------------------------------ restore
def restore(ctx: Context, archive: Path, actor: str, *,
            other_audit_key: bool = False, as_admin: bool = False,
            identities: list[Identity] | None = None) -> RestoreReport:
    """Bring back a backup into this (empty) installation: all or nothing.

    The backup's audit log must carry this installation's audit key (copy the old
    ``audit_key`` file into the data folder first, or set ``ATTUNE_AUDIT_KEY``). When
    that key is lost, ``other_audit_key`` restores it anyway: its links and head are
    checked, and an ``audit-sealed`` entry keyed with this installation's key records
    that the entries before it were written with another key.

    Refuses (:class:`InputError`) when the database holds data or the media folder holds
    files, or when the archive is damaged, incomplete, or made by an attune whose database
    revision differs; in each case nothing is written. With ``as_admin`` (the command
    line: the empty installation has no accounts to check ``actor`` against before), the
    backup must hold ``actor`` as an active administrator, or nothing is restored. An
    encrypted archive needs ``identities`` (the private keys of
    :func:`attune.services.backup_keys.read_identities`); it is decrypted as it is read.
    """
    archive = Path(archive).expanduser().absolute()
    if not archive.is_file():
        raise InputError(f"There is no backup at {archive}; check the path.")
    head = head_revision()
    _check_target_empty(ctx, head)
    checked = _check_archive(archive, head, ctx.settings.audit_key_bytes, identities)
    if not checked.same_key and not other_audit_key:
        raise InputError(
            f"{archive.name} cannot be restored yet: its audit log is signed with another "
            "installation's audit key. Copy that installation's audit_key file into "
            f"{ctx.settings.data_dir} (or set ATTUNE_AUDIT_KEY to it) and restore again. "
            "If that key is lost, restore with --other-audit-key: the log is then sealed "
            "with this installation's key, and its earlier entries can be checked for "
            "order but no longer for content. Nothing was restored.")

    if current_revision(ctx.db) is None:
        migrate(ctx.db.engine)  # a new database: set it up (it stays empty on failure)
    staging = _Staging(ctx.media.root)
    try:
        _stage_media(archive, checked, staging, identities)
        with ctx.db.transaction(actor) as tx:
            rows = load_database(tx, checked.document)
            if as_admin:
                _check_restorer(tx, actor, archive)
            if not checked.same_key:
                # the backup's log is keyed by another installation's audit key: its links
                # and head were checked; this installation's key seals it, on the record
                tx.seal_audit_chain(f"restored from the backup {archive.name}, made by an "
                                    "installation with another audit key", other_key=True)
            chain = tx.verify_audit_chain()
            if not chain.ok:
                raise InputError(f"{archive.name} cannot be restored: after loading, the audit "
                                 f"chain does not verify ({chain.problem}, entry "
                                 f"{chain.entry_id}). Nothing was restored.")
            staging.commit()
    except BaseException:
        staging.rollback()
        raise
    with ctx.db.transaction(actor) as tx:
        tx.audit("restore", "installation", archive.name,
                 {"backup_created_at": checked.document["created_at"],
                  "alembic_revision": checked.document["alembic_revision"],
                  "source_database": checked.document["source_database"],
                  "rows": rows, "media_files": staging.count, "media_bytes": staging.bytes})
    return RestoreReport(archive, checked.document["alembic_revision"],
                         datetime.fromisoformat(checked.document["created_at"]),
                         checked.document["source_database"], rows, staging.count,
                         staging.bytes, checked.audit_entries, tuple(checked.warnings))


def _check_restorer(tx: Tx, actor: str, archive: Path) -> None:
    """Inside the restoring transaction: refusing rolls it all back. An input error, not
    an audited refusal: the refusal's audit entry would be the only row of a folder that
    must stay empty for the next try."""
    found = [u for u in tx.list_users() if u.username == actor]
    if not found or found[0].role != Role.ADMIN or not found[0].active:
        raise InputError(f"Not allowed: {actor} is not an active administrator in "
                         f"{archive.name}, and only an administrator restores a backup. Give "
                         "--as an administrator's username from the backup. Nothing was "
                         "restored.")


def _check_target_empty(ctx: Context, head: str) -> None:
    busy = tables_in_use(row_counts(ctx.db))
    if busy:
        raise InputError(f"This installation's database already holds data "
                         f"({', '.join(busy)}); {EMPTY_TARGET}.")
    root = ctx.media.root
    if root.exists() and any(p.is_file() or p.is_symlink() for p in root.rglob("*")):
        raise InputError(f"The media folder {root} already holds files; {EMPTY_TARGET}.")
    revision = current_revision(ctx.db)
    if revision is not None and revision != head:
        raise InputError(f"This installation's database is at revision {revision}, but this "
                         f"attune needs {head}; {EMPTY_TARGET}.")


@dataclass
class _Checked:
    manifest: dict[str, Any]
    document: dict[str, Any]
    audit_entries: int
    warnings: list[str] = field(default_factory=list)
    same_key: bool = True  # the audit chain carries this installation's audit key


def _damaged(archive: Path, why: str) -> InputError:
    return InputError(f"{archive.name} cannot be restored: {why}. The archive is damaged or "
                      "incomplete; nothing was restored. Use another copy of the backup.")


def _member_name(archive: Path, member: tarfile.TarInfo) -> str:
    """The member's name if it is a plain file at a place an attune backup uses."""
    path = PurePosixPath(member.name)
    if (path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts)
            or path.as_posix() != member.name):
        raise _damaged(archive, f"it holds a member with an unsafe name ({member.name!r})")
    if not member.isfile():
        raise _damaged(archive, f"{member.name} is not a plain file")
    top = path.parts[0]
    if member.name not in (MANIFEST, DATABASE, AUDIT) and (
            top not in (SCHEMES_DIR, MEDIA_DIR) or len(path.parts) < 2):
        raise _damaged(archive, f"it holds {member.name}, which no attune backup has")
    return member.name


def _check_archive(archive: Path, head: str, audit_key: bytes,
                   identities: list[Identity] | None = None) -> _Checked:
    """Read the whole archive once, without writing anything: every member's hash and
    size against the manifest, the database document against its schema, the Alembic
    revision against this attune's, and the audit chain."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_bytes: bytes | None = None
    database_bytes: bytes | None = None
    try:
        with opened_archive(archive, identities) as source, \
                tarfile.open(fileobj=source, mode="r|*") as tar:
            for member in tar:
                name = _member_name(archive, member)
                if name in seen or (name == MANIFEST and manifest_bytes is not None):
                    raise _damaged(archive, f"it holds {name} twice")
                if name in (MANIFEST, DATABASE):
                    if member.size > MAX_DATABASE_BYTES:
                        raise _damaged(archive, f"{name} is too large ({member.size} bytes)")
                    fh = tar.extractfile(member)
                    data = fh.read() if fh is not None else b""
                    if len(data) != member.size:
                        raise _damaged(archive, f"{name} is cut short")
                    if name == MANIFEST:
                        manifest_bytes = data
                        continue
                    database_bytes = data
                    seen[name] = (hashlib.sha256(data).hexdigest(), len(data))
                    continue
                fh = tar.extractfile(member)
                if fh is None:  # pragma: no cover - _member_name allows plain files only
                    raise _damaged(archive, f"{name} cannot be read")
                reader = _HashingReader(fh)
                while reader.read(CHUNK):
                    pass
                seen[name] = (reader.hash.hexdigest(), reader.size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _damaged(archive, f"it cannot be read as a tar archive ({exc})") from None
    if manifest_bytes is None:
        raise _damaged(archive, "it has no manifest.json (the file may be cut short)")
    manifest = _parse_manifest(archive, manifest_bytes)
    listed: dict[str, dict[str, Any]] = manifest["files"]
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise _damaged(archive, f"{len(missing)} file(s) listed in its manifest are missing, "
                       f"e.g. {missing[0]}")
    extra = sorted(set(seen) - set(listed))
    if extra:
        raise _damaged(archive, f"it holds file(s) its manifest does not list, e.g. {extra[0]}")
    for name, (digest, size) in seen.items():
        if size != listed[name]["size"] or digest != listed[name]["sha256"]:
            raise _damaged(archive, f"{name} does not match its checksum in the manifest")
    if database_bytes is None:
        raise _damaged(archive, "it has no database.json")

    made_by = f"attune {manifest.get('attune_version', '?')}"
    if manifest["alembic_revision"] != head:
        raise InputError(
            f"{archive.name} was made by {made_by}, whose database is at revision "
            f"{manifest['alembic_revision']}; this attune ({attune.__version__}) is at "
            f"revision {head}. Restore it with {made_by}, then upgrade that installation. "
            "Nothing was restored.")
    try:
        document = json.loads(database_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(archive, f"its database.json is not JSON ({exc})") from None
    try:
        validate(document, "backup.v1", "backup's database.json")
    except InputError as exc:
        raise _damaged(archive, f"{exc}".rstrip(".")) from None
    if document["alembic_revision"] != manifest["alembic_revision"]:
        raise _damaged(archive, "its manifest and its database.json name different revisions")
    entries, problem, same_key = check_audit_rows(document, audit_key)
    if problem:
        raise InputError(f"{archive.name} cannot be restored: the audit chain in it is broken "
                         f"({problem}), so restoring it would hide a change to the log. "
                         "Nothing was restored; use another backup.")
    return _Checked(manifest, document, entries,
                    _missing_originals(document["tables"]["clips"], listed), same_key)


def _parse_manifest(archive: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(archive, f"its manifest.json is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(archive, "its manifest.json is not an attune backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InputError(f"{archive.name} is a version {manifest.get('format_version')} "
                         f"backup; this attune reads version {FORMAT_VERSION}. Restore it "
                         f"with attune {manifest.get('attune_version', '?')}.")
    files = manifest.get("files")
    if not isinstance(manifest.get("alembic_revision"), str) or not isinstance(files, dict):
        raise _damaged(archive, "its manifest.json lacks the revision or the file list")
    for name, entry in files.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("size"), int)):
            raise _damaged(archive, f"its manifest.json has a bad entry for {name}")
    return manifest


class _Staging:
    """Media files written next to their places under temp names, renamed into place
    when the rows are in (``commit``), all removed again on failure (``rollback``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.token = uuid.uuid4().hex[:12]
        self.pending: list[tuple[Path, Path]] = []
        self.placed: list[Path] = []
        self.made_dirs: list[Path] = []
        self.count = 0
        self.bytes = 0

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for d in reversed(missing):
            d.mkdir()
            self.made_dirs.append(d)

    def write(self, rel: str, source: IO[bytes]) -> tuple[str, int]:
        final = self.root.joinpath(*PurePosixPath(rel).parts)
        self._mkdirs(final.parent)
        temp = final.parent / f".restore-{self.token}-{final.name}"
        self.pending.append((temp, final))
        reader = _HashingReader(source)
        with temp.open("xb") as out:
            while chunk := reader.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        self.count += 1
        self.bytes += reader.size
        return reader.hash.hexdigest(), reader.size

    def commit(self) -> None:
        for temp, final in self.pending:
            if final.exists():
                raise InputError(f"{final} appeared while restoring; {EMPTY_TARGET}.")
            os.replace(temp, final)
            self.placed.append(final)
        for folder in {final.parent for _, final in self.pending}:
            fsync_dir(folder)
        self.pending.clear()

    def rollback(self) -> None:
        for temp, _ in self.pending:
            temp.unlink(missing_ok=True)
        for final in self.placed:
            final.unlink(missing_ok=True)
        for d in reversed(self.made_dirs):
            # not empty: something else was put there meanwhile; leave it
            with contextlib.suppress(OSError):
                d.rmdir()
        self.pending.clear()
        self.placed.clear()


def _stage_media(archive: Path, checked: _Checked, staging: _Staging,
                 identities: list[Identity] | None = None) -> None:
    """Second pass: write each media member to a temp file, checking its hash again (the
    archive could have changed since it was checked)."""
    listed = checked.manifest["files"]
    try:
        with opened_archive(archive, identities) as source, \
                tarfile.open(fileobj=source, mode="r|*") as tar:
            for member in tar:
                name = _member_name(archive, member)
                if not name.startswith(f"{MEDIA_DIR}/"):
                    continue
                fh = tar.extractfile(member)
                if fh is None:  # pragma: no cover - _member_name allows plain files only
                    raise _damaged(archive, f"{name} cannot be read")
                digest, size = staging.write(name[len(MEDIA_DIR) + 1:], fh)
                if digest != listed[name]["sha256"] or size != listed[name]["size"]:
                    raise _damaged(archive, f"{name} changed while it was being restored")
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise _damaged(archive, f"it cannot be read as a tar archive ({exc})") from None
    if staging.count != sum(1 for n in listed if n.startswith(f"{MEDIA_DIR}/")):
        raise _damaged(archive, "it changed while it was being restored")
