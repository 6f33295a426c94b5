"""Files for the service account only: what attune makes is private from the start (data
folder 0700, files 0600: database, keys, originals, proxies, reels), and an installation
that is too open is named at start with the command that fixes it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from attune.config import Settings
from attune.services import Context
from attune.services.permissions import check_permissions, permission_warning
from attune.services.reels import add_moment, create_reel, render_now
from attune.services.schemes import install_default_scheme
from tests.factories import coded_sample
from tests.test_cli import Cli


@pytest.fixture
def shell_umask() -> Iterator[None]:
    """A process started from a login shell: umask 022 (files 0644, folders 0755)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_attune_makes_is_private(tmp_path: Path, shell_umask: None) -> None:
    settings = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path / "data")})
    assert _mode(settings.data_dir) == 0o700
    ctx = Context.open(settings, migrate=True)
    try:
        with ctx.db.transaction("system") as tx:
            install_default_scheme(tx)
        pat, _mum, family, clip = coded_sample(ctx)  # an upload, ingested
        moment = add_moment(ctx, pat, clip.id, 0, 3000, "Maya looks at you")
        render_now(ctx, pat, create_reel(ctx, pat, family.code, [moment.id]).id)
    finally:
        ctx.close()
    data = settings.data_dir
    files = [p for p in data.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"attune.db", "secret_key", "audit_key", "proxy.mp4", "reel.mp4"} <= names
    assert check_permissions(settings) == [], permission_warning(check_permissions(settings))
    assert all(_mode(p) == 0o600 for p in files)
    assert all(_mode(p) == 0o700 for p in data.rglob("*") if p.is_dir())


def test_a_too_open_installation_is_named_and_fixed(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data")
    cli("init")
    data = tmp_path / "data"
    assert check_permissions(Settings.from_env({"ATTUNE_DATA_DIR": str(data)})) == []
    # as an installation made before this check, or a file copied in by hand
    data.chmod(0o755)
    (data / "attune.db").chmod(0o644)
    (data / "media").mkdir(exist_ok=True)
    (data / "media" / "copied-in.mp4").write_bytes(b"x")
    (data / "media" / "copied-in.mp4").chmod(0o644)
    found = check_permissions(Settings.from_env({"ATTUNE_DATA_DIR": str(data)}))
    assert {p.path.name for p in found} >= {"data", "attune.db", "copied-in.mp4"}
    warning = cli("init").stderr
    assert "attune.db (file, 0644)" in warning and "attune data fix-permissions" in warning
    out = cli("data", "fix-permissions").stdout
    assert "made private" in out
    assert check_permissions(Settings.from_env({"ATTUNE_DATA_DIR": str(data)})) == []
    assert _mode(data) == 0o700 and _mode(data / "attune.db") == 0o600
    assert "warning" not in cli("init").stderr
