"""Reels (``?family=CODE``): choose a family's attuned moments from the proposals, trim
and caption them (the words-for-parents check runs as you type), build a reel of 1-4
moments, render it, watch it, share it with the parent (or stop sharing), print the stills
handout and start the shared review. The chosen step and the forms survive an error."""

from __future__ import annotations

from typing import Any

import streamlit as st

from attune.core.accounts import Role
from attune.core.clip import clip_label
from attune.core.practice import MAX_MOMENTS, MOMENT_NORM_WORDS
from attune.core.reel import ReelStatus
from attune.errors import AttuneError
from attune.reels.plan import DEFAULT_TITLE
from attune.services.families import visible_families
from attune.services.reels import (
    Sharing,
    accept_proposal,
    caption_refusal,
    create_reel,
    delete_moment,
    family_reels,
    film_captions_on_track,
    handout,
    keep_caption,
    propose,
    queue_render,
    reel_draft,
    reel_job,
    reflections,
    rename_reel,
    set_reel_moments,
    share_reel,
    sharing,
    unshare_reel,
    update_moment,
)
from attune.ui import reels as ui
from attune.ui import review
from attune.ui.cache import cached
from attune.ui.media import media_url
from attune.ui.session import SESSION_KEY, get_context, page_user
from attune.ui.tallies import COMPACT_CSS

user = page_user({Role.PRACTITIONER}, "make reels")
ctx = get_context()
st.html(COMPACT_CSS)
st.title("Reels")
st.caption(f"Choose 1-{MAX_MOMENTS} short attuned moments ({MOMENT_NORM_WORDS}), caption them "
           "in the parent's words, and watch them together in a shared review.")

codes = [f.code for f in cached(ctx, user, visible_families)
         if user.username in f.practitioners]
if not codes:
    st.info("No families of yours yet: add one on the Families page.")
    st.stop()


def forget_choices() -> None:
    """Another family or reel was picked: its moments and title fill the form again."""
    for key in [k for k in st.session_state if str(k).startswith("reels_in_")]:
        del st.session_state[key]
    st.session_state.pop("reels_title", None)


asked = st.query_params.get("family", "")
code = st.selectbox("Family", codes, index=codes.index(asked) if asked in codes else 0,
                    key="reels_family", on_change=forget_choices)
# always here, so that a message never moves the steps below (which would reset them)
flash_box = st.container(key="reels_flash_box")
flash = st.session_state.pop("reels_flash", None)
if flash:
    flash_box.error(flash)
try:
    fr = cached(ctx, user, family_reels, code)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
if not fr.clips:
    st.info(f"Family {code} has no processed clips yet: upload one and code it first.")
    st.stop()
clips = {c.id: c for c in fr.clips}


reel_ids = [r.id for r in fr.reels]
if st.session_state.get("reels_reel") not in reel_ids:
    st.session_state.pop("reels_reel", None)
if len(reel_ids) > 1:
    names = {r.id: f"Reel {r.id} · {r.title} · {r.status}" for r in fr.reels}
    picked = st.selectbox("Reel", reel_ids, format_func=names.__getitem__, key="reels_reel",
                          on_change=forget_choices)
else:
    picked = reel_ids[0] if reel_ids else None
current = next((r for r in fr.reels if r.id == picked), None)


def act(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service from a callback; a user's error is shown on the next run."""
    try:
        return fn(ctx, user, *args, **kwargs)
    except AttuneError as exc:
        st.session_state["reels_flash"] = str(exc)
        return None


def accept(clip_id: int, proposal: Any) -> None:
    moment = act(accept_proposal, clip_id, proposal)
    if moment is not None:
        st.session_state[f"reels_in_{moment.id}"] = True


def set_bound(mid: int, which: str, frames: int = 0) -> None:
    """One bound of one moment (never another moment's, never another field)."""
    m = next(x for x in fr.moments if x.id == mid)
    key = f"reels_{which}_{mid}"
    ms = int(st.session_state.get(key, getattr(m, f"{which}_ms")))
    if frames:
        ms = ui.step_frame(clips[m.clip_id], getattr(m, f"{which}_ms"), frames)
    done = act(update_moment, mid, **{f"{which}_ms": ms})
    if done is not None:
        st.session_state[key] = getattr(done, f"{which}_ms")


def set_field(mid: int, field: str, key: str) -> None:
    act(update_moment, mid, **{field: st.session_state[key]})


def reword(mid: int, text: str) -> None:
    if act(update_moment, mid, caption=text) is not None:
        st.session_state[f"reels_caption_{mid}"] = text


# keyed and stateful, with labels that never change: the chosen step survives reruns
tab_proposals, tab_moments, tab_reel = st.tabs(list(ui.STEPS), key="reels_tab",
                                               on_change="rerun")

# ---------------------------------------------------------------- proposals
with tab_proposals:
    st.caption("Best first: complete chains, subtle signals answered, breaks given, long "
               "back-and-forth. Each is a starting point: trim and caption it next.")
    shown = fr.clips
    if len(fr.clips) > ui.CLIPS_AT_ONCE:  # a year of visits: one clip at a time, the newest first
        pick = st.selectbox("Clip", list(clips), index=len(clips) - 1,
                            format_func=lambda c: clip_label(clips[c]),
                            key="reels_proposals_clip")
        shown = [clips[pick]]
    for n, clip in enumerate(shown):
        with st.expander(clip_label(clip),
                         expanded=n == len(shown) - 1 or len(shown) <= ui.CLIPS_AT_ONCE):
            try:
                proposals = cached(ctx, user, propose, clip.id)
            except AttuneError as exc:
                st.error(str(exc))
                continue
            if not proposals:
                st.info("No proposals: code the clip's cues and responses on its timeline.")
            for i, p in enumerate(proposals):
                left, right = st.columns([6, 1], vertical_alignment="center")
                left.markdown(f"**{i + 1}. {p.reason}** · {ui.ms_label(p.start_ms)} to "
                              f"{ui.ms_label(p.end_ms)} ({p.duration_ms / 1000:.1f} s)  \n"
                              f"*{p.caption}*")
                for w in p.warnings:
                    left.caption(w)
                chosen = ui.proposal_moment(clip, p, fr.moments) is not None
                right.button("Chosen" if chosen else "Accept", key=f"reels_accept_{clip.id}_{i}",
                             disabled=chosen, on_click=accept, args=(clip.id, p),
                             type="secondary" if chosen else "primary")

# ---------------------------------------------------------------- chosen moments
with tab_moments:
    st.caption(f"{len(fr.moments)} moment(s) chosen.")
    if not fr.moments:
        st.info("No moments chosen yet: accept a proposal first.")
    for i, m in enumerate(fr.moments):
        mid, clip = m.id, clips[m.clip_id]
        step = ui.frame_step_ms(clip)
        with st.container(border=True, key=f"reels_moment_{mid}"):
            head = st.columns([3, 1, 1, 1, 1], vertical_alignment="center")
            st.session_state.setdefault(
                f"reels_in_{mid}", current is None or mid in current.moment_ids)
            head[0].checkbox(f"**Moment {i + 1}** · clip {clip.id} · "
                             f"{(m.end_ms - m.start_ms) / 1000:.2f} s · in the reel",
                             key=f"reels_in_{mid}")
            head[1].button("Up", key=f"reels_up_{mid}", icon=":material/arrow_upward:",
                           disabled=i == 0, on_click=act,
                           args=(ui.move_moment, fr.moments, mid, -1))
            head[2].button("Down", key=f"reels_down_{mid}", icon=":material/arrow_downward:",
                           disabled=i == len(fr.moments) - 1, on_click=act,
                           args=(ui.move_moment, fr.moments, mid, 1))
            head[3].page_link("app_pages/workspace.py", label="Timeline",
                              icon=":material/timeline:",
                              query_params={"clip": str(clip.id), "t": str(m.start_ms)})
            head[4].button("Remove", key=f"reels_delete_{mid}", icon=":material/delete:",
                           on_click=act, args=(delete_moment, mid))
            trim = st.columns([2, 1, 1, 2, 1, 1], vertical_alignment="bottom")
            for col, which in ((0, "start"), (3, "end")):
                key = f"reels_{which}_{mid}"
                ui.sync_widget(st.session_state, key, getattr(m, f"{which}_ms"))
                trim[col].number_input(f"{which.title()} (ms, snapped to frames)", min_value=0,
                                       step=step, key=key, on_change=set_bound,
                                       args=(mid, which))
                trim[col + 1].button("-1 frame", key=f"reels_{which}_minus_{mid}",
                                     on_click=set_bound, args=(mid, which, -1))
                trim[col + 2].button("+1 frame", key=f"reels_{which}_plus_{mid}",
                                     on_click=set_bound, args=(mid, which, 1))
            ckey = f"reels_caption_{mid}"
            ui.sync_widget(st.session_state, ckey, m.caption)
            st.text_area("Caption (the parent reads it)", key=ckey, height=68,
                         on_change=set_field, args=(mid, "caption", ckey))
            views = ui.finding_views(st.session_state[ckey])
            if m.caption_override:
                st.caption(f"Kept with your reason: {m.caption_override}")
            elif views:
                for j, v in enumerate(views):
                    st.warning(f"**“{v.word}”**: {v.why}. {v.suggestion}",
                               icon=":material/edit_note:")
                    if v.replacement:
                        st.button(f"Use: “{v.replacement}”", key=f"reels_reword_{mid}_{j}",
                                  on_click=reword, args=(mid, v.replacement))
                with st.form(f"reels_keep_{mid}", border=False):
                    reason = st.text_input("Or keep these words, with a reason (audited)",
                                           key=f"reels_keep_reason_{mid}")
                    kept = st.form_submit_button("Keep with this reason",
                                                 key=f"reels_keep_submit_{mid}")
                if kept:
                    try:
                        keep_caption(ctx, user, mid, reason)
                    except AttuneError as exc:
                        st.error(str(exc))
                    else:
                        st.rerun()
            pkey = f"reels_caption_position_{mid}"
            ui.sync_widget(st.session_state, pkey, m.caption_position)
            st.segmented_control("Caption on the picture (keep faces clear)",
                                 list(ui.POSITION_WORDS), key=pkey, required=True,
                                 format_func=lambda p: ui.POSITION_WORDS[p],
                                 on_change=set_field, args=(mid, "caption_position", pkey))
            opts = st.columns([3, 2, 4], vertical_alignment="center")
            for col, field, label in ((0, "film_stop", "Film-stop on the key moment"),
                                      (1, "slow_replay", "Slow replay")):
                key = f"reels_{field}_{mid}"
                ui.sync_widget(st.session_state, key, getattr(m, field))
                opts[col].checkbox(label, key=key, on_change=set_field, args=(mid, field, key))
            if m.film_stop:
                fkey = f"reels_film_stop_caption_{mid}"
                ui.sync_widget(st.session_state, fkey, m.film_stop_caption)
                opts[2].text_input("Film-stop caption (optional)", key=fkey,
                                   on_change=set_field, args=(mid, "film_stop_caption", fkey))
                for v in ui.finding_views(m.film_stop_caption) if not m.caption_override else []:
                    st.warning(f"Film-stop caption: **“{v.word}”**: {v.why}. {v.suggestion}")

# ---------------------------------------------------------------- the reel
with tab_reel:

    def chosen_now() -> tuple[list[int], str]:
        """The ticked moments in reel order, and the title as typed (read in callbacks too,
        where the widgets' new values are already in the session state)."""
        ids = {m.id for m in fr.moments if st.session_state.get(f"reels_in_{m.id}")}
        return ui.reel_order(fr.moments, ids), str(st.session_state.get("reels_title", ""))

    chosen = chosen_now()[0]
    warning = ui.selection_warning(len(chosen))
    if warning:
        st.warning(warning)
    title = st.text_input("Title on the first card", key="reels_title",
                          value=current.title if current else DEFAULT_TITLE)
    title_views = ui.finding_views(title)
    for v in title_views:
        st.warning(f"Title: **“{v.word}”**: {v.why}. {v.suggestion}")
    title_read = st.checkbox(
        "I have read this title with a colleague", key="reels_title_read",
        help="The words check cannot read every language: a title it cannot read needs a "
             "colleague's reading first.") if ui.title_unchecked(title) else False

    def new_reel() -> None:
        made = act(create_reel, code, *chosen_now(),
                   read_with_colleague=bool(st.session_state.get("reels_title_read")))
        if made is not None:
            st.session_state["reels_reel"] = made.id

    def save_reel() -> None:
        if current is None:
            new_reel()
            return
        ids, name = chosen_now()
        if list(current.moment_ids) != ids and act(set_reel_moments, current.id, ids) is None:
            return
        if current.title != name.strip():
            act(rename_reel, current.id, name,
                read_with_colleague=bool(st.session_state.get("reels_title_read")))

    same = current is not None and list(current.moment_ids) == chosen and \
        current.title == title.strip()
    row = st.container(horizontal=True)
    row.button("Save the reel" if current else "Make the reel", key="reels_make",
               disabled=not chosen or same, type="primary", on_click=save_reel,
               help="A changed title or choice of moments needs the reel rendered again.")
    if current is not None:
        row.button("Start a new reel", key="reels_new", disabled=not chosen,
                   on_click=new_reel, icon=":material/add:",
                   help="Keep this reel as it is and make another of the moments ticked.")
    if current is None:
        st.stop()
    # what the parent sees, and "Stop sharing", come first: they hold even when consent
    # has run out and the reel itself cannot be opened
    seen = sharing(ctx, user, current.id)
    current_shared = seen == Sharing.CURRENT
    st.info(ui.sharing_words(current, seen), icon=":material/family_restroom:")
    if current.shared:
        st.button("Stop sharing", key="reels_unshare", icon=":material/visibility_off:",
                  on_click=act, args=(unshare_reel, current.id),
                  help="The parent sees nothing of this reel from now on.")
    try:
        draft = reel_draft(ctx, user, current.id)
    except AttuneError as exc:
        st.error(str(exc))
        st.stop()
    st.markdown(f"**Reel {current.id}** · {current.title} · {len(draft.moments)} moment(s) · "
                f"{current.status}")
    for w in draft.warnings:
        st.warning(w)
    for number, m in enumerate(draft.moments, 1):
        for f in draft.findings.get(m.id, [])[:1]:
            st.error(caption_refusal(number, f) + f" ({ui.STEPS[1]})")
    job = reel_job(ctx, current.id)
    busy = current.status in (ReelStatus.QUEUED, ReelStatus.RENDERING)
    if st.button("Render the reel", key="reels_render", icon=":material/movie:",
                 disabled=busy or not draft.ready_to_render) and \
            act(queue_render, current.id) is not None:
        st.rerun()

    def progress() -> None:
        said, fraction, finished = ui.job_progress(reel_job(ctx, current.id))
        st.progress(fraction, text=said)
        if finished and busy:
            st.rerun(scope="app")

    if busy:
        st.fragment(run_every=1)(progress)()
    elif job is not None and current.status == ReelStatus.FAILED:
        st.error(ui.job_progress(job)[0])
    if current.status != ReelStatus.READY:
        st.stop()
    # captions once: the film's WebVTT track when its picture carries none, else none
    track = film_captions_on_track(ctx, user, current.id)
    review.player(media_url(ctx, user, "reel", current.id),
                  media_url(ctx, user, "vtt", current.id) if track else None,
                  key="reels_preview")
    if not current_shared:
        st.button("Share with the parent", key="reels_share", type="primary",
                  icon=":material/share:", on_click=act, args=(share_reel, current.id),
                  help="Watch it first: the parent sees this version, as it is now, until "
                       "you stop sharing or share a newer one.")
    b1, b2 = st.columns(2)
    b1.download_button("Download the stills handout (PDF)",
                       lambda: handout(ctx, user, current.id).read_bytes(),
                       file_name=f"handout-{code}-reel-{current.id}.pdf",
                       mime="application/pdf", key="reels_handout", on_click="ignore",
                       icon=":material/picture_as_pdf:")
    if current_shared and b2.button("Start shared review", key="reels_start_review",
                                    type="primary", icon=":material/family_restroom:"):
        review.start_review(ctx, st.session_state, user, code, current.id,
                            st.session_state.get(SESSION_KEY))
        st.rerun()
    said = reflections(ctx, user, current.id)
    if said:
        st.subheader("What the parent said")
        numbers = {m.id: n for n, m in enumerate(draft.moments, 1)}
        for r in said:
            st.markdown(f"- Moment {numbers.get(r.moment_id, '?')}: “{r.text}” "
                        f"({r.recorded_at:%-d %b %Y})")
