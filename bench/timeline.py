"""Benchmark: the timeline's responsiveness in Debian's chromium, measured in the browser.

Run ``python bench/timeline.py`` (``--marks 40 --zooms 40 --events 2000``). It loads the
demo into a temporary data folder, gives the practitioner ``pat`` 2,000 events on the
35-second demo clip (all on screen at the default zoom: the worst case for drawing),
starts the app, signs in with Playwright and measures with ``performance.now()`` inside
the page:

- **mark**: key press → the event drawn (optimistically, before the server answers) →
  the event stored (the server's acknowledgement of that message arrived back in the
  browser, i.e. after the database commit: the answer of ``POST /api/outbox``);
- **zoom redraw**: ``+``/``-`` → the canvas redrawn (synchronous draw) and painted (the
  next animation frame);

and the same for a coder with empty lanes (``sam`` on the same clip), for reference, in
the same run. It prints the machine's load before and after, and the ratio of each p95 to
the reference's. Targets: p95 under 50 ms for a mark (stored), under 100 ms for a redraw.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
CLIP = 3


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def line(name: str, values: list[float]) -> str:
    return (f"  {name:<34} n={len(values):<4} median {statistics.median(values):7.1f} ms"
            f"   p95 {pct(values, 0.95):7.1f} ms   max {max(values):7.1f} ms")


def seed(env: dict[str, str], n_events: int) -> None:
    subprocess.run([str(BIN / "attune"), "init"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    subprocess.run([str(BIN / "attune"), "demo"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    os.environ.update(env)
    from attune.config import Settings
    from attune.core.events import Event
    from attune.core.scheme import EventKind
    from attune.schemes import default_scheme
    from attune.services import Context

    ctx = Context.open(Settings.from_env(env))
    scheme = default_scheme()
    rng = random.Random(7)
    with ctx.db.transaction("pat") as tx:
        clip = tx.get_clip(CLIP)
        duration = clip.duration_ms or 35_000
        have = len(tx.list_events(CLIP, "pat"))
        events = []
        for _ in range(max(0, n_events - have)):
            kind = rng.choice([EventKind.CUE, EventKind.RESPONSE, EventKind.REACTION])
            code = rng.choice(scheme.codes_of(kind)).id
            start = rng.randrange(0, duration - 400) // 40 * 40
            end = start if rng.random() < 0.6 else start + rng.randrange(1, 10) * 40
            events.append(Event(kind, code, start, end, coder="pat"))
        tx.add_events(CLIP, events)
    ctx.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(url: str, username: str, marks: int, zooms: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.set_default_timeout(30_000)
        page.goto(url)
        page.get_by_role("textbox", name="Username").fill(username)
        page.get_by_role("textbox", name="Password").fill("attune-demo")
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_text("Signed in as").wait_for()
        deadline = time.monotonic() + 15
        while not any(c["name"] == "attune_session" for c in page.context.cookies()):
            if time.monotonic() > deadline:
                raise SystemExit("the sign-in cookie was never set")
            time.sleep(0.1)
        page.goto(f"{url}/workspace?clip={CLIP}")
        page.wait_for_selector(".tl canvas")
        page.wait_for_function("() => window.__attuneTimeline.__s.base"
                               " && window.__attuneTimeline.__s.base.epoch != null")
        time.sleep(1.5)
        shown = page.evaluate("() => window.__attuneTimeline.__s.events.length")
        page.locator(".tl").focus()
        keys = "1234567890"
        for i in range(marks):
            page.keyboard.press(".")
            page.keyboard.press(keys[i % len(keys)])
            page.wait_for_function("() => window.__attuneTimeline.__s.outbox.length === 0")
            page.keyboard.press("Escape")  # the next key makes a new mark, not an interval
        for i in range(zooms):
            page.keyboard.press("+" if (i // 5) % 2 == 0 else "-")
            page.wait_for_timeout(30)
        page.wait_for_timeout(200)
        m = page.evaluate("() => window.__attuneTimeline.__s.metrics")
        browser.close()
    out = {
        "mark drawn": [x["drawn"] - x["t0"] for x in m["marks"]],
        "mark stored": [x["stored"] - x["t0"] for x in m["marks"]],
        "zoom redraw (draw)": [x["drawn"] - x["t0"] for x in m["redraws"]],
        "zoom redraw (painted)": [x["painted"] - x["t0"] for x in m["redraws"]],
    }
    print(f"{username}: {shown} events in the lanes")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--marks", type=int, default=40)
    parser.add_argument("--zooms", type=int, default=40)
    parser.add_argument("--streamlit-option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit option for the app server, e.g. "
                             "runner.postScriptGC=false")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium is missing at {CHROMIUM}: run `make browser`")
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average before: {load_before} (1, 5, 15 min); {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
        env.update({"ATTUNE_DATA_DIR": tmp, "ATTUNE_SECRET_KEY": "bench-secret"})
        print(f"seeding {args.events} events (demo + ingest; about 20 s)…", flush=True)
        seed(env, args.events)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(tmp) / "app.log", "wb") as log:
            app = subprocess.Popen(
                [str(BIN / "streamlit"), "run", "streamlit_app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                 *[f"--{o.partition('=')[0]}={o.partition('=')[2]}"
                   for o in args.streamlit_option]],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(120):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                        break
                except OSError:
                    time.sleep(0.5)
            full = measure(url, "pat", args.marks, args.zooms)
            empty = measure(url, "sam", args.marks, args.zooms)
        finally:
            app.terminate()
            app.wait(timeout=15)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nTimeline with {args.events} events (pat), chromium, 1366x768; "
          f"{os.cpu_count()} CPUs, load average {load_before} before, {load} after "
          "(1, 5, 15 min):")
    for name, values in full.items():
        print(line(name, values))
    print("Reference: empty lanes (sam, same clip):")
    for name, values in empty.items():
        print(line(name, values))
    mark_p95 = pct(full["mark stored"], 0.95)
    redraw_p95 = pct(full["zoom redraw (painted)"], 0.95)
    for name in ("mark stored", "zoom redraw (painted)"):
        ratio = pct(full[name], 0.95) / max(pct(empty[name], 0.95), 1e-9)
        print(f"ratio of p95 to the reference (empty lanes), {name}: {ratio:.2f}")
    print(f"\ntarget mark stored p95 < 50 ms: {mark_p95:.1f} ms "
          f"{'OK' if mark_p95 < 50 else 'MISSED'}")
    print(f"target redraw p95 < 100 ms: {redraw_p95:.1f} ms "
          f"{'OK' if redraw_p95 < 100 else 'MISSED'}")


if __name__ == "__main__":
    main()
