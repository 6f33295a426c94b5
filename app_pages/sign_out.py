from __future__ import annotations

import streamlit as st

from attune.ui.session import sign_out

sign_out()
st.rerun()
