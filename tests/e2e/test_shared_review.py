"""The shared review in Debian's chromium against the real app and worker: pat makes a
reel from the demo's proposals, renders it, and starts the shared review; the reel plays,
"Watch again" seeks to moment 2, session mode stays until pat's password is typed; then
the demo parent signs in and sees only their own film. Screenshots:
test-artifacts/e2e/review-*.png."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from attune.config import Settings
from attune.services import Context
from attune.services.reels import reel_moment_starts

from .conftest import Server, ensure_ready, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FAMILY = "DEMO-01"
VIDEO = "video[data-testid='attune-reel']"


def _video(page: Page, what: str) -> float:
    return float(page.locator(VIDEO).first.evaluate(f"v => v.{what}"))


def _until(page: Page, js: str, timeout_s: float = 30) -> None:
    """Poll ``js`` (a function of the video element; locators pierce the component's
    shadow root, document.querySelector does not) until it is true."""
    deadline = time.monotonic() + timeout_s
    while not page.locator(VIDEO).first.evaluate(js):
        if time.monotonic() > deadline:
            raise AssertionError(f"the reel never satisfied {js}")
        time.sleep(0.2)


def _wait_playing(page: Page) -> None:
    """readyState 4 (enough data) and currentTime moving."""
    _until(page, "v => v.readyState === 4")
    before = _video(page, "currentTime")
    page.locator(VIDEO).first.evaluate("v => v.play()")
    # polled, not slept: a loaded machine may take a moment to start playing
    _until(page, f"v => v.currentTime > {before + 0.5}", 20)


def _moment_starts_ms(server: Server, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    for k, v in server.env.items():
        if k.startswith("ATTUNE_"):
            monkeypatch.setenv(k, v)
    ctx = Context.open(Settings.from_env())
    try:
        with ctx.db.transaction("test") as tx:
            pat = tx.get_user("pat")
            family = tx.get_family(FAMILY)
            reel = max(tx.reels_for_family(family.id), key=lambda r: r.id)
        return [start for _, start in reel_moment_starts(ctx, pat, reel.id)]
    finally:
        ctx.close()


def _ensure_ready(server: Server, clip_id: int = 1) -> None:
    ensure_ready(server, clip_id)


def _open_reels(page: Page) -> None:
    """The Reels page, once the worker has processed the demo's clips."""
    deadline = time.monotonic() + 90
    while True:
        page.goto(f"/reels?family={FAMILY}")
        wait_for_app(page)
        if page.get_by_role("button", name="Accept").count() >= 2:
            return
        if time.monotonic() > deadline:
            shot(page, "review-00-no-proposals")
            raise AssertionError("the demo's clips were never processed")
        time.sleep(3)


def test_shared_review(page: Page, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    _ensure_ready(server)
    sign_in(page, "pat")
    _open_reels(page)
    shot(page, "review-01-proposals")
    for _ in range(2):
        page.get_by_role("button", name="Accept").first.click()
        wait_for_app(page)
    page.get_by_role("tab", name="2 · Chosen moments (2)").click()
    expect(page.get_by_text("Moment 2", exact=False).first).to_be_visible()
    shot(page, "review-02-moments")
    page.get_by_role("tab", name="3 · Reel").click()
    page.get_by_role("button", name="Make the reel").click()
    wait_for_app(page)
    page.get_by_role("tab", name="3 · Reel").click()
    page.get_by_role("button", name="Render the reel").click()
    # the worker renders; the progress fragment reloads the page when it is done
    page.get_by_role("tab", name="3 · Reel").click()
    page.get_by_role("button", name="Start shared review").wait_for(timeout=180_000)
    wait_for_app(page)
    page.get_by_role("tab", name="3 · Reel").click()
    shot(page, "review-03-rendered")

    page.get_by_role("button", name="Start shared review").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Watch again")).to_have_count(2)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    _wait_playing(page)
    shot(page, "review-04-session-mode")

    starts = _moment_starts_ms(server, monkeypatch)
    page.get_by_role("button", name="Watch again").nth(1).click()
    _until(page, f"v => !v.paused && v.currentTime >= {starts[1] / 1000 - 0.05}"
                 f" && v.currentTime < {starts[1] / 1000 + 2.5}", 15)
    page.get_by_role("button", name="Pause on the key frame").first.click()
    wait_for_app(page)
    expect(page.get_by_text("What do you notice your baby doing here?")).to_be_visible()
    _until(page, "v => v.paused", 10)
    page.get_by_role("textbox", name="What the parent says").first.fill(
        "She looked at me and I smiled.")
    page.get_by_role("button", name="Keep their words").first.click()
    wait_for_app(page)
    expect(page.get_by_text("She looked at me and I smiled.")).to_be_visible()
    shot(page, "review-05-question-and-words")

    # a reload does not leave session mode
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Watch again")).to_have_count(2)
    # a wrong password does not leave; the right one does
    page.get_by_text("For the practitioner: finish the review").click()
    page.get_by_role("textbox", name="Your password").fill("not my password")
    page.get_by_role("button", name="Finish the review").click()
    wait_for_app(page)
    expect(page.get_by_text("stays open")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    shot(page, "review-06-wrong-password")
    page.get_by_role("textbox", name="Your password").fill("attune-demo")
    page.get_by_role("button", name="Finish the review").click()
    page.get_by_text("Signed in as").wait_for()

    # the parent, on their own account, sees only their film
    parent = page.context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1366, "height": 768}, base_url=server.url)
    try:
        pp = parent.new_page()
        pp.set_default_timeout(20_000)
        sign_in(pp, "parent")
        expect(pp.get_by_role("button", name="Watch again")).to_have_count(2)
        sidebar = pp.locator("[data-testid='stSidebar'] a")
        labels = sorted(t.split("\n")[-1] for t in sidebar.all_inner_texts())
        assert labels == ["Sign out", "Your film"]  # (the icon's name comes first)
        expect(pp.get_by_text("What the parent says")).to_have_count(0)
        _wait_playing(pp)
        shot(pp, "review-07-parent")
    finally:
        parent.close()
