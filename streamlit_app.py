"""attune's app: sign-in, then the pages of the signed-in user's role. No logic here."""

from __future__ import annotations

import streamlit as st

from attune.ui.session import current_user

st.set_page_config(page_title="attune", page_icon="🌱", layout="wide")

user = current_user()
if user is None:
    pages = [st.Page("app_pages/sign_in.py", title="Sign in", icon=":material/login:")]
elif user.role == "parent":
    pages = [st.Page("app_pages/parent_home.py", title="Your film", icon=":material/movie:",
                     default=True),
             st.Page("app_pages/sign_out.py", title="Sign out", icon=":material/logout:")]
else:
    pages = [st.Page("app_pages/families.py", title="Families", icon=":material/family_restroom:",
                     default=True),
             st.Page("app_pages/sign_out.py", title="Sign out", icon=":material/logout:")]
st.navigation(pages).run()
