"""Start attune as a team server on this machine: `make team`.

Caddy (Debian's ``caddy``) terminates HTTPS with its own local certificate authority in
front of two Streamlit app servers; ``attune worker`` runs the jobs from Redis;
PostgreSQL is the database; every process shares one data folder (keys and media).
This is the try-out of what ``docs/deploy.md`` describes for a real server.

    python deploy/team.py [--https-port 8443] [--app-ports 8601,8602] [--data ./attune-team]
                          [--database-url URL] [--redis-url URL] [--auth-secrets FILE]

Defaults: PostgreSQL at 127.0.0.1:5432 as ``postgres``, database ``attune_team`` (made
when missing, with the demo loaded); Redis database 1 at 127.0.0.1:6379. The processes'
addresses and ids are written to ``<data>/team.json``; their output to ``<data>/logs/``.
Ctrl+C (or SIGTERM) stops them all.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CADDYFILE = REPO / "deploy" / "Caddyfile"


def _options(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="deploy/team.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--https-port", type=int, default=8443)
    p.add_argument("--app-ports", default="8601,8602",
                   help="the app servers' ports on 127.0.0.1, comma-separated (two or more)")
    p.add_argument("--workers", type=int, default=2, help="jobs the worker runs at once")
    p.add_argument("--data", type=Path, default=REPO / "attune-team",
                   help="the shared data folder (keys, media, logs)")
    p.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                   "attune_team")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    p.add_argument("--auth-secrets", type=Path, help="a Streamlit secrets file with an [auth] "
                   "section: the organisation's sign-in (OpenID Connect)")
    p.add_argument("--no-demo", action="store_true", help="do not load the demo family")
    return p.parse_args(argv)


def _create_database(url: str) -> None:
    """Make the PostgreSQL database if it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": target.database}).first()
            if not found:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        admin.dispose()


def _wait_http(url: str, proc: subprocess.Popen[bytes], name: str, timeout_s: float = 90,
               *, insecure: bool = False) -> None:
    import ssl

    context = ssl._create_unverified_context() if insecure else None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} stopped (exit {proc.returncode}); see its log.")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{name} did not answer at {url} within {timeout_s:.0f} s; see its log.")


def _secret(data: Path, name: str) -> str:
    path = data / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def start(opts: argparse.Namespace) -> tuple[list[subprocess.Popen[bytes]], dict[str, Any]]:
    os.umask(0o077)  # logs, keys and the state file: for this account only, like the data
    if shutil.which("caddy") is None:
        raise SystemExit("Caddy is missing: `apt-get install caddy` (Debian's package), or "
                         "run `make team`, which installs it.")
    data = opts.data.absolute()
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    logs = data / "logs"
    logs.mkdir(exist_ok=True, mode=0o700)
    ports = [int(p) for p in opts.app_ports.split(",") if p.strip()]
    if len(ports) < 2:
        raise SystemExit("--app-ports needs two or more ports: a team server runs two app "
                         "servers so that one can stop without stopping anyone's work.")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update({"ATTUNE_DATA_DIR": str(data), "ATTUNE_DATABASE_URL": opts.database_url,
                "ATTUNE_REDIS_URL": opts.redis_url, "ATTUNE_TRUST_PROXY": "yes",
                "PYTHONUNBUFFERED": "1"})
    if opts.database_url.startswith("postgresql"):
        _create_database(opts.database_url)
    subprocess.run([str(BIN / "attune"), "init"], env=env, cwd=REPO, check=True)
    if not opts.no_demo:  # safe to run again: an existing demo is kept
        subprocess.run([str(BIN / "attune"), "demo"], env=env, cwd=REPO, check=True)

    procs: list[subprocess.Popen[bytes]] = []

    def launch(name: str, argv: list[str], extra: dict[str, str] | None = None
               ) -> subprocess.Popen[bytes]:
        with (logs / f"{name}.log").open("ab") as out:
            proc = subprocess.Popen(argv, cwd=REPO, env={**env, **(extra or {})}, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        return proc

    launch("worker", [str(BIN / "attune"), "worker", "--workers", str(opts.workers)])
    cookie_secret = _secret(data, "streamlit_cookie_secret")
    apps = []
    for port in ports:
        argv = [str(BIN / "streamlit"), "run", "streamlit_app.py", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        if opts.auth_secrets:
            argv += ["--secrets.files", str(opts.auth_secrets.absolute())]
        # the same on every server: a browser that moves keeps its cookies valid
        apps.append(launch(f"app-{port}", argv,
                           {"STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}))
    for port, proc in zip(ports, apps, strict=True):
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", proc, f"the app server on {port}")

    caddy_dir = data / "caddy"
    caddy_dir.mkdir(exist_ok=True, mode=0o700)
    site = f"localhost:{opts.https_port}"
    caddy = launch("caddy", ["caddy", "run", "--config", str(CADDYFILE), "--adapter",
                             "caddyfile"], {
        "ATTUNE_SITE": site, "ATTUNE_TLS": "internal",
        "ATTUNE_UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in ports),
        "ATTUNE_LB_SECRET": _secret(data, "caddy_lb_secret"),
        # a try-out: Caddy's own certificate authority, kept in the data folder, not
        # installed into this machine's trust store; no redirect listener on port 80
        "ATTUNE_CADDY_GLOBAL": f"skip_install_trust\nauto_https disable_redirects\n"
                               f"storage file_system {caddy_dir}",
        "XDG_DATA_HOME": str(caddy_dir), "XDG_CONFIG_HOME": str(caddy_dir)})
    url = f"https://{site}"
    _wait_http(f"{url}/_stcore/health", caddy, "Caddy", insecure=True)
    state = {"url": url, "ca": str(caddy_dir / "pki" / "authorities" / "local" / "root.crt"),
             "caddy": caddy.pid, "worker": procs[0].pid,
             "apps": {str(port): proc.pid for port, proc in zip(ports, apps, strict=True)},
             "env": {k: v for k, v in env.items() if k.startswith("ATTUNE_")}}
    (data / "team.json").write_text(json.dumps(state, indent=1))
    return procs, state


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    opts = _options(argv)
    procs: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        procs, state = start(opts)
        print(f"attune is up at {state['url']} (two app servers behind Caddy, the worker on "
              "Redis, PostgreSQL). The certificate comes from Caddy's local authority: accept "
              f"the browser's warning, or trust {state['ca']}. Ctrl+C stops everything.",
              flush=True)
        worker, caddy = procs[0], procs[-1]  # an app server may stop: the other one serves
        while worker.poll() is None and caddy.poll() is None:
            time.sleep(1)
        print("The worker or Caddy stopped; see their logs. Stopping everything.", flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(procs)


if __name__ == "__main__":
    sys.exit(main())
