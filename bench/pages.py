"""Benchmark: every page and main action of the app with a full caseload, in Debian's
chromium, for N = 1, 10 and 40 families on SQLite and PostgreSQL; and the CLI's heavy
commands.

Run ``python bench/pages.py`` (``--db sqlite,postgresql --families 1,10,40 --repeats 10``).
For each database it makes a caseload (``attune demo --caseload N``: 8-12 visits a
family, 15-minute clips with 50-300 events, a second coder on a fifth, reels; the first
family has 12 visits and a clip with 300 events), growing it from the smallest N to the
largest, starts the app (``streamlit run``) on it and, signed in as each role, measures
each step ``--repeats`` times: the time from the click (or the navigation, for pages
opened by their address) to the app's "script finished" message arriving in the browser
(read from the app's websocket) and the next painted frame. The Workspace also waits for
the timeline to have drawn its events.

Steps: practitioner (pat): My work, Families, a family's Consent (the Consent button of
the family's dialog, opened unmeasured first), Reels, Tallies (the family with 12 visits),
the Workspace on the 15-minute clip with 300 events (opened by its address); supervisor
(sue, a team of 8 coders): Families, Supervision, Tallies; the parent's page (opened by
address); the administrator's Accounts (opened by address). CLI (``--cli``, 3 runs each):
``tally --family``, ``agreement`` on a double-coded clip, ``supervise report``, ``events
export`` and ``backup`` (backup only up to 10 families: it copies every clip's media,
which here are links to one recording, gigabytes at 40 families).

``--app-repo PATH`` runs the app and CLI of another checkout on the same data (the
"before" figures); the caseload is always made by this checkout. Prints p50/p95 per step,
the load average before and after, and the ratio of each step at the largest N to the
smallest. The machine's load changes the figures: run 3 times and take the median.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "attune-demo"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/attune_bench_pages"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


# ------------------------------------------------------------------ data
def make_env(db: str, work: Path, pg_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    data = work / db
    data.mkdir(parents=True, exist_ok=True)
    env.update({"ATTUNE_DATA_DIR": str(data), "ATTUNE_SECRET_KEY": "bench-pages-secret",
                "PYTHONUNBUFFERED": "1"})
    if db == "postgresql":
        env["ATTUNE_DATABASE_URL"] = pg_url
    return env


def ensure_pg_database(url: str, fresh: bool) -> None:
    import psycopg

    base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def grow_caseload(env: dict[str, str], n: int, cache: Path) -> None:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "attune", "demo", "--caseload", str(n),
                    "--media-cache", str(cache)], env={**env, "PYTHONPATH": str(ROOT)},
                   cwd=ROOT, check=True, capture_output=True)
    print(f"  caseload of {n} families ready ({time.monotonic() - started:.0f} s)", flush=True)


def facts(env: dict[str, str]) -> dict[str, Any]:
    """The ids the steps need, read with this checkout's code."""
    code = ("import json\nfrom attune.config import Settings\nfrom attune.services import Context\n"
            "ctx = Context.open(Settings.from_env())\n"
            "with ctx.db.transaction('bench') as tx:\n"
            "    f = tx.get_family('CL-001')\n"
            "    clips = tx.clips_for_family(f.id)\n"
            "    first = clips[0].id\n"
            "    double = [a.clip_id for a in tx.assignments() if a.role == 'second']\n"
            "    coders = tx.coders_of_clip(double[0])\n"
            "    families = len(tx.list_families())\n"
            "print(json.dumps({'clip': first, 'double': double[0], 'coders': coders,\n"
            "                  'families': families}))\n")
    out = subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONPATH": str(ROOT)},
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# ------------------------------------------------------------------ the browser
class Runs:
    """When the app's script runs finish, from the frames on the page's websocket."""

    def __init__(self, page: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.msg = ForwardMsg
        self.done = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
        self.finished: list[float] = []
        self.page = page
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: Any) -> None:
        if isinstance(payload, str):
            return
        msg = self.msg.FromString(payload)
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == self.done:
            self.finished.append(time.perf_counter())

    def wait_after(self, t0: float, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while not any(t > t0 for t in self.finished):
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not finish its run")
            self.page.wait_for_timeout(5)

    def painted(self) -> None:
        self.page.evaluate("() => new Promise(r => requestAnimationFrame("
                           "() => requestAnimationFrame(r)))")


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Signed in as").wait_for()
    deadline = time.monotonic() + 15
    while not any(c["name"] == "attune_session" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise SystemExit("the sign-in cookie was never set")
        time.sleep(0.1)
    page.wait_for_timeout(500)


Step = tuple[str, Callable[[Any], None], Callable[[Any], None] | None]


def sidebar(name: str) -> Callable[[Any], None]:
    def click(page: Any) -> None:
        page.locator("[data-testid='stSidebar']").get_by_role("link", name=name).click()
    return click


def go(url: str) -> Callable[[Any], None]:
    def navigate(page: Any) -> None:
        page.goto(url, wait_until="commit")
    return navigate


def timeline_drawn(page: Any) -> None:
    page.wait_for_function("() => window.__attuneTimeline && window.__attuneTimeline.__s"
                           " && window.__attuneTimeline.__s.events"
                           " && window.__attuneTimeline.__s.events.length > 0",
                           timeout=60_000)


def open_family(page: Any) -> None:
    """Open the first family's dialog (unmeasured: the step is the way on to Consent)."""
    manage = page.locator(".st-key-manage_CL-001")
    if manage.count():  # an older app had the link on the family's card itself
        manage.get_by_role("button").click()
        page.get_by_role("dialog").get_by_role("button", name="Consent").wait_for()
        page.wait_for_timeout(300)


def family_consent(page: Any) -> None:
    """The Consent button of the first family's dialog (or its card's link)."""
    if page.get_by_role("dialog").count():
        page.get_by_role("dialog").get_by_role("button", name="Consent").click()
    else:
        page.locator(".st-key-family_CL-001").get_by_role("link", name="Consent").click()


def steps_for(role: str, url: str, ids: dict[str, Any]) -> list[Step]:
    if role == "pat":
        return [
            ("pat: My work", sidebar("My work"), None),
            ("pat: Families", sidebar("Families"), None),
            ("pat: a family's Consent", family_consent, None),
            ("pat: Reels", sidebar("Reels"), None),
            ("pat: Tallies (12 visits)", sidebar("Tallies"), None),
            ("pat: Workspace (300 events)", go(f"{url}/workspace?clip={ids['clip']}"),
             timeline_drawn),
        ]
    if role == "sue":
        return [("sue: Families", sidebar("Families"), None),
                ("sue: Supervision (8 coders)", sidebar("Supervision"), None),
                ("sue: Tallies", sidebar("Tallies"), None)]
    if role == "parent":
        return [("parent: their page", go(url), None)]
    return [("admin: Accounts", go(url), None)]


def measure(url: str, ids: dict[str, Any], repeats: int, timeout_s: float
            ) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        for role in ("pat", "sue", "parent", "admin"):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            page.set_default_timeout(60_000)
            runs = Runs(page)
            sign_in(page, url, role)
            steps = steps_for(role, url, ids)
            for rep in range(repeats + 1):  # the first round warms up, unmeasured
                for name, act, extra in steps:
                    if act is family_consent:
                        open_family(page)
                    t0 = time.perf_counter()
                    try:
                        act(page)
                        runs.wait_after(t0, timeout_s)
                        if extra is not None:
                            extra(page)
                        runs.painted()
                    except Exception as exc:  # a timeout: counted as the limit, go on
                        print(f"  {name}: gave up after {timeout_s:.0f} s "
                              f"({type(exc).__name__}); counted as {timeout_s:.0f} s",
                              flush=True)
                        page.goto(url)
                        runs.wait_after(time.perf_counter() - 1, 600)
                        page.wait_for_timeout(500)
                    if rep:
                        out.setdefault(name, []).append(
                            min(time.perf_counter() - t0, timeout_s) * 1000)
                    page.wait_for_timeout(100)
            context.close()
        browser.close()
    return out


def run_app(app_repo: Path, env: dict[str, str], work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = open(work / f"app-{port}.log", "wb")  # noqa: SIM115 (closed with the process)
    app = subprocess.Popen(
        [str(BIN / "streamlit"), "run", "streamlit_app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=app_repo, env={**env, "PYTHONPATH": str(app_repo)}, stdout=log,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return app, url
        except OSError:
            time.sleep(0.5)
    app.terminate()
    raise SystemExit(f"the app did not start; see {log.name}")


# ------------------------------------------------------------------ the CLI
def cli_steps(ids: dict[str, Any], out: Path, with_backup: bool) -> list[tuple[str, list[str]]]:
    steps = [("cli: tally --family", ["tally", "--family", "CL-001", "--as", "pat"]),
             ("cli: agreement", ["agreement", "--clip", str(ids["double"]), "--coders",
                                  ",".join(ids["coders"]), "--as", "sue"]),
             ("cli: supervise report", ["supervise", "report", "--as", "sue"]),
             ("cli: events export", ["events", "export", str(ids["clip"]),
                                     str(out / "events.csv"), "--as", "pat"])]
    if with_backup:
        steps.append(("cli: backup", ["backup", str(out / "backup.tar"), "--as", "admin"]))
    return steps


def measure_cli(app_repo: Path, env: dict[str, str], ids: dict[str, Any], work: Path,
                with_backup: bool, repeats: int = 3) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for name, args in cli_steps(ids, Path(tmp), with_backup):
            for _ in range(repeats):
                for leftover in Path(tmp).iterdir():
                    leftover.unlink()
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "attune", *args], cwd=app_repo,
                               env={**env, "PYTHONPATH": str(app_repo)}, check=True,
                               capture_output=True)
                out.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
    return out


# ------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--families", default="1,10,40")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cli", action="store_true", help="also the CLI's heavy commands")
    parser.add_argument("--cli-repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60,
                        help="a step taking longer is counted as this many seconds")
    parser.add_argument("--app-repo", type=Path, default=ROOT,
                        help="the checkout whose app and CLI are measured (default: this)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir())
                        / "attune-bench-pages", help="caseloads are kept here between runs")
    parser.add_argument("--pg-url", default=PG_DEFAULT)
    parser.add_argument("--fresh", action="store_true",
                        help="make the caseloads anew (a caseload only grows: to measure "
                             "fewer families than an earlier run left, this is needed)")
    parser.add_argument("--no-grow", action="store_true",
                        help="measure the data folders as they are (with --app-repo of an "
                        "older checkout: this checkout would migrate them to its schema)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium is missing at {CHROMIUM}: run `make browser`")
    sizes = sorted(int(n) for n in args.families.split(","))
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "media-cache"
    results: dict[str, dict[int, dict[str, list[float]]]] = {}
    print(f"load average before: {load()} (1, 5, 15 min; {os.cpu_count()} CPUs)", flush=True)
    for db in args.db.split(","):
        if args.fresh and (work / db).exists():
            import shutil

            shutil.rmtree(work / db)
        if db == "postgresql":
            ensure_pg_database(args.pg_url, args.fresh)
        env = make_env(db, work, args.pg_url)
        for n in sizes:
            print(f"{db}, {n} families:", flush=True)
            if not args.no_grow:
                grow_caseload(env, n, cache)
            ids = facts(env)
            if ids["families"] > n:  # a caseload only grows: an earlier run made more
                raise SystemExit(
                    f"the {db} caseload in {work} already holds {ids['families']} families "
                    f"(made by an earlier run), so it cannot measure {n}: run again with "
                    "--fresh (or with --families of at least that many)")
            app, url = run_app(args.app_repo, env, work)
            try:
                figures = measure(url, ids, args.repeats, args.timeout)
            finally:
                app.terminate()
                app.wait(timeout=30)
            if args.cli:
                figures.update(measure_cli(args.app_repo, env, ids, work, n <= 10,
                                           args.cli_repeats))
            results.setdefault(db, {})[n] = figures
            for name, values in figures.items():
                print(f"  {name:<32} p50 {statistics.median(values):7.0f} ms   "
                      f"p95 {pct(values, 0.95):7.0f} ms", flush=True)
    print(f"\nload average after: {load()}")
    for db, by_n in results.items():
        names = list(by_n[sizes[0]])
        # p95 of a few runs is close to their slowest, which one hiccup of a shared
        # machine moves; the median says how the typical view's cost grows
        print(f"\n{db}: p95 in ms (p50) by families; growth = p95 (p50) at {sizes[-1]} / "
              f"at {sizes[0]}")
        print(f"  {'step':<32}" + "".join(f"{n:>16}" for n in sizes) + f"{'growth':>16}")
        for name in names:
            cells = [by_n[n].get(name) for n in sizes]
            row = "".join(f"{pct(c, 0.95):9.0f} ({statistics.median(c):4.0f})" if c
                          else f"{'-':>16}" for c in cells)
            first, last = cells[0], cells[-1]
            growth = (f"{pct(last, 0.95) / pct(first, 0.95):8.2f}x "
                      f"({statistics.median(last) / statistics.median(first):4.2f}x)"
                      if first and last else "")
            print(f"  {name:<32}{row}{growth}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
