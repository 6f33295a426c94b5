"""The team server (issue 16), started the way `make team` starts it (deploy/team.py):
Caddy with its local certificate authority in front of two Streamlit app servers, an
`attune worker` on Redis, PostgreSQL, one shared data folder. Needs the PostgreSQL and
Redis servers (ATTUNE_TEST_DATABASE_URL, ATTUNE_TEST_REDIS_URL: `.ci/run` sets both) and
Debian's caddy (`make test` installs it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import PG_URL, drop_pg_database, new_pg_database, pg_url
from tests.e2e.conftest import free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("ATTUNE_TEST_REDIS_URL", "")


@dataclass
class Team:
    url: str
    data: Path
    env: dict[str, str]
    apps: dict[int, int]  # port -> process id
    proc: subprocess.Popen[bytes]

    def attune(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "attune"), *args], env=self.env, cwd=REPO,
                              capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def server_of(self, cookies: list[Any]) -> int:
        """The app server's port a browser is kept on (Caddy's sticky cookie is the
        HMAC-SHA-256 of the upstream's address with the secret)."""
        value = next(c["value"] for c in cookies if c["name"] == "attune_server")
        secret = (self.data / "caddy_lb_secret").read_text().strip().encode()
        for port in self.apps:
            dial = f"127.0.0.1:{port}".encode()
            if hmac.new(secret, dial, hashlib.sha256).hexdigest() == value:
                return port
        raise AssertionError("the sticky cookie names no app server")

    def kill_app(self, port: int) -> None:
        os.killpg(self.apps[port], signal.SIGKILL)


def start_team(tmp: Path, extra: list[str] | None = None, *, https: int | None = None,
               env: dict[str, str] | None = None) -> Iterator[Team]:
    if not PG_URL or not REDIS_URL:
        pytest.skip("needs ATTUNE_TEST_DATABASE_URL and ATTUNE_TEST_REDIS_URL (.ci/run sets them)")
    if shutil.which("caddy") is None:
        pytest.fail("Debian's caddy is missing: run `make browser`.")
    name = new_pg_database(prefix="attune_team")
    url = pg_url(name)
    data = tmp / "team"
    https = https or free_port()
    app1, app2 = free_port(), free_port()
    log = tmp / "team.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "deploy/team.py", "--data", str(data), "--database-url", url,
             "--redis-url", REDIS_URL, "--https-port", str(https),
             "--app-ports", f"{app1},{app2}", "--workers", "1", *(extra or [])],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})})
    state_file = data / "team.json"
    deadline = time.monotonic() + 240
    while not state_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            drop_pg_database(name)
            raise AssertionError(f"the team server did not start:\n{log.read_text()}")
        time.sleep(0.5)
    state = json.loads(state_file.read_text())
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")},
           **state["env"]}
    try:
        yield Team(state["url"], data, env, {int(p): pid for p, pid in state["apps"].items()},
                   proc)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        drop_pg_database(name)


@pytest.fixture
def page(browser: Browser, team: Team) -> Iterator[Page]:
    """A Chromium page on the team server (each test module gives its own ``team``).
    Caddy's local certificate authority is not in chromium's trust store: a try-out."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=team.url,
                                  ignore_https_errors=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
