"""Builders for tests: accounts, families with consent, clips."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus
from attune.core.consent import ConsentScope
from attune.core.family import Family
from attune.services import Context
from attune.services.accounts import add_user
from attune.services.clips import store_clip
from attune.services.consent import record_consent
from attune.services.demo import load_demo
from attune.services.families import add_family
from tests.paths import SAMPLE_VIDEO

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


REAL_VIDEO = SAMPLE_VIDEO


def make_clip(ctx: Context, practitioner: User, family: Family,
              path: Path = REAL_VIDEO) -> Clip:
    """Store a real (1 s) recording as a clip of ``family``; no proxy is made."""
    return store_clip(ctx, practitioner, family.code, path, path.name)


def coded_sample(ctx: Context) -> tuple[User, User, Family, Clip]:
    """pat's family FAM-001 (Maya, shared_review consent, parent mum) with sample clip A
    processed and coded from its true events: (pat, mum, family, clip)."""
    from attune.services.exchange import import_clip_events
    from attune.services.families import link_parent
    from attune.services.ingest import ingest_now

    samples = Path(__file__).resolve().parents[1] / "sample_clips"
    pat = make_user(ctx, "pat")
    mum = make_user(ctx, "mum", Role.PARENT)
    family = make_family(ctx, pat, scopes=(ConsentScope.SHARED_REVIEW,))
    link_parent(ctx, pat, family.code, "mum")
    clip = make_clip(ctx, pat, family, samples / "sample_a_gaze_and_smiles.mp4")
    ingest_now(ctx, clip.id)
    import_clip_events(ctx, pat, clip.id, samples / "sample_a_gaze_and_smiles.events.json",
                       coder="pat")
    return pat, mum, family, clip


def age_session(ctx: Context, session_id: str, seconds: float) -> None:
    """Make a sign-in session look idle for ``seconds`` (its last activity moved back)."""
    from datetime import UTC, datetime, timedelta

    from attune.storage.models import SignInSessionRecord

    with ctx.db.transaction("test") as tx:
        rec = tx.orm.get(SignInSessionRecord, session_id)
        assert rec is not None
        rec.last_seen_at = datetime.now(UTC) - timedelta(seconds=seconds)


#: The lengths of the demo's three sample clips (sample_clips/README.md).
DEMO_DURATIONS_MS = (30_000, 25_000, 35_000)


def demo_without_video(ctx: Context) -> dict[str, Any]:
    """The demo (``load_demo``) without video processing: its clips marked ready with the
    sample clips' lengths. Returns what ``load_demo`` returns."""
    info = load_demo(ctx, ingest=False)
    with ctx.db.transaction("test") as tx:
        for clip_id, ms in zip(info["clips"], DEMO_DURATIONS_MS, strict=True):
            tx.set_clip_media(clip_id, status=ClipStatus.READY, duration_ms=ms)
    return info


def demo_users(ctx: Context, *usernames: str) -> dict[str, User]:
    """The demo's accounts by name."""
    with ctx.db.transaction("test") as tx:
        return {u: tx.get_user(u) for u in usernames}
