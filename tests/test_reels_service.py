"""Reels from stored coding: moments, the caption check and its audited override,
consent, rendering, the parent's download and the handout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import av
import pytest

from attune.core.consent import ConsentScope
from attune.core.reel import ReelStatus
from attune.errors import ConsentError, InputError, NotAllowedError, NotFoundError
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
    rename_reel,
    render_now,
    share_reel,
    update_moment,
)
from tests.factories import coded_sample


def reels_for_parent(ctx: Context, parent):  # type: ignore[no-untyped-def]
    from attune.services.parent_view import shared_reels

    return shared_reels(ctx, parent)

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
    assert reels_for_parent(ctx, mum) == []  # rendering never shares
    share_reel(ctx, pat, reel.id)
    assert [r.id for r in reels_for_parent(ctx, mum)] == [reel.id]
    shared = reel_file(ctx, mum, reel.id)  # the parent may watch the shared copy
    assert shared != path and shared.read_bytes() == path.read_bytes()
    with pytest.raises(ConsentError, match=r"Parent.s copy consent"):
        reel_file(ctx, mum, reel.id, download=True)  # but not keep it without consent
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    kept = reel_file(ctx, mum, reel.id, download=True)  # the copy with burned captions
    assert kept == ctx.media.captioned_of(shared) and kept.is_file()
    with ctx.db.transaction("x") as tx:
        actions = [e.action for e in tx.audit_entries(object_type="reel")]
    assert {"render", "share", "view", "download"} <= set(actions)
    pdf = handout(ctx, pat, reel.id)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_renaming_a_reel_sends_it_back_to_draft_until_rendered_again(ctx: Context,
                                                                     coded) -> None:
    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id], "Maya and you").id)
    share_reel(ctx, pat, reel.id)
    assert [r.id for r in reels_for_parent(ctx, mum)] == [reel.id]
    with pytest.raises(NotAllowedError):
        rename_reel(ctx, mum, reel.id, "Mine now")
    with pytest.raises(InputError, match="Give the reel a title"):
        rename_reel(ctx, pat, reel.id, "   ")
    assert rename_reel(ctx, pat, reel.id, " Maya and you ").status == ReelStatus.READY  # same
    renamed = rename_reel(ctx, pat, reel.id, "Maya and Mum")
    assert (renamed.title, renamed.status) == ("Maya and Mum", ReelStatus.DRAFT)
    # the parent keeps the shared version (its own title card) until a new one is shared
    assert [r.title for r in reels_for_parent(ctx, mum)] == ["Maya and you"]
    with ctx.db.transaction("x") as tx:
        assert tx.audit_entries(object_type="reel", object_id=reel.id, limit=1)[0].action \
            == "rename"
    assert render_now(ctx, pat, reel.id).status == ReelStatus.READY
    assert [r.title for r in reels_for_parent(ctx, mum)] == ["Maya and you"]
    share_reel(ctx, pat, reel.id)
    assert [r.title for r in reels_for_parent(ctx, mum)] == ["Maya and Mum"]


def test_caption_check_blocks_until_changed_or_kept_with_a_reason(ctx: Context, coded) -> None:
    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 6000, "You should smile more, but well done")
    reel = create_reel(ctx, pat, family.code, [m.id])
    found = reel_draft(ctx, pat, reel.id).findings[m.id]
    assert {f.found.lower() for f in found} >= {"should", "but"}
    with pytest.raises(InputError, match="words to avoid") as refused:
        render_now(ctx, pat, reel.id)
    # why, in the practitioner's words (never the rule's name in brackets)
    assert "tells the parent what to do" in str(refused.value)
    assert "(instruction)" not in str(refused.value)
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


def test_a_caption_the_check_cannot_read_needs_a_colleague_and_a_reason(ctx: Context,
                                                                       coded) -> None:
    pat, _, family, clip = coded
    welsh = "Arhosoch chi, ac roedd hi'n cael ei thro."
    m = add_moment(ctx, pat, clip.id, 1000, 6000, welsh)
    reel = create_reel(ctx, pat, family.code, [m.id])
    assert [f.rule for f in reel_draft(ctx, pat, reel.id).findings[m.id]] == ["unchecked"]
    with pytest.raises(InputError) as refused:  # never a silent pass
        render_now(ctx, pat, reel.id)
    said = str(refused.value)
    assert "colleague" in said and "words to avoid" not in said and welsh not in said
    keep_caption(ctx, pat, m.id, "Read with Carys, who speaks Welsh with the family.")
    assert reel_draft(ctx, pat, reel.id).ready_to_render
    with ctx.db.transaction("x") as tx:
        entry = tx.audit_entries(object_type="moment", object_id=m.id, limit=1)[0]
    assert "Carys" in entry.detail["override_reason"]


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
    share_reel(ctx, pat, reel.id)
    folder = reel_file(ctx, pat, reel.id).parent
    with pytest.raises(NotAllowedError):
        render_now(ctx, mum, reel.id)
    withdraw_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW)
    assert not folder.exists()
    with ctx.db.transaction("x") as tx:
        assert tx.reels_for_family(family.id) == []
    assert reels_for_parent(ctx, mum) == []


# ---------------------------------------------------------------- the reel's life
def test_a_reel_is_shared_on_purpose_and_edits_never_reach_the_parent_unshared(
        ctx: Context, coded) -> None:
    """draft -> rendered -> shared; an edit makes a new draft while the parent keeps the
    shared version (its own file, moments and captions); unsharing hides it at once."""
    from attune.errors import StateError
    from attune.services.parent_view import shared_reel
    from attune.services.reels import delete_moment, unshare_reel
    from attune.ui.routes import media_file

    pat, mum, family, clip = coded
    m1 = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    m2 = add_moment(ctx, pat, clip.id, 8000, 12_000, "You waited, and she had her turn.")
    reel = create_reel(ctx, pat, family.code, [m1.id, m2.id], "Maya and you")
    with pytest.raises(StateError, match="Render the reel"):
        share_reel(ctx, pat, reel.id)  # nothing rendered to look at yet
    rendered = render_now(ctx, pat, reel.id)
    assert reels_for_parent(ctx, mum) == []  # rendering never shares
    with pytest.raises(NotAllowedError):
        media_file(ctx, mum, "reel", reel.id, "reel.mp4")  # nor does the media route
    with pytest.raises(NotAllowedError):
        share_reel(ctx, mum, reel.id)
    shared = share_reel(ctx, pat, reel.id)
    assert shared.shared and shared.shared_path
    first = shared_reel(ctx, mum, reel.id)
    assert [m.caption for m in first.moments] == ["You smiled back.",
                                                  "You waited, and she had her turn."]
    shared_bytes = media_file(ctx, mum, "reel", reel.id, first.file_name).read_bytes()
    with pytest.raises(NotAllowedError):  # the practitioner's working file is not theirs
        media_file(ctx, mum, "reel", reel.id, "reel.mp4")

    # the reproduction: remove a moment, change a caption
    delete_moment(ctx, pat, m1.id)
    update_moment(ctx, pat, m2.id, caption="You waited; she had her turn.")
    with ctx.db.transaction("x") as tx:
        assert tx.get_reel(reel.id).status == ReelStatus.DRAFT  # never "ready" and stale
    with pytest.raises(StateError):
        share_reel(ctx, pat, reel.id)
    still = shared_reel(ctx, mum, reel.id)  # the parent still sees what was shared
    assert [m.caption for m in still.moments] == [m.caption for m in first.moments]
    assert still.starts_ms == first.starts_ms and still.file_name == first.file_name
    render_now(ctx, pat, reel.id)  # the new version renders over the working file...
    assert media_file(ctx, mum, "reel", reel.id, first.file_name).read_bytes() == \
        shared_bytes  # ...never over the shared copy
    assert shared_reel(ctx, mum, reel.id).moments == first.moments  # not shared yet
    share_reel(ctx, pat, reel.id)
    second = shared_reel(ctx, mum, reel.id)
    assert [m.caption for m in second.moments] == ["You waited; she had her turn."]
    assert second.file_name != first.file_name
    assert not (ctx.media.reel_dir(reel.id) / first.file_name).exists()  # replaced
    with pytest.raises(NotAllowedError):
        media_file(ctx, mum, "reel", reel.id, first.file_name)

    unshare_reel(ctx, pat, reel.id)
    assert reels_for_parent(ctx, mum) == []
    with pytest.raises(NotAllowedError):
        media_file(ctx, mum, "reel", reel.id, second.file_name)
    assert media_file(ctx, pat, "reel", reel.id, "reel.mp4").is_file()  # theirs stays
    with ctx.db.transaction("x") as tx:
        actions = [e.action for e in tx.audit_entries(object_type="reel", object_id=reel.id)]
    assert actions.count("share") == 2 and "unshare" in actions
    assert rendered.status == ReelStatus.READY


def test_consent_expiry_hides_a_shared_reel_at_once_and_sharing_needs_consent(
        ctx: Context, coded) -> None:
    from datetime import timedelta

    from attune.services.reels import Sharing, sharing
    from attune.ui.reels import sharing_words
    from attune.ui.routes import media_file

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id]).id)
    share_reel(ctx, pat, reel.id)
    [shared] = reels_for_parent(ctx, mum)
    # the shared_review consent runs out (its retention date has passed): no job ran,
    # nothing was deleted, and yet the parent sees nothing, and the link opens nothing
    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, True,
                   date.today() - timedelta(days=3), "signed form",
                   retain_until=date.today() - timedelta(days=1))
    assert reels_for_parent(ctx, mum) == []
    with pytest.raises(NotAllowedError):
        media_file(ctx, mum, "reel", reel.id, shared.file_name)
    # and the practitioner is told so, not "they see this version"
    assert sharing(ctx, pat, reel.id) == Sharing.HIDDEN
    with ctx.db.transaction("x") as tx:
        stored = tx.get_reel(reel.id)
    said = sharing_words(stored, sharing(ctx, pat, reel.id))
    assert "hidden from the parent" in said and "they see this version" not in said
    with pytest.raises(ConsentError, match="cannot be shared"):
        share_reel(ctx, pat, reel.id)
    with ctx.db.transaction("x") as tx:
        assert tx.audit_entries(object_type="reel", object_id=reel.id, limit=1)[0].action \
            == "refuse-share"
    # renewed: the shared version is back as it was
    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, True, date.today())
    assert [r.file_name for r in reels_for_parent(ctx, mum)] == [shared.file_name]
    assert sharing(ctx, pat, reel.id) == Sharing.CURRENT


def test_stop_sharing_works_once_consent_has_run_out(ctx: Context, coded) -> None:
    from datetime import timedelta

    from attune.services.reels import Sharing, sharing, unshare_reel

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id]).id)
    share_reel(ctx, pat, reel.id)
    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, True,
                   date.today() - timedelta(days=3), "signed form",
                   retain_until=date.today() - timedelta(days=1))
    assert sharing(ctx, pat, reel.id) == Sharing.HIDDEN
    unshare_reel(ctx, pat, reel.id)  # showing the family less needs no consent
    assert sharing(ctx, pat, reel.id) == Sharing.NOT_SHARED
    with pytest.raises(NotAllowedError):
        unshare_reel(ctx, mum, reel.id)  # the practitioner's, never the parent's
    # renewed: nothing comes back, since it was unshared
    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, True, date.today())
    assert reels_for_parent(ctx, mum) == []


def test_accepting_a_proposal_twice_on_the_same_frames_keeps_one_moment(ctx: Context,
                                                                        coded) -> None:
    from attune.core.clip import ClipStatus

    pat, _, _, clip = coded
    with ctx.db.transaction("x") as tx:  # as if filmed on a phone at 29.97 fps
        media = dict(tx.get_clip(clip.id).media, proxy_fps="30000/1001")
        tx.set_clip_media(clip.id, status=ClipStatus.READY, media=media)
    p = propose(ctx, pat, clip.id)[0]
    first = accept_proposal(ctx, pat, clip.id, p)
    again = accept_proposal(ctx, pat, clip.id, p)
    assert again.id == first.id
    # 6974 ms saved and 6975 ms proposed are one frame: the same moment
    a = add_moment(ctx, pat, clip.id, 2000, 6974)
    b = add_moment(ctx, pat, clip.id, 2000, 6975)
    assert a.id == b.id
    with ctx.db.transaction("x") as tx:
        assert len(tx.moments_for_clip(clip.id)) == 2


def test_share_and_unshare_from_the_command_line(ctx: Context, coded) -> None:
    import os
    import subprocess
    import sys

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    draft = create_reel(ctx, pat, family.code, [m.id])
    env = {**os.environ, "ATTUNE_DATA_DIR": str(ctx.settings.data_dir),
           "ATTUNE_DATABASE_URL": ctx.settings.database_url,
           "ATTUNE_MEDIA_DIR": str(ctx.settings.media_dir),
           "ATTUNE_SECRET_KEY": ctx.settings.secret_key}

    def attune(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "attune", *args, "--as", "pat"],
                              capture_output=True, text=True, env=env, timeout=120,
                              cwd=Path(__file__).resolve().parents[1])

    refused = attune("reel", "share", str(draft.id))
    assert refused.returncode == 2 and "Render the reel" in refused.stderr
    render_now(ctx, pat, draft.id)
    done = attune("reel", "share", str(draft.id))
    assert done.returncode == 0, done.stderr
    assert [r.id for r in reels_for_parent(ctx, mum)] == [draft.id]
    done = attune("reel", "unshare", str(draft.id))
    assert done.returncode == 0 and "not shared any more" in done.stdout
    assert reels_for_parent(ctx, mum) == []


def test_the_parents_handout_is_made_from_the_shared_version(ctx: Context, coded) -> None:
    from attune.services.parent_view import shared_reel
    from attune.services.reels import unshare_reel
    from attune.ui.routes import media_file

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id], "Maya and you").id)
    with pytest.raises(NotFoundError, match="not shared"):
        handout(ctx, mum, reel.id)
    share_reel(ctx, pat, reel.id)
    rename_reel(ctx, pat, reel.id, "A new title for Maya")
    # the handout is the parent's to keep: like the film, only with parent-copy consent
    with pytest.raises(ConsentError, match=r"Parent.s copy consent for this family is not "
                                           r"recorded, so the parent cannot keep a copy"):
        handout(ctx, mum, reel.id)
    assert not ctx.media.reel_path(reel.id, shared_reel(ctx, mum, reel.id).handout_name
                                   ).exists()
    with ctx.db.transaction("x") as tx:
        refused = tx.audit_entries(limit=1)[-1]
    assert refused.action == "not-allowed" and refused.actor == "mum"
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    pdf = handout(ctx, mum, reel.id)
    assert pdf.name == shared_reel(ctx, mum, reel.id).handout_name
    assert media_file(ctx, mum, "handout", reel.id, pdf.name) == pdf.resolve()
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, False, date.today(),
                   "the parent changed their mind")
    with pytest.raises(NotAllowedError):  # the handout's link stops with the consent
        media_file(ctx, mum, "handout", reel.id, pdf.name)
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    unshare_reel(ctx, pat, reel.id)
    assert not pdf.exists()


def test_reel_handout_refuses_a_draft_with_a_flagged_caption(ctx: Context, coded,
                                                             tmp_path: Path) -> None:
    """``attune reel handout`` (run as a command): a draft, never-rendered reel with a
    flagged caption gives no PDF to the parent (not shared) nor to the practitioner
    (the caption check a rendering makes), and none without shared review consent."""
    import os
    import subprocess
    import sys

    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You should smile more, but well done")
    draft = create_reel(ctx, pat, family.code, [m.id], "Maya and you")
    env = {**os.environ, "ATTUNE_DATA_DIR": str(ctx.settings.data_dir),
           "ATTUNE_DATABASE_URL": ctx.settings.database_url,
           "ATTUNE_MEDIA_DIR": str(ctx.settings.media_dir),
           "ATTUNE_SECRET_KEY": ctx.settings.secret_key}
    out = tmp_path / "handout.pdf"

    def attune(who: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "attune", "reel", "handout",
                               str(draft.id), "--out", str(out), "--as", who],
                              capture_output=True, text=True, env=env, timeout=120,
                              cwd=Path(__file__).resolve().parents[1])

    as_parent = attune("mum")
    assert as_parent.returncode != 0 and as_parent.stdout == "" and not out.exists()
    assert "should" not in as_parent.stderr  # the parent is not shown the caption
    as_practitioner = attune("pat")
    assert as_practitioner.returncode != 0 and "words to avoid" in as_practitioner.stderr
    assert not out.exists() and not ctx.media.reel_handout(draft.id).exists()
    keep_caption(ctx, pat, m.id, "Her own words from last session; she asked for them.")
    record_consent(ctx, pat, family.code, ConsentScope.SHARED_REVIEW, False, date.today(),
                   "the parent said no for this visit", clip_id=clip.id)
    refused = attune("pat")
    assert refused.returncode != 0 and not out.exists()
    assert "Shared review consent for this clip was declined" in refused.stderr
    with ctx.db.transaction("x") as tx:
        assert not [e for e in tx.audit_entries(object_type="reel") if e.action == "handout"]


def test_a_moments_crop_is_kept_checked_and_reaches_the_parent_once_shared(
        ctx: Context, coded) -> None:  # type: ignore[no-untyped-def]
    from attune.services.parent_view import shared_reel

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id], "Maya and you").id)
    share_reel(ctx, pat, reel.id)
    face = {"x": 0.1, "y": 0.2, "w": 0.4, "h": 0.4}
    assert update_moment(ctx, pat, m.id, crop=face).crop == face
    assert reel_draft(ctx, pat, reel.id).reel.status == ReelStatus.DRAFT  # shows it no more
    assert shared_reel(ctx, mum, reel.id).moments[0].crop is None  # not shared yet
    for bad in ({"x": 0.9, "y": 0, "w": 0.4, "h": 0.4}, {"x": 0, "y": 0, "w": 0.4}):
        with pytest.raises(InputError):
            update_moment(ctx, pat, m.id, crop=bad)
    assert reel_draft(ctx, pat, reel.id).moments[0].crop == face  # nothing lost
    with pytest.raises(NotAllowedError):
        update_moment(ctx, mum, m.id, crop=None)
    render_now(ctx, pat, reel.id)
    share_reel(ctx, pat, reel.id)
    assert shared_reel(ctx, mum, reel.id).moments[0].crop == face
    assert update_moment(ctx, pat, m.id, crop=None).crop is None  # the whole picture again


# ---------------------------------------------------------------- captions once
def _caption_band_difference(film: Path, other: Path, at_ms: int) -> tuple[float, float]:
    """Mean grey-level difference of two films' pictures at ``at_ms``: (bottom sixth,
    where a caption sits; top half)."""
    import numpy as np

    from attune.media.frames import picture_at

    a = picture_at(film, at_ms).astype(np.float32)
    b = picture_at(other, at_ms).astype(np.float32)
    h = a.shape[0]
    return (float(np.abs(a - b)[h * 5 // 6:].mean()),
            float(np.abs(a - b)[:h // 2].mean()))


def test_captions_once_the_film_for_the_app_and_the_copy_that_leaves_the_building(
        ctx: Context, coded) -> None:
    """The render's film carries no captions in its picture (the players show its WebVTT
    track); the copy to keep has them burned in, for the practitioner and (from the
    shared version, also when it has to be made again) for the parent."""
    from attune.services.parent_view import shared_reel
    from attune.services.reels import film_captions_on_track, unshare_reel

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 7000, "You waited, and she had her turn.")
    reel = create_reel(ctx, pat, family.code, [m.id], "Maya and you")
    render_now(ctx, pat, reel.id)
    film = reel_file(ctx, pat, reel.id)
    assert film_captions_on_track(ctx, pat, reel.id)
    captioned = ctx.media.reel_captioned(reel.id)
    assert captioned.is_file()  # made by the render, right after the film
    with av.open(str(film)) as a, av.open(str(captioned)) as b:
        assert a.streams.video[0].frames == b.streams.video[0].frames > 0
    at = 3000 + 3000  # the title card, then the middle of the moment
    caption, rest = _caption_band_difference(film, captioned, at)
    assert caption > 3 * rest + 5, (caption, rest)  # the caption is only in the copy

    share_reel(ctx, pat, reel.id)
    seen = shared_reel(ctx, mum, reel.id)
    assert seen.captions_track
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    shared_film = reel_file(ctx, mum, reel.id)
    kept = reel_file(ctx, mum, reel.id, download=True)
    assert kept == ctx.media.captioned_of(shared_film)
    assert kept.read_bytes() == captioned.read_bytes()  # copied when shared
    kept.unlink()
    update_moment(ctx, pat, m.id, caption="You waited for her.")  # a new draft: not shared
    kept = reel_file(ctx, mum, reel.id, download=True)  # made again from the shared version
    caption, rest = _caption_band_difference(shared_film, kept, at)
    assert caption > 3 * rest + 5, (caption, rest)
    unshare_reel(ctx, pat, reel.id)
    assert not kept.exists() and not shared_film.exists()


def test_a_film_rendered_with_burned_captions_gets_no_track_and_is_its_own_copy(
        ctx: Context, coded) -> None:
    """Films rendered before the smart cut carry their captions in the picture: no track
    for them (the captions would show twice), and the film is the copy to keep."""
    from attune.services.parent_view import shared_reel
    from attune.services.reels import film_captions_on_track
    from attune.storage.models import ReelRecord

    pat, mum, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id]).id)
    with ctx.db.transaction("test") as tx:
        rec = tx.orm.get(ReelRecord, reel.id)
        assert rec is not None and rec.rendered_snapshot is not None
        rec.rendered_snapshot = {k: v for k, v in rec.rendered_snapshot.items()
                                 if k != "captions"}
    assert not film_captions_on_track(ctx, pat, reel.id)
    share_reel(ctx, pat, reel.id)
    assert not shared_reel(ctx, mum, reel.id).captions_track
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True, date.today())
    assert reel_file(ctx, mum, reel.id, download=True) == reel_file(ctx, mum, reel.id)


def test_rendering_again_replaces_the_copy_to_keep(ctx: Context, coded) -> None:
    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    reel = render_now(ctx, pat, create_reel(ctx, pat, family.code, [m.id]).id)
    first = ctx.media.reel_captioned(reel.id).read_bytes()
    update_moment(ctx, pat, m.id, caption="You smiled back at her.")
    render_now(ctx, pat, reel.id)
    assert ctx.media.reel_captioned(reel.id).read_bytes() != first
