"""Modifiers and search in Debian's chromium against the real app (issue 17 items 3-4): a
practitioner codes a fuss with how strongly and who started, and a soothing touch, all by
keys after the code keys; the marks show them; the Search page finds the touch and its
link opens the timeline at that moment. Its own family and clip (FAM-MOD), so no other
browser test's coding is disturbed. Screenshots: test-artifacts/e2e/modsearch-*.png."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, Server, ensure_ready, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FAMILY = "FAM-MOD"
VIDEO: Path = REPO / "sample_clips" / "sample_c_fuss_and_soothe.mp4"


def _clip(server: Server) -> int:
    """FAM-MOD's clip, added through the command line."""
    server.attune("family", "add", FAMILY, "--baby", "Ada", "--as", "pat")
    server.attune("consent", "record", FAMILY, "shared_review", "supervision",
                  "--evidence", "signed form", "--as", "pat")
    added = json.loads(server.attune("clip", "add", FAMILY, str(VIDEO), "--queue", "--json",
                                     "--as", "pat"))
    return int(added.get("clip", added)["id"])


def _events(page: Page) -> list[dict[str, object]]:
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0",
                           timeout=15_000)
    return page.evaluate("""() => window.__attuneTimeline.__s.events.filter(e => e.o === 'pat')
        .map(e => ({c: e.c, s: e.s, m: e.m || [], pending: !!e.pending}))""")


def test_code_with_modifiers_then_find_by_search(page: Page, server: Server) -> None:
    clip = _clip(server)
    ensure_ready(server, clip)
    sign_in(page, "pat")
    page.goto(f"/workspace?clip={clip}")
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => window.__attuneTimeline.querySelector('video')"
                           ".readyState >= 1")
    page.locator(".tl").focus()
    for key in ["Shift+ArrowRight", "t"]:              # 5 s: C15 fusses
        page.keyboard.press(key)
        page.wait_for_timeout(80)
    expect(page.locator(".tl .modbar")).to_contain_text("how strongly")
    shot(page, "modsearch-01-modifier-keys-shown")
    for key in ["3", "b",                              # strongly; the baby started
                "ArrowRight", "x",                     # 6 s: R11 soothes ...
                "t"]:                                  # ... by touch
        page.keyboard.press(key)
        page.wait_for_timeout(80)
    marks = {e["c"]: e for e in _events(page)}
    assert marks["C15"]["m"] == ["intensity=3", "initiated=baby"], marks
    assert marks["R11"]["m"] == ["modality=touch"], marks
    assert "C14" not in marks and "R12" not in marks  # "t" and "b" chose, not coded
    page.keyboard.press("Tab")                         # select the next mark: R11
    expect(page.locator(".tl .selbox")).to_contain_text("R11")
    expect(page.locator(".tl .selbox select.modsel").first).to_have_value("touch")
    shot(page, "modsearch-02-marks-with-modifiers")

    page.reload()                                      # stored, not only in the browser
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    assert {e["c"]: e["m"] for e in _events(page)}["R11"] == ["modality=touch"]

    # the Search page: this family's parent responses made by touch
    page.goto(f"/search?family={FAMILY}")
    wait_for_app(page)
    expect(page.get_by_text("moment(s) in 1 clip(s)")).to_be_visible()
    page.get_by_label("Kind").click()                  # a selectbox: open, choose
    page.get_by_role("option", name="Parent responses").click()
    mods = page.get_by_label("Modifiers")
    mods.click()
    page.get_by_role("option", name="how: touch").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Search").click()
    wait_for_app(page)
    expect(page.get_by_text("1 moment(s) in 1 clip(s)")).to_be_visible()
    expect(page.get_by_test_id("stTabs").locator("em", has_text="how: touch")).to_be_visible()
    expect(page.get_by_text("answered, prompt (1.0 s)")).to_be_visible()
    shot(page, "modsearch-03-search-found")
    page.get_by_role("tab", name="Playlist", exact=True).click()
    expect(page.locator(".attune-playlist .now")).to_contain_text("R11")
    shot(page, "modsearch-04-playlist")
    page.get_by_role("tab", name="List", exact=True).click()

    # its link opens the timeline at that moment
    page.get_by_role("link", name=f"{FAMILY} ·").first.click()
    wait_for_app(page)
    page.wait_for_selector(".tl canvas")
    page.wait_for_function("() => Math.abs(window.__attuneTimeline.__api.curMs() - 6000) < 50",
                           timeout=20_000)
    assert "clip=" in page.url and "t=6000" in page.url
    shot(page, "modsearch-05-opened-at-the-moment")
