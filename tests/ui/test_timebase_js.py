"""The timeline's JavaScript time base gives the same numbers as attune.core.timebase."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction

import pytest

from attune.core.timebase import RATES_CHECKED, FrameGrid
from attune.ui.timeline import HERE, script

FRAMES = [*range(0, 200), 1_799, 1_800, 1_801, 107_891, 107_892, 3_600_000]
MILLIS = [*range(0, 300), 999, 1_000, 1_001, 33_366, 33_367, 3_599_999, 3_600_000]

DRIVER = """
const cases = JSON.parse(process.argv[1]);
const out = cases.map(([num, den, frames, millis]) => {
  const g = attuneFrameGrid(num, den);
  return [frames.map(g.startMs), millis.map(g.frameAt), millis.map(g.snap),
          frames.map((n) => g.sampleAt(n))];
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (apt-get install nodejs)")
def test_javascript_and_python_agree_on_every_rate() -> None:
    cases = [[f.numerator, f.denominator, FRAMES, MILLIS] for f in RATES_CHECKED]
    source = (HERE / "timebase.js").read_text(encoding="utf-8") + DRIVER
    done = subprocess.run(["node", "-e", source, json.dumps(cases)], capture_output=True,
                          text=True, check=True, timeout=60)
    got = json.loads(done.stdout)
    for fps, (starts, shown, snapped, samples) in zip(RATES_CHECKED, got, strict=True):
        g = FrameGrid(fps)
        assert starts == [g.start_ms(n) for n in FRAMES], fps
        assert shown == [g.frame_at(ms) for ms in MILLIS], fps
        assert snapped == [g.snap(ms) for ms in MILLIS], fps
        assert samples == [g.sample_at(n) for n in FRAMES], fps


def test_the_component_runs_the_time_base_first() -> None:
    js = script()
    assert js.index("function attuneFrameGrid") < js.index("export default function")
    assert "attuneFrameGrid(num, den)" in js


def test_a_known_value_at_ntsc() -> None:  # the 34 ms against 33 ms
    assert FrameGrid(Fraction(30000, 1001)).start_ms(1) == 34
