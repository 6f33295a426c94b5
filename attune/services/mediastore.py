"""The media folder: originals stored once by content hash, and what is made from each
clip (proxy, filmstrip, envelope, stills) and each reel (film, captions, handout, shared
copies) in a folder of its own.

:class:`MediaStore` is the one place that knows where every media file is: other modules
ask it (``ctx.media.clip_file(id, "proxy")``, ``ctx.media.reel_film(id)``,
``ctx.media.shared_files(path)``) and never join a folder and a file name themselves. The
names come from :mod:`attune.media.layout` (pure), which ``attune.media`` writes by.

Every file appears whole or not at all (attune.fileio: temp file, fsync, rename).
Deleting is two-step: files are first moved aside (``Trash``), the database change is
committed, then the files are removed; if the database change fails they are put back.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from attune.errors import InputError
from attune.fileio import publish
from attune.media import layout

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


@dataclass(frozen=True)
class SharedFiles:
    """A shared version of a reel: its own film, captions, handout and the film's copy
    with the captions burned in (the parent's to keep, made when first asked for)."""

    film: Path
    captions: Path
    handout: Path
    captioned: Path

    def __iter__(self) -> Iterator[Path]:
        return iter((self.film, self.captions, self.handout, self.captioned))


class MediaStore:
    #: The media folder's scratch space (uploads in progress, files being deleted), which
    #: a backup leaves out.
    SCRATCH = "tmp"

    def __init__(self, root: Path) -> None:
        self.root = root

    # -------------------------------------------------------------- originals
    @property
    def originals(self) -> Path:
        return self.root / "originals"

    @staticmethod
    def original_key(sha256: str) -> str:
        """Where an original is, relative to the media folder (``/``-separated, as a
        backup archive names its members)."""
        return f"originals/{sha256[:2]}/{sha256}"

    def original_path(self, sha256: str) -> Path:
        return self.root.joinpath(*self.original_key(sha256).split("/"))

    # -------------------------------------------------------------- a clip's files
    def clip_dir(self, clip_id: int) -> Path:
        return self.root / "clips" / str(clip_id)

    def clip_file(self, clip_id: int, kind: str) -> Path:
        """A clip's file of ``kind`` (``proxy``, ``filmstrip``, ``filmstrip_index``,
        ``envelope``)."""
        try:
            return self.clip_dir(clip_id) / layout.CLIP_FILES[kind]
        except KeyError:
            raise ValueError(f"unknown clip file kind {kind!r}; use one of "
                             f"{sorted(layout.CLIP_FILES)}") from None

    def stills_dir(self, clip_id: int) -> Path:
        return self.clip_dir(clip_id) / layout.STILLS

    def clip_files(self, clip_id: int, sha256: str) -> dict[str, Path]:
        """Every file of a ready clip by kind: ``original``, the made files, ``stills``."""
        return {"original": self.original_path(sha256),
                **{kind: self.clip_file(clip_id, kind) for kind in layout.CLIP_FILES},
                "stills": self.stills_dir(clip_id)}

    # -------------------------------------------------------------- a reel's files
    def reel_dir(self, reel_id: int) -> Path:
        return self.root / "reels" / str(reel_id)

    def reel_film(self, reel_id: int) -> Path:
        """The practitioner's rendered film (replaced by each render)."""
        return self.reel_dir(reel_id) / layout.REEL_FILM

    def reel_captions(self, reel_id: int) -> Path:
        return self.reel_dir(reel_id) / layout.REEL_CAPTIONS

    def reel_captioned(self, reel_id: int) -> Path:
        """The practitioner's film with its captions burned in (the copy that leaves the
        building; the film itself shows them as a WebVTT track)."""
        return layout.captioned_of(self.reel_film(reel_id))

    def reel_handout(self, reel_id: int) -> Path:
        return self.reel_dir(reel_id) / layout.REEL_HANDOUT

    def reel_path(self, reel_id: int, name: str) -> Path:
        """A file of the reel's folder by the name the store gave it (a shared copy's)."""
        return self.reel_dir(reel_id) / name

    @staticmethod
    def captions_of(film: Path) -> Path:
        """The captions rendered with ``film``, beside it."""
        return layout.captions_of(film)

    @staticmethod
    def captioned_of(film: Path) -> Path:
        """The copy of ``film`` with its captions burned in, beside it."""
        return layout.captioned_of(film)

    @staticmethod
    def shared_names(film_name: str) -> tuple[str, str, str]:
        """The names of a shared version's film, captions and handout, from the film's."""
        film = Path(film_name)
        return film.name, layout.captions_of(film).name, layout.handout_of(film).name

    def new_shared_files(self, reel_id: int) -> SharedFiles:
        """Fresh names for a new shared version (none of them exists yet)."""
        film = self.reel_path(reel_id, layout.shared_film(secrets.token_hex(6)))
        return SharedFiles(film, layout.captions_of(film), layout.handout_of(film),
                           layout.captioned_of(film))

    def shared_files(self, shared_path: str) -> SharedFiles:
        """A shared version's files, from its film's path as the reel's row keeps it
        (relative to the media folder)."""
        film = self.root / shared_path
        return SharedFiles(film, layout.captions_of(film), layout.handout_of(film),
                           layout.captioned_of(film))

    # -------------------------------------------------------------- for the browser
    @staticmethod
    def default_name(kind: str) -> str | None:
        """The usual file name of a single-file kind (a clip's or a reel's), else None."""
        return layout.CLIP_FILES.get(kind) or layout.REEL_FILES.get(kind)

    @staticmethod
    def content_type(name: str) -> str:
        """What the media route answers for a file of this name."""
        return layout.CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")

    def _tmp_dir(self) -> Path:
        tmp = self.root / self.SCRATCH
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
            digest = h.hexdigest()
            final = self.original_path(digest)
            final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if final.exists():
                tmp.unlink()
            else:  # the temp file is in the media folder's scratch space: same file system
                publish(tmp, final)
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
