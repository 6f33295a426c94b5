"""Saving the timeline's changes: one exchange of the browser's outbox, shared by the
``POST /api/outbox`` route (``attune.ui.routes``, the fast way: no Streamlit rerun) and
the timeline fragment (``attune.ui.timeline.page``, the way back when the route cannot
be reached), and the workspaces of this server process they both use.

The protocol is :mod:`attune.ui.workspace`'s: each message has a client id (``cid``)
applied once, in sequence order; the answer carries the results of the messages still in
the outbox (``acks``), conflicts and errors to show (``notices``), and the coder's events
changed since the revision the browser says it has (``events_delta``, or all of them as
``events`` with ``events_rev`` when it has another epoch). Both ways reach the same
:class:`~attune.ui.workspace.Workspace` (by clip, coder and browser tab) under its lock,
so a message that crosses from one to the other is still applied once.

Nothing here imports Streamlit or asks the gate: the services do (every change goes
through :mod:`attune.services.events`). An exchange is one question to the gate however
many messages it carries (:func:`attune.services.events.gate_once_per_request`): the
route's check that the coder may code the clip is the permission every message uses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from attune.core.accounts import User
from attune.services import Context
from attune.services.events import gate_once_per_request
from attune.services.tokens import outbox_token
from attune.ui.workspace import Workspace

OUTBOX_PATH = "/api/outbox"
#: A browser tab's id (kept in its sessionStorage) is at most this long.
TAB_CHARS = 64
#: The largest outbox body the route reads (about 20,000 changes kept while offline).
MAX_BODY_BYTES = 4 * 1024 * 1024


class Workspaces:
    """Workspaces by (clip, coder, browser tab), for this server process: a reload of
    the tab finds its undo stack again. Another tab is another workspace, so an edit
    made there is a conflict here, never silently overwritten."""

    def __init__(self, kept: int = 500) -> None:
        self._by_tab: OrderedDict[tuple[int, str, str], Workspace] = OrderedDict()
        self._lock = threading.Lock()
        self.kept = kept

    def get(self, clip_id: int, coder: str, tab: str,
            fallback: Workspace | None = None) -> Workspace:
        """The tab's workspace; a new one (or ``fallback``, the one this browser session
        used before its tab said who it is) the first time."""
        key = (clip_id, coder, tab)
        with self._lock:
            ws = self._by_tab.get(key)
            if ws is None:
                usable = (fallback is not None and fallback.clip_id == clip_id
                          and fallback.coder == coder)
                ws = fallback if usable and fallback is not None else Workspace(clip_id, coder)
                self._by_tab[key] = ws
            self._by_tab.move_to_end(key)
            while len(self._by_tab) > self.kept:
                self._by_tab.popitem(last=False)
            return ws


WORKSPACES = Workspaces()


def tab_workspace(clip_id: int, coder: str, tab: str) -> Workspace:
    """The workspace of a browser tab (for the route, which has no session state)."""
    return WORKSPACES.get(clip_id, coder, tab)


def workspace_for(state: Any, clip_id: int, coder: str,
                  tab: str | None = None) -> Workspace:
    """The coder's workspace on this clip in this browser tab (or, before the tab has
    said who it is, in this browser session: ``state`` is its ``st.session_state``)."""
    key = f"attune_workspace:{clip_id}:{coder}"
    kept = state.get(key)
    kept = kept if isinstance(kept, Workspace) else None
    if tab is not None:
        ws = WORKSPACES.get(clip_id, coder, tab, fallback=kept)
    else:
        ws = kept or Workspace(clip_id, coder)
    state[key] = ws
    return ws


# ---------------------------------------------------------------------- reading
def items_of(outbox: Any) -> list[Mapping[str, Any]]:
    """The messages of an outbox (``{"items": [...]}``, or the bare list)."""
    items = outbox.get("items") if isinstance(outbox, Mapping) else outbox
    if not isinstance(items, list | tuple):
        return []
    return [m for m in items if isinstance(m, Mapping)]


def tab_in(outbox: Any) -> str | None:
    """The browser tab's id (kept in its sessionStorage, so it survives a reload)."""
    tab = outbox.get("tab") if isinstance(outbox, Mapping) else None
    return tab if isinstance(tab, str) and 0 < len(tab) <= TAB_CHARS else None


def have_in(outbox: Any) -> Mapping[str, Any] | None:
    """The events revision the browser says it has (``{"epoch", "rev"}``), if any."""
    have = outbox.get("have") if isinstance(outbox, Mapping) else None
    return have if isinstance(have, Mapping) else None


# ---------------------------------------------------------------------- exchange
def exchange(ctx: Context, user: User, ws: Workspace, items: list[Mapping[str, Any]],
             have: Mapping[str, Any] | None) -> dict[str, Any]:
    """Apply the outbox's new messages (through the events services, which ask the
    gate, once for them all) and answer: ``acks``, ``notices`` and the events payload."""
    with ws.lock, gate_once_per_request():
        ws.apply(ctx, user, items)
        payload = ws.event_payload(ctx, user, have)
        return {"acks": ws.acks(items), "notices": ws.take_notices(), **payload}


def outbox_url(ctx: Context, user: User, clip_id: int, session_id: str) -> str:
    """Where this page saves ``user``'s coding of ``clip_id``: the route's path with a
    token for this sign-in session (it works only with that session's cookie)."""
    token = outbox_token(ctx.settings.secret_key, user.id, session_id, clip_id)
    return f"{OUTBOX_PATH}?t={token}"
