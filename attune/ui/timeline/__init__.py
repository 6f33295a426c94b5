"""The timeline component: a ``st.components.v2`` component with inline HTML, CSS and
JavaScript (no build step), kept in this folder as ``timeline.{html,css,js}``.

The browser keeps the ``<video>`` and all drawing state on its DOM nodes, so a rerun only
hands it new data. Changes are saved through the ``/api/outbox`` route
(:mod:`attune.ui.outbox`, at ``data["outbox_url"]``); the component's only state value
is ``outbox``: the browser tab's id once it is mounted, and every change the coder made
and Python has not acknowledged yet when the route cannot be reached (see
:mod:`attune.ui.workspace`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from attune.ui.outbox import have_in, items_of, tab_in

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
    :mod:`attune.core.timebase`), the player's zoom and pan (``zoom.js``), then
    ``timeline.js``."""
    return "\n".join((HERE / name).read_text(encoding="utf-8")
                     for name in ("timebase.js", "zoom.js", "timeline.js"))


def _outbox(state: Any) -> Any:
    return state.get("outbox") if isinstance(state, Mapping) else None


def outbox_of(state: Any) -> list[Mapping[str, Any]]:
    """The messages in a component state value (what ``st.session_state[key]`` holds)."""
    return items_of(_outbox(state))


def tab_of(state: Any) -> str | None:
    """The browser tab's id (kept in its sessionStorage, so it survives a reload)."""
    return tab_in(_outbox(state))


def have_of(state: Any) -> Mapping[str, Any] | None:
    """The events revision the browser says it has (``{"epoch", "rev"}``), if any."""
    return have_in(_outbox(state))


def timeline(data: Mapping[str, Any], *, key: str) -> Any:
    """Mount (or update) the timeline; returns the component's state."""
    return _component()(key=key, data=dict(data), default={"outbox": None},
                        on_outbox_change=lambda: None, height="content")
