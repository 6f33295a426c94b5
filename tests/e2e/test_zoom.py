"""Zoom and pan in the workspace (issue 17 item 6) in Debian's chromium against the real
app, on a clip of its own (the demo's sample A added again, so other tests' clips are
left alone): the practitioner zooms with the mouse wheel over the baby, drags, keeps the
framing for a moment, reloads and finds it; the stills handout then shows that crop.
Screenshots: test-artifacts/e2e/zoom-*.png and zoom-handout.png."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import Page

from .conftest import ARTIFACTS, REPO, Server, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
SAMPLE = REPO / "sample_clips" / "sample_a_gaze_and_smiles.mp4"


def _crop(page: Page) -> dict[str, float] | None:
    raw = page.evaluate("() => window.__attuneTimeline.dataset.crop")
    return json.loads(raw) if raw else None


def _open_at(page: Page, clip_id: int, ms: int) -> None:
    page.goto(f"/workspace?clip={clip_id}")
    wait_for_app(page)
    page.wait_for_selector(".tl .zoombar")
    page.wait_for_function("() => window.__attuneTimeline.querySelector('video').readyState >= 2")
    page.evaluate(f"() => window.__attuneTimeline.__api.seekMs({ms})")
    page.wait_for_function(f"() => Math.abs(window.__attuneTimeline.__api.curMs() - {ms}) < 80")


def test_a_framing_kept_for_a_moment_comes_back_and_reaches_the_handout(
        page: Page, server: Server) -> None:
    out = server.attune("clip", "add", "DEMO-01", str(SAMPLE), "--json", "--as", "pat")
    clip_id = int(json.loads(out)["id"])
    moment = json.loads(server.attune("reel", "moment", str(clip_id), "1000", "4000",
                                      "--caption", "You looked at each other.", "--json",
                                      "--as", "pat"))
    sign_in(page, "pat")
    _open_at(page, clip_id, 2000)
    assert _crop(page) is None  # the whole picture
    box = page.locator(".tl .player").bounding_box()
    assert box is not None
    # the baby sits left of the middle: zoom there with the wheel, then drag a little
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
    for _ in range(4):
        page.mouse.wheel(0, -120)
        time.sleep(0.05)
    zoomed = _crop(page)
    assert zoomed is not None and zoomed["w"] < 0.5 and zoomed["w"] == zoomed["h"]
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3 + 20, box["y"] + box["height"] * 0.45,
                    steps=4)
    page.mouse.up()
    framed = _crop(page)
    assert framed is not None and framed["x"] < zoomed["x"]  # dragged right: more of the left
    shot(page, "zoom-framed")
    page.get_by_role("button", name="Keep for this moment").click()
    page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0")
    assert "kept for this moment" in page.locator(".tl .z-say").inner_text()

    # outside the moment: the whole picture; back in it: the kept framing
    page.evaluate("() => window.__attuneTimeline.__api.seekMs(6000)")
    page.wait_for_function("() => !window.__attuneTimeline.dataset.crop"
                           " || window.__attuneTimeline.dataset.crop === 'null'")
    page.reload()
    _open_at(page, clip_id, 2500)
    page.wait_for_function("() => window.__attuneTimeline.dataset.crop"
                           " && window.__attuneTimeline.dataset.crop !== 'null'")
    again = _crop(page)
    assert again is not None
    assert all(abs(again[k] - framed[k]) < 1e-4 for k in ("x", "y", "w", "h"))
    shot(page, "zoom-reloaded")

    reel = json.loads(server.attune("reel", "create", "DEMO-01", "--moments",
                                    str(moment["id"]), "--json", "--as", "pat"))
    pdf = ARTIFACTS / "zoom-handout.pdf"
    server.attune("reel", "handout", str(reel["id"]), "--out", str(pdf), "--as", "pat")
    assert pdf.exists()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf),
                        str(ARTIFACTS / "zoom-handout")], check=True, timeout=60)
