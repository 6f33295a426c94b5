from __future__ import annotations

import streamlit as st

from attune.core.people import Role
from attune.ui.session import page_user

user = page_user({Role.PARENT}, "open the parent view")
st.title(f"Welcome, {user.display_name}")
st.info("This is where your practitioner will share your film with you: short moments of "
        "you and your baby together. There is nothing here yet; when they share it, you "
        "can watch it here together.", icon=":material/favorite:")
