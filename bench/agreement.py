"""Benchmark: the full agreement report against a plain baseline, on the same data.

1,000 synthetic double-coded clips (seeded) of 300 events per coder over 10 minutes.
Coder B is coder A with onset jitter, changed codes, dropped and added events.

- baseline: a plain-Python onset matching (every same-kind pair within the tolerance by
  nested loops, sorted by difference, greedy) plus scikit-learn's ``cohen_kappa_score``
  on the matched/unmatched labels: only the event kappa;
- attune: :func:`attune.analysis.agreement.agreement_report` for each clip: event kappa
  with its confusion matrix, detection, onset differences, time-unit kappa, alpha,
  potent and subtle cues apart, flags, disagreements and parameters.

Both compute the same event kappa; the benchmark checks that they agree.

Run: ``.venv/bin/python bench/agreement.py [--clips 1000] [--events 300] [--seed 7]``
"""

from __future__ import annotations

import argparse
import math
import random
import time

from sklearn.metrics import cohen_kappa_score

from attune.analysis.agreement import UNMATCHED, agreement_report
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


def baseline(a: list[Event], b: list[Event], tolerance_ms: int) -> float:
    """Plain Python: nested-loop candidates, greedy by smallest difference, sklearn kappa."""
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
    return float(cohen_kappa_score(la, lb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    scheme = default_scheme()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    clips = [make_clip(rng, scheme, args.events) for _ in range(args.clips)]
    print(f"data: {args.clips} clips x {args.events} events per coder, made in "
          f"{time.perf_counter() - t0:.1f} s (not timed below)")

    # warm up both paths (imports, caches) on one clip
    baseline(*clips[0], TOLERANCE_MS)
    agreement_report(*clips[0], scheme=scheme, clip_duration_ms=DURATION_MS)

    t0 = time.perf_counter()
    base = [baseline(a, b, TOLERANCE_MS) for a, b in clips]
    t_base = time.perf_counter() - t0

    t0 = time.perf_counter()
    reports = [agreement_report(a, b, tolerance_ms=TOLERANCE_MS, step_ms=1000, scheme=scheme,
                                clip_duration_ms=DURATION_MS) for a, b in clips]
    t_attune = time.perf_counter() - t0

    worst = max(abs(r.event_kappa.value - k) for r, k in zip(reports, base, strict=True)
                if r.event_kappa.value is not None)
    if not math.isclose(worst, 0.0, abs_tol=1e-9):
        raise SystemExit(f"event kappa differs from the baseline by {worst}")
    per = 1000 / args.clips
    print(f"baseline (plain-Python matching + sklearn cohen_kappa_score): {t_base:.2f} s "
          f"({t_base * per:.2f} ms/clip)")
    print(f"attune agreement_report (full report):                       {t_attune:.2f} s "
          f"({t_attune * per:.2f} ms/clip)")
    print(f"ratio baseline/attune: {t_base / t_attune:.1f}x   "
          f"(event kappa identical on all clips, max |diff| {worst:.1e})")
    r = reports[0]
    print(f"clip 1: event kappa {r.event_kappa.value:.3f}, time-unit kappa "
          f"{r.time_unit_kappa.value:.3f}, alpha {r.alpha.value:.3f}, flag {r.flag}, "
          f"{len(r.disagreements)} disagreements")


if __name__ == "__main__":
    main()
