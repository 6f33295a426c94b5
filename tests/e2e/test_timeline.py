"""The timeline workspace in Debian's chromium against the real app: a practitioner codes
three cues and three responses with the keyboard (two of the keys are Streamlit hot keys,
which must not fire), reloads and finds all six, drags an edge, undoes it; a supervisor
sees the same clip read-only with two coders side by side. Marks are saved through
``POST /api/outbox``; when that route cannot be reached they go through a Streamlit
rerun; a server killed while marks were on their way loses none and doubles none.
Screenshots: test-artifacts/e2e/timeline-*.png."""

from __future__ import annotations

import signal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from .conftest import (
    Server,
    ensure_ready,
    free_port,
    shot,
    sign_in,
    start_app,
    wait_for_app,
    wait_for_server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
CLIP = 3  # the demo's sample_c_fuss_and_soothe (25 fps, 35 s), already coded by pat

# (keys pressed, what they mark); the clip starts at frame 0, 25 fps = 40 ms a frame
CODING: list[tuple[list[str], tuple[str, int, int] | None]] = [
    (["Shift+ArrowRight"], None),                   # 5.000 s
    (["2"], None),                                  # C02 smiles, at 5000 ...
    ([".", ".", ".", ".", "."], None),              # ... 5 frames on ...
    (["2"], ("C02", 5000, 5200)),                   # ... pressed again: an interval
    ([".", ".", "."], None),
    (["f"], ("R04", 5320, 5320)),                   # returns the smile, 320 ms after
    (["Shift+ArrowRight"], None),                   # 10.320 s
    (["r"], ("C14", 10320, 10320)),                 # halt hand: "r" is Streamlit's rerun key
    (["ArrowRight"], None),
    (["z"], ("R10", 11320, 11320)),                 # gives a break, 1 s after: prompt
    (["Shift+ArrowRight"], None),                   # 16.320 s
    (["3"], ("C03", 16320, 16320)),                 # vocalises
    (["ArrowRight", ",", ",", ","], None),          # 1 s on, 3 frames back: 17.200
    (["c"], ("R12", 17200, 17200)),                 # "c" is Streamlit's clear-cache key
]
MARKED = [m for _, m in CODING if m]


def _ensure_ready(server: Server, clip_id: int = CLIP) -> None:
    ensure_ready(server, clip_id)


def _open(page: Page) -> None:
    page.goto(f"/workspace?clip={CLIP}")
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => window.__attuneTimeline && "
                           "window.__attuneTimeline.querySelector('video').readyState >= 1")


def _state(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => { const s = window.__attuneTimeline.__s;
        return {outbox: s.outbox.length, status: window.__attuneTimeline
                  .querySelector('.status').textContent,
                events: s.events.map(e => ({c: e.c, s: e.s, e: e.e, o: e.o, id: e.id,
                  pending: !!e.pending, lat: e.lat, band: e.band, a: e.a}))}; }""")


def _saved(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0",
                           timeout=15_000)
    return _state(page)


def _find(events: list[dict[str, Any]], code: str, start_ms: int) -> dict[str, Any]:
    found = [e for e in events if e["c"] == code and e["s"] == start_ms and e["o"] == "pat"]
    assert len(found) == 1, (code, start_ms, found)
    return found[0]


def test_keyboard_coding_survives_a_reload_and_undo(page: Page, server: Server) -> None:
    _ensure_ready(server)
    sign_in(page, "pat")
    _open(page)
    shot(page, "timeline-01-opened")
    before = len(_state(page)["events"])

    # the <video> must survive the reruns that every mark causes
    page.evaluate("() => { window.__attuneTimeline.querySelector('video').__probe = 1; }")
    page.locator(".tl").focus()
    for keys, _ in CODING:
        for key in keys:
            page.keyboard.press(key)
            page.wait_for_timeout(60)
    # Streamlit's hot keys did not fire: no "Clear caches" dialog
    expect(page.get_by_text("Clear caches")).to_have_count(0)
    state = _saved(page)
    assert state["status"] == "All changes saved."
    assert len(state["events"]) == before + 6
    assert page.evaluate("() => window.__attuneTimeline.querySelector('video').__probe") == 1
    shot(page, "timeline-02-coded")

    page.reload()
    _open(page)
    events = _state(page)["events"]
    for code, start_ms, end_ms in MARKED:
        e = _find(events, code, start_ms)
        assert e["e"] == end_ms and not e["pending"]
    cue = _find(events, "C02", 5000)
    response = _find(events, "R04", 5320)
    assert (response["a"], response["lat"], response["band"]) == (cue["id"], 320, "immediate")
    assert _find(events, "R10", 11320)["band"] == "prompt"
    shot(page, "timeline-03-after-reload")

    # drag the end edge of the C02 interval two frames to the right (zoomed in first)
    page.locator(".tl").focus()
    page.keyboard.press("Home")
    for _ in range(6):
        page.keyboard.press("+")
    geo = page.evaluate("""() => { const tl = window.__attuneTimeline, a = tl.__api;
        a.state.view.startMs = 4800; a.draw();
        const r = tl.querySelector('canvas').getBoundingClientRect();
        const lane = a.state.data.lanes.findIndex(l => l.kind === 'cue');
        return {x: r.left + a.xOf(5200) - 1, y: r.top + a.lanesTop + lane * a.LANE_H + a.LANE_H / 2,
                px: a.xOf(5280) - a.xOf(5200)}; }""")
    page.mouse.move(geo["x"], geo["y"])
    page.mouse.down()
    page.mouse.move(geo["x"] + geo["px"] / 2, geo["y"], steps=3)
    page.mouse.move(geo["x"] + geo["px"], geo["y"], steps=3)
    page.mouse.up()
    moved = _find(_saved(page)["events"], "C02", 5000)
    assert moved["e"] == 5280, moved
    shot(page, "timeline-04-dragged")

    page.keyboard.press("Control+z")
    page.wait_for_function("""() => window.__attuneTimeline.__s.outbox.length === 0 &&
        window.__attuneTimeline.__s.events.some(
            e => e.c === 'C02' && e.s === 5000 && e.e === 5200)""")
    shot(page, "timeline-05-undone")

    # select the response with Tab, recode it with a key, add a note with Enter
    page.keyboard.press("Escape")
    page.evaluate("() => window.__attuneTimeline.__api.seekMs(5300)")
    page.wait_for_timeout(200)
    page.keyboard.press("Tab")                     # the next mark after 5.300 s: R04
    expect(page.locator(".tl .selbox b")).to_have_text("R04 ")
    page.keyboard.press("g")                       # while selected: recode to R05
    page.keyboard.press("Enter")
    page.keyboard.type("mirrors the smile")
    page.keyboard.press("Enter")
    response = _find(_saved(page)["events"], "R05", 5320)
    shot(page, "timeline-06-recoded-with-note")
    assert page.evaluate(f"() => window.__attuneTimeline.__s.events.find("
                         f"e => e.id === {response['id']}).n") == "mirrors the smile"

    # a change the browser kept but the server never acknowledged (say, the connection
    # dropped) is sent again after a reload, and stored once
    page.evaluate("""() => localStorage.setItem(window.__attuneTimeline.__s.storeKey,
        JSON.stringify([{cid: 'e2e-unsent-1', page: 'old', seq: 1, op: 'create',
                         code: 'C05', start_ms: 20000, end_ms: 20000, t: Date.now()}]))""")
    page.reload()
    _open(page)
    events = _saved(page)["events"]
    _find(events, "C05", 20000)
    assert _find(events, "C02", 5000)["e"] == 5200
    assert page.evaluate("() => localStorage.getItem(window.__attuneTimeline.__s.storeKey)") \
        is None
    shot(page, "timeline-07-after-replay")

    # undo still works after the reload (the server keeps the stack by browser tab)
    page.locator(".tl").focus()
    page.keyboard.press("Control+z")               # the replayed C05
    page.keyboard.press("Control+z")               # the note
    page.wait_for_function("""() => window.__attuneTimeline.__s.outbox.length === 0 &&
        !window.__attuneTimeline.__s.events.some(e => e.c === 'C05' && e.s === 20000)""")
    page.wait_for_function(f"""() => window.__attuneTimeline.__s.events.find(
        e => e.id === {response['id']}).n === undefined""")
    assert _find(_state(page)["events"], "R05", 5320)["id"] == response["id"]


def test_holding_a_key_while_playing_marks_an_interval(page: Page, server: Server) -> None:
    _ensure_ready(server)
    sign_in(page, "pat")
    _open(page)
    page.locator(".tl").focus()
    page.evaluate("() => window.__attuneTimeline.__api.seekMs(25000)")
    page.keyboard.press("Space")                   # play
    page.wait_for_function("() => !window.__attuneTimeline.querySelector('video').paused")
    page.wait_for_timeout(300)
    page.keyboard.down("7")                        # C07, brows lift, held ...
    page.wait_for_timeout(900)
    page.keyboard.up("7")                          # ... for 0.9 s
    page.keyboard.press("Space")                   # pause
    events = _saved(page)["events"]
    held = [e for e in events if e["c"] == "C07" and e["s"] >= 25000 and e["o"] == "pat"]
    assert len(held) == 1, held
    assert 600 <= held[0]["e"] - held[0]["s"] <= 1600, held[0]
    assert held[0]["s"] % 40 == 0 and held[0]["e"] % 40 == 0  # on frame boundaries (25 fps)
    shot(page, "timeline-08-held-interval")


def test_supervisor_sees_two_coders_read_only(page: Page, server: Server) -> None:
    _ensure_ready(server, 1)
    sign_in(page, "sue")
    page.goto("/workspace?clip=1")  # clip A: coded by pat and by sam
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    lanes = page.evaluate("() => window.__attuneTimeline.__s.data.lanes.map(l => l.title)")
    assert "Infant cues · pat" in lanes and "Infant cues · sam" in lanes
    expect(page.locator(".tl .ro-badge")).to_have_text("read-only")
    count = len(_state(page)["events"])
    page.locator(".tl").focus()
    page.keyboard.press("1")
    page.keyboard.press("Delete")
    page.wait_for_timeout(500)
    state = _state(page)
    assert state["outbox"] == 0 and len(state["events"]) == count
    shot(page, "timeline-09-supervisor")


def test_a_conflicting_edit_is_shown_not_overwritten(page: Page, server: Server) -> None:
    """The same coder in two browsers: the second one's stale change is refused, said so,
    and its view shows the first one's version."""
    _ensure_ready(server)
    sign_in(page, "pat")
    _open(page)
    other = page.context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1366, "height": 768}, base_url=server.url)
    there = other.new_page()
    try:
        sign_in(there, "pat")
        _open(there)
        # both show the demo's C13 (turns well away); here it is moved by 5 frames
        c13 = next(e for e in _state(page)["events"] if e["c"] == "C13" and e["o"] == "pat")
        for tab, delta_ms in ((page, 200), (there, -200)):  # as a drag by 5 frames does
            tab.evaluate(f"""() => {{ const a = window.__attuneTimeline.__api;
                const e = a.state.events.find(x => x.id === {c13['id']});
                a.select(e, false);
                a.post({{op: "move", id: e.id, version: e.v, start_ms: e.s + {delta_ms},
                         end_ms: e.e + {delta_ms}}}); }}""")
            _saved(tab)
        expect(there.locator(".tl .banner")).to_contain_text("changed by someone else")
        theirs = next(e for e in _state(there)["events"] if e["id"] == c13["id"])
        assert theirs["s"] == c13["s"] + 200  # the first change, reloaded, not overwritten
        shot(there, "timeline-10-conflict")
    finally:
        other.close()


def test_fast_typing_loses_no_mark_and_doubles_none(page: Page, server: Server) -> None:
    """Twenty marks typed 15 ms apart (reruns overlap and are cut short): each is stored
    exactly once."""
    _ensure_ready(server)
    sign_in(page, "pat")
    _open(page)
    page.locator(".tl").focus()
    page.evaluate("() => window.__attuneTimeline.__api.seekMs(30000)")
    page.wait_for_timeout(300)
    known = {e["id"] for e in _state(page)["events"]}
    saved_by_route: list[Request] = []
    page.on("requestfinished",
            lambda r: saved_by_route.append(r) if "/api/outbox" in r.url else None)
    for i in range(20):
        page.keyboard.press("12345"[i % 5], delay=5)
        page.keyboard.press(".", delay=5)
    events = _saved(page)["events"]
    fast = sorted((e["s"], e["c"]) for e in events if e["id"] not in known)
    assert fast == [(30000 + 40 * i, f"C0{i % 5 + 1}") for i in range(20)]
    # through the route, one request at a time (those typed meanwhile go in the next)
    assert saved_by_route and all(r.method == "POST" for r in saved_by_route)
    assert all(r.response().status == 200 for r in saved_by_route)  # type: ignore[union-attr]

    # the route cannot be reached (a proxy in front refuses it, say): the marks go
    # through a Streamlit rerun instead, still once each
    page.route("**/api/outbox**", lambda route: route.abort())
    page.locator(".tl").focus()
    for key in ("6", ".", "7"):
        page.keyboard.press(key)
    events = _saved(page)["events"]
    fast += [(30800, "C06"), (30840, "C07")]
    assert sorted((e["s"], e["c"]) for e in events if e["id"] not in known) == fast
    page.unroute("**/api/outbox**")
    page.reload()
    _open(page)
    again = sorted((e["s"], e["c"]) for e in _state(page)["events"] if e["id"] not in known)
    assert again == fast


def test_a_killed_server_loses_no_mark_and_doubles_none(browser: Browser,
                                                        server: Server) -> None:
    """An app server of its own on the same data: one mark is stored but its answer never
    comes back, a second one waits behind it; the server is killed (SIGKILL). Started
    again, the reloaded page replays its saved outbox: both marks, once each."""
    _ensure_ready(server)
    port, log = free_port(), server.data_dir / "app-killed.log"
    url = f"http://127.0.0.1:{port}"
    app = start_app(server.env, port, log)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=url)
    try:
        wait_for_server(f"{url}/_stcore/health", app, log, 60)
        page = context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, "pat")
        _open(page)
        known = {e["id"] for e in _state(page)["events"]}
        held: list[Route] = []

        def store_but_lose_the_answer(route: Route) -> None:
            route.fetch()  # the server stores the mark ...
            held.append(route)  # ... and its answer is never delivered

        page.route("**/api/outbox**", store_but_lose_the_answer)
        page.locator(".tl").focus()
        page.evaluate("() => window.__attuneTimeline.__api.seekMs(32000)")
        page.wait_for_timeout(200)
        page.keyboard.press("8")                    # C08 at 32.000 s: stored, unanswered
        page.wait_for_function("() => window.__attuneTimeline.__s.inFlight === true")
        page.keyboard.press("Escape")
        page.keyboard.press(".")
        page.keyboard.press("9")                    # C09 at 32.040 s: waits behind it
        page.wait_for_timeout(300)
        assert len(held) == 1 and _state(page)["outbox"] == 2
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=15)
        for route in held:
            route.abort()
        page.unroute("**/api/outbox**")

        app = start_app(server.env, port, log)     # the same address: the same browser store
        wait_for_server(f"{url}/_stcore/health", app, log, 60)
        page.reload()
        _open(page)                                 # still signed in (the cookie)
        events = _saved(page)["events"]
        new = sorted((e["c"], e["s"]) for e in events if e["id"] not in known)
        assert new == [("C08", 32000), ("C09", 32040)]
        assert page.evaluate("() => localStorage.getItem(window.__attuneTimeline.__s"
                             ".storeKey)") is None
        shot(page, "timeline-11-after-a-killed-server")
    finally:
        context.close()
        app.terminate()
        try:
            app.wait(timeout=15)
        except Exception:
            app.kill()
