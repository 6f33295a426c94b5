from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from attune.config import SETTINGS, Settings
from attune.errors import InputError

REPO = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if s.env not in readme]
    assert not missing, f"document these settings in README.md: {missing}"


def test_every_setting_read_is_declared() -> None:
    """Any ATTUNE_* name in the code is declared in SETTINGS (so it is documented)."""
    declared = {s.env for s in SETTINGS} | {"ATTUNE_USER", "ATTUNE_TEST_REDIS_URL"}
    used: set[str] = set()
    for path in [*(REPO / "attune").rglob("*.py"), REPO / "streamlit_app.py"]:
        used |= set(re.findall(r"[\"'](ATTUNE_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert used <= declared, f"declare these in attune/config.py SETTINGS: {used - declared}"


def test_defaults(tmp_path: Path) -> None:
    s = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path / "d")})
    assert s.database_url == f"sqlite:///{tmp_path / 'd' / 'attune.db'}"
    assert s.media_dir == tmp_path / "d" / "media"
    key_file = tmp_path / "d" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    again = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path / "d")})
    assert again.secret_key == s.secret_key and len(s.secret_key) > 40
    assert s.proxy_short_side == 720 and s.retention_months == 2 and s.idle_minutes == 30


def test_explicit_values_and_bad_numbers(tmp_path: Path) -> None:
    s = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path), "ATTUNE_SECRET_KEY": "k" * 50,
                           "ATTUNE_PROXY_SHORT_SIDE": "480"})
    assert s.secret_key == "k" * 50 and s.proxy_short_side == 480
    assert not (tmp_path / "secret_key").exists()
    with pytest.raises(InputError, match="ATTUNE_LOCKOUT_ATTEMPTS"):
        Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path), "ATTUNE_LOCKOUT_ATTEMPTS": "x"})


def test_each_setting_is_declared_once_on_its_field() -> None:
    """``SETTINGS`` is derived from the fields of ``Settings``: a new field is a new
    setting with its help, and its variable is read by ``from_env``."""
    from dataclasses import fields

    from attune.config import env_name

    assert [s.env for s in SETTINGS][:len(fields(Settings))] == \
        [env_name(f.name) for f in fields(Settings)]
    assert all(s.help and s.default for s in SETTINGS)
