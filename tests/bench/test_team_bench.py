"""bench/team.py's client speaks the timeline's outbox protocol to the real route: its
marks are stored and acknowledged once, a resent outbox (an answer lost, then another
server) says ``replay`` and stores nothing twice, and it reads Caddy's sticky cookie as
Caddy makes it. (The bench's figures are measured by running it, not here.)"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from attune.core.clip import ClipStatus
from attune.services import Context
from attune.services.events import list_events
from attune.services.tokens import SESSIONS, session_token
from attune.ui import outbox as outbox_module
from attune.ui.outbox import Workspaces, outbox_url
from attune.ui.routes import SESSION_COOKIE, build_routes
from tests.factories import make_clip, make_family, make_user

BENCH = Path(__file__).resolve().parents[2] / "bench" / "team.py"
ORIGIN = "http://127.0.0.1:8501"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("team_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def route(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    pat = make_user(ctx, "pat")
    clip = make_clip(ctx, pat, make_family(ctx, pat, "FAM-A"))
    with ctx.db.transaction("system") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=10_000,
                          media={"proxy_fps": "25/1", "proxy_frame_count": 250,
                                 "proxy_duration_ms": 10_000})
    sid = SESSIONS.start(ctx, pat.id)
    monkeypatch.setattr(outbox_module, "WORKSPACES", Workspaces())
    with TestClient(Starlette(routes=build_routes(lambda: ctx)), base_url=ORIGIN) as client:
        client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, pat.id, sid))
        yield {"client": client, "url": outbox_url(ctx, pat, clip.id, sid), "pat": pat,
               "clip": clip.id}


def _post(route: dict[str, Any], body: bytes) -> Any:
    response = route["client"].post(route["url"], content=body, headers={
        "Origin": ORIGIN, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def test_marks_are_acknowledged_once_and_a_replay_after_a_restart_stores_nothing_twice(
        ctx: Context, route: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _bench()
    box = bench.Outbox()
    for i in range(3):
        box.place("C01", 1000 + 40 * i, at=0.0)
    box.take_answer(_post(route, box.body()), now=0.25)
    assert box.items == [] and len(box.stored) == 3 and box.latencies == [0.25] * 3
    assert box.have is not None and box.have["rev"] >= 3

    box.place("C02", 2000, at=1.0)
    _post(route, box.body())  # stored, but its answer never arrives (the server died)
    assert box.items[0]["replay"] is True
    monkeypatch.setattr(outbox_module, "WORKSPACES", Workspaces())  # the other server
    box.take_answer(_post(route, box.body()), now=1.5)
    assert box.items == [] and box.latencies[-1] == 0.5
    stored = list_events(ctx, route["pat"], route["clip"], coder="pat")
    assert sorted((e.code, e.start_ms) for e in stored) == [
        ("C01", 1000), ("C01", 1040), ("C01", 1080), ("C02", 2000)]
    assert set(box.stored.values()) == {e.id for e in stored}


def test_a_refused_mark_is_counted_not_stored(route: dict[str, Any]) -> None:
    box = _bench().Outbox()
    box.place("NO-SUCH-CODE", 1000, at=0.0)
    box.take_answer(_post(route, box.body()), now=0.1)
    assert box.items == [] and box.stored == {} and sum(box.refused.values()) == 1


def test_each_mark_of_a_practitioner_is_at_its_own_code_and_time() -> None:
    bench = _bench()
    p = bench.Practitioner("p", None, "F", 1, "s", "/api/outbox", None, ["C01", "C02"], 400)
    assert p.capacity == 18
    marks = [p.next_mark() for _ in range(18)]
    assert len(set(marks)) == 18
    assert all(0 <= ms < 400 for _, ms in marks)
    with pytest.raises(SystemExit):  # no 19th mark at a code and time already marked
        p.next_mark()


def test_the_sticky_cookie_names_the_server_caddy_chose() -> None:
    bench = _bench()
    value = hmac.new(b"s3cret", b"127.0.0.1:8602", hashlib.sha256).hexdigest()
    assert bench.server_of(value, "s3cret", [8601, 8602]) == 8602
    assert bench.server_of(value, "other", [8601, 8602]) is None
    assert bench.server_of(None, "s3cret", [8601, 8602]) is None
