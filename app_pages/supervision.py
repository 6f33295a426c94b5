"""Supervision (supervisors only): blind double-coding, agreement per coder pair, per code
and over time, the disagreements in the video, calibration against gold-standard clips,
and the report files."""

from __future__ import annotations

from datetime import date

import streamlit as st

from attune.core.accounts import Role
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.errors import AttuneError
from attune.services.supervision import (
    DEFAULT_SHARE,
    assign_double_coding,
    create_calibration,
    set_gold_coder,
    suggestion_line,
)
from attune.services.supervision_log import MAX_MINUTES, log_supervision
from attune.ui import supervision as ui
from attune.ui.cache import kept
from attune.ui.families import family_table
from attune.ui.paging import one_page
from attune.ui.session import get_context, page_user
from attune.ui.tallies import COMPACT_CSS

PAIRS_A_PAGE = 10
DISAGREEMENTS_A_PAGE = 25

user = page_user({Role.SUPERVISOR}, "use the Supervision page")
ctx = get_context()
st.html(COMPACT_CSS)
st.title("Supervision")
team = ui.team_for_page(ctx, user)

c1, c2, c3 = st.columns(3)
tolerance_ms = c1.number_input("Event tolerance (ms)", 100, 5000, MATCH_TOLERANCE_MS, 100,
                               key="sup_tolerance_ms")
step_ms = c2.number_input("Time-unit sampling step (ms)", 100, 5000, SAMPLING_STEP_MS, 100,
                          key="sup_step_ms")
# audited once per set of parameters in this browser session, not on every redraw
audit_key = f"sup_audited_{tolerance_ms}_{step_ms}"
try:
    view = ui.agreement_for_page(ctx, user, int(tolerance_ms), int(step_ms),
                                 audit=audit_key not in st.session_state)
    st.session_state[audit_key] = True
except AttuneError as exc:
    st.error(str(exc))
    view = ui.team_view([], int(tolerance_ms), int(step_ms))
pairs, double, params = view.pairs, view.double, view.parameters
tolerance_line, step_line, *rest = ui.parameter_lines({**params, "flags": {}})
c1.caption(tolerance_line)
c2.caption(step_line)
for line in rest:
    c3.caption(line)

# keyed and stateful: only the open tab is laid out (a year of a team's pairs, disagreements
# and clips in every tab at once was most of the page's time); opening a tab reruns
tab_agree, tab_diff, tab_gold, tab_assign, tab_log = st.tabs(
    list(ui.TABS), key="sup_tab", on_change="rerun")

with tab_agree:
    if tab_agree.open:
        if not double:
            st.info("No double-coded clip is ready yet: agreement appears once both coders "
                    "have marked their coding of a clip done.")
        # the page's pairs in one table; one of them, chosen, in full below it
        shown = one_page(double, "sup_pairs_page", PAIRS_A_PAGE, "coder pairs")
        if shown:
            st.markdown(ui.pairs_table(shown))
            p = shown[st.selectbox(
                "Look closer at", range(len(shown)), format_func=lambda i: ui.pair_label(
                    shown[i]), key=f"sup_pair_look_{shown[0].clip_id}")]
            r = p.report
            with st.container(border=True, key=f"sup_pair_{p.clip_id}_{p.coder_a}_{p.coder_b}"):
                st.markdown(f"**Clip {p.clip_id}** · {p.coder_a} and {p.coder_b} · assigned "
                            f"{p.assigned_on} · {ui.badge(r.flag)}")
                m = st.columns(5)
                for col, s in zip(m, (r.event_kappa, r.time_unit_kappa, r.alpha), strict=False):
                    col.metric(s.name, ui.value(s.value),
                               help=s.reason or s.method)
                m[3].metric("Detection", "-" if r.detection.agreement is None
                            else f"{r.detection.agreement:.0%}")
                m[4].metric("Disagreements", len(r.disagreements))
                for line in ui.flag_lines(r):
                    st.markdown(line)
                st.caption(suggestion_line(p))
                st.dataframe(ui.lanes_frame(r), hide_index=True,
                             key=f"sup_lanes_{p.clip_id}_{p.coder_a}_{p.coder_b}")
                subs = [f"{s.name} cues kappa {ui.value(s.kappa.value)} {ui.badge(s.kappa.flag)}"
                        for s in (r.potent, r.subtle) if s is not None]
                if subs:
                    st.markdown(" · ".join(subs))
        if double:
            st.markdown("**Per coder pair**")
            st.dataframe(view.per_pair, hide_index=True, key="sup_per_pair")
            icc_pairs = ui.pair_icc_for_page(ctx, user)
            if icc_pairs:
                st.markdown("**Tallies across each pair's clips** (ICC of the figures that go "
                            "into reports, over every clip the pair double-coded)")
                st.dataframe(ui.pair_icc_frame(icc_pairs), hide_index=True, key="sup_pair_icc")
                for line in ui.pair_icc_lines(icc_pairs):
                    st.caption(line)
            st.markdown("**Per code** (specific agreement: the share of a code's uses the other "
                        "coder agreed with; lowest first)")
            st.dataframe(view.per_code, hide_index=True, key="sup_per_code", height=250)
            st.altair_chart(ui.drift_chart(view.drift), key="sup_drift")
        if pairs:
            st.altair_chart(ui.coders_chart(view.coders), key="sup_coders")
        d1, d2, _ = st.columns([1, 1, 3])
        # the PDF takes a while to lay out: made when asked for, then kept for this version
        pdf_key = f"sup_pdf_wanted_{tolerance_ms}_{step_ms}"
        if st.session_state.get(pdf_key):
            d1.download_button("Report (PDF)", ui.team_report_pdf(ctx, user, int(tolerance_ms),
                                                                  int(step_ms)),
                               "agreement.pdf", "application/pdf", key="sup_pdf",
                               icon=":material/download:", disabled=not pairs)
        elif d1.button("Prepare the PDF report", key="sup_pdf_prepare", disabled=not pairs,
                       icon=":material/picture_as_pdf:"):
            st.session_state[pdf_key] = True
            st.rerun()
        d2.download_button("Table (CSV)", view.csv, "agreement.csv",
                           "text/csv", key="sup_csv", icon=":material/download:",
                           disabled=not pairs)

with tab_diff:
    if tab_diff.open:
        rows = view.disagreements
        if not rows:
            st.info("No disagreements to look at.")
        else:
            st.caption("Each link opens the clip's timeline at that moment with both coders' "
                       "lanes side by side.")
        for row in one_page(rows, "sup_diff_page", DISAGREEMENTS_A_PAGE, "disagreements"):
            c1, c2 = st.columns([2, 5], vertical_alignment="center")
            c1.page_link("app_pages/workspace.py", label=f"Clip {row['clip']} at {row['at']}",
                         icon=":material/play_circle:", query_params=row["query"])
            c2.markdown(f"{row['what']} ({row['kind']}) · {row['coder_a']}: {row['a']} · "
                        f"{row['coder_b']}: {row['b']}")

with tab_gold:
    if tab_gold.open:
        st.caption("A gold-standard clip is coded by an expert; each coder's agreement with "
                   "it is tracked over time.")
        clips = ui.gold_clip_choices(kept(ctx, user, family_table))
        g1, g2, g3 = st.columns([1, 1, 1], vertical_alignment="bottom")
        gold_clip = g1.selectbox("Clip", list(clips), key="sup_gold_clip",
                                 format_func=clips.__getitem__)
        expert = g2.selectbox("Expert coder", team, key="sup_gold_coder")
        if g3.button("Set as gold standard", key="sup_gold_set",
                     disabled=not (gold_clip and expert)):
            try:
                set_gold_coder(ctx, user, int(gold_clip), str(expert))
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.success(f"{expert}'s coding of clip {gold_clip} is now the gold standard.")
        st.markdown("**Everyone against the gold coding** (a training group on one clip)")
        group_clip = st.selectbox("Gold clip", list(clips), key="sup_group_clip",
                                  format_func=clips.__getitem__)
        if group_clip:
            group = ui.group_for_page(ctx, user, int(group_clip), int(tolerance_ms),
                                      int(step_ms))
            if isinstance(group, str):
                st.info(group)
            else:
                g = st.columns(3)
                g[0].metric("Fleiss' kappa", ui.value(group.fleiss_kappa.value),
                            help=group.fleiss_kappa.reason or group.fleiss_kappa.method)
                g[1].metric("Krippendorff's alpha", ui.value(group.alpha.value),
                            help=group.alpha.reason or group.alpha.method)
                g[2].metric("Coders", len(group.coders))
                st.markdown(f"{ui.badge(group.flag)} {group.note.sentence}")
                if group.gold is None:
                    st.caption("No gold coding on this clip yet: set one above to compare each "
                               "coder with it.")
                else:
                    st.caption(f"Each coder against {group.gold}'s gold coding, lowest first.")
                    st.dataframe(ui.versus_gold_frame(group), hide_index=True,
                                 key="sup_group_table")
                st.dataframe(ui.group_lanes_frame(group), hide_index=True, key="sup_group_lanes")
                st.download_button("Group report (PDF)",
                                   ui.group_pdf_for_page(ctx, user, int(group_clip),
                                                         int(tolerance_ms), int(step_ms)),
                                   f"group-agreement-clip-{group_clip}.pdf", "application/pdf",
                                   key="sup_group_pdf", icon=":material/download:")
        st.markdown("**Calibration sessions** (a set of gold clips each trainee codes blind; "
                    "a code passes when the trainee's agreement with the gold coding reaches the "
                    "pass line)")
        with st.form("sup_calibration_new"):
            n1, n2 = st.columns([2, 1])
            cal_title = n1.text_input("Title", key="sup_cal_title")
            cal_line = n2.number_input("Pass line (%)", 1, 100, 80, key="sup_cal_line")
            cal_clips = st.multiselect("Gold clips", list(clips), key="sup_cal_clips",
                                       format_func=clips.__getitem__)
            cal_trainees = st.multiselect("Trainees", team[:-1], key="sup_cal_trainees")
            make = st.form_submit_button("Start the calibration", key="sup_cal_create")
        if make:
            try:
                made = create_calibration(ctx, user, str(cal_title), [int(c) for c in cal_clips],
                                          list(cal_trainees), int(cal_line))
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.success(f"'{made.title}' is ready: each trainee now has its clips to code.")
        sessions = ui.calibrations_for_page(ctx, user)
        if sessions:
            chosen = st.selectbox("Session", sessions, format_func=lambda c: c.title,
                                  index=len(sessions) - 1, key="sup_cal_session")
            if chosen is not None:
                results = ui.calibration_results_for_page(ctx, user, chosen.id,
                                                          int(tolerance_ms))
                if isinstance(results, str):
                    st.info(results)
                    results = []
                else:
                    st.caption(f"Pass line {chosen.pass_line_percent}% per code.")
                    st.dataframe(ui.calibration_frame(results), hide_index=True,
                                 key="sup_cal_results")
                for r in results:
                    if r.report is not None:
                        with st.expander(f"{r.trainee}: each code"):
                            st.dataframe(r.per_code, hide_index=True,
                                         key=f"sup_cal_codes_{r.trainee}")
        calib = view.calibration
        if calib.empty:
            st.info("No calibration yet: it appears once the expert and the clip's coder have "
                    "both marked their coding done.")
        else:
            st.altair_chart(ui.calibration_chart(calib), key="sup_calibration")
            st.dataframe(calib, hide_index=True, key="sup_calibration_table")

with tab_assign:
    if tab_assign.open:
        st.caption("Only clips whose family consented to a second coder; the second coder "
                   "codes blind until both mark the clip done.")
        with st.form("sup_assign"):
            a1, a2, a3 = st.columns([1, 1, 2])
            share = a1.number_input("Share of clips (%)", 1, 100, int(DEFAULT_SHARE * 100),
                                    key="sup_share")
            seed = a2.number_input("Seed", 0, 1_000_000, 0, key="sup_seed",
                                   help="The same seed and clips give the same choice.")
            coders = a3.multiselect("Coders (empty: your whole team)", team[:-1],
                                    key="sup_coders")
            go = st.form_submit_button("Assign", type="primary", key="sup_assign_submit")
        if go:
            try:
                plan = assign_double_coding(ctx, user, share / 100, int(seed), coders or None)
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.success(f"{len(plan.chosen)} clip(s) assigned of {len(plan.eligible)} "
                           "eligible.")
                st.dataframe(ui.plan_frame(plan), hide_index=True, key="sup_plan")
                if plan.skipped_no_consent:
                    st.warning("Skipped for lack of second-coder consent: clip(s) "
                               + ", ".join(map(str, plan.skipped_no_consent)))

with tab_log:
    if tab_log.open:
        st.caption("Log each supervision session with a practitioner of your team; the "
                   "portfolio gathers them for an accreditation meeting.")
        log_clips = ui.gold_clip_choices(kept(ctx, user, family_table))
        log_entries, log_reels = ui.log_tab_for_page(ctx, user)
        with st.form("sup_log_new", clear_on_submit=True):
            l1, l2, l3 = st.columns([1, 1, 1])
            log_who = l1.selectbox("Practitioner", team[:-1], key="sup_log_who")
            log_day = l2.date_input("Day", value=date.today(), max_value=date.today(),
                                    key="sup_log_day")
            log_minutes = l3.number_input("Length (minutes)", 1, MAX_MINUTES, 60,
                                          key="sup_log_minutes")
            log_watched = st.multiselect("Clips watched", list(log_clips), key="sup_log_clips",
                                         format_func=log_clips.__getitem__)
            log_reels_watched = st.multiselect(
                "Reels watched (shared reviews)", list(log_reels), key="sup_log_reels",
                format_func=log_reels.__getitem__,
                placeholder="Choose reels" if log_reels else "No reel made yet")
            log_notes = st.text_area("Notes", key="sup_log_notes")
            log_actions = st.text_area("Next steps agreed", key="sup_log_actions")
            logged = st.form_submit_button("Log the session", key="sup_log_submit")
        if logged and log_who:
            try:
                log_supervision(ctx, user, str(log_who), log_day, int(log_minutes),
                                [int(c) for c in log_watched],
                                [int(r) for r in log_reels_watched], str(log_notes),
                                str(log_actions))
            except AttuneError as exc:
                st.error(str(exc))
            else:
                st.success(f"Logged the supervision of {log_who} on {log_day:%-d %B %Y}.")
        if logged:  # just logged: read again (a change makes a new data version)
            log_entries, log_reels = ui.log_tab_for_page(ctx, user)
        st.dataframe(ui.supervision_log_frame(log_entries), hide_index=True, key="sup_log_table")
        st.markdown("**Accreditation portfolio** (a family is named only when its consent "
                    "covers supervision and training; others are counted, never named)")
        p1, p2 = st.columns([1, 2], vertical_alignment="bottom")
        folio_who = p1.selectbox("Practitioner", team[:-1], key="sup_folio_who")
        folio_key = f"sup_folio_wanted_{folio_who}"
        if folio_who and st.session_state.get(folio_key):
            p2.download_button("Portfolio (PDF)",
                               ui.portfolio_pdf_for_page(ctx, user, str(folio_who)),
                               f"portfolio-{folio_who}.pdf", "application/pdf",
                               key="sup_folio_pdf", icon=":material/download:")
        elif p2.button("Prepare the portfolio", key="sup_folio_prepare", disabled=not folio_who,
                       icon=":material/picture_as_pdf:"):
            st.session_state[folio_key] = True
            st.rerun()
