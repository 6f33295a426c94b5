from __future__ import annotations

import streamlit as st

from attune.ui.session import current_user

user = current_user()
assert user is not None
st.title(f"Welcome, {user.display_name}")
st.info("Your practitioner has not shared a film with you yet. When they do, it will be "
        "here for you to watch together.")
