"""A supervisor's audit in Debian's chromium against the real app: sue signs in, opens
Supervision, sees the demo's double-coded clip with its flag, opens a disagreement and
lands on the workspace at that moment with pat's and sam's lanes side by side; then the
Tallies page. Screenshots: test-artifacts/e2e/supervision-*.png."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, ensure_ready, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
CLIP = 1  # the demo's double-coded clip (pat primary, sam second, both done)


def _ensure_ready(server: Server, clip_id: int = CLIP) -> None:
    ensure_ready(server, clip_id)


def test_supervisor_finds_a_disagreement_in_the_video(page: Page, server: Server) -> None:
    for clip_id in (1, 2, 3):  # all three sessions, for the progress charts
        _ensure_ready(server, clip_id)
    sign_in(page, "sue")
    page.get_by_role("link", name="Supervision").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Supervision")).to_be_visible()
    pair = page.get_by_text(re.compile(rf"Clip {CLIP} · pat and sam"))
    expect(pair).to_be_visible()
    # the flag is shown as a coloured badge next to the pair
    flag = page.locator("[data-testid='stMarkdownContainer']", has=pair).locator(
        "span", has_text=re.compile("^(green|amber|red)$"))
    expect(flag.first).to_be_visible()
    expect(page.get_by_text("it is a sampling step, not a tolerance")).to_be_visible()
    expect(page.locator("[data-testid='stMetricValue']").first).to_be_visible()
    wait_for_app(page)
    shot(page, "supervision-01-agreement")

    page.get_by_role("tab", name="Disagreements").click()
    link = page.get_by_role("link", name=re.compile(rf"^Clip {CLIP} at \d+:\d\d\.\d$")).first
    expect(link).to_be_visible()
    shot(page, "supervision-02-disagreements")
    query = parse_qs(urlparse(link.get_attribute("href") or "").query)
    assert query["clip"] == [str(CLIP)] and query["coders"] == ["pat,sam"]
    at_ms = int(query["t"][0])

    link.click()
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => window.__attuneTimeline && "
                           "window.__attuneTimeline.querySelector('video').readyState >= 1")
    # the player stands at the disagreement (within a frame) ...
    page.wait_for_function(f"() => Math.abs(window.__attuneTimeline.__api.curMs() - {at_ms})"
                           " <= 40", timeout=15_000)
    # ... with both coders' lanes side by side, read-only
    lanes = page.evaluate("() => window.__attuneTimeline.__s.data.lanes.map(l => l.title)")
    assert "Infant cues · pat" in lanes and "Infant cues · sam" in lanes
    assert page.evaluate("() => window.__attuneTimeline.__s.data.read_only") is True
    coders = page.evaluate("() => [...new Set(window.__attuneTimeline.__s.events"
                           ".map(e => e.o))].sort()")
    assert coders == ["pat", "sam"]
    clock = page.locator(".tl .clock").inner_text()
    assert clock.startswith(f"0:{at_ms // 1000:02d}.")
    time.sleep(0.5)  # let the filmstrip and the zoomed lanes paint
    shot(page, "supervision-03-workspace-at-disagreement")

    page.get_by_role("link", name="Tallies").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="What the parent hears")).to_be_visible()
    expect(page.get_by_text("Practitioner-only").first).to_be_visible()
    shot(page, "supervision-04-tallies")
    page.get_by_role("heading", name=re.compile("across sessions")).scroll_into_view_if_needed()
    # progress charts, and responsiveness beyond chance over visits
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(4)
    time.sleep(0.5)
    shot(page, "supervision-04b-progress")

    # a parent joins: the practitioner-only figures go, the parent's words stay
    page.get_by_text("A parent is watching").click()
    wait_for_app(page)
    expect(page.get_by_text("Practitioner-only")).to_have_count(0)
    expect(page.get_by_text("Moments you noticed and answered").first).to_be_visible()
    expect(page.get_by_text("Cues seen")).to_have_count(0)
    expect(page.get_by_role("heading", name="What the parent hears")).to_be_visible()
    page.get_by_role("heading", name="What the parent hears").scroll_into_view_if_needed()
    shot(page, "supervision-05-tallies-parent-safe")
