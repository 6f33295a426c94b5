"""Atomic files: a file appears whole under its final name, or not at all (docs/design.md:
temp file in the same folder, fsync, rename, fsync the folder). The one place for it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: Every file attune writes is for the service account only (attune.services.permissions).
FILE_MODE = 0o600


def publish(temp: Path, final: Path) -> None:
    """fsync ``temp`` and rename it to ``final`` (same file system), replacing any old one;
    the file is made readable by this account only first."""
    with open(temp, "rb+") as fh:
        os.fchmod(fh.fileno(), FILE_MODE)
        os.fsync(fh.fileno())
    os.replace(temp, final)
    fsync_dir(final.parent)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file beside ``path`` (hidden, ``.<name>.….tmp``, 0600 from the start)
    for the block to write, by any means (an encoder, a PDF writer); published under
    ``path`` when the block ends normally, removed when it raises. The folder must exist.

    Nested blocks publish inner first: the last to appear is the outermost file.
    """
    final = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        publish(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


def copy_atomic(source: Path, target: Path) -> Path:
    """A copy of ``source`` that appears whole or not at all: a hard link where the disk
    allows (attune replaces files, never rewrites them, so the link keeps this version
    when ``source`` is replaced), else a copy."""
    with atomic_path(target) as tmp:
        tmp.unlink()
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
    return target
