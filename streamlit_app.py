"""attune's app. `streamlit run streamlit_app.py` finds `app` (st.App, with our routes for
media, uploads and the sign-in cookie) and serves it with uvicorn; the same file is then
run as the page script of every session (as `__main__`). No logic here: see attune.ui."""

from __future__ import annotations

import streamlit as st

from attune.ui.app import app_routes, run_app

app = st.App("streamlit_app.py", routes=app_routes())

if __name__ == "__main__":
    run_app(__file__)
