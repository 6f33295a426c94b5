"""Builders for tests: accounts, families with consent, clips."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from attune.core.consent import ConsentScope
from attune.core.people import Clip, Family, Role, User
from attune.services import Context
from attune.services.accounts import add_user
from attune.services.clips import store_clip
from attune.services.consent import record_consent
from attune.services.families import add_family

PASSWORD = "correct horse battery"


def make_user(ctx: Context, username: str, role: Role = Role.PRACTITIONER,
              supervisor: str | None = None) -> User:
    return add_user(ctx, "system", username, role, PASSWORD, supervisor=supervisor)


def make_family(ctx: Context, practitioner: User, code: str = "FAM-001", baby: str = "Maya",
                scopes: tuple[ConsentScope, ...] = tuple(ConsentScope)) -> Family:
    family = add_family(ctx, practitioner, code, baby, "2026-03")
    for scope in scopes:
        record_consent(ctx, practitioner, code, scope, True, date.today() - timedelta(days=3),
                       "signed form")
    return family


REAL_VIDEO = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "video" / \
    "h264_aac_1080x720_sample.mp4"


def make_clip(ctx: Context, practitioner: User, family: Family,
              path: Path = REAL_VIDEO) -> Clip:
    """Store a real (1 s) recording as a clip of ``family``; no proxy is made."""
    return store_clip(ctx, practitioner, family.code, path, path.name)


def age_session(ctx: Context, session_id: str, seconds: float) -> None:
    """Make a sign-in session look idle for ``seconds`` (its last activity moved back)."""
    from datetime import UTC, datetime, timedelta

    from attune.storage.models import SignInSessionRecord

    with ctx.db.transaction("test") as tx:
        rec = tx.orm.get(SignInSessionRecord, session_id)
        assert rec is not None
        rec.last_seen_at = datetime.now(UTC) - timedelta(seconds=seconds)
