"""Reels from stored coding: moments, the caption check and its audited override,
consent, rendering, the parent's download and the handout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import av
import pytest

from attune.core.consent import ConsentScope
from attune.core.people import ReelStatus
from attune.errors import ConsentError, InputError, NotAllowedError
from attune.services import Context
from attune.services.consent import record_consent, withdraw_consent
from attune.services.reels import (
    accept_proposal,
    add_moment,
    create_reel,
    handout,
    keep_caption,
    propose,
    reel_draft,
    reel_file,
    reel_moment_starts,
    reels_for_parent,
    rename_reel,
    render_now,
    update_moment,
)
from tests.factories import coded_sample

pytestmark = pytest.mark.slow


@pytest.fixture
def coded(ctx: Context):  # type: ignore[no-untyped-def]
    return coded_sample(ctx)


def test_proposals_become_a_rendered_reel(ctx: Context, coded) -> None:
    pat, mum, family, clip = coded
    proposals = propose(ctx, pat, clip.id)
    assert proposals and all("N0" not in " ".join(p.codes) for p in proposals)
    moments = [accept_proposal(ctx, pat, clip.id, p) for p in proposals[:2]]
    assert all(3000 <= m.end_ms - m.start_ms <= 10_000 for m in moments)
    reel = create_reel(ctx, pat, family.code, [m.id for m in moments], "Maya and you")
    assert reel.status == ReelStatus.DRAFT
    done = render_now(ctx, pat, reel.id)
    assert done.status == ReelStatus.READY and done.path and not Path(done.path).is_absolute()
    path = reel_file(ctx, pat, reel.id)
    with av.open(str(path)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert c.streams.audio[0].codec_context.name == "aac"
    assert (path.parent / "reel.vtt").read_text().startswith("WEBVTT")
    starts = reel_moment_starts(ctx, pat, reel.id)
    assert [m.id for m, _ in starts] == [m.id for m in moments]
    assert starts[0][1] == 3000  # after the title card
    assert [r.id for r in reels_for_parent(ctx, mum)] == [reel.id]
    assert reel_file(ctx, mum, reel.id) == path  # the parent may watch it
    with pytest.raises(ConsentError, match=r"Parent.s copy consent"):
        reel_file(ctx, mum, reel.id, download=True)  # but not keep it without consent
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    assert reel_file(ctx, mum, reel.id, download=True) == path
    with ctx.db.transaction("x") as tx:
        actions = [e.action for e in tx.audit_entries(object_type="reel")]
    assert {"render", "view", "download"} <= set(actions)
    pdf = handout(ctx, pat, reel.id)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_renaming_a_reel_sends_it_back_to_draft_until_rendered_again(ctx: Context,
                                                                     coded) -> None:
    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id], "Maya and you").id)
    assert [r.id for r in reels_for_parent(ctx, mum)] == [reel.id]
    with pytest.raises(NotAllowedError):
        rename_reel(ctx, mum, reel.id, "Mine now")
    with pytest.raises(InputError, match="Give the reel a title"):
        rename_reel(ctx, pat, reel.id, "   ")
    assert rename_reel(ctx, pat, reel.id, " Maya and you ").status == ReelStatus.READY  # same
    renamed = rename_reel(ctx, pat, reel.id, "Maya and Mum")
    assert (renamed.title, renamed.status) == ("Maya and Mum", ReelStatus.DRAFT)
    assert reels_for_parent(ctx, mum) == []  # the old title card is not shown any more
    with ctx.db.transaction("x") as tx:
        assert tx.audit_entries(object_type="reel", object_id=reel.id, limit=1)[0].action \
            == "rename"
    assert render_now(ctx, pat, reel.id).status == ReelStatus.READY
    assert [r.title for r in reels_for_parent(ctx, mum)] == ["Maya and Mum"]


def test_caption_check_blocks_until_changed_or_kept_with_a_reason(ctx: Context, coded) -> None:
    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 6000, "You should smile more, but well done")
    reel = create_reel(ctx, pat, family.code, [m.id])
    found = reel_draft(ctx, pat, reel.id).findings[m.id]
    assert {f.found.lower() for f in found} >= {"should", "but"}
    with pytest.raises(InputError, match="words to avoid"):
        render_now(ctx, pat, reel.id)
    with pytest.raises(InputError, match="in a sentence"):
        keep_caption(ctx, pat, m.id, "ok")
    keep_caption(ctx, pat, m.id, "Her own words from last session; she asked for them.")
    assert reel_draft(ctx, pat, reel.id).findings == {}
    with ctx.db.transaction("x") as tx:
        entry = tx.audit_entries(object_type="moment", object_id=m.id, limit=1)[0]
    assert "asked for them" in entry.detail["override_reason"]
    # a new caption is checked again
    update_moment(ctx, pat, m.id, caption="You waited, and she had her turn.")
    assert reel_draft(ctx, pat, reel.id).findings == {}
    update_moment(ctx, pat, m.id, caption="You missed her smile")  # "she missed you" is love
    assert reel_draft(ctx, pat, reel.id).findings


def test_moments_snap_to_frames_and_stay_in_the_clip(ctx: Context, coded) -> None:
    pat, _, _, clip = coded
    m = add_moment(ctx, pat, clip.id, 1019, 5021)  # 25 fps: frames are 40 ms
    assert (m.start_ms, m.end_ms) == (1000, 5040)
    with pytest.raises(InputError, match="inside the clip"):
        add_moment(ctx, pat, clip.id, 5000, 4000)
    trimmed = update_moment(ctx, pat, m.id, start_ms=1041)
    assert trimmed.start_ms == 1040


def test_render_needs_shared_review_and_withdrawal_deletes_reels(ctx: Context, coded) -> None:
    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = create_reel(ctx, pat, family.code, [m.id])
    render_now(ctx, pat, reel.id)
    folder = reel_file(ctx, pat, reel.id).parent
    with pytest.raises(NotAllowedError):
        render_now(ctx, mum, reel.id)
    withdraw_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW)
    assert not folder.exists()
    with ctx.db.transaction("x") as tx:
        assert tx.reels_for_family(family.id) == []
    assert reels_for_parent(ctx, mum) == []
