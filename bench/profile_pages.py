"""Where a page's time goes: each page run once (warm) under AppTest as each role on an
existing data folder (e.g. a caseload made by ``attune demo --caseload N``), with its SQL
statement count and the top of its cProfile.

    ATTUNE_DATA_DIR=... python bench/profile_pages.py [--top 25] [--page supervision.py]
        [--cold] [--repo PATH]

``--cold`` empties the pages' cache before the measured run (what the first view after a
change costs); ``--repo`` runs another checkout's app (the "before" figures).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if "--repo" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--repo") + 1]).resolve()
sys.path.insert(0, str(ROOT))

PAGES = {"pat": ["my_work.py", "families.py", "consent.py", "reels.py", "tallies.py",
                 "workspace.py"],
         "sue": ["families.py", "supervision.py", "tallies.py"],
         "parent": ["parent_view.py"], "admin": ["accounts.py"]}


@contextlib.contextmanager
def _profiled_script_runs(prof: cProfile.Profile) -> Iterator[None]:
    """Profile the page's script run: AppTest runs it in a thread of its own, which a
    profiler enabled in this thread would not see (it would show only the wait)."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.ScriptRunner._run_script

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        prof.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            prof.disable()

    script_runner.ScriptRunner._run_script = run  # type: ignore[method-assign]
    try:
        yield
    finally:
        script_runner.ScriptRunner._run_script = original  # type: ignore[method-assign]


def main() -> None:
    from sqlalchemy import event
    from streamlit.testing.v1 import AppTest

    from attune.config import Settings
    from attune.services import Context
    from attune.services.tokens import SESSIONS
    from attune.ui.session import SESSION_KEY, USER_KEY

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--page", default=None)
    parser.add_argument("--clip", default=None, help="the Workspace's clip (?clip=)")
    parser.add_argument("--cold", action="store_true",
                        help="empty the pages' cache before the measured run")
    parser.add_argument("--repo", type=Path, default=ROOT,
                        help="the checkout whose app is run (default: this one)")
    args = parser.parse_args()
    ctx = Context.open(Settings.from_env())
    with ctx.db.transaction("bench") as tx:
        users = {u.username: u for u in tx.list_users()}
        clip = args.clip or str(tx.clips_for_family(tx.get_family("CL-001").id)[0].id)
    count = [0]

    def tick(*_: object) -> None:
        count[0] += 1

    from attune.ui.context import shared_context

    event.listen(shared_context().db.engine, "before_cursor_execute", tick)
    for who, pages in PAGES.items():
        for page in pages:
            if args.page and page != args.page:
                continue
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300)
            at.session_state[USER_KEY] = users[who]
            at.session_state[SESSION_KEY] = SESSIONS.start(ctx, users[who].id)
            if page == "workspace.py":
                at.query_params["clip"] = clip
            at.switch_page(f"app_pages/{page}")
            at.run()  # warm: imports, caches
            if args.cold:
                import streamlit as st

                st.cache_data.clear()
            count[0] = 0
            prof = cProfile.Profile()
            t0 = time.perf_counter()
            with _profiled_script_runs(prof):  # the page runs in the script runner's thread
                at.run()
            took = time.perf_counter() - t0
            print(f"\n=== {who}: {page}  {took * 1000:.0f} ms, {count[0]} SQL statements"
                  f"{', EXCEPTION' if at.exception else ''}")
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
            # attune's own calls, and built-ins such as the cache's unpickling
            lines = [ln for ln in out.getvalue().splitlines()
                     if "attune/" in ln or "app_pages" in ln or "{built-in" in ln]
            print("\n".join(ln.replace(str(ROOT) + "/", "") for ln in lines))


if __name__ == "__main__":
    main()
