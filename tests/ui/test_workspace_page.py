"""The workspace page under AppTest: the timeline component is an unknown element here,
so its state (the outbox of changes) is seeded through ``session_state``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus
from attune.services import Context
from attune.services.events import add_event, list_events
from attune.ui.timeline.page import CODERS_KEY, COMPONENT_KEY
from tests.factories import make_clip, make_family, make_user

from .conftest import texts

App = Callable[..., AppTest]


@pytest.fixture
def ready(ctx: Context) -> tuple[User, Clip]:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("system") as tx:
        clip = tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000,
                                 media={"proxy_fps": "25/1", "proxy_frame_count": 25,
                                        "proxy_duration_ms": 1000})
    return pat, clip


def outbox(*items: dict[str, object]) -> dict[str, object]:
    return {"outbox": {"page": "p1", "items": list(items), "have": None}}


def test_changes_in_the_outbox_are_stored_once(ctx: Context, app: App,
                                               ready: tuple[User, Clip]) -> None:
    pat, clip = ready
    at = app(pat, "workspace.py", clip=str(clip.id))
    at.run()
    assert not at.exception, at.exception
    assert "Clip" in texts(at)
    mark = {"cid": "k1", "page": "p1", "seq": 1, "op": "create", "code": "C02",
            "start_ms": 400, "end_ms": 400}
    at.session_state[COMPONENT_KEY] = outbox(mark)
    at.run()
    at.run()  # the same outbox again (a rerun before the browser dropped it)
    assert not at.exception, at.exception
    (event,) = list_events(ctx, pat, clip.id)
    assert (event.code, event.start_ms, event.coder) == ("C02", 400, "pat")
    undo = {"cid": "k2", "page": "p1", "seq": 2, "op": "undo"}
    at.session_state[COMPONENT_KEY] = outbox(mark, undo)
    at.run()
    assert list_events(ctx, pat, clip.id) == []


def test_a_supervisor_of_another_team_is_refused(ctx: Context, app: App,
                                                  ready: tuple[User, Clip]) -> None:
    pat, clip = ready
    add_event(ctx, pat, clip.id, "C01", 100)
    other = make_user(ctx, "sue2", Role.SUPERVISOR)  # pat is not in sue2's team
    at = app(other, "workspace.py", clip=str(clip.id))
    at.run()
    assert not at.exception
    assert "Not allowed" in texts(at)


def test_a_practitioner_of_another_family_is_refused(ctx: Context, app: App,
                                                     ready: tuple[User, Clip]) -> None:
    _, clip = ready
    other = make_user(ctx, "kim")
    at = app(other, "workspace.py", clip=str(clip.id))
    at.run()
    assert not at.exception
    assert "Not allowed" in texts(at)


def test_without_a_clip_the_page_says_where_to_open_one(ctx: Context, app: App,
                                                        ready: tuple[User, Clip]) -> None:
    pat, _ = ready
    at = app(pat, "workspace.py")
    at.run()
    assert not at.exception
    assert "My work" in texts(at)


def test_the_team_supervisor_gets_the_coders_picker(ctx: Context, app: App) -> None:
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    family = make_family(ctx, pat)
    clip = make_clip(ctx, pat, family)
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=1000,
                          media={"proxy_fps": "25/1", "proxy_frame_count": 25,
                                 "proxy_duration_ms": 1000})
    add_event(ctx, pat, clip.id, "C01", 100)
    at = app(sue, "workspace.py", clip=str(clip.id))
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key=CODERS_KEY).value == ["pat"]
    # a supervisor's outbox is never applied (read-only)
    at.session_state[COMPONENT_KEY] = outbox({"cid": "s1", "page": "p", "seq": 1,
                                              "op": "create", "code": "C02",
                                              "start_ms": 500, "end_ms": 500})
    at.run()
    assert [e.code for e in list_events(ctx, sue, clip.id)] == ["C01"]


def test_a_reloaded_tab_finds_its_undo_stack_and_another_tab_does_not() -> None:
    from attune.ui.timeline.page import workspace_for

    first_load: dict[str, object] = {}
    ws = workspace_for(first_load, 7, "pat", "tab-a")
    reloaded: dict[str, object] = {}  # a reload is a new browser session
    assert workspace_for(reloaded, 7, "pat") is not ws  # before the tab said who it is
    assert workspace_for(reloaded, 7, "pat", "tab-a") is ws
    assert workspace_for({}, 7, "pat", "tab-b") is not ws
