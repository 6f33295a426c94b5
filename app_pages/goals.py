"""Goals and visits (``?family=CODE``): the family's goals in the parent's own words (dated,
revisable, every wording kept), the codes that show each, progress per visit, and the
plan of each visit of the course (docs/practice.md §9)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from attune.core.accounts import Role
from attune.core.scheme import EventKind
from attune.errors import AttuneError
from attune.services.analysis import family_goal_progress
from attune.services.families import sessions, visible_families
from attune.services.goals import (
    add_goal,
    family_goals,
    may_write_goals,
    reel_titles,
    retire_goal,
    revise_goal,
    save_visit_plan,
    visit_plans,
)
from attune.services.schemes import load_scheme
from attune.ui import goals as ui
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "use the Goals and visits page")
ctx = get_context()
st.title("Goals and visits")

codes = [f.code for f in visible_families(ctx, user)]
if not codes:
    st.info("No families yet: add a family on the Families page first.")
    st.stop()
asked = st.query_params.get("family", "")
code = st.selectbox("Family", codes, index=codes.index(asked) if asked in codes else 0,
                    key="goals_family")
_, scheme = load_scheme(ctx)
cue_codes = [c.id for c in scheme.codes_of(EventKind.CUE)]
response_codes = [c.id for c in scheme.codes_of(EventKind.RESPONSE) if not c.practitioner_only]


def code_name(code_id: str) -> str:
    return f"{code_id} {scheme.code(code_id).label}"


try:
    goals = family_goals(ctx, user, code)
    can_write = may_write_goals(ctx, user, code)
    plans = visit_plans(ctx, user, code)
    reels = reel_titles(ctx, user, code)
    visits = {s.id: s.held_on for s in sessions(ctx, user, code)}
except AttuneError as exc:
    st.error(str(exc))
    st.stop()

# ---------------------------------------------------------------- goals
st.subheader("The family's goals, in their words")
st.caption("Write each goal as the parent said it. A change of words keeps the earlier "
           "wording; the parent can read the words and dates, never the codes or counts.")
open_goals = [g for g in goals if g.retired_on is None]
if not open_goals:
    st.info("No goals yet. Ask the parent what they would like to be different, and write "
            "it down in their words.")
for goal in open_goals:
    with st.container(border=True, key=f"goal_{goal.id}"):
        st.markdown(f"**“{goal.text}”**")
        st.caption(f"Said on {ui.said_on(goal.current.set_on)} · "
                   f"{ui.codes_line(goal.current, scheme)}")
        if len(goal.versions) > 1:
            with st.expander(f"Earlier wordings ({len(goal.versions) - 1})"):
                st.dataframe(ui.goal_history(goal), hide_index=True,
                             key=f"goal_history_{goal.id}")
        if not can_write:
            continue
        with st.expander("Change the words or the codes"), \
                st.form(f"revise_goal_{goal.id}"):
            text = st.text_area("In the parent's words", goal.text,
                                key=f"revise_goal_text_{goal.id}")
            day = st.date_input("Said on", date.today(), key=f"revise_goal_day_{goal.id}")
            c1, c2 = st.columns(2)
            cues = c1.multiselect("Cues that show it", cue_codes, goal.current.cue_codes,
                                  format_func=code_name, key=f"revise_goal_cues_{goal.id}")
            answers = c2.multiselect("Answered with", response_codes,
                                     goal.current.response_codes, format_func=code_name,
                                     key=f"revise_goal_answers_{goal.id}")
            if st.form_submit_button("Save the new wording", key=f"revise_goal_save_{goal.id}"):
                try:
                    revise_goal(ctx, user, code, goal.id, text, day, cues, answers)
                except AttuneError as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
        if st.button("Close this goal", key=f"retire_goal_{goal.id}",
                     help="Reached, or no longer the family's: it stays on record."):
            try:
                retire_goal(ctx, user, code, goal.id, date.today())
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.rerun()
closed = [g for g in goals if g.retired_on is not None]
if closed:
    with st.expander(f"Closed goals ({len(closed)})"):
        for goal in closed:
            ended = goal.retired_on or date.today()
            st.markdown(f"- “{goal.text}” · closed on {ui.said_on(ended)}")

if can_write:
    with st.expander("Add a goal", expanded=not open_goals), \
            st.form("add_goal", clear_on_submit=True):
        text = st.text_area("In the parent's words", key="add_goal_text",
                            placeholder="I want to know what she needs when she cries")
        day = st.date_input("Said on", date.today(), key="add_goal_day")
        c1, c2 = st.columns(2)
        cues = c1.multiselect("Cues that show it", cue_codes, format_func=code_name,
                              key="add_goal_cues")
        answers = c2.multiselect("Answered with", response_codes, format_func=code_name,
                                 key="add_goal_answers")
        if st.form_submit_button("Add the goal", type="primary", key="add_goal_submit"):
            try:
                add_goal(ctx, user, code, text, day, cues, answers)
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.rerun()

try:
    progress = family_goal_progress(ctx, user, code)
except AttuneError:
    progress = None  # e.g. no clip this account may open: nothing to count
if progress is not None and not progress.empty:
    st.altair_chart(ui.progress_chart(progress), key="goals_progress_chart")
    st.caption("Practitioner-only · attuned responses in each visit that show each goal, "
               "with the scheme's answer windows.")

# ---------------------------------------------------------------- visit plans
st.subheader("Visit plans")
st.dataframe(ui.plans_table(plans, reels, visits), hide_index=True, key="goals_plans")
if can_write:
    with st.expander("Plan a visit", expanded=not plans), st.form("plan_visit"):
        c1, c2 = st.columns([1, 3])
        number = c1.number_input("Visit number", min_value=1, max_value=99,
                                 value=len(plans) + 1, step=1, key="plan_number")
        choices = ui.theme_choices()
        choice = c2.selectbox("Theme", choices, index=min(len(plans), len(choices) - 1),
                              key="plan_theme_choice",
                              help="VIPP-SD's theme for each visit, or your own words.")
        own = st.text_input("The theme in your own words (when chosen above)",
                            key="plan_theme_own")
        filmed = st.text_input("What is filmed", key="plan_filmed",
                               placeholder="Nappy change; 10 minutes of free play")
        c3, c4 = st.columns(2)
        reel = c3.selectbox("Reel reviewed", [None, *reels], key="plan_reel",
                            format_func=lambda r: "none" if r is None else reels[r])
        visit = c4.selectbox("Held on", [None, *visits], key="plan_session",
                             format_func=lambda s: "not yet" if s is None
                             else ui.said_on(visits[s]))
        if st.form_submit_button("Save the plan", type="primary", key="plan_save"):
            try:
                save_visit_plan(ctx, user, code, int(number), ui.theme_of(choice, own),
                                filmed, reel, visit)
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.rerun()
