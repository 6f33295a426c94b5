from __future__ import annotations

from pathlib import Path

import streamlit as st

from attune.core.accounts import Role
from attune.core.clip import CLIP_STATUS_WORDS
from attune.errors import AttuneError
from attune.services.supervision import mark_done
from attune.ui.cache import cached
from attune.ui.paging import one_page
from attune.ui.session import get_context, page_user
from attune.ui.work import work_rows

CLIPS_A_PAGE = 20

user = page_user({Role.PRACTITIONER}, "see a practitioner's work list")
ctx = get_context()
st.title("My work")
rows = cached(ctx, user, work_rows)
if not rows:
    st.info("No clips yet. Add a family on the Families page, record their consent, then "
            "upload a clip: it will appear here to code.")
    st.stop()
workspace = Path(__file__).with_name("workspace.py")
for row in one_page(rows, "work_page", CLIPS_A_PAGE, "clips"):
    with st.container(border=True, key=f"work_{row.clip_id}"):
        c1, c2, c3 = st.columns([5, 3, 2], vertical_alignment="center")
        role = f" · assigned as {row.assignment}" + (" (done)" if row.done else "") \
            if row.assignment else ""
        c1.markdown(f"**{row.family}** · {row.label}{role}")
        c2.caption(f"{CLIP_STATUS_WORDS[row.status]} · {row.my_events} mark(s) by you")
        if workspace.exists():
            if c3.button("Open", key=f"open_{row.clip_id}", disabled=not row.openable,
                         help=None if row.openable else "Not ready to code yet"):
                st.switch_page("app_pages/workspace.py", query_params={"clip": row.clip_id})
        else:
            c3.caption("Workspace coming soon")
        if row.assignment:  # double-coding or calibration: the supervisor waits for "done"
            label = "Reopen my coding" if row.done else "Mark my coding done"
            if c3.button(label, key=f"done_{row.clip_id}",
                         help="Both coders' marks are compared once both say done."):
                try:
                    mark_done(ctx, user, row.clip_id, not row.done)
                    st.rerun()
                except AttuneError as exc:
                    st.error(str(exc))
