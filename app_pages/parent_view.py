"""The parent's film (docs/practice.md §1, §7): their own reel, large and calm, each moment to
watch again or to pause on with a question. Also the page of session mode (a
practitioner's screen handed to the parent; see attune.ui.review): then the
practitioner types what the parent says, and leaving needs their password. Only a shared
version is shown, as it was shared (attune.services.parent_view decides)."""

from __future__ import annotations

import html

import streamlit as st

from attune.core.accounts import Role
from attune.errors import AttuneError
from attune.services.goals import parent_goals
from attune.services.parent_view import may_keep_copy, shared_reels
from attune.services.reels import add_reflection, reel_file, reflections
from attune.ui import review
from attune.ui.cache import cached
from attune.ui.goals import parent_goal_lines
from attune.ui.media import media_url
from attune.ui.session import SESSION_KEY, current_user, get_context, page_user

ctx = get_context()
sid = st.session_state.get(SESSION_KEY)
mode = review.review_mode(get_context(), st.session_state, current_user(), sid)
user = current_user() if mode is not None else page_user({Role.PARENT}, "open the parent view")
if user is None:
    st.stop()
st.html(review.PARENT_CSS)

try:
    if mode is not None:
        reels = [r for r in cached(ctx, user, shared_reels, mode.family_code)
                 if r.id == mode.reel_id]
    else:
        reels = cached(ctx, user, shared_reels)
except AttuneError:
    reels = []
# the parent's own goals, in their words (never a practitioner's screen in session mode:
# that screen's account is the practitioner's)
try:
    goal_lines = parent_goal_lines(cached(ctx, user, parent_goals)) if mode is None else []
except AttuneError:
    goal_lines = []


def show_goals() -> None:
    if goal_lines:
        with st.container(border=True, key="parent_goals"):
            st.subheader("Your goals, in your own words")
            for line in goal_lines:
                st.markdown(f"- {html.escape(line)}")


if not reels:
    st.title(f"Welcome, {user.display_name}" if mode is None else "Your film")
    show_goals()
    st.info("This is where your practitioner will share your film with you: short moments of "
            "you and your baby together. Once they share it, you can watch it here "
            "together.", icon=":material/favorite:")
    st.stop()

reel = reels[0]
if len(reels) > 1:
    reel = st.radio("Your films", reels, key="parent_reel", horizontal=True,
                    format_func=lambda r: f"{r.title} · {r.shared_at:%-d %B %Y}")
baby = review.reel_family(ctx, user, reel).baby_name
st.title(reel.title)
st.markdown(f"A few moments of you and {html.escape(baby)} together. Watch them, and say what "
            "you notice.")
moments = review.moments_of_reel(reel)
# the film's captions are burned in: no caption track, or they would show twice
# captions once: the film's WebVTT track when its picture carries none, else none
review.player(media_url(ctx, user, "reel", reel.id, reel.file_name),
              media_url(ctx, user, "vtt", reel.id, reel.vtt_name)
              if reel.captions_track else None,
              st.session_state.get(review.COMMAND_KEY))

said = review.reflections_by_moment(reflections(ctx, user, reel.id)) if mode else {}
asking = st.session_state.get("parent_asking")


def pause_on(moment_id: int, key_ms: int) -> None:
    review.player_command(st.session_state, "pause", key_ms)
    st.session_state["parent_asking"] = moment_id


for rm in moments:
    mid = rm.moment.id
    with st.container(border=True, key=f"parent_moment_{mid}"):
        st.subheader(f"Moment {rm.number}")
        if rm.caption:
            st.html(f'<p class="attune-caption">{html.escape(rm.caption)}</p>')
        c1, c2, _ = st.columns([1, 1, 1])
        c1.button("Watch again", key=f"parent_watch_{mid}", icon=":material/replay:",
                  width="stretch", on_click=review.player_command,
                  args=(st.session_state, "play", rm.reel_start_ms, rm.reel_end_ms))
        c2.button("Pause to talk about it", key=f"parent_pause_{mid}",
                  icon=":material/pause_circle:", width="stretch",
                  on_click=pause_on, args=(mid, rm.key_reel_ms))
        if asking == mid:
            st.html(f'<div class="attune-question">{html.escape(rm.question)}</div>')
        if mode is not None:
            for r in said.get(mid, []):
                st.html(f'<p class="attune-said">"{html.escape(r.text)}"</p>')
            with st.form(f"review_reflect_{mid}", clear_on_submit=True, border=False):
                text = st.text_area("What the parent says", key=f"review_reflection_{mid}",
                                    height=90, placeholder="Their own words…")
                if st.form_submit_button("Keep their words", key=f"review_reflect_save_{mid}"):
                    try:
                        add_reflection(ctx, user, mid, text, reel.id)
                    except AttuneError as exc:
                        st.info(str(exc))
                    else:
                        st.rerun()

show_goals()

if mode is None and may_keep_copy(ctx, user, reel):
    st.download_button(
        "Keep a copy of your film", lambda: reel_file(ctx, user, reel.id, download=True)
        .read_bytes(), file_name="our-film.mp4", mime="video/mp4", key="parent_download",
        icon=":material/download:", on_click="ignore")

if mode is not None:
    st.divider()
    with st.expander("For the practitioner: finish the review"):
        with st.form("review_leave"):
            password = st.text_input("Your password", type="password",
                                     key="review_leave_password",
                                     autocomplete="current-password")
            done = st.form_submit_button("Finish the review", key="review_leave_submit")
        if done:
            message = review.leave_review(ctx, st.session_state, user, password, sid)
            if message is None:
                st.rerun()
            st.info(message)
