"""The stills handout PDF: pages, captions, names, Unicode."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from attune.media.frames import picture_at
from attune.reels.handout import write_handout
from attune.reels.plan import MomentSpec, ReelOptions, plan_reel

from .conftest import Source, read_index

CAPTIONS = ["Maya smiled, and you smiled back.", "You waited, and she had her turn.",
            "Она потянулась, и вы назвали это."]


def _text(pdf: Path) -> str:
    assert shutil.which("pdftotext"), "make test installs poppler-utils (pdftotext)"
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    return _text(pdf).count("\f")


def test_picture_at_gives_the_key_frame(source25: Source) -> None:
    picture = picture_at(source25.path, 2019)  # frame 50 starts at 2000 ms
    assert picture.shape == (180, 320, 3)
    assert read_index(picture[..., 1]) == 50


@pytest.mark.parametrize(("per_page", "pages"), [(1, 3), (2, 2), (3, 1)])
def test_handout_pages_and_captions(source25: Source, tmp_path: Path, per_page: int,
                                    pages: int) -> None:
    moments = [MomentSpec("a", 1000 + 3000 * i, 4000 + 3000 * i, c, key_ms=2000 + 3000 * i)
               for i, c in enumerate(CAPTIONS)]
    plan = plan_reel(moments, {"a": source25.fps},
                     ReelOptions(title="Special moments", baby_name="Maya",
                                 date="12 March 2025"))
    out = write_handout(plan, {"a": source25.path}, tmp_path / "handout.pdf",
                        per_page=per_page)
    assert out.read_bytes().startswith(b"%PDF")
    assert _pages(out) == pages
    text = " ".join(_text(out).split())
    for caption in CAPTIONS:
        assert caption in text
    assert "Maya" in text and "12 March 2025" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf"]


def test_handout_uses_the_given_still_function(tmp_path: Path) -> None:
    calls: list[tuple[Path, Fraction, int]] = []

    def still(path: Path, fps: Fraction, frame: int) -> np.ndarray:
        calls.append((path, fps, frame))
        return np.full((90, 160, 3), 200, np.uint8)

    plan = plan_reel([MomentSpec("x", 0, 4000, "You followed his lead.", key_ms=1234)],
                     {"x": Fraction(25)})
    write_handout(plan, {"x": Path("/nowhere.mp4")}, tmp_path / "h.pdf", still_of=still)
    assert calls == [(Path("/nowhere.mp4"), Fraction(25), 30)]  # 1234 ms is in frame 30
