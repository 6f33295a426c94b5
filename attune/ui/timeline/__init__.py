"""The timeline component: a ``st.components.v2`` component with inline HTML, CSS and
JavaScript (no build step), kept in this folder as ``timeline.{html,css,js}``.

The browser keeps the ``<video>`` and all drawing state on its DOM nodes, so a rerun only
hands it new data. The component's only state value is ``outbox``: every change the
coder made and Python has not acknowledged yet (see :mod:`attune.ui.workspace`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

HERE = Path(__file__).resolve().parent
COMPONENT_NAME = "attune_timeline"


@functools.cache
def _component() -> Callable[..., Any]:
    """Registered on first use, never at import (no import-time side effects)."""
    return st.components.v2.component(  # type: ignore[no-any-return]
        COMPONENT_NAME,
        html=(HERE / "timeline.html").read_text(encoding="utf-8"),
        css=(HERE / "timeline.css").read_text(encoding="utf-8"),
        js=script(),
    )


def script() -> str:
    """The component's JavaScript: the time base (``timebase.js``, the browser's copy of
    :mod:`attune.core.timebase`) followed by ``timeline.js``."""
    return "\n".join((HERE / name).read_text(encoding="utf-8")
                     for name in ("timebase.js", "timeline.js"))


def outbox_of(state: Any) -> list[Mapping[str, Any]]:
    """The messages in a component state value (what ``st.session_state[key]`` holds)."""
    if not isinstance(state, Mapping):
        return []
    outbox = state.get("outbox")
    items = outbox.get("items") if isinstance(outbox, Mapping) else outbox
    return [m for m in items or () if isinstance(m, Mapping)]


def tab_of(state: Any) -> str | None:
    """The browser tab's id (kept in its sessionStorage, so it survives a reload)."""
    if not isinstance(state, Mapping) or not isinstance(state.get("outbox"), Mapping):
        return None
    tab = state["outbox"].get("tab")
    return tab if isinstance(tab, str) and 0 < len(tab) <= 64 else None


def have_of(state: Any) -> Mapping[str, Any] | None:
    """The events revision the browser says it has (``{"epoch", "rev"}``), if any."""
    if not isinstance(state, Mapping) or not isinstance(state.get("outbox"), Mapping):
        return None
    have = state["outbox"].get("have")
    return have if isinstance(have, Mapping) else None


def timeline(data: Mapping[str, Any], *, key: str) -> Any:
    """Mount (or update) the timeline; returns the component's state."""
    return _component()(key=key, data=dict(data), default={"outbox": None},
                        on_outbox_change=lambda: None, height="content")
