"""Where the time of one ``POST /api/outbox`` goes, on the server alone (no browser).

Run ``python bench/outbox_profile.py`` (``--events 2000 --marks 60``). Like
``bench/timeline.py`` it loads the demo into a temporary data folder and gives ``pat``
2,000 events on the demo clip; then it posts one mark per request to the real route (in
Starlette's test client, with pat's sign-in cookie and token, as the timeline does), each
with the revision the previous answer gave, and prints the median and p95 of the
server's answer time, the database statements per request, and the same for ``sam``
(empty lanes) as the reference, measured in the same run; ``--profile`` adds cProfile's
20 costliest functions for pat's marks. The browser's figure (key press to stored) is
``bench/timeline.py``'s; this one says how much of it is the server's.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline import CLIP, pct, seed  # noqa: E402  (bench/timeline.py, the same world)


def run(ctx: Any, username: str, marks: int, profile: cProfile.Profile | None,
        show_sql: bool = False) -> tuple[list[float], float]:
    from sqlalchemy import event
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from attune.services.tokens import SESSIONS, session_token
    from attune.ui import routes
    from attune.ui.outbox import outbox_url
    from attune.ui.routes import SESSION_COOKIE, build_routes

    original = routes._save_outbox
    if profile is not None:  # the exchange runs in a worker thread: profile it there
        def profiled(*args: Any) -> Any:
            return profile.runcall(original, *args)
        routes._save_outbox = profiled  # type: ignore[assignment]
    with ctx.db.transaction("system") as tx:
        user = tx.get_user(username)
    statements = [0]

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements[0] += 1
        if show_sql and len(times) == 5:
            print("   ", " ".join(statement.split())[:150])

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    times: list[float] = []
    with TestClient(Starlette(routes=build_routes(lambda: ctx)),
                    base_url="http://127.0.0.1:8501") as client:
        sid = SESSIONS.start(ctx, user.id)
        client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, user.id, sid))
        url = outbox_url(ctx, user, CLIP, sid)
        have = None
        codes = ["C01", "C02", "C03", "R01", "R04"]
        for i in range(marks + 1):
            item = {"cid": f"{username}-{i}", "page": "p1", "seq": i + 1, "op": "create",
                    "code": codes[i % len(codes)], "start_ms": 1000 + 40 * i,
                    "end_ms": 1000 + 40 * i}
            if i == 1:  # the first exchange loads the events, as the page's first save does
                statements[0] = 0
            t = time.perf_counter()
            answer = client.post(url, json={"page": "p1", "tab": f"tab-{username}",
                                            "items": [item], "have": have},
                                 headers={"Origin": "http://127.0.0.1:8501"})
            elapsed = (time.perf_counter() - t) * 1000
            body = answer.json()
            if answer.status_code != 200 or not body["acks"][item["cid"]]["ok"]:
                raise SystemExit(f"the route refused the mark: {answer.status_code} {body}")
            have = body.get("events_rev") or {k: body["events_delta"][k]
                                              for k in ("epoch", "rev")}
            if i:
                times.append(elapsed)
    routes._save_outbox = original  # type: ignore[assignment]
    event.remove(ctx.db.engine, "before_cursor_execute", count)
    return times, statements[0] / marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--marks", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print one request's statements")
    args = parser.parse_args()
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
        env.update({"ATTUNE_DATA_DIR": tmp, "ATTUNE_SECRET_KEY": "bench-secret"})
        seed(env, args.events)
        from attune.config import Settings
        from attune.services import Context
        ctx = Context.open(Settings.from_env(env))
        try:
            profile = cProfile.Profile() if args.profile else None
            full, full_sql = run(ctx, "pat", args.marks, profile, args.sql)
            empty, empty_sql = run(ctx, "sam", args.marks, None)
        finally:
            ctx.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"POST /api/outbox, one mark per request, server only; {os.cpu_count()} CPUs, "
          f"load average {load_before} before, {load} after (1, 5, 15 min)")
    for name, values, sql in (("pat, 2,000 events", full, full_sql),
                              ("sam, empty lanes (reference)", empty, empty_sql)):
        print(f"  {name:<30} n={len(values)}  median {statistics.median(values):6.1f} ms"
              f"  p95 {pct(values, 0.95):6.1f} ms  {sql:.1f} statements a request")
    print(f"ratio of p95 to the reference: {pct(full, 0.95) / pct(empty, 0.95):.2f}")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
