"""Suggested marks in Debian's chromium against the real app and worker: a clip of its
own family (so no other browser test sees it) is queued; the worker ingests it and then
analyses its sound (the detect job after the ingest); the practitioner goes through the
Suggested lane with the keyboard: ↓ to the first, Enter accepts, Backspace rejects, a code
key accepts as that code. The decisions go through the outbox; the events and the stored
decisions are checked with the CLI. Screenshots: test-artifacts/e2e/suggestions-*.png."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from playwright.sync_api import Page

from .conftest import REPO, Server, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FAMILY = "FAM-SUGGEST"


def _clip_with_suggestions(server: Server) -> int:
    server.attune("family", "add", FAMILY, "--baby", "Ada", "--as", "pat")
    server.attune("consent", "record", FAMILY, "shared_review", "--evidence", "signed form",
                  "--as", "pat")
    added = json.loads(server.attune("clip", "add", FAMILY,
                                     str(REPO / "sample_clips" / "sample_b_turns.mp4"),
                                     "--queue", "--json", "--as", "pat"))
    clip_id = int(added["clip"]["id"])
    deadline = time.monotonic() + 180
    while True:  # the worker ingests it, then listens to it
        found = json.loads(server.attune("suggestions", "list", str(clip_id), "--json",
                                         "--as", "pat"))
        if found:
            return clip_id
        if time.monotonic() > deadline:
            raise AssertionError("the worker made no suggestions in 3 minutes")
        time.sleep(1)


def _state(page: Page) -> dict[str, Any]:
    return page.evaluate("""() => { const tl = window.__attuneTimeline, s = tl.__s;
        return {pending: tl.__api.pendingSuggestions().map(x => ({id: x.id, k: x.k, c: x.c,
                  s: x.s})), selected: s.sugSel, outbox: s.outbox.length,
                lanes: (s.data.lanes || []).map(l => l.kind),
                events: s.events.map(e => ({c: e.c, s: e.s, o: e.o}))}; }""")


def test_accept_and_reject_suggestions_by_keystroke(page: Page, server: Server) -> None:
    clip_id = _clip_with_suggestions(server)
    sign_in(page, "pat")
    page.goto(f"/workspace?clip={clip_id}")
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    state = _state(page)
    assert "suggested" in state["lanes"]
    waiting = state["pending"]
    assert len(waiting) >= 4 and state["events"] == []
    shot(page, "suggestions-01-lane")

    page.locator(".tl").focus()
    page.keyboard.press("ArrowDown")  # the first suggestion, played from 1 s before it
    assert _state(page)["selected"] == waiting[0]["id"]
    page.keyboard.press("Escape")
    page.evaluate("() => window.__attuneTimeline.querySelector('video').pause()")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    page.evaluate("() => window.__attuneTimeline.querySelector('video').pause()")
    shot(page, "suggestions-02-selected")
    first, second, third = waiting[0], waiting[1], waiting[2]
    page.keyboard.press("Enter")      # accept the first under its code
    assert _state(page)["selected"] == second["id"]  # the next one is up
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0",
                           timeout=15_000)
    # the panel describes the suggestion now selected, also after the answer came back
    assert "Suggested" in page.locator(".tl .selbox").inner_text()
    page.keyboard.press("Backspace")  # reject the second
    other = "2" if third["k"] == "cue" else "f"  # C02 smiles / R04 returns the smile
    other_code = "C02" if third["k"] == "cue" else "R04"
    page.keyboard.press(other)        # accept the third as another code
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0",
                           timeout=15_000)
    state = _state(page)
    assert {x["id"] for x in state["pending"]}.isdisjoint(
        {first["id"], second["id"], third["id"]})
    shot(page, "suggestions-03-decided")

    events = json.loads(server.attune("events", "list", str(clip_id), "--json", "--as", "pat"))
    assert sorted((e["code"], e["start_ms"], e["coder"]) for e in events) == sorted(
        [(first["c"], first["s"], "pat"), (other_code, third["s"], "pat")])
    decided = {s["id"]: s for s in json.loads(server.attune(
        "suggestions", "list", str(clip_id), "--all", "--json", "--as", "pat"))}
    assert decided[first["id"]]["status"] == "accepted"
    assert decided[second["id"]]["status"] == "rejected"
    assert decided[third["id"]]["status"] == "accepted"
    assert decided[first["id"]]["decided_by"] == "pat"

    # after a reload the lane shows only what still waits, the marks are pat's events
    page.reload()
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => window.__attuneTimeline.__s.events.length === 2")
    state = _state(page)
    assert [x["id"] for x in state["pending"]] == [x["id"] for x in waiting[3:]]
    shot(page, "suggestions-04-after-reload")
