"""Atomic files: a file appears whole under its final name, or not at all (DESIGN.md:
temp file in the same folder, fsync, rename, fsync the folder). The one place for it."""

from __future__ import annotations

import os
import tempfile
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


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        publish(Path(tmp), final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
