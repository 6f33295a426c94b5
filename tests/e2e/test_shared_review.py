"""The shared review in Debian's chromium against the real app and worker: pat makes a
reel from the demo's proposals and renders it; the demo parent (on a 390x844 phone) sees
nothing until pat shares it, then sees it with one caption on screen (the film's picture
carries none; its caption track shows it, the one track); pat starts the
shared review: the reel plays, "Watch again" seeks to moment 2, session mode stays until
pat's password is typed, which takes pat back to the Reels page; pat edits a caption and
the parent still sees the shared version; pat stops sharing and the parent sees nothing.
The phone's paused player is compared with the shared film's own picture at the same time:
the film carries no caption in its picture (its copy to keep does), and the player shows
that picture with the track's one caption and nothing else over it.
Screenshots: test-artifacts/e2e/review-*.png."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from attune.config import Settings
from attune.media.frames import picture_at
from attune.services import Context
from attune.services.parent_view import shared_reels
from attune.services.reels import reel_file, reel_moment_starts

from .conftest import ARTIFACTS, Server, ensure_ready, shot, sign_in, wait_for_app

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


def _shared_film(server: Server, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The film the parent is shown (the shared copy) and the copy they keep (captions
    burned in; made now if the worker has not made it yet), on the server's disk."""
    for k, v in server.env.items():
        if k.startswith("ATTUNE_"):
            monkeypatch.setenv(k, v)
    ctx = Context.open(Settings.from_env())
    try:
        with ctx.db.transaction("test") as tx:
            parent = tx.get_user("parent")
        [film] = shared_reels(ctx, parent)
        return (ctx.media.reel_path(film.id, film.file_name),
                reel_file(ctx, parent, film.id, download=True))
    finally:
        ctx.close()


def _band_differences(shown: np.ndarray, film: np.ndarray) -> np.ndarray:
    """Mean absolute grey-level difference of 16 horizontal bands of two pictures of one
    size, leaving out a rim (the player's rounded corners)."""
    a, b = (cv2.cvtColor(x, cv2.COLOR_BGR2GRAY).astype(np.float32) for x in (shown, film))
    h, w = a.shape
    rim_y, rim_x = h // 12, w // 12
    diff = np.abs(a - b)[rim_y:h - rim_y, rim_x:w - rim_x]
    return np.array([band.mean() for band in np.array_split(diff, 16, axis=0)])


def _player_picture(pp: Page, name: str) -> np.ndarray:
    """The picture inside the phone's player, as shown: at the top of the element (the
    band below it holds the browser's controls), side bars cut away."""
    path = ARTIFACTS / f"{name}.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    video = pp.locator(VIDEO).first
    video.screenshot(path=str(path))
    shown = cv2.imread(str(path))
    cw, ch, vw, vh = video.evaluate(
        "v => [v.clientWidth, v.clientHeight, v.videoWidth, v.videoHeight]")
    dpr = shown.shape[1] / cw
    scale = min(cw / vw, ch / vh)
    w, h = vw * scale * dpr, vh * scale * dpr
    x0 = (shown.shape[1] - w) / 2
    assert shown.shape[0] - h >= 40 * dpr, "no room below the picture for the controls"
    return shown[:round(h), round(x0):round(x0 + w)]


def _one_caption_by_the_track(pp: Page, film: Path, kept: Path, at_ms: int) -> None:
    """Captions once: the film's own picture carries no caption (its copy with burned
    captions, the parent's to keep, does: the comparison sees it), and the paused player
    shows that picture with the track's one caption (the only track, one cue showing)
    and nothing else over it (the browser's controls lie below the picture)."""
    _until(pp, "v => v.textTracks.length === 1 && v.querySelectorAll('track').length === 1"
               " && v.textTracks[0].mode === 'showing' && v.textTracks[0].activeCues"
               " && v.textTracks[0].activeCues.length === 1")
    # the browser's menu offers no download of the film without captions in its picture
    assert pp.locator(VIDEO).first.evaluate("v => v.controlsList.contains('nodownload')")
    cue = pp.locator(VIDEO).first.evaluate("v => v.textTracks[0].activeCues[0].text")
    assert cue.strip()
    shown = _player_picture(pp, "review-02c-parent-phone-player")
    size = (shown.shape[1], shown.shape[0])
    film_picture = cv2.resize(picture_at(film, at_ms), size, interpolation=cv2.INTER_AREA)
    burned = cv2.resize(picture_at(kept, at_ms), size, interpolation=cv2.INTER_AREA)
    in_copy = _band_differences(burned, film_picture)
    assert in_copy[:8].max() < 6 and in_copy[11:].max() > 20, in_copy.round(1)
    same = _band_differences(shown, film_picture)
    # the cue is drawn over the lower part of the picture, once; above it, the film
    assert same[:9].max() < 12, f"the player shows more than the film: {same.round(1)}"
    assert same[9:].max() > 12, f"no caption on the picture: {same.round(1)}"


def _ensure_ready(server: Server, clip_id: int = 1) -> None:
    ensure_ready(server, clip_id)


def _open_reels(page: Page) -> None:
    """The Reels page, once the worker has processed the demo's clips."""
    deadline = time.monotonic() + 90
    while True:
        page.goto(f"/reels?family={FAMILY}")
        wait_for_app(page)
        # a loaded machine can look finished before the script has drawn the page: wait
        # for the proposals, or the words for "not processed yet"
        with contextlib.suppress(PlaywrightTimeout):
            page.get_by_role("button", name="Accept").or_(
                page.get_by_text("no processed clips yet", exact=False)).first.wait_for(
                timeout=30_000)
        if page.get_by_role("button", name="Accept").count() >= 2:
            return
        if time.monotonic() > deadline:
            shot(page, "review-00-no-proposals")
            raise AssertionError("the demo's clips were never processed")
        time.sleep(3)


def _parent_sees(pp: Page) -> int:
    """How many moments the parent's page lists after a reload (0: nothing shared)."""
    pp.reload()
    wait_for_app(pp)
    # a reload on a busy machine can look finished before the script has run: wait for
    # the parent's page itself (its reel, or the words for "nothing shared yet")
    pp.get_by_role("button", name="Watch again").or_(
        pp.get_by_text("Once they share it", exact=False)).first.wait_for()
    wait_for_app(pp)
    return pp.get_by_role("button", name="Watch again").count()


def test_shared_review(page: Page, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    _ensure_ready(server)
    sign_in(page, "pat")
    _open_reels(page)
    shot(page, "review-01-proposals")
    for _ in range(2):
        page.get_by_role("button", name="Accept").first.click()
        wait_for_app(page)
    page.get_by_role("tab", name="2 · Chosen moments").click()
    wait_for_app(page)
    expect(page.get_by_text("Moment 2", exact=False).first).to_be_visible()
    shot(page, "review-02-moments")
    page.get_by_role("tab", name="3 · Reel").click()
    wait_for_app(page)
    page.get_by_role("button", name="Make the reel").click()
    wait_for_app(page)
    page.get_by_role("button", name="Render the reel").click()
    # the worker renders; the progress fragment reloads the page when it is done (the
    # chosen step is kept)
    page.get_by_role("button", name="Share with the parent").wait_for(timeout=180_000)
    wait_for_app(page)
    shot(page, "review-03-rendered")

    # the parent, on their own phone: nothing until pat shares it
    phone = page.context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 390, "height": 844}, base_url=server.url, is_mobile=True,
        has_touch=True, device_scale_factor=2)
    pp = phone.new_page()
    pp.set_default_timeout(20_000)
    sign_in(pp, "parent")
    assert _parent_sees(pp) == 0
    expect(pp.get_by_text("Once they share it", exact=False)).to_be_visible()
    page.get_by_role("button", name="Share with the parent").click()
    wait_for_app(page)
    expect(page.get_by_text("they see this version", exact=False)).to_be_visible()
    assert _parent_sees(pp) == 2
    _wait_playing(pp)
    pp.locator(VIDEO).first.evaluate("v => { v.pause(); v.currentTime = 4.5; }")
    _until(pp, "v => v.paused && v.readyState >= 2 && Math.abs(v.currentTime - 4.5) < 0.1")
    pp.locator(VIDEO).first.scroll_into_view_if_needed()
    time.sleep(0.5)
    shot(pp, "review-02b-parent-phone-one-caption")
    _one_caption_by_the_track(pp, *_shared_film(server, monkeypatch), 4500)
    shared_caption = pp.locator(".attune-caption").first.inner_text()

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
    page.get_by_role("button", name="Pause to talk about it").first.click()
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
    wait_for_app(page)
    # back on pat's Reels page, not "Not allowed"
    expect(page.get_by_text("Not allowed", exact=False)).to_have_count(0)
    expect(page.get_by_role("heading", name="Reels")).to_be_visible()
    shot(page, "review-07-back-to-reels")

    # pat edits moment 1's caption: a new draft; the parent still sees the shared version
    page.get_by_role("tab", name="2 · Chosen moments").click()
    wait_for_app(page)
    caption = page.get_by_role("textbox", name="Caption (the parent reads it)").first
    caption.fill("You held her close, and she settled.")
    caption.press("Control+Enter")
    wait_for_app(page)
    expect(page.get_by_role("tab", name="2 · Chosen moments")).to_have_attribute(
        "aria-selected", "true")  # the step is kept
    page.get_by_role("tab", name="3 · Reel").click()
    wait_for_app(page)
    expect(page.get_by_text("not these changes", exact=False)).to_be_visible()
    try:
        assert _parent_sees(pp) == 2
        expect(pp.get_by_text("You held her close", exact=False)).to_have_count(0)
        assert pp.locator(".attune-caption").first.inner_text() == shared_caption
        sidebar = pp.locator("[data-testid='stSidebar'] a")
        labels = sorted(t.split("\n")[-1] for t in sidebar.all_inner_texts())
        assert labels == ["Sign out", "Your film"]  # (the icon's name comes first)
        expect(pp.get_by_text("What the parent says")).to_have_count(0)
        shot(pp, "review-08-parent-after-edit")
        # pat stops sharing: the parent sees nothing, at once
        page.get_by_role("button", name="Stop sharing").click()
        wait_for_app(page)
        assert _parent_sees(pp) == 0
        shot(pp, "review-09-parent-after-unshare")
    finally:
        phone.close()
