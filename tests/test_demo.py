"""`attune demo`: the demo family, its consent, the sample clips ingested, both coders."""

from __future__ import annotations

import pytest

from attune.core.clip import ClipStatus
from attune.core.consent import ConsentScope, scope_allows
from attune.services import Context
from attune.services.demo import DEMO_FAMILY, load_demo
from attune.services.ingest import media_paths

pytestmark = pytest.mark.slow


def test_demo_loads_everything_and_twice_is_safe(ctx: Context) -> None:
    from datetime import date

    info = load_demo(ctx)
    assert {a["username"] for a in info["accounts"]} == {"admin", "sue", "pat", "sam", "parent"}
    again = load_demo(ctx, ingest=False)
    assert again["clips"] == info["clips"]
    with ctx.db.transaction("x") as tx:
        family = tx.get_family(DEMO_FAMILY)
        consents = tx.consents_for_family(family.id)
        clips = tx.clips_for_family(family.id)
        coders = {c.id: tx.coders_of_clip(c.id) for c in clips}
        sessions = tx.sessions_for_family(family.id)
    assert all(scope_allows(consents, s, date.today()) for s in ConsentScope)
    assert len(clips) == 3 and len(sessions) == 3
    assert all(c.status == ClipStatus.READY for c in clips)
    assert all(media_paths(ctx, c)["proxy"].is_file() for c in clips)
    assert coders[clips[0].id] == ["pat", "sam"]  # the double-coded clip
    assert all(coders[c.id] == ["pat"] for c in clips[1:])
    from attune.services.supervision import team_agreement

    with ctx.db.transaction("x") as tx:
        sue = tx.get_user("sue")
    pairs = team_agreement(ctx, sue)  # the supervisor sees the double-coded clip
    assert [(p.clip_id, p.coder_a, p.coder_b) for p in pairs] == [(clips[0].id, "pat", "sam")]
