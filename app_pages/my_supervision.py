"""My supervision (practitioners): the supervision sessions logged for me, and my own
accreditation portfolio (docs/practice.md §8)."""

from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.errors import AttuneError
from attune.ui import supervision as ui
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER}, "see a practitioner's supervision log")
ctx = get_context()
st.title("My supervision")
st.caption("The supervision sessions your supervisor logged with you: what you watched "
           "together, their notes and the next steps you agreed.")
log = ui.supervision_log_for_page(ctx, user)
if log:
    st.dataframe(ui.supervision_log_frame(log, who="supervisor"), hide_index=True,
                 key="my_log_table")
else:
    st.info("No supervision session has been logged for you yet: your supervisor logs "
            "each one on their Supervision page.")
calibrated = ui.my_calibrations_for_page(ctx, user)
if calibrated:
    st.markdown("**My calibration results** (a clip counts once every trainee of it has "
                "marked their coding done)")
    st.dataframe(ui.my_calibration_frame(calibrated), hide_index=True, key="my_cal_table")
st.markdown("**My accreditation portfolio** (your families with their filmed visits and "
            "shared reviews, your supervision sessions and hours, your agreement over time "
            "and calibration results; a family is named only when its consent covers "
            "supervision and training, others are counted, never named)")
folio_key = "my_folio_wanted"
if st.session_state.get(folio_key):
    try:
        pdf = ui.portfolio_pdf_for_page(ctx, user, user.username)
    except AttuneError as exc:
        st.error(str(exc))
    else:
        st.download_button("My portfolio (PDF)", pdf, f"portfolio-{user.username}.pdf",
                           "application/pdf", key="my_folio_pdf",
                           icon=":material/download:")
elif st.button("Prepare my portfolio", key="my_folio_prepare",
               icon=":material/picture_as_pdf:"):
    st.session_state[folio_key] = True
    st.rerun()
