"""The workspace page's Streamlit glue: one clip's timeline in a fragment, so that a key
press reruns only the timeline (not the page, not the sidebar)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import streamlit as st

from attune.core.accounts import User
from attune.core.clip import Clip, ClipStatus, clip_label
from attune.errors import AttuneError
from attune.services import Context
from attune.ui.media import media_url
from attune.ui.timeline import have_of, outbox_of, tab_of, timeline
from attune.ui.workspace import (
    Workspace,
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


#: Workspaces by (clip, coder, browser tab), for this server process: a reload of the tab
#: finds its undo stack again. Another tab is another workspace, so an edit made there
#: is a conflict here, never silently overwritten.
_BY_TAB: OrderedDict[tuple[int, str, str], Workspace] = OrderedDict()
KEPT_WORKSPACES = 500


def workspace_for(state: Any, clip_id: int, coder: str, tab: str | None = None) -> Workspace:
    """The coder's workspace on this clip in this browser tab (or, before the tab has
    said who it is, in this browser session)."""
    key = f"attune_workspace:{clip_id}:{coder}"
    if tab is not None:
        ws = _BY_TAB.get((clip_id, coder, tab))
        if ws is None:
            ws = state.get(key) if isinstance(state.get(key), Workspace) else None
            ws = ws or Workspace(clip_id, coder)
            _BY_TAB[(clip_id, coder, tab)] = ws
        _BY_TAB.move_to_end((clip_id, coder, tab))
        while len(_BY_TAB) > KEPT_WORKSPACES:
            _BY_TAB.popitem(last=False)
        state[key] = ws
        return ws
    ws = state.get(key)
    if not isinstance(ws, Workspace):
        ws = Workspace(clip_id, coder)
        state[key] = ws
    return ws


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
    _timeline_fragment(ctx, user, clip, editable, coders)


@st.fragment
def _timeline_fragment(ctx: Context, user: User, clip: Clip, editable: bool,
                       coders: list[str]) -> None:
    state = st.session_state.get(COMPONENT_KEY)
    ws = workspace_for(st.session_state, clip.id, user.username, tab_of(state))
    outbox = outbox_of(state)
    if editable:
        ws.apply(ctx, user, outbox)
    urls = media_urls(lambda kind: media_url(ctx, user, kind, clip.id))
    try:
        data = build_view(ctx, user, clip, read_only=not editable, coders=coders, urls=urls,
                          workspace=ws if editable else None, have=have_of(state))
    except AttuneError as exc:  # e.g. the family's assignment changed meanwhile
        st.error(str(exc))
        return
    data["acks"] = ws.acks(outbox)
    seek = seek_from_query(st.query_params.get("t"), clip, coders)
    if seek is not None:
        data["seek"] = seek
    data["notices"] = ws.take_notices()
    timeline(data, key=COMPONENT_KEY)
