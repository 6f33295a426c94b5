"""The organisation's sign-in against a real OpenID Connect provider (issue 16, item 3):
oidc-provider (npm; OpenID Certified) under Node, attune behind Caddy over HTTPS, driven
in Chromium: sign-in, sign-out that really signs out, the idle limit, an unverified
e-mail (refused) and a person without an attune account (refused with a message)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import create_engine, text

from tests.e2e.conftest import free_port, shot, wait_for_app
from tests.team.conftest import BIN, Team, start_team

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.xdist_group("team")]
OIDC = Path(__file__).resolve().parent / "oidc"


@pytest.fixture(scope="module")
def provider_port() -> Iterator[tuple[int, int]]:
    """The provider, started with its own files (`npm ci` first, as `make test` does)."""
    if shutil.which("node") is None:
        pytest.fail("Node.js is missing: run `make browser`.")
    if not (OIDC / "node_modules" / "oidc-provider" / "package.json").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC, check=True,
                       capture_output=True, timeout=300)
    port, https = free_port(), free_port()
    log = OIDC.parent / f"provider-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["node", "provider.mjs"], cwd=OIDC, stdout=out,
                                stderr=subprocess.STDOUT,
                                env={**os.environ, "PORT": str(port),
                                     "REDIRECT_URI": f"https://localhost:{https}/oauth2callback"})
    deadline = time.monotonic() + 30
    while b"listening" not in log.read_bytes():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    try:
        yield port, https
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, provider_port: tuple[int, int]
         ) -> Iterator[Team]:
    port, https = provider_port
    tmp = tmp_path_factory.mktemp("oidc-team")
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'''[auth]
redirect_uri = "https://localhost:{https}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-enough-length"
client_id = "attune"
client_secret = "attune-test-client-secret"
server_metadata_url = "http://127.0.0.1:{port}/.well-known/openid-configuration"
client_kwargs = {{ prompt = "login" }}
''')
    # the test provider listens on plain HTTP on this machine's loopback; a real
    # organisation's provider is HTTPS and needs no such setting
    for team in start_team(tmp, ["--auth-secrets", str(secrets)], https=https,
                           env={"AUTHLIB_INSECURE_TRANSPORT": "1"}):
        # the organisation's people are attune accounts by e-mail address
        subprocess.run([str(BIN / "attune"), "user", "add", "pat@example.org", "--role",
                        "practitioner", "--password-stdin", "--as", "admin"], env=team.env,
                       input="a long enough password\n", text=True, check=True,
                       capture_output=True, timeout=60)
        yield team


def _sign_in_at_the_provider(page: Page, login: str) -> None:
    page.goto("/")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url("**/interaction/**", wait_until="domcontentloaded")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the test provider")
    page.locator("button[type=submit]").click()
    deadline = time.monotonic() + 30
    while not page.url.startswith("https://localhost"):
        assert time.monotonic() < deadline, f"the provider kept the browser: {page.url}"
        consent = page.locator("button[type=submit]")
        if "/interaction/" in page.url and consent.count():
            consent.first.click()  # the provider asks once to share the e-mail with attune
        time.sleep(0.3)
    wait_for_app(page)


def _leave_the_provider(page: Page) -> None:
    """Confirm the sign-out at the provider's end-session page when it asks, and wait
    to be back in attune."""
    deadline = time.monotonic() + 30
    while True:
        if "/session/end" in page.url:
            confirm = page.locator("button[name=logout][value=yes]")
            if confirm.count():
                confirm.click()
        elif page.url.startswith("https://localhost") and "/auth/" not in page.url \
                and "oauth2callback" not in page.url:
            try:
                page.get_by_role("button", name="Sign in with your organisation account"
                                 ).wait_for(timeout=1000)
                return
            except PlaywrightTimeout:
                pass
        assert time.monotonic() < deadline, f"not back in attune after signing out: {page.url}"
        time.sleep(0.3)


def test_sign_in_and_sign_out_with_the_organisation_account(page: Page, team: Team) -> None:
    _sign_in_at_the_provider(page, "pat@example.org")
    page.get_by_text("Signed in as").wait_for()
    shot(page, "oidc-signed-in")
    page.get_by_role("link", name="Sign out").click()
    _leave_the_provider(page)  # attune's sign-out ends the provider's session too
    page.get_by_role("button", name="Sign in with your organisation account").wait_for()
    page.reload()
    wait_for_app(page)
    time.sleep(1)
    assert page.get_by_text("Signed in as").count() == 0  # really signed out
    page.get_by_role("button", name="Sign in with your organisation account").wait_for()


def test_the_idle_limit_signs_out_of_the_organisation_account_too(page: Page,
                                                                   team: Team) -> None:
    _sign_in_at_the_provider(page, "pat@example.org")
    page.get_by_text("Signed in as").wait_for()
    engine = create_engine(team.env["ATTUNE_DATABASE_URL"])
    with engine.begin() as conn:  # an hour without activity
        conn.execute(text("UPDATE sign_in_sessions "
                          "SET last_seen_at = last_seen_at - interval '1 hour'"))
    engine.dispose()
    page.reload()
    _leave_the_provider(page)
    page.get_by_role("button", name="Sign in with your organisation account").wait_for()
    page.reload()
    wait_for_app(page)
    time.sleep(1)
    assert page.get_by_text("Signed in as").count() == 0


@pytest.mark.parametrize(("login", "message"), [
    ("unverified@example.org", "has not confirmed the e-mail address"),
    ("stranger@example.org", "not linked to an attune account"),
])
def test_unverified_or_unknown_people_are_refused_with_a_message(
        page: Page, team: Team, login: str, message: str) -> None:
    _sign_in_at_the_provider(page, login)
    page.get_by_text(message).wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    shot(page, f"oidc-refused-{login.split('@')[0]}")
