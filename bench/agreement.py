"""Benchmark: the full agreement report against a plain baseline, on the same data.

1,000 synthetic double-coded clips (seeded) of 300 events per coder over 10 minutes.
Coder B is coder A with onset jitter, changed codes, dropped and added events.

- baseline: a plain-Python onset matching (every same-kind pair within the tolerance by
  nested loops, sorted by difference, greedy) plus scikit-learn's ``cohen_kappa_score``
  on the matched/unmatched labels: only the event kappa and its confusion counts;
- attune: :func:`attune.analysis.agreement.agreement_report` for each clip: event kappa
  with its confusion matrix, detection, onset differences, time-unit kappa overall and per
  lane, alpha, potent and subtle cues apart, flags with their sentences and parameters.

The two are run clip by clip, alternately, so that the load of a shared machine falls on
both alike; each is timed by the wall clock and by the process's CPU time. The results
must be identical: the same event kappa (to 1e-12) and the same confusion counts on every
clip, or the bench stops. Each run prints the machine's load before and after; with
``--runs 3`` (the default) the median ratio closes the output.

Run: ``.venv/bin/python bench/agreement.py [--clips 1000] [--events 300] [--seed 7] [--runs 3]``
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import time
from collections import Counter

from sklearn.metrics import cohen_kappa_score

from attune.analysis.agreement import UNMATCHED, AgreementReport, agreement_report
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.schemes import default_scheme

DURATION_MS = 600_000
TOLERANCE_MS = 1000


def make_clip(rng: random.Random, scheme: Scheme, n: int) -> tuple[list[Event], list[Event]]:
    by_kind = {k: [c.id for c in scheme.codes_of(k)] for k in EventKind}
    kinds = [EventKind.CUE] * 5 + [EventKind.RESPONSE] * 4 + [EventKind.REACTION]
    a: list[Event] = []
    for _ in range(n):
        kind = rng.choice(kinds)
        start = rng.randrange(0, DURATION_MS - 5000)
        end = start if rng.random() < 0.7 else start + rng.randrange(200, 4000)
        a.append(Event(kind, rng.choice(by_kind[kind]), start, end, coder="ana"))
    b: list[Event] = []
    for e in a:
        if rng.random() < 0.08:
            continue  # coder B did not mark it
        shift = int(rng.gauss(0, 400))
        start = min(max(0, e.start_ms + shift), DURATION_MS - 5000)
        code = e.code if rng.random() > 0.12 else rng.choice(by_kind[e.kind])
        b.append(Event(e.kind, code, start, start + (e.end_ms - e.start_ms), coder="ben"))
    while len(b) < n:
        kind = rng.choice(kinds)
        start = rng.randrange(0, DURATION_MS - 5000)
        b.append(Event(kind, rng.choice(by_kind[kind]), start, start, coder="ben"))
    rng.shuffle(b)
    return a, b


def baseline(a: list[Event], b: list[Event], tolerance_ms: int
             ) -> tuple[float, Counter[tuple[str, str]]]:
    """Plain Python: nested-loop candidates, greedy by smallest difference, sklearn kappa.
    Returns the event kappa and the confusion counts (coder A's code, coder B's)."""
    a = sorted(a, key=lambda e: (e.start_ms, e.kind, e.code, e.end_ms))
    b = sorted(b, key=lambda e: (e.start_ms, e.kind, e.code, e.end_ms))
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if x.kind == y.kind and abs(x.start_ms - y.start_ms) <= tolerance_ms:
                candidates.append((abs(x.start_ms - y.start_ms), i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    la: list[str] = []
    lb: list[str] = []
    for _, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        la.append(a[i].code)
        lb.append(b[j].code)
    for i, x in enumerate(a):
        if i not in used_a:
            la.append(x.code)
            lb.append(UNMATCHED)
    for j, y in enumerate(b):
        if j not in used_b:
            la.append(UNMATCHED)
            lb.append(y.code)
    return float(cohen_kappa_score(la, lb)), Counter(zip(la, lb, strict=True))


def report(a: list[Event], b: list[Event], scheme: Scheme) -> AgreementReport:
    return agreement_report(a, b, tolerance_ms=TOLERANCE_MS, step_ms=1000, scheme=scheme,
                            clip_duration_ms=DURATION_MS)


def confusion_counts(r: AgreementReport) -> Counter[tuple[str, str]]:
    """The report's confusion matrix as counts of (coder A's code, coder B's)."""
    cats, cm = r.categories, r.confusion_counts
    return Counter({(cats[i], cats[j]): int(cm[i, j]) for i in range(len(cats))
                    for j in range(len(cats)) if cm[i, j]})


def same_results(base: tuple[float, Counter[tuple[str, str]]], r: AgreementReport) -> bool:
    kappa, counts = base
    value = r.event_kappa.value
    return (value is not None and math.isclose(value, kappa, rel_tol=0, abs_tol=1e-12)
            and confusion_counts(r) == counts)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def run(clips: list[tuple[list[Event], list[Event]]], scheme: Scheme
        ) -> tuple[float, float, float, float]:
    """Both paths clip by clip, alternately: (baseline wall, attune wall, baseline CPU,
    attune CPU) in seconds. Stops at the first clip whose results differ."""
    wall_b = wall_a = cpu_b = cpu_a = 0.0
    for n, (a, b) in enumerate(clips):
        w, c = time.perf_counter(), time.process_time()
        base = baseline(a, b, TOLERANCE_MS)
        w1, c1 = time.perf_counter(), time.process_time()
        r = report(a, b, scheme)
        w2, c2 = time.perf_counter(), time.process_time()
        wall_b, cpu_b = wall_b + w1 - w, cpu_b + c1 - c
        wall_a, cpu_a = wall_a + w2 - w1, cpu_a + c2 - c1
        if not same_results(base, r):
            raise SystemExit(f"clip {n + 1}: the report differs from the baseline "
                             f"(event kappa {r.event_kappa.value} vs {base[0]})")
    return wall_b, wall_a, cpu_b, cpu_a


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scheme = default_scheme()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    clips = [make_clip(rng, scheme, args.events) for _ in range(args.clips)]
    print(f"data: {args.clips} clips x {args.events} events per coder, made in "
          f"{time.perf_counter() - t0:.1f} s (not timed below)")
    baseline(*clips[0], TOLERANCE_MS)  # warm up both paths (imports, caches)
    report(*clips[0], scheme)
    per = 1000 / args.clips
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for i in range(args.runs):
        print(f"run {i + 1}: load before {load()}")
        wall_b, wall_a, cpu_b, cpu_a = run(clips, scheme)
        print(f"  baseline (plain-Python matching + sklearn cohen_kappa_score): "
              f"{wall_b:.2f} s wall, {cpu_b:.2f} s CPU ({wall_b * per:.2f} ms/clip)")
        print(f"  attune agreement_report (full report):                       "
              f"{wall_a:.2f} s wall, {cpu_a:.2f} s CPU ({wall_a * per:.2f} ms/clip)")
        ratios.append(wall_b / wall_a)
        cpu_ratios.append(cpu_b / cpu_a)
        print(f"  ratio baseline/attune: {ratios[-1]:.1f}x wall, {cpu_ratios[-1]:.1f}x CPU; "
              "results identical on every clip (event kappa and confusion counts)")
        print(f"  load after {load()}")
    print(f"median of {args.runs} run(s): {statistics.median(ratios):.1f}x wall, "
          f"{statistics.median(cpu_ratios):.1f}x CPU")
    r = report(*clips[0], scheme)
    lanes = ", ".join(f"{lane.lane} {lane.time_unit_kappa.value:.2f}" for lane in r.lanes
                      if lane.time_unit_kappa.value is not None)
    print(f"clip 1: event kappa {r.event_kappa.value:.3f}, time-unit kappa per lane "
          f"{lanes}, alpha {r.alpha.value:.3f}, flag {r.flag}, "
          f"{len(r.disagreements)} disagreements")


if __name__ == "__main__":
    main()
