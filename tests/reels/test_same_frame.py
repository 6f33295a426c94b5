"""The handout still, the reel's film-stop and the frame the timeline opens on are one
picture, at every common frame rate and on a variable frame rate recording (issue 13).

Each clip's pictures carry their own number (tests/media/synth.py); a moment's key time
is chosen on and around frame edges. The timeline's frame comes from its own JavaScript
(timebase.js, run by node) and its picture is the one a browser shows after the
timeline's seek (to the middle of that frame).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.core.timebase import RATES_CHECKED, FrameGrid
from attune.media.frames import picture_at, picture_of
from attune.media.ingest import ingest_media
from attune.reels.handout import write_handout
from attune.reels.plan import MomentSpec, ReelOptions, SegmentKind, plan_reel
from attune.reels.render import render_reel
from attune.ui.timeline import HERE
from tests.media.synth import make_clip, read_number

BARE = ReelOptions(title_card_ms=0, end_card_ms=0, fade_ms=0, film_stop_ms=200)


def _timeline_frames(cases: list[tuple[Fraction, int]]) -> list[int]:
    """The frame the timeline's own code opens on for ``(fps, ms)`` (``seekMs``)."""
    driver = """
const cases = JSON.parse(process.argv[1]);
process.stdout.write(JSON.stringify(cases.map(([n, d, ms]) => attuneFrameGrid(n, d).frameAt(ms))));
"""
    source = (HERE / "timebase.js").read_text(encoding="utf-8") + driver
    arg = json.dumps([[f.numerator, f.denominator, ms] for f, ms in cases])
    done = subprocess.run(["node", "-e", source, arg], capture_output=True, text=True,
                          check=True, timeout=60)
    return [int(n) for n in json.loads(done.stdout)]


def _film_stop_numbers(reel: Path, first: int, frames: int) -> set[int]:
    with av.open(str(reel)) as c:
        pictures = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]
    return {read_number(p) for p in pictures[first:first + frames]}


def _same_picture_everywhere(proxy: Path, fps: Fraction, key_ms: int, tmp: Path) -> int:
    """Checks the three agree for a moment around ``key_ms``; returns the picture's number."""
    grid = FrameGrid(fps)
    start = grid.snap_ms(max(0, key_ms - 400))
    moment = MomentSpec("c", start, grid.snap_ms(key_ms + 400), "", key_ms=key_ms,
                        film_stop=True)
    plan = plan_reel([moment], {"c": fps}, BARE)
    (planned,) = plan.moments
    assert planned.key_frame == grid.frame_at(key_ms)

    seen: list[int] = []

    def still(path: Path, rate: Fraction, frame: int) -> np.ndarray:
        picture = picture_of(path, rate, frame)
        seen.append(read_number(picture))
        return picture

    write_handout(plan, {"c": proxy}, tmp / "handout.pdf", still_of=still)
    (handout,) = seen

    render_reel(plan, {"c": proxy}, tmp / "reel.mp4")
    stop = next(s for s in plan.segments if s.kind == SegmentKind.FILM_STOP)
    assert _film_stop_numbers(tmp / "reel.mp4", stop.reel_start_frame, stop.frames) == {handout}

    (opened,) = _timeline_frames([(fps, key_ms)])
    assert opened == planned.key_frame
    centre_ms = (2 * opened + 1) * 500 * fps.denominator // fps.numerator  # seekFrame(n)
    assert read_number(picture_at(proxy, centre_ms)) == handout
    return handout


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (apt-get install nodejs)")
@pytest.mark.parametrize("fps", RATES_CHECKED, ids=str)
def test_one_picture_for_a_key_frame_at_each_rate(fps: Fraction, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", fps=fps, frames=int(3 * fps))
    grid = FrameGrid(fps)
    for n, key_ms in enumerate((grid.start_ms(40), grid.start_ms(41) - 1, 1500)):
        out = tmp_path / str(n)
        out.mkdir()
        # on a constant-rate clip, picture n is frame n
        assert _same_picture_everywhere(clip.path, fps, key_ms, out) == grid.frame_at(key_ms)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (apt-get install nodejs)")
def test_one_picture_for_a_key_frame_of_a_variable_rate_recording(tmp_path: Path) -> None:
    rng = np.random.default_rng(13)
    gaps = rng.choice([25, 33, 40, 50, 67], size=75)  # a phone's uneven frame times
    times = [0, *np.cumsum(gaps)[:-1].tolist()]
    clip = make_clip(tmp_path / "vfr.mp4", fps=Fraction(30), times_ms=times)
    result = ingest_media(clip.path, tmp_path / "media")
    fps = Fraction(result.proxy_fps)
    numbers = set()
    for n, key_ms in enumerate((700, 1001, 1234, 1500)):
        out = tmp_path / str(n)
        out.mkdir()
        numbers.add(_same_picture_everywhere(result.proxy_path, fps, key_ms, out))
    assert len(numbers) == 4  # four different pictures, each agreed on by all three
