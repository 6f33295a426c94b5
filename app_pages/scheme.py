from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.core.scheme import VALENCE_WORDS
from attune.errors import AttuneError
from attune.services.schemes import load_scheme, save_scheme
from attune.ui.scheme_edit import COLUMNS, KINDS, code_rows, document_from_rows
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "edit coding schemes")
ctx = get_context()
st.title("Coding scheme")
try:
    stored, scheme = load_scheme(ctx)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
st.subheader(f"{scheme.title} · version {stored.version}")
if scheme.description:
    st.caption(scheme.description)
windows = {str(v): ms for v, ms in scheme.windows_ms.items()}
st.write("Answer windows: " + ", ".join(f"{VALENCE_WORDS.get(v, v)} cues {ms / 1000:g} s"
                                       for v, ms in windows.items()))

view, edit = st.tabs(["Codes", "Edit a copy"])
with view:
    st.dataframe(code_rows(stored.document), hide_index=True, key="scheme_codes")
with edit:
    st.caption("Saving makes a new version; clips coded earlier keep the version they were "
               "coded with.")
    edited = st.data_editor(
        code_rows(stored.document), num_rows="dynamic", hide_index=True, key="scheme_editor",
        column_config={
            COLUMNS["kind"]: st.column_config.SelectboxColumn(options=list(KINDS)),
            COLUMNS["valence"]: st.column_config.SelectboxColumn(
                options=["", "E", "D", "X"], help="E engagement, D needs a break, X distress"),
            COLUMNS["potency"]: st.column_config.SelectboxColumn(
                options=["", "P", "S"], help="P easy to see, S subtle"),
            COLUMNS["principle"]: st.column_config.NumberColumn(min_value=1, max_value=6),
        })
    cols = st.columns(3)
    new_windows = {v: cols[i].number_input(f"Answer window for {VALENCE_WORDS[v]} cues (s)",
                                           min_value=0.1, max_value=30.0,
                                           step=0.5, value=windows.get(v, 3000) / 1000,
                                           key=f"scheme_window_{v}")
                   for i, v in enumerate(("E", "D", "X"))}
    if st.button("Save as a new version", type="primary", key="scheme_save"):
        try:
            doc = document_from_rows(stored.document, list(edited), new_windows)
            saved = save_scheme(ctx, user, doc)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.session_state["scheme_saved"] = f"Saved as version {saved.version}."
            st.session_state.pop("scheme_editor", None)
            st.rerun()
if msg := st.session_state.pop("scheme_saved", None):
    st.success(msg)
