"""bench/agreement.py: the full report gives the same results as the plain-Python +
scikit-learn baseline (event kappa and every confusion count), clip by clip."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

from attune.schemes import default_scheme

BENCH = Path(__file__).resolve().parents[2] / "bench" / "agreement.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("agreement_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_report_equals_the_baseline_on_every_clip(seed: int) -> None:
    bench = _bench()
    scheme = default_scheme()
    rng = random.Random(seed)
    for _ in range(4):
        a, b = bench.make_clip(rng, scheme, 120)
        base = bench.baseline(a, b, bench.TOLERANCE_MS)
        report = bench.report(a, b, scheme)
        assert bench.same_results(base, report)
        assert report.event_kappa.value == pytest.approx(base[0], abs=1e-12)
        assert bench.confusion_counts(report) == base[1]
        assert sum(base[1].values()) == report.detection.matched + \
            report.detection.unmatched_a + report.detection.unmatched_b


def test_the_comparison_catches_a_difference() -> None:
    bench = _bench()
    scheme = default_scheme()
    a, b = bench.make_clip(random.Random(9), scheme, 60)
    report = bench.report(a, b, scheme)
    kappa, counts = bench.baseline(a, b, bench.TOLERANCE_MS)
    assert not bench.same_results((kappa + 1e-9, counts), report)
    (first, n), *_ = counts.items()
    changed = counts.copy()
    changed[first] = n + 1
    assert not bench.same_results((kappa, changed), report)
