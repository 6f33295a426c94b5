"""Files for the service account only: the data folder and everything in it (database,
media, reels, keys, job queue) readable by the account attune runs as and nobody else.

New files are made private when created: ``private_files()`` sets the process's umask
to 077 (``Context.open`` calls it, so the CLI, the app and the worker all run with it),
folders are made 0700 and published files 0600 (``attune.fileio``). ``check_permissions``
finds what is too open (an installation made before, or a file copied in by hand), and
``fix_permissions`` (``attune data fix-permissions``) closes it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from attune.config import Settings

FOLDER_MODE = 0o700
FILE_MODE = 0o600
FIX_COMMAND = "attune data fix-permissions"


def private_files() -> None:
    """New files and folders of this process: for its own account only."""
    os.umask(0o077)


@dataclass(frozen=True)
class TooOpen:
    path: Path
    mode: int  # permission bits, e.g. 0o644
    folder: bool

    def __str__(self) -> str:
        kind = "folder" if self.folder else "file"
        return f"{self.path} ({kind}, {self.mode:04o})"


def _roots(settings: Settings) -> list[Path]:
    roots = [settings.data_dir, settings.media_dir]
    url = settings.database_url
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        db = Path(url.split("sqlite:///", 1)[1])
        roots += [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    seen: list[Path] = []
    for r in roots:
        if r.exists() and not any(r == s or r.is_relative_to(s) for s in seen
                                  if s.is_dir()):
            seen.append(r)
    return seen


def _walk(settings: Settings) -> Iterator[Path]:
    for root in _roots(settings):
        yield root
        if root.is_dir() and not root.is_symlink():
            for folder, dirs, files in os.walk(root):
                for name in dirs + files:
                    yield Path(folder) / name


def check_permissions(settings: Settings) -> list[TooOpen]:
    """Everything in the installation that others than its account may read or enter."""
    found = []
    for path in _walk(settings):
        try:
            st = path.lstat()
        except FileNotFoundError:  # removed while we looked (a temp file)
            continue
        if stat.S_ISLNK(st.st_mode):
            continue
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            found.append(TooOpen(path, mode, stat.S_ISDIR(st.st_mode)))
    return found


def permission_warning(found: list[TooOpen]) -> str:
    """A warning for people: what is too open, and the command that fixes it."""
    if not found:
        return ""
    shown = "; ".join(str(f) for f in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return (f"Other accounts on this computer can read the families' data: {shown}{more}. "
            f"Run `{FIX_COMMAND}` (as the account attune runs as) so that only that account "
            "can.")


def fix_permissions(settings: Settings) -> int:
    """Folders 0700, files 0600 throughout the installation; returns how many changed."""
    changed = 0
    for item in check_permissions(settings):
        os.chmod(item.path, FOLDER_MODE if item.folder else FILE_MODE)
        changed += 1
    return changed
