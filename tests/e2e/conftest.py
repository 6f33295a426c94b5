"""End-to-end fixtures: the real app (``streamlit run streamlit_app.py``, which serves our
``st.App`` routes) and an ``attune worker``, on a fresh data folder with the demo loaded,
driven by Playwright in Debian's chromium.

Reusable by every e2e test module:

- ``server`` (session): ``Server(url, data_dir, env)``; ``server.url`` is the app's URL;
- ``browser`` (session) and ``page`` (a fresh browser context per test, 1366x768);
- ``sign_in(page, username, password)``: sign in through the form and wait for the app;
- ``shot(page, name)``: a screenshot in ``test-artifacts/e2e/`` (look at them).

Mark e2e tests ``@pytest.mark.e2e`` and ``@pytest.mark.xdist_group("e2e")`` so that they
share one server under ``pytest -n 2 --dist loadgroup``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts" / "e2e"
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "attune-demo"


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    env: dict[str, str]

    def attune(self, *args: str, stdin: str | None = None) -> str:
        """Run the CLI against the server's data (e.g. to add an account)."""
        done = subprocess.run([str(BIN / "attune"), *args], env=self.env, cwd=REPO,
                              input=stdin, capture_output=True, text=True, timeout=120,
                              check=True)
        return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_server(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"the app did not answer at {url} in {timeout_s} s:\n{log.read_text()}")


def start_app(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``streamlit run streamlit_app.py`` on ``port`` (output appended to ``log``)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(BIN / "streamlit"), "run", "streamlit_app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run `make browser`.")
    data = tmp_path_factory.mktemp("e2e-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update({"ATTUNE_DATA_DIR": str(data), "PYTHONUNBUFFERED": "1",
                "ATTUNE_SECRET_KEY": "e2e-secret-key-" + data.name})
    subprocess.run([str(BIN / "attune"), "init"], env=env, cwd=REPO, check=True,
                   capture_output=True, timeout=120)
    subprocess.run([str(BIN / "attune"), "demo", "--no-ingest"], env=env, cwd=REPO,
                   check=True, capture_output=True, timeout=300)
    port = free_port()
    app_log, worker_log = data / "app.log", data / "worker.log"
    app = start_app(env, port, app_log)
    with worker_log.open("wb") as out:
        worker = subprocess.Popen([str(BIN / "attune"), "worker"], cwd=REPO, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{url}/_stcore/health", app, app_log, 60)
        yield Server(url, data, env)
    finally:
        for proc in (app, worker):
            proc.terminate()
        for proc in (app, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser (own cookies) at 1366x768, a laptop screen."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server.url)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp']")
    time.sleep(0.3)  # let a rerun that was just triggered start
    # after a goto or a reload the app is "initial" until its first script run has begun
    # (before that there is no status widget either, so the page looked finished)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') !== 'initial'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]'); }", timeout=30_000)


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD, *,
            expect_success: bool = True) -> None:
    """Open the app, sign in with the form; wait for the signed-in sidebar."""
    page.goto("/")
    wait_for_app(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if expect_success:
        page.get_by_text("Signed in as").wait_for()
        # the HttpOnly cookie (which survives a reload) is set a moment later
        deadline = time.monotonic() + 15
        while not any(c["name"] == "attune_session" for c in page.context.cookies()):
            if time.monotonic() > deadline:
                raise AssertionError("the sign-in cookie was never set")
            time.sleep(0.1)
        wait_for_app(page)


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def ensure_ready(server: Server, clip_id: int) -> None:
    """The e2e demo is loaded without proxies; make this clip's now (a few seconds)."""
    def status() -> str:
        out = server.attune("clip", "info", str(clip_id), "--json", "--as", "pat")
        return str(json.loads(out)["status"])

    if status() not in ("ready", "queued", "ingesting"):
        server.attune("clip", "retry", str(clip_id), "--as", "pat")
    deadline = time.monotonic() + 120
    while status() != "ready":
        if time.monotonic() > deadline:
            raise AssertionError("the clip was not ingested in 2 minutes")
        time.sleep(1)
