"""A practitioner's first visit with a new family, in Debian's chromium against the real
app: sign in (and stay signed in across a reload), add a family, record consent, upload
a real recording through the streaming uploader, wait for the ingest; then the media
route's refusals (a parent, a practitioner of another family, a forged token) and the
lockout after five wrong passwords. Screenshots: test-artifacts/e2e/flow-*.png."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from attune.services.tokens import media_token, read_session_token
from tests.paths import SAMPLE_VIDEO

from .conftest import Server, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
VIDEO = SAMPLE_VIDEO
FAMILY = "E2E-FLOW"


def _user_ids(server: Server) -> dict[str, int]:
    accounts = json.loads(server.attune("user", "list", "--json", "--as", "admin"))
    return {u["username"]: u["id"] for u in accounts}


def _sid(page: Page, server: Server) -> str:
    """The sign-in session of the page's browser (from its sign-in cookie)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "attune_session")
    return read_session_token(server.env["ATTUNE_SECRET_KEY"], cookie["value"]).session_id


def _url(server: Server, user_id: int, clip_id: int, token: str | None = None,
         sid: str = "") -> str:
    secret = server.env["ATTUNE_SECRET_KEY"]
    token = token or media_token(secret, user_id, sid or "none", "proxy", clip_id,
                                 "proxy.mp4")
    return f"{server.url}/api/media/proxy/{clip_id}/proxy.mp4?t={token}"


def test_practitioner_flow(page: Page, server: Server) -> None:
    sign_in(page, "pat")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    shot(page, "flow-01-signed-in")

    # sign_in waited for the HttpOnly cookie; a reload keeps us signed in
    cookie = next(c for c in page.context.cookies() if c["name"] == "attune_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Signed in as")).to_be_visible()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    shot(page, "flow-02-after-reload")

    # add a family
    page.get_by_role("link", name="Families").click()
    wait_for_app(page)
    page.get_by_text("Add a family").click()
    page.get_by_role("textbox", name="Family code").fill(FAMILY)
    page.get_by_role("textbox", name="Baby's first name or nickname").fill("Ada")
    page.get_by_role("button", name="Add family").click()
    expect(page.get_by_role("heading", name=f"{FAMILY} · Ada")).to_be_visible()
    shot(page, "flow-03-family-added")

    # upload is refused until consent is recorded
    page.goto(f"/upload?family={FAMILY}")
    wait_for_app(page)
    expect(page.get_by_text("Shared review consent for this family is not recorded")
           ).to_be_visible()
    shot(page, "flow-04-upload-refused")

    # record shared-review consent
    page.goto(f"/consent?family={FAMILY}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=f"Family {FAMILY}")).to_be_visible()
    page.get_by_role("textbox", name="Evidence").fill("Signed form, family file p.1")
    page.get_by_role("button", name="Record").click()
    wait_for_app(page)
    expect(page.get_by_text("Scope to withdraw")).to_be_visible()
    shot(page, "flow-05-consent-recorded")

    # upload through the streaming uploader, then watch the ingest
    page.goto(f"/upload?family={FAMILY}")
    wait_for_app(page)
    page.locator("input[type=file]").set_input_files(str(VIDEO))
    page.get_by_test_id("upload-send").click()
    success = page.get_by_text(re.compile(r"is uploaded as clip \d+"))
    expect(success).to_be_visible(timeout=60_000)
    clip_id = int(re.search(r"clip (\d+)", success.inner_text()).group(1))  # type: ignore[union-attr]
    shot(page, "flow-06-uploaded")
    expect(page.get_by_text("Ready to code")).to_be_visible(timeout=120_000)
    shot(page, "flow-07-ingested")

    ids = _user_ids(server)
    sid = _sid(page, server)
    # pat's own URL, in pat's signed-in browser, opens the proxy, with Range
    own = page.request.get(_url(server, ids["pat"], clip_id, sid=sid),
                           headers={"Range": "bytes=0-99"})
    assert own.status == 206, own.text()
    assert own.headers["content-range"].startswith("bytes 0-99/")
    assert own.headers["content-type"] == "video/mp4"
    assert len(own.body()) == 100
    # the parent of another family, and a practitioner of another family: 403
    for other in ("parent", "sam"):
        refused = page.request.get(_url(server, ids[other], clip_id, sid=sid))
        assert refused.status == 403, (other, refused.status)
    # a forged token (pat's id, made with another key) and a token for another clip: 403
    forged = media_token("not-the-key", ids["pat"], sid, "proxy", clip_id, "proxy.mp4")
    assert page.request.get(_url(server, ids["pat"], clip_id, forged)).status == 403
    other_clip = media_token(server.env["ATTUNE_SECRET_KEY"], ids["pat"], sid, "proxy", 1,
                             "proxy.mp4")
    assert page.request.get(_url(server, ids["pat"], clip_id, other_clip)).status == 403
    assert page.request.get(f"{server.url}/api/media/proxy/{clip_id}/proxy.mp4").status == 403

    # a copied link opens nothing in a browser that is not signed in with that sign-in
    stranger = page.context.browser.new_context(base_url=server.url)  # type: ignore[union-attr]
    assert stranger.request.get(_url(server, ids["pat"], clip_id, sid=sid)).status == 403
    stranger.close()
    # the video plays in chromium from our route (the cookie goes with <video src>)
    page.set_content(f'<video id="v" src="{_url(server, ids["pat"], clip_id, sid=sid)}" '
                     'muted></video>')
    page.wait_for_function("() => document.getElementById('v').readyState >= 1",
                           timeout=20_000)
    duration = page.evaluate("() => document.getElementById('v').duration")
    assert 0.9 < duration < 1.2


def test_lockout_after_five_wrong_passwords(page: Page, server: Server) -> None:
    server.attune("user", "add", "lockme", "--role", "practitioner", "--as", "admin",
                  "--password-stdin", stdin="right-password\n")
    page.goto("/")
    wait_for_app(page)
    for attempt in range(1, 6):
        page.get_by_role("textbox", name="Username").fill("lockme")
        page.get_by_role("textbox", name="Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Sign in", exact=True).click()
        wait_for_app(page)
        if attempt < 5:
            expect(page.get_by_text("do not match")).to_be_visible()
    expect(page.get_by_text("is locked for 15 minutes")).to_be_visible()
    shot(page, "flow-08-locked")
    # even the right password is refused now, saying why
    page.get_by_role("textbox", name="Username").fill("lockme")
    page.get_by_role("textbox", name="Password").fill("right-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Signing in to this account from here is locked")).to_be_visible()


def test_parent_sees_only_the_parent_page(page: Page, server: Server) -> None:
    sign_in(page, "parent")
    expect(page.get_by_role("heading", name="Welcome, Maya's parent")).to_be_visible()
    menu = page.get_by_test_id("stSidebar").get_by_role("link")
    expect(menu).to_have_count(2)  # Your film, Sign out
    page.goto("/consent?family=DEMO-01")
    wait_for_app(page)
    expect(page.get_by_text("Not allowed")).to_be_visible()
    expect(page.get_by_text("Family DEMO-01")).to_have_count(0)
    shot(page, "flow-09-parent")
