from __future__ import annotations

import streamlit as st

from attune.ui.families import family_table
from attune.ui.session import current_user, get_context

user = current_user()
assert user is not None  # streamlit_app.py shows this page only when signed in
st.title("Families")
st.caption(f"Signed in as {user.display_name} ({user.role})")
rows = family_table(get_context(), user)
if not rows:
    st.info("No families yet. A practitioner adds one with `attune family add` "
            "(the Families editor comes with the workspace).")
for family, clips in rows:
    with st.container(border=True, key=f"family_{family.code}"):
        st.subheader(f"{family.code} · {family.baby_name}")
        st.write(f"Practitioners: {', '.join(family.practitioners) or '-'}")
        if clips:
            st.dataframe(
                [{"clip": c.id, "file": c.original_name, "status": str(c.status),
                  "duration (s)": round(c.duration_ms / 1000, 1) if c.duration_ms else None}
                 for c in clips],
                hide_index=True, key=f"clips_{family.code}")
        else:
            st.write("No clips yet.")
