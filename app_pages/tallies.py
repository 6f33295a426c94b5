"""Tallies (``?family=CODE&clip=ID``): a clip's tallies next to a link to its timeline, the
family's progress across sessions, what the parent hears, and the exports."""

from __future__ import annotations

import streamlit as st

from attune.analysis.tallies import Audience
from attune.core.accounts import Role
from attune.errors import AttuneError
from attune.services.analysis import (
    clip_contingency,
    clip_tallies,
    family_coding,
    family_contingency,
    family_goal_progress,
    family_modifier_tallies,
    family_tallies,
)
from attune.services.families import visible_families
from attune.ui import goals as goals_ui
from attune.ui import tallies as ui
from attune.ui.cache import built, cached, cached_over
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "see tallies")
ctx = get_context()
st.html(ui.COMPACT_CSS)
st.title("Tallies")
st.caption("Descriptive counts only: no score of any licensed measure.")

codes = [f.code for f in cached(ctx, user, visible_families)]
if not codes:
    st.info("No families yet: tallies appear once a family's clip is coded.")
    st.stop()
asked = st.query_params.get("family", "")
c1, c2, c3 = st.columns([2, 3, 3], vertical_alignment="bottom")
code = c1.selectbox("Family", codes, index=codes.index(asked) if asked in codes else 0,
                    key="tallies_family")
window_label = c2.selectbox(
    "Answer window (re-score)", list(ui.WINDOW_CHOICES), key="tallies_window",
    help="Re-apply a stricter window to every kind of cue: a response counts as attuned "
         "only when it starts within this time of the cue.")
window_ms = ui.WINDOW_CHOICES[window_label]
parent_watching = c3.toggle("A parent is watching", key="tallies_parent_view",
                            help="Shows only what went well, in the parent's words: no "
                                 "practitioner figures, no totals of signals, no timings.")
audience = ui.audience_of(parent_watching)

try:
    family, clips = cached(ctx, user, ui.family_clips, code)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
if not clips:
    st.info(f"Family {code} has no processed clips yet.")
    st.stop()

# ---------------------------------------------------------------- one clip
st.subheader("One clip")
ids = [c.clip_id for c in clips]
asked_clip = st.query_params.get("clip", "")
start = ids.index(int(asked_clip)) if asked_clip.isdigit() and int(asked_clip) in ids else \
    len(ids) - 1
choice = st.selectbox("Clip", clips, index=start, format_func=lambda c: c.label,
                      key="tallies_clip")
try:
    tallies = cached(ctx, user, clip_tallies, choice.clip_id, None, window_ms)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
st.page_link("app_pages/workspace.py", label=f"Open clip {choice.clip_id} on its timeline",
             icon=":material/timeline:", query_params={"clip": str(choice.clip_id)})
left, right = st.columns([3, 2]) if audience == Audience.PRACTITIONER else (st.container(), None)
with left:
    if parent_watching:
        for col, (label, value) in zip(st.columns(4), ui.parent_figures(tallies.parent_safe),
                                       strict=True):
            col.metric(label, value)
    else:
        figures = ui.clip_figures(tallies.parent_safe)
        for row in (figures[:4], figures[4:]):
            for col, (label, value) in zip(st.columns(4), row, strict=True):
                col.metric(label, value)
        st.caption(ui.clip_details(tallies.parent_safe))
        st.dataframe(ui.clip_breakdown(tallies.parent_safe), hide_index=True,
                     key="tallies_clip_breakdown", height=180)
if right is not None:
    with right.container(border=True, key="tallies_practitioner_only"):
        st.markdown("**Practitioner-only** · never shown to parents")
        st.markdown("  \n".join(f"{label}: **{value}**"
                                for label, value in ui.practitioner_figures(
                                    tallies.practitioner)))

# ---------------------------------------------------------------- family over time
st.subheader(f"{family.code} · {family.baby_name} across sessions")
try:
    frame = cached_over(ctx, user, family_coding, family_tallies, code, None, audience,
                        window_ms)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
if parent_watching:
    frame = ui.parent_words_frame(frame)
    st.altair_chart(built(ui.parent_words_chart, frame), key="tallies_chart_parent")
    st.dataframe(frame, hide_index=True, key="tallies_family_table")
else:
    charts = st.columns(3)
    charts[0].altair_chart(built(ui.rates_chart, frame), key="tallies_chart_rates")
    charts[1].altair_chart(built(ui.principles_chart, frame),
                           key="tallies_chart_principles")
    charts[2].altair_chart(built(ui.bands_chart, frame), key="tallies_chart_bands")
    with st.expander("Table of every tally by session"):
        st.dataframe(ui.readable_frame(frame), hide_index=True, key="tallies_family_table")
    if st.toggle("By modifier", key="tallies_by_modifier",
                 help="Practitioner-only: each code per modifier value (how, how strongly, "
                      "who started), in each visit, and how many were attuned or answered."):
        by_modifier = cached_over(ctx, user, family_coding, family_modifier_tallies, code)
        if by_modifier.empty:
            st.info("No mark of this family carries a modifier yet.")
        else:
            st.dataframe(by_modifier.drop(columns=["session"]), hide_index=True,
                         key="tallies_by_modifier_table")
    progress = cached_over(ctx, user, family_coding, family_goal_progress, code,
                           window_ms)
    if not progress.empty:
        st.altair_chart(built(goals_ui.progress_chart, progress), key="tallies_goals_chart")
        st.caption("Practitioner-only · attuned responses in each visit that show each of "
                   "the family's goals (written on the Goals and visits page).")
d1, d2, _ = st.columns([1, 1, 2])
stem = f"tallies-{code}" + ("-parent" if audience == Audience.PARENT else "")
# the files are made only when asked for (an XLSX of a year of visits takes a while)
d1.download_button("Download CSV", lambda f=frame: ui.csv_bytes(f), f"{stem}.csv",
                   "text/csv", key="tallies_csv", icon=":material/download:")
d2.download_button("Download XLSX", lambda f=frame: ui.xlsx_bytes(f), f"{stem}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="tallies_xlsx", icon=":material/download:")

# ---------------------------------------------------------------- beyond chance
if not parent_watching:
    with st.container(border=True, key="tallies_beyond_chance"):
        st.subheader("Responsiveness beyond chance")
        st.markdown("**Practitioner-only** · never shown to parents · does the parent "
                    "answer the cues more often than they respond at other times?")
        step_label = st.selectbox("Time unit", list(ui.STEP_CHOICES), key="tallies_step",
                                  help="The clip is cut into units of this length; a unit "
                                       "counts once however many responses start in it.")
        step_ms = ui.STEP_CHOICES[step_label]
        try:
            chance = cached(ctx, user, clip_contingency, choice.clip_id, step_ms, window_ms)
            visits, overall = cached_over(ctx, user, family_coding, family_contingency,
                                         code, step_ms, window_ms)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.markdown(f"This clip ({choice.label})")
            st.dataframe(ui.contingency_table(chance), hide_index=True,
                         key="tallies_chance_clip")
            st.caption(ui.contingency_parameters(chance))
            left_q, right_q = st.columns([3, 2])
            left_q.altair_chart(built(ui.contingency_chart, ui.contingency_visits_long(visits)),
                               key="tallies_chance_chart")
            with right_q:
                st.markdown("Every visit together")
                st.dataframe(ui.contingency_table(overall), hide_index=True,
                             key="tallies_chance_all")
                st.caption(ui.contingency_parameters(overall))

# ---------------------------------------------------------------- the parent's words
st.subheader("What the parent hears")
sessions = cached_over(ctx, user, family_coding, ui.session_parent_tallies, code, clips)
session_ids = [s for s, _ in sessions]
session_id = st.selectbox(
    "Session", session_ids, index=len(session_ids) - 1, key="tallies_session",
    format_func=lambda s: next(f"Visit of {c.held_on}" for c in clips if c.session_id == s))
st.caption("Counts in the family's own words, against this family's earlier sessions only; "
           "with the scheme's windows (the re-scoring window above does not change them).")
sentences = ui.parent_sentences(sessions, session_id, family.baby_name, family.pronoun)
with st.container(border=True, key="tallies_parent_words"):
    for sentence in sentences or ["Nothing to say yet for this session."]:
        st.markdown(f"- {sentence}")
