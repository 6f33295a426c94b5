from __future__ import annotations

import streamlit as st

from attune.ui.session import sign_in_form

_, middle, _ = st.columns([1, 2, 1])
with middle:
    st.title("attune")
    st.caption("Attuned moments between parents and babies: coding, highlight reels, "
               "tallies.")
    sign_in_form()
