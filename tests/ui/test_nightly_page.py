"""Administrators see the nightly work on their page: not set up, done, or failed with
the reason (issue 16, item 4)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import Role
from attune.services import Context
from attune.services.backup_keys import new_key_pair
from attune.services.nightly import run_nightly
from tests.factories import make_user
from tests.ui.conftest import texts


def test_admins_see_a_missing_then_a_failed_nightly_backup(
        ctx: Context, app: Callable[..., AppTest], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_user(ctx, "ada", Role.ADMIN)
    at = app(admin, "accounts.py")
    at.run()
    assert "No nightly backup is set up yet" in texts(at)

    public = new_key_pair(tmp_path / "backup.key")
    gone = tmp_path / "unmounted-disk"
    monkeypatch.setenv("ATTUNE_BACKUP_DIR", str(gone))
    monkeypatch.setenv("ATTUNE_BACKUP_RECIPIENTS", public)
    night = dataclasses.replace(ctx, settings=dataclasses.replace(
        ctx.settings, backup_dir=str(gone), backup_recipients=public))
    run_nightly(night, datetime(2026, 12, 1, 2, tzinfo=UTC))
    at = app(admin, "accounts.py")
    at.run()
    shown = texts(at)
    assert "Last nightly deletion of media past its date: 2026-" in shown
    assert "The nightly backup failed on 2026-" in shown and "does not exist" in shown
    assert "No nightly backup is set up yet" not in shown
