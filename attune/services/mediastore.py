"""The media folder: originals stored once by content hash, and what is made from each
clip (proxy, filmstrip, envelope, stills) in a folder of its own.

Every file appears whole or not at all (temp file in the same folder, fsync, rename).
Deleting is two-step: files are first moved aside (``Trash``), the database change is
committed, then the files are removed; if the database change fails they are put back.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from attune.errors import InputError
from attune.fileio import fsync_dir

CHUNK = 1 << 20  # 1 MiB: files are streamed, never read whole


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Trash:
    """Files moved aside, to be removed after commit or restored after a rollback."""

    moves: list[tuple[Path, Path]] = field(default_factory=list)

    def restore(self) -> None:
        for original, aside in reversed(self.moves):
            if aside.exists():
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(aside, original)
        self.moves.clear()

    def empty(self) -> None:
        for _, aside in self.moves:
            if aside.is_dir():
                shutil.rmtree(aside, ignore_errors=True)
            else:
                aside.unlink(missing_ok=True)
        self.moves.clear()


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def originals(self) -> Path:
        return self.root / "originals"

    def original_path(self, sha256: str) -> Path:
        return self.originals / sha256[:2] / sha256

    def clip_dir(self, clip_id: int) -> Path:
        return self.root / "clips" / str(clip_id)

    def reel_dir(self, reel_id: int) -> Path:
        return self.root / "reels" / str(reel_id)

    def _tmp_dir(self) -> Path:
        tmp = self.root / "tmp"
        tmp.mkdir(parents=True, exist_ok=True, mode=0o700)
        return tmp

    def store_stream(self, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[str, int]:
        """Copy a stream into the originals by content hash, hashing as it goes.

        Returns (sha256, size). The same content uploaded twice is stored once.
        """
        tmp = self._tmp_dir() / f"upload-{uuid.uuid4().hex}"
        h = hashlib.sha256()
        size = 0
        try:
            # the recording of a family: for the service account only, from the first byte
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise InputError(f"The file is larger than {max_bytes} bytes; "
                                         "trim the recording or raise the limit.")
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = h.hexdigest()
            final = self.original_path(digest)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if final.exists():
                tmp.unlink()
            else:
                os.replace(tmp, final)
                fsync_dir(final.parent)
            return digest, size
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def store_file(self, path: Path) -> tuple[str, int]:
        if not path.is_file():
            raise InputError(f"There is no file at {path}; check the path and try again.")
        with path.open("rb") as fh:
            return self.store_stream(fh)

    def derived_files(self, clip_id: int) -> list[Path]:
        d = self.clip_dir(clip_id)
        return sorted(p for p in d.rglob("*") if p.is_file()) if d.exists() else []

    @contextmanager
    def deleting(self, paths: list[Path]) -> Iterator[Trash]:
        """Move ``paths`` aside for the duration of the block; remove them when it ends
        normally, put them back if it raises (use around the database transaction)."""
        trash = Trash()
        aside_root = self._tmp_dir() / f"trash-{uuid.uuid4().hex}"
        try:
            for p in paths:
                if p.exists():
                    aside = aside_root / str(len(trash.moves))
                    aside.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(p, aside)
                    trash.moves.append((p, aside))
            yield trash
        except BaseException:
            trash.restore()
            shutil.rmtree(aside_root, ignore_errors=True)
            raise
        trash.empty()
        shutil.rmtree(aside_root, ignore_errors=True)
