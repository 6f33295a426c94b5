from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.core.scheme import VALENCE_WORDS
from attune.errors import AttuneError
from attune.services.schemes import (
    export_scheme,
    import_scheme,
    list_schemes,
    load_scheme,
    save_scheme,
)
from attune.ui.scheme_edit import (
    BAND_COLUMNS,
    COLUMNS,
    KINDS,
    band_rows,
    code_rows,
    document_from_rows,
)
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "edit coding schemes")
ctx = get_context()
st.title("Coding scheme")
try:
    versions = list_schemes(ctx, user)
    newest = load_scheme(ctx)[0]
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
names = {(s.name, s.version): s.document.get("title", s.name) for s in versions}
choices = sorted(names, key=lambda k: (k[0] != newest.name, k[0], -k[1]))
chosen = st.selectbox("Scheme", choices, index=choices.index((newest.name, newest.version)),
                      format_func=lambda k: f"{names[k]} · version {k[1]}",
                      key="scheme_chosen",
                      help="Each clip is coded with the version it was started with; "
                           "older versions stay here so that their clips can be read.")
try:
    stored, scheme = load_scheme(ctx, *chosen)
except AttuneError as exc:
    st.error(str(exc))
    st.stop()
st.subheader(f"{scheme.title} · version {stored.version}")
if scheme.description:
    st.caption(scheme.description)
windows = {str(v): ms for v, ms in scheme.windows_ms.items()}
st.write("Answer windows: " + ", ".join(f"{VALENCE_WORDS.get(v, v)} cues {ms / 1000:g} s"
                                       for v, ms in windows.items()))
st.write("How soon a reply came: " + ", ".join(
    f"{b.name} {b.from_ms / 1000:g}" + (f" to {b.to_ms / 1000:g} s" if b.to_ms is not None
                                        else " s or later") for b in scheme.bands))

view, edit, share = st.tabs(["Codes", "Edit a copy", "Share with another service"])
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
    st.markdown("**How soon a reply came** (bands for tallies: from 0 s, one after "
                "the other, the last with no end)")
    edited_bands = st.data_editor(
        band_rows(stored.document), num_rows="dynamic", hide_index=True, key="scheme_bands",
        column_config={
            BAND_COLUMNS["from"]: st.column_config.NumberColumn(min_value=0.0, step=0.5),
            BAND_COLUMNS["to"]: st.column_config.NumberColumn(min_value=0.0, step=0.5),
        })
    if st.button("Save as a new version", type="primary", key="scheme_save"):
        try:
            doc = document_from_rows(stored.document, list(edited), new_windows,
                                     bands=list(edited_bands))
            saved = save_scheme(ctx, user, doc)
        except AttuneError as exc:
            st.error(str(exc))
        else:
            st.session_state["scheme_saved"] = f"Saved as version {saved.version}."
            for key in ("scheme_editor", "scheme_bands", "scheme_chosen"):
                st.session_state.pop(key, None)
            st.rerun()
with share:
    st.caption("Another service can import this file and code with exactly this version; "
               "the file carries a check that shows if it was changed on the way.")
    st.download_button("Download this version", export_scheme(ctx, user, *chosen),
                       file_name=f"{stored.name}-version-{stored.version}.json",
                       mime="application/json", key="scheme_export")
    upload = st.file_uploader("Import a scheme file from another service", type=["json"],
                              key="scheme_import")
    if upload is not None and st.button("Import", key="scheme_import_go"):
        try:
            added, new = import_scheme(ctx, user, upload.getvalue())
        except AttuneError as exc:
            st.error(str(exc))
        else:
            title = added.document.get("title", added.name)
            st.session_state["scheme_saved"] = (
                f"Imported {title} version {added.version}." if new else
                f"{title} version {added.version} is already here, exactly as in the "
                "file; nothing changed.")
            st.session_state.pop("scheme_chosen", None)
            st.rerun()
if msg := st.session_state.pop("scheme_saved", None):
    st.success(msg)
