"""Benchmark: search across a caseload (``attune.services.search``, what the Search page
and ``attune search`` call) for N = 1, 10 and 40 families.

Run ``python bench/search.py`` (``--db sqlite,postgresql --families 1,10,40 --repeats
10``). For each database it makes a caseload with ``attune demo --caseload N`` (8-12
visits a family, 15-minute clips with 50-300 events, a second coder on a fifth), growing
it from the smallest N to the largest, and then, in a process of its own, runs each
search ``--repeats`` times as the practitioner pat (whose caseload grows with N) and the
supervisor sue (a team of 8 coders): every subtle cue answered promptly, the practitioner's
unanswered distress cues, words in the note, one family, and the Search page's pickers
(the scheme versions of the searchable clips). Prints p50/p95 per search, the hits and
clips searched, the load average, and the ratio of each search's p50 at every N to N=1.
The machine's load changes the figures: run it 3 times and take the median. ``--work DIR``
keeps the caseload (the data folder) in DIR and uses it again on the next run (made once,
then only grown), so several runs, or this checkout before and after a change, measure
the same data; PostgreSQL's database is then kept too. A caseload never shrinks: in a
folder already grown to 40 families, N=1 and N=10 measure the 40.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

# the caseload and its environment as bench/pages.py makes them
from pages import ensure_pg_database, grow_caseload, load, make_env, pct  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/attune_bench_search"


# ------------------------------------------------------------------ the measuring process
def searches() -> list[tuple[str, str, dict[str, Any] | None]]:
    """(name, account, query); a query of None measures the pickers."""
    return [
        ("pat: subtle cues answered promptly", "pat",
         {"kind": "cue", "potency": "S", "answered": True, "bands": ["prompt"]}),
        ("pat: distress cues not answered", "pat",
         {"kind": "cue", "answered": False, "codes": ["C15", "C16"]}),
        ("pat: words in the note (every note read)", "pat", {"note": "looks"}),
        ("pat: one family (CL-001)", "pat", {"family": "CL-001"}),
        ("pat: the pickers (scheme versions used)", "pat", None),
        ("sue: subtle cues answered promptly (team)", "sue",
         {"kind": "cue", "potency": "S", "answered": True, "bands": ["prompt"]}),
        ("sue: the pickers (team)", "sue", None),
    ]


def measure(repeats: int) -> dict[str, Any]:
    from attune.config import Settings
    from attune.core.scheme import EventKind, Potency
    from attune.services import Context
    from attune.services.search import SearchQuery, search_events, search_schemes

    ctx = Context.open(Settings.from_env())
    out: dict[str, Any] = {}
    with ctx.db.transaction("bench") as tx:
        users = {u: tx.get_user(u) for u in ("pat", "sue")}
    for name, who, q in searches():
        user = users[who]
        times: list[float] = []
        facts = ""
        for _ in range(repeats):
            t0 = time.perf_counter()
            if q is None:
                schemes = search_schemes(ctx, user)
                facts = f"{len(schemes)} scheme version(s)"
            else:
                query = SearchQuery(
                    kind=EventKind(q["kind"]) if "kind" in q else None,
                    potency=Potency(q["potency"]) if "potency" in q else None,
                    answered=q.get("answered"), bands=frozenset(q.get("bands", ())),
                    codes=frozenset(q.get("codes", ())), note=q.get("note", ""),
                    family=q.get("family"))
                result = search_events(ctx, user, query)
                facts = (f"{len(result.hits)}{'+' if result.more else ''} hits in "
                         f"{result.clips_searched} clips")
            times.append((time.perf_counter() - t0) * 1000)
        out[name] = {"p50": statistics.median(times), "p95": pct(times, 0.95),
                     "facts": facts}
    ctx.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite", help="sqlite, postgresql or both (comma)")
    ap.add_argument("--families", default="1,10,40")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--pg-url", default=PG_DEFAULT)
    ap.add_argument("--media-cache", default=None,
                    help="keep the caseload's made files here between runs")
    ap.add_argument("--work", default=None, metavar="DIR",
                    help="keep the caseload here and use it again on the next run (the "
                    "same data for every run; it only grows; default: a new one each run)")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.repeats)))
        return
    sizes = sorted(int(x) for x in args.families.split(","))
    with tempfile.TemporaryDirectory(prefix="attune-bench-search-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        cache = Path(args.media_cache) if args.media_cache else work / "media-cache"
        for db in args.db.split(","):
            print(f"== {db}", flush=True)
            if db == "postgresql":
                ensure_pg_database(args.pg_url, fresh=not args.work)
            env = {**make_env(db, work, args.pg_url), "PYTHONPATH": str(ROOT)}
            results: dict[int, dict[str, Any]] = {}
            for n in sizes:
                grow_caseload(env, n, cache)
                before = load()
                run = subprocess.run([sys.executable, str(Path(__file__).resolve()),
                                      "--measure", "--repeats", str(args.repeats)],
                                     env=env, cwd=ROOT, check=True, capture_output=True,
                                     text=True)
                results[n] = json.loads(run.stdout.strip().splitlines()[-1])
                print(f"  N={n} (load {before} -> {load()})", flush=True)
                for name, r in results[n].items():
                    print(f"    {name:<45} p50 {r['p50']:8.1f} ms  p95 {r['p95']:8.1f} ms"
                          f"  ({r['facts']})", flush=True)
            small = sizes[0]
            print(f"  ratio of p50 to N={small}:")
            for name in results[small]:
                base = max(results[small][name]["p50"], 1e-9)
                ratios = "  ".join(f"N={n}: {results[n][name]['p50'] / base:.1f}x"
                                   for n in sizes[1:])
                print(f"    {name:<45} {ratios}")


if __name__ == "__main__":
    main()
