"""The timeline workspace of one clip (``?clip=ID``): practitioners code it with the
keyboard, supervisors look at any coder's lanes read-only."""

from __future__ import annotations

import streamlit as st

from attune.ui.session import current_user, get_context
from attune.ui.timeline.page import clip_from_query, show_workspace

user = current_user()
if user is None:
    st.stop()
ctx = get_context()
clip = clip_from_query(ctx, user)
if clip is not None:
    show_workspace(ctx, user, clip)
