"""The ingest job and the filmstrip: a long copied clip is ready with a coarse filmstrip,
and the same job then puts the full one in its place."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from attune.core.clip import ClipStatus
from attune.media import ingest as media_ingest
from attune.services import Context
from attune.services import ingest as ingest_service
from attune.services.ingest import ingest_now
from tests.factories import make_clip, make_family, make_user
from tests.media.synth import filmstrip_numbers
from tests.media.synth import make_clip as make_video


def test_long_copied_clip_is_ready_with_a_coarse_strip_then_gets_the_full_one(
        ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat)
    video = make_video(tmp_path / "visit.mp4", fps=Fraction(5), frames=600, size=(160, 120),
                       keyint=5)  # two minutes, a keyframe a second: 120 tiles
    clip = make_clip(ctx, pat, family, video.path)
    folder = ctx.media.clip_dir(clip.id)
    files = ctx.media.clip_files(clip.id, clip.sha256)
    strip = (files["filmstrip_index"], files["filmstrip"])
    seen: list[tuple[ClipStatus, bool, int]] = []
    real = media_ingest.sharpen_filmstrip

    def watched(out_dir: Path, fps: Fraction, frames: int) -> Any:
        """The real sharpening, noting what a practitioner would have found before it."""
        with ctx.db.transaction("x") as tx:
            status = tx.get_clip(clip.id).status
        index, shown = filmstrip_numbers(*strip)
        seen.append((status, index["coarse"], len(set(shown))))
        return real(out_dir, fps, frames)

    monkeypatch.setattr(ingest_service, "sharpen_filmstrip", watched)
    stages: list[tuple[str, float]] = []
    ready = ingest_now(ctx, clip.id, lambda stage, f: stages.append((stage, f)))
    assert ready.status == ClipStatus.READY and ready.media["proxy_made_by"] == "copy"
    assert seen == [(ClipStatus.READY, True, 41)]  # codable already, 41 pictures
    assert stages[-3:] == [("finish", 1.0), ("filmstrip", 0.0), ("filmstrip", 1.0)]
    index, shown = filmstrip_numbers(*strip)
    assert index["coarse"] is False and shown == [i * 5 for i in range(120)]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no leftovers
