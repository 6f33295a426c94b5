"""Work folders of an ingest. Atomic writes themselves live in :mod:`attune.fileio`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from attune.fileio import fsync_dir, publish, write_bytes_atomic

__all__ = ["WORK_PREFIX", "fsync_dir", "make_work_dir", "publish", "remove_work_dirs",
           "write_bytes_atomic"]

#: Prefix of the work folders that an ingest makes inside its output folder.
WORK_PREFIX = ".attune-work-"


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
