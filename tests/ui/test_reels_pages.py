"""The Reels page and the parent view (shared review, session mode) under AppTest, plus
the logic behind them (attune.ui.reels, attune.ui.review)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import Role
from attune.core.consent import ConsentScope
from attune.core.jobs import Job
from attune.core.reel import Moment, ReelStatus, Reflection
from attune.core.words import check_words
from attune.services import Context
from attune.services.consent import record_consent
from attune.services.events import add_event
from attune.services.parent_view import shared_reels
from attune.services.reels import (
    add_moment,
    create_reel,
    propose,
    reflections,
    render_now,
    share_reel,
    snap_bounds,
)
from attune.services.tokens import SESSIONS
from attune.ui import reels as ui
from attune.ui import review
from attune.ui.app import PARENT, SIGN_OUT, pages_for
from attune.ui.session import SESSION_KEY
from tests.factories import PASSWORD, coded_sample, make_family, make_user

from .conftest import texts

App = Callable[..., AppTest]
PRACTITIONER_ONLY = ("N01", "N02", "N03", "no response", "mismatch")


@pytest.fixture
def coded(ctx: Context):  # type: ignore[no-untyped-def]
    """Family FAM-001 (Maya) with one processed, coded clip; pat's, with parent mum; a
    practitioner-only N01 is coded too (it must never reach a caption)."""
    pat, mum, family, clip = coded_sample(ctx)
    add_event(ctx, pat, clip.id, "C10", 20_000, 20_400, auto_link=False)
    add_event(ctx, pat, clip.id, "N01", 20_500, 20_500, auto_link=False)
    return pat, mum, family, clip


@pytest.fixture
def rendered(ctx: Context, coded):  # type: ignore[no-untyped-def]
    pat, mum, family, clip = coded
    m1 = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back, and Maya smiled too.",
                    key_ms=1600)
    m2 = add_moment(ctx, pat, clip.id, 8000, 12_000, "You waited, and she had her turn.")
    reel = create_reel(ctx, pat, family.code, [m1.id, m2.id], "Maya and you")
    render_now(ctx, pat, reel.id)
    return pat, mum, family, clip, reel, (m1, m2)


def shown(at: AppTest) -> str:
    """Everything the page says, including its st.html blocks."""
    return texts(at) + "\n" + "\n".join(e.proto.body for e in at.get("html"))


def _moments(ctx: Context, clip_id: int) -> list[Moment]:
    with ctx.db.transaction("x") as tx:
        return tx.moments_for_clip(clip_id)


# ---------------------------------------------------------------- the Reels page
@pytest.mark.slow
def test_proposals_are_accepted_and_never_mention_practitioner_codes(ctx: Context, app: App,
                                                                    coded) -> None:
    pat, _, family, clip = coded
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert not at.exception
    proposals = propose(ctx, pat, clip.id)
    assert proposals
    page = texts(at)
    for word in PRACTITIONER_ONLY:
        assert word not in page
        assert all(word not in p.caption for p in proposals)
    at.button(key=f"reels_accept_{clip.id}_0").click().run()
    assert not at.exception
    [moment] = _moments(ctx, clip.id)
    assert (moment.start_ms, moment.end_ms) == (proposals[0].start_ms, proposals[0].end_ms)
    assert moment.caption == proposals[0].caption
    assert at.button(key=f"reels_accept_{clip.id}_0").disabled  # chosen already
    assert at.text_area(key=f"reels_caption_{moment.id}").value == moment.caption
    # trim by one frame (25 fps: 40 ms)
    at.button(key=f"reels_start_plus_{moment.id}").click().run()
    assert _moments(ctx, clip.id)[0].start_ms == moment.start_ms + 40
    assert at.number_input(key=f"reels_start_{moment.id}").value == moment.start_ms + 40
    # a typed bound snaps to a frame
    at.number_input(key=f"reels_end_{moment.id}").set_value(moment.end_ms - 23).run()
    assert _moments(ctx, clip.id)[0].end_ms == moment.end_ms - 40
    assert at.number_input(key=f"reels_end_{moment.id}").value == moment.end_ms - 40


@pytest.mark.slow
def test_caption_finding_names_the_word_offers_rewording_and_keep_with_reason(
        ctx: Context, app: App, coded) -> None:
    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "She looked at you.")
    at = app(pat, "reels.py", family=family.code)
    at.run()
    at.text_area(key=f"reels_caption_{m.id}").input("You waited but she looked away").run()
    assert not at.exception
    assert _moments(ctx, clip.id)[0].caption == "You waited but she looked away"
    warning = " ".join(w.value for w in at.warning)
    assert "“but”" in warning and "and" in warning
    reword = at.button(key=f"reels_reword_{m.id}_0")
    assert reword.label == "Use: “You waited, and she looked away”"
    reword.click().run()
    assert _moments(ctx, clip.id)[0].caption == "You waited, and she looked away"
    assert not at.warning
    # a word with no plain rewrite: keep it with a reason (audited)
    at.text_area(key=f"reels_caption_{m.id}").input("You should feel proud").run()
    assert "“should”" in " ".join(w.value for w in at.warning)
    at.text_input(key=f"reels_keep_reason_{m.id}").input("ok")
    at.button(key=f"reels_keep_submit_{m.id}").click().run()
    assert "in a sentence" in " ".join(e.value for e in at.error)
    at.text_input(key=f"reels_keep_reason_{m.id}").input("Her own words from last week.")
    at.button(key=f"reels_keep_submit_{m.id}").click().run()
    assert _moments(ctx, clip.id)[0].caption_override == "Her own words from last week."
    assert "Kept with your reason" in texts(at)


@pytest.mark.slow
def test_reel_is_made_from_ticked_moments_in_order(ctx: Context, app: App, coded) -> None:
    pat, _, family, clip = coded
    a = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    b = add_moment(ctx, pat, clip.id, 8000, 12_000, "You waited, and she had her turn.")
    at = app(pat, "reels.py", family=family.code)
    at.run()
    at.button(key=f"reels_down_{a.id}").click().run()  # b first now
    at.text_input(key="reels_title").input("Maya and you")
    at.button(key="reels_make").click().run()
    assert not at.exception
    with ctx.db.transaction("x") as tx:
        [reel] = tx.reels_for_family(family.id)
    assert reel.moment_ids == (b.id, a.id) and reel.title == "Maya and you"
    assert at.button(key="reels_render").disabled is False
    at.checkbox(key=f"reels_in_{a.id}").uncheck().run()
    at.button(key="reels_make").click().run()
    with ctx.db.transaction("x") as tx:
        assert tx.get_reel(reel.id).moment_ids == (b.id,)


@pytest.mark.slow
def test_reel_is_renamed_in_place_and_a_new_reel_is_started_on_purpose(
        ctx: Context, app: App, rendered) -> None:
    pat, _, family, _, reel, (m1, m2) = rendered
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert at.text_input(key="reels_title").value == "Maya and you"
    assert at.button(key="reels_make").disabled  # nothing changed yet
    at.text_input(key="reels_title").input("Maya and Mum").run()
    at.button(key="reels_make").click().run()
    assert not at.exception
    with ctx.db.transaction("x") as tx:
        [same] = tx.reels_for_family(family.id)  # renamed, not a second reel
    assert same.id == reel.id and same.title == "Maya and Mum"
    assert same.status == ReelStatus.DRAFT  # the first card changes: render again
    assert "reels_reel" not in [s.key for s in at.selectbox]  # one reel: no choice
    # a second reel only when asked for, of the moments ticked
    at.checkbox(key=f"reels_in_{m1.id}").uncheck().run()
    at.text_input(key="reels_title").input("Turns")
    at.button(key="reels_new").click().run()
    assert not at.exception
    with ctx.db.transaction("x") as tx:
        first, second = tx.reels_for_family(family.id)
    assert (first.title, first.moment_ids) == ("Maya and Mum", (m1.id, m2.id))
    assert (second.title, second.moment_ids) == ("Turns", (m2.id,))
    assert at.selectbox(key="reels_reel").value == second.id
    # picking the older reel fills the form with its own moments and title
    at.selectbox(key="reels_reel").select(first.id).run()
    assert at.text_input(key="reels_title").value == "Maya and Mum"
    assert at.checkbox(key=f"reels_in_{m1.id}").value is True
    # an empty title is refused with a message; the reel keeps its name
    at.text_input(key="reels_title").input("  ").run()
    at.button(key="reels_make").click().run()
    assert "Give the reel a title" in " ".join(e.value for e in at.error)
    with ctx.db.transaction("x") as tx:
        assert tx.get_reel(first.id).title == "Maya and Mum"


# ---------------------------------------------------------------- the parent view
@pytest.mark.slow
def test_parent_sees_only_their_reel_and_no_other_navigation(ctx: Context, app: App,
                                                             rendered) -> None:
    pat, mum, family, _, reel, (m1, m2) = rendered
    other_pat = make_user(ctx, "sam")
    make_family(ctx, other_pat, "FAM-002", "Leo")
    assert pages_for(mum, Path(__file__).resolve().parents[2]) == [PARENT, SIGN_OUT]
    at = app(mum)
    at.run()
    assert not at.exception
    assert "Once they share it" in shown(at)  # rendered is not shared
    share_reel(ctx, pat, reel.id)
    at.run()
    page = shown(at)
    assert "Maya and you" in page and "You smiled back, and Maya smiled too." in page
    for word in (*PRACTITIONER_ONLY, "FAM-002", "Leo", "%", "percent", "unanswered"):
        assert word not in page
    assert at.get("download_button") == []  # no parent_copy consent
    assert not at.get("tabs") and not at.get("selectbox")
    at.button(key=f"parent_pause_{m1.id}").click().run()
    assert "What do you notice your baby doing here?" in shown(at)
    command = at.session_state[review.COMMAND_KEY]
    assert command["op"] == "pause" and command["at_ms"] == 3000 + 600  # title card 3 s
    at.button(key=f"parent_watch_{m2.id}").click().run()
    command = at.session_state[review.COMMAND_KEY]
    assert command["op"] == "play" and command["nonce"] == 2
    # reflections are the practitioner's to type: not on the parent's own page
    assert not at.get("text_area")
    record_consent(ctx, pat, family.code, ConsentScope.PARENT_COPY, True,
                   datetime.now(UTC).date())
    at.run()
    assert at.get("download_button")


@pytest.mark.slow
def test_session_mode_shows_only_the_reel_and_needs_the_password(ctx: Context, app: App,
                                                                 rendered) -> None:
    pat, _, family, _, reel, (m1, _) = rendered
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "reels_start_review"]  # not shared yet
    at.button(key="reels_share").click().run()
    assert not at.exception
    at.button(key="reels_start_review").click().run()
    assert not at.exception
    assert review.review_mode(ctx, at.session_state, pat, at.session_state[SESSION_KEY])
    page = texts(at)
    assert "Maya and you" in page and "Signed in as" not in page
    assert at.get("selectbox") == []  # no family picker, nothing of the record
    # the practitioner types what the parent says
    at.text_area(key=f"review_reflection_{m1.id}").input("She smiled when I smiled.")
    at.button(key=f"review_reflect_save_{m1.id}").click().run()
    assert [r.text for r in reflections(ctx, pat, reel.id)] == ["She smiled when I smiled."]
    # no other page is registered while the review runs
    with pytest.raises(ValueError, match=r"Known pages: \['[^']*parent_view.py'\]"):
        at.switch_page("app_pages/consent.py")
    # a wrong password does not leave
    at.text_input(key="review_leave_password").input("wrong password")
    at.button(key="review_leave_submit").click().run()
    assert "stays open" in texts(at)
    assert review.review_mode(ctx, at.session_state, pat, at.session_state[SESSION_KEY])
    # the right one does
    at.text_input(key="review_leave_password").input(PASSWORD)
    at.button(key="review_leave_submit").click().run()
    assert not at.exception
    assert review.review_mode(ctx, at.session_state, pat, at.session_state[SESSION_KEY]) is None
    assert "Signed in as" in texts(at)
    # back on the practitioner's reels for that family, not on the parent's page
    assert "Not allowed" not in texts(at)
    assert [t.value for t in at.title] == ["Reels"]
    assert at.selectbox(key="reels_family").value == family.code


# ---------------------------------------------------------------- logic
def test_review_mode_survives_a_new_session_and_five_wrong_passwords_lock(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    sid = SESSIONS.start(ctx, pat.id)
    other = SESSIONS.start(ctx, pat.id)
    state: dict[str, object] = {}
    review.start_review(ctx, state, pat, "FAM-001", 7, sid)
    fresh: dict[str, object] = {}  # a browser refresh or a server restart: same sign-in
    assert review.review_mode(ctx, fresh, pat, sid) == review.ReviewMode("FAM-001", 7, "pat")
    assert review.review_mode(ctx, {}, pat, other) is None
    messages = [review.leave_review(ctx, fresh, pat, "nope", sid) for _ in range(5)]
    assert all(m and "stays open" in m for m in messages[:4])
    assert messages[4] and "locked" in messages[4]
    assert review.leave_review(ctx, fresh, pat, PASSWORD, sid)  # locked now
    assert review.review_mode(ctx, {}, pat, sid) is not None
    with pytest.raises(ValueError, match="practitioner"):
        review.start_review(ctx, {}, make_user(ctx, "mum", Role.PARENT), "F", 1, None)


def test_review_moments_and_player_commands() -> None:
    m1 = Moment(1, 1, 1000, 5000, "a", key_ms=1600)
    m2 = Moment(2, 1, 8000, 12_000, "b")
    out = review.review_moments([(m1, 3000), (m2, 7000)], 13_500, end_card_ms=2500)
    assert [(r.reel_start_ms, r.reel_end_ms, r.key_reel_ms) for r in out] == \
        [(3000, 7000, 3600), (7000, 11_000, 9000)]
    assert out[0].question == review.QUESTIONS[0] and out[1].question == review.QUESTIONS[1]
    state: dict[str, object] = {}
    assert review.player_command(state, "play", 10, 20)["nonce"] == 1
    assert review.player_command(state, "pause", 10)["nonce"] == 2
    with pytest.raises(ValueError):
        review.player_command(state, "jump", 0)
    r = Reflection(1, 2, 3, "x", "pat", datetime(2026, 1, 1, tzinfo=UTC))
    assert review.reflections_by_moment([r]) == {2: [r]}


def test_reordering_selection_words_and_progress() -> None:
    assert ui.reordered([1, 2, 3], 2, 1) == [1, 3, 2]
    assert ui.reordered([1, 2, 3], 3, 1) == [1, 2, 3]
    moments = [Moment(i, 1, 0, 1000, position=p) for i, p in ((5, 1), (6, 0), (7, 2))]
    assert ui.reel_order(moments, {7, 5}) == [5, 7]
    assert ui.selection_warning(0) and ui.selection_warning(5)
    assert ui.selection_warning(4) is None
    views = ui.finding_views("You waited, but she cried")
    assert views[0].word == "but" and views[0].replacement == "You waited, and she cried"
    assert not check_words(views[0].replacement)
    should = ui.finding_views("You should wait")[0]
    assert should.replacement is None and "wait" in should.suggestion.lower()
    assert ui.finding_views("You waited, and she had her turn.") == []
    now = datetime.now(UTC)
    assert ui.job_progress(None)[2] is True
    running = Job(1, "reel", 1, "running", "render", 42, "", now)
    assert ui.job_progress(running) == ("Rendering: render (42%)", 0.42, False)
    assert ui.job_progress(Job(1, "reel", 1, "done", "done", 100, "", now))[1:] == (1.0, True)
    assert "stopped" in ui.job_progress(Job(1, "reel", 1, "failed", "", 0, "disk full", now))[0]
    assert ui.ms_label(61_005) == "1:01.005"


@pytest.mark.slow
def test_frame_steps_follow_the_proxy(ctx: Context, coded) -> None:
    _, _, _, clip = coded
    with ctx.db.transaction("x") as tx:
        clip = tx.get_clip(clip.id)
    assert ui.frame_step_ms(clip) == 40
    assert ui.step_frame(clip, 1019, 1) == 1040
    assert ui.step_frame(clip, 0, -1) == 0


# ---------------------------------------------------------------- sharing, place, freshness
@pytest.mark.slow
def test_share_and_stop_sharing_from_the_reels_page(ctx: Context, app: App, rendered) -> None:
    pat, mum, family, _, reel, (m1, _) = rendered
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert "Not shared" in texts(at) and shared_reels(ctx, mum) == []
    assert at.session_state["reels_tab"] == ui.STEPS[0]
    at.session_state["reels_tab"] = ui.STEPS[2]
    at.button(key="reels_share").click().run()
    assert not at.exception
    assert [r.id for r in shared_reels(ctx, mum)] == [reel.id]
    assert "they see this version" in texts(at)
    assert not [b for b in at.button if b.key == "reels_share"]  # shared already
    # an edit: a new draft; the parent keeps the shared version, and the page says so
    at.text_area(key=f"reels_caption_{m1.id}").input("You smiled, and Maya smiled.").run()
    assert "not these changes" in texts(at)
    assert shared_reels(ctx, mum)[0].moments[0].caption == m1.caption
    at.button(key="reels_unshare").click().run()
    assert shared_reels(ctx, mum) == [] and "Not shared" in texts(at)
    assert at.session_state["reels_tab"] == ui.STEPS[2]  # still on the reel's step


@pytest.mark.slow
def test_proposals_match_moments_by_frame_on_a_29_97_fps_clip(ctx: Context, app: App,
                                                              coded) -> None:
    from attune.core.clip import ClipStatus

    pat, _, family, clip = coded
    with ctx.db.transaction("x") as tx:  # as if filmed on a phone
        media = dict(tx.get_clip(clip.id).media, proxy_fps="30000/1001")
        clip = tx.set_clip_media(clip.id, status=ClipStatus.READY, media=media)
    proposals = propose(ctx, pat, clip.id)
    # a proposal whose bounds are not on the 29.97 fps frame grid in milliseconds
    i, p = next((i, p) for i, p in enumerate(proposals)
                if snap_bounds(clip, p.start_ms, p.end_ms) != (p.start_ms, p.end_ms))
    at = app(pat, "reels.py", family=family.code)
    at.run()
    at.button(key=f"reels_accept_{clip.id}_{i}").click().run()
    assert not at.exception
    [moment] = _moments(ctx, clip.id)
    assert (moment.start_ms, moment.end_ms) != (p.start_ms, p.end_ms)  # snapped
    button = at.button(key=f"reels_accept_{clip.id}_{i}")
    assert button.label == "Chosen" and button.disabled


@pytest.mark.slow
def test_an_error_keeps_the_step_and_what_was_typed(ctx: Context, app: App, coded) -> None:
    pat, _, family, clip = coded
    m = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    at = app(pat, "reels.py", family=family.code)
    at.run()
    at.session_state["reels_tab"] = ui.STEPS[1]
    at.run()
    at.number_input(key=f"reels_end_{m.id}").set_value(400).run()  # before its start
    assert "must start before it ends" in " ".join(e.value for e in at.error)
    assert at.session_state["reels_tab"] == ui.STEPS[1]
    assert at.number_input(key=f"reels_end_{m.id}").value == 400  # kept to correct it
    assert _moments(ctx, clip.id)[0].end_ms == 5000


@pytest.mark.slow
def test_two_pages_editing_two_moments_never_change_the_other(ctx: Context, app: App,
                                                              coded) -> None:
    pat, _, family, clip = coded
    a = add_moment(ctx, pat, clip.id, 1000, 5000, "You smiled back.")
    b = add_moment(ctx, pat, clip.id, 8000, 12_000, "You waited, and she had her turn.")
    one, two = app(pat, "reels.py", family=family.code), app(pat, "reels.py",
                                                             family=family.code)
    one.run()
    two.run()
    two.text_area(key=f"reels_caption_{b.id}").input("She had her turn.").run()
    two.button(key=f"reels_start_plus_{b.id}").click().run()
    one.text_area(key=f"reels_caption_{a.id}").input("You smiled, and Maya smiled.").run()
    assert not one.exception
    first, second = _moments(ctx, clip.id)
    assert (first.caption, first.start_ms) == ("You smiled, and Maya smiled.", 1000)
    assert (second.caption, second.start_ms, second.end_ms) == ("She had her turn.", 8040,
                                                               12_000)
    # the first page shows the other page's edits, so it cannot write old ones back
    assert one.text_area(key=f"reels_caption_{b.id}").value == "She had her turn."
    assert one.number_input(key=f"reels_start_{b.id}").value == 8040
    one.button(key=f"reels_end_minus_{b.id}").click().run()
    assert _moments(ctx, clip.id)[1] == replace(second, end_ms=11_960)


@pytest.mark.slow
def test_caption_position_is_chosen_per_moment(ctx: Context, app: App, rendered) -> None:
    pat, _, family, clip, reel, (m1, _) = rendered
    at = app(pat, "reels.py", family=family.code)
    at.run()
    assert at.segmented_control(key=f"reels_caption_position_{m1.id}").value == "bottom"
    at.segmented_control(key=f"reels_caption_position_{m1.id}").set_value("top").run()
    assert not at.exception
    first, second = _moments(ctx, clip.id)
    assert (first.caption_position, second.caption_position) == ("top", "bottom")
    with ctx.db.transaction("x") as tx:
        assert tx.get_reel(reel.id).status == ReelStatus.DRAFT  # the picture changes


def test_sync_widget_follows_the_database_but_keeps_a_refused_entry() -> None:
    state: dict[str, object] = {}
    ui.sync_widget(state, "k", "a")
    assert state["k"] == "a"
    state["k"] = "typed, refused"
    ui.sync_widget(state, "k", "a")  # the database did not change: keep what was typed
    assert state["k"] == "typed, refused"
    ui.sync_widget(state, "k", "b")  # another page changed it: show that
    assert state["k"] == "b"
