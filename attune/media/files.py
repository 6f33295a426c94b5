"""Atomic file writes: a file appears whole under its final name, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

#: Prefix of the work folders that an ingest makes inside its output folder.
WORK_PREFIX = ".attune-work-"


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(temp: Path, final: Path) -> None:
    """fsync ``temp`` and rename it to ``final`` (same file system), replacing any old one."""
    with open(temp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(temp, final)
    fsync_dir(final.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        publish(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_work_dir(out_dir: Path) -> Path:
    """A fresh hidden work folder inside ``out_dir`` (same file system, so renames are atomic)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out_dir))


def remove_work_dirs(out_dir: Path) -> list[Path]:
    """Delete work folders left in ``out_dir`` by an ingest that was killed; returns them."""
    removed = []
    if out_dir.is_dir():
        for child in out_dir.iterdir():
            if child.is_dir() and child.name.startswith(WORK_PREFIX):
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child)
    return removed
