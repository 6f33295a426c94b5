"""A team server (issue 16, items 1-2): HTTPS through Caddy to two app servers; a
practitioner coding while the app server their browser is on is killed loses no mark:
the browser reconnects through Caddy to the other server, still signed in, and the
outbox replays."""

from __future__ import annotations

import json
import ssl
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import shot, wait_for_app
from tests.team.conftest import Team, start_team

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.xdist_group("team")]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    yield from start_team(tmp_path_factory.mktemp("team"))


def _ready(team: Team, clip_id: int) -> None:
    deadline = time.monotonic() + 180  # the worker ingests the demo's clips from Redis
    while json.loads(team.attune("clip", "info", str(clip_id), "--json", "--as", "pat")
                     )["status"] != "ready":
        assert time.monotonic() < deadline, "the demo clip was not ingested in 3 minutes"
        time.sleep(1)


def _open_workspace(page: Page) -> None:
    page.goto("/workspace?clip=1")
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => window.__attuneTimeline && "
                           "window.__attuneTimeline.querySelector('video').readyState >= 1")


def _outbox(page: Page) -> int:
    return int(page.evaluate("() => window.__attuneTimeline.__s.outbox.length"))


def _events(team: Team) -> list[dict[str, Any]]:
    return list(json.loads(team.attune("events", "list", "1", "--json", "--as", "pat")))


def _new_marks(team: Team, known: set[int]) -> list[tuple[str, int]]:
    return sorted((e["code"], e["start_ms"]) for e in _events(team)
                  if e["id"] not in known and e["coder"] == "pat")


def test_https_and_security_headers_through_caddy(team: Team) -> None:
    context = ssl.create_default_context(cafile=str(team.data / "caddy" / "pki" / "authorities"
                                                   / "local" / "root.crt"))
    with urllib.request.urlopen(f"{team.url}/_stcore/health", context=context,
                                timeout=10) as response:
        assert response.status == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    plain = team.url.replace("https://", "http://")
    with pytest.raises(OSError):  # no unencrypted way in
        urllib.request.urlopen(f"{plain}/_stcore/health", timeout=5).read()


def test_a_killed_app_server_loses_no_mark(page: Page, team: Team) -> None:
    from tests.e2e.conftest import sign_in

    _ready(team, 1)
    sign_in(page, "pat")
    _open_workspace(page)
    known = {e["id"] for e in _events(team)}
    page.locator(".tl").focus()
    page.evaluate("() => window.__attuneTimeline.__api.seekMs(20000)")
    page.wait_for_timeout(300)
    for key in "123":
        page.keyboard.press(key)
        page.keyboard.press(".")
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0")
    assert _new_marks(team, known) == [("C01", 20000), ("C02", 20040), ("C03", 20080)]

    on = team.server_of(page.context.cookies())
    team.kill_app(on)  # the server holding this browser's session and WebSocket
    for key in "45":  # coding goes on while the browser has no server
        page.keyboard.press(key)
        page.keyboard.press(".")
    assert _outbox(page) > 0 or len(_new_marks(team, known)) == 5
    deadline = time.monotonic() + 90
    while len(_new_marks(team, known)) < 5:
        assert time.monotonic() < deadline, \
            f"the outbox was not replayed: {_new_marks(team, known)}"
        time.sleep(0.5)
    moved = team.server_of(page.context.cookies())
    assert moved != on
    shot(page, "team-after-failover")
    assert _new_marks(team, known) == [("C01", 20000), ("C02", 20040), ("C03", 20080),
                                       ("C04", 20120), ("C05", 20160)]
    # still signed in on the other server: a reload opens the workspace, no sign-in form
    page.reload()
    _open_workspace(page)
    assert page.get_by_text("Signed in as").count() >= 1
    codes = page.evaluate("() => window.__attuneTimeline.__s.events.map(e => e.c + '@' + e.s)")
    assert {"C04@20120", "C05@20160"} <= set(codes)


