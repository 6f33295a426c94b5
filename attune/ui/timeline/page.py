"""The workspace page's Streamlit glue: one clip's timeline in a fragment, so that a key
press reruns only the timeline (not the page, not the sidebar)."""

from __future__ import annotations

import streamlit as st

from attune.core.accounts import User
from attune.core.clip import Clip, ClipStatus, clip_label
from attune.errors import AttuneError
from attune.services import Context
from attune.services.schemes import choose_clip_scheme, clip_scheme, list_schemes
from attune.ui.media import current_session_id, media_url
from attune.ui.outbox import exchange, outbox_url, workspace_for
from attune.ui.timeline import have_of, outbox_of, tab_of, timeline
from attune.ui.workspace import (
    build_view,
    can_edit,
    coders_from_query,
    coders_of,
    media_urls,
    open_clip,
    seek_from_query,
)

COMPONENT_KEY = "attune_timeline"
CODERS_KEY = "workspace_coders"


def clip_from_query(ctx: Context, user: User) -> Clip | None:
    raw = st.query_params.get("clip", "")
    if not str(raw).isdigit():
        st.info("Open a clip from **My work** or **Families** (the workspace needs `?clip=ID`).")
        return None
    try:
        return open_clip(ctx, user, int(raw))
    except AttuneError as exc:
        st.error(str(exc))
        return None


#: The workspace needs the height of a laptop screen: less empty space above the page.
_COMPACT = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 1rem; }
</style>"""


def show_workspace(ctx: Context, user: User, clip: Clip) -> None:
    st.html(_COMPACT)
    st.markdown(f"#### {clip_label(clip)}")
    if clip.status != ClipStatus.READY:
        st.info(f"This clip is {clip.status}: the timeline opens once its processing is done.")
        return
    editable = can_edit(ctx, user, clip)
    if editable:
        coders = [user.username]
    else:
        everyone = coders_of(ctx, user, clip)  # a practitioner: only their own (blind)
        coders = st.multiselect("Read-only view · coders shown side by side", everyone,
                                default=coders_from_query(st.query_params.get("coders"),
                                                          everyone), key=CODERS_KEY,
                                placeholder="Choose the coders to compare") if everyone else []
        if not everyone:
            st.info("Nobody has coded this clip yet.")
    if editable:
        _scheme_chooser(ctx, user, clip)
    _timeline_fragment(ctx, user, clip, editable, coders)


def _scheme_chooser(ctx: Context, user: User, clip: Clip) -> None:
    """Which coding scheme version this clip is coded with, and choosing another (marks
    made earlier keep theirs)."""
    try:
        stored, _ = clip_scheme(ctx, clip.id)
        versions = [(s.name, s.version, s.document.get("title", s.name))
                    for s in list_schemes(ctx, user)]
    except AttuneError as exc:
        st.error(str(exc))
        return
    title = stored.document.get("title", stored.name)
    with st.popover(f"Coding scheme: {title} · version {stored.version}"):
        st.caption("Marks made earlier keep the version they were made with.")
        keys = [(n, v) for n, v, _ in versions]
        names = {(n, v): f"{t} · version {v}" for n, v, t in versions}
        chosen = st.selectbox("Code this clip with", keys,
                              index=keys.index((stored.name, stored.version)),
                              format_func=lambda k: names[k], key="workspace_scheme")
        if chosen != (stored.name, stored.version) and \
                st.button("Use this version", key="workspace_scheme_use"):
            try:
                choose_clip_scheme(ctx, user, clip.id, *chosen)
            except AttuneError as exc:
                st.error(str(exc))
                return
            state = st.session_state.get(COMPONENT_KEY)
            workspace_for(st.session_state, clip.id, user.username,
                          tab_of(state)).forget_events()  # its next mark uses the new one
            st.rerun()


@st.fragment
def _timeline_fragment(ctx: Context, user: User, clip: Clip, editable: bool,
                       coders: list[str]) -> None:
    state = st.session_state.get(COMPONENT_KEY)
    ws = workspace_for(st.session_state, clip.id, user.username, tab_of(state))
    urls = media_urls(lambda kind: media_url(ctx, user, kind, clip.id))
    try:
        # the coder's own changes: those that came this way (when the outbox route could
        # not be reached) are applied, and the events come from the workspace's memory
        exchanged = (exchange(ctx, user, ws, outbox_of(state), have_of(state))
                     if editable else None)
        data = build_view(ctx, user, clip, read_only=not editable, coders=coders, urls=urls,
                          exchanged=exchanged)
        if editable:
            data["outbox_url"] = outbox_url(ctx, user, clip.id, current_session_id())
    except AttuneError as exc:  # e.g. the family's assignment changed meanwhile
        st.error(str(exc))
        return
    seek = seek_from_query(st.query_params.get("t"), clip, coders)
    if seek is not None:
        data["seek"] = seek
    timeline(data, key=COMPONENT_KEY)
