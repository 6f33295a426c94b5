"""Session fixtures of the media tests (helpers live in synth.py)."""

from __future__ import annotations

import importlib.util
import sys
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import pytest

from tests.media.synth import REPO, Synthetic, make_clip


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip25(media_dir: Path) -> Synthetic:
    return make_clip(media_dir / "n25.mp4", fps=Fraction(25), frames=75)


@pytest.fixture(scope="session")
def clip2997(media_dir: Path) -> Synthetic:
    return make_clip(media_dir / "n2997.mp4", fps=Fraction(30000, 1001), frames=90)


@pytest.fixture(scope="session")
def samples_module() -> ModuleType:
    path = REPO / "sample_clips" / "make_samples.py"
    spec = importlib.util.spec_from_file_location("make_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module
    spec.loader.exec_module(module)
    return module
