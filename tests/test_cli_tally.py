"""``attune tally --audience parent``: the parent's figures in the parent's words, the same
columns as the parent's export on the Tallies page (no totals of signals, no timings)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from attune.analysis.tallies import PARENT_WORDS_COLUMNS
from attune.cli import main
from attune.core.clip import ClipStatus
from attune.services import Context
from attune.services.demo import DEMO_FAMILY, load_demo


def test_the_parents_tallies_from_the_command_line_are_in_the_parents_words(
        ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    info = load_demo(ctx, ingest=False)
    with ctx.db.transaction("test") as tx:
        for clip_id in info["clips"]:
            tx.set_clip_media(clip_id, status=ClipStatus.READY, duration_ms=60_000)
    for name, value in (("ATTUNE_DATA_DIR", ctx.settings.data_dir),
                        ("ATTUNE_DATABASE_URL", ctx.settings.database_url),
                        ("ATTUNE_MEDIA_DIR", ctx.settings.media_dir),
                        ("ATTUNE_SECRET_KEY", ctx.settings.secret_key)):
        monkeypatch.setenv(name, str(value))
    out = tmp_path / "ours.csv"
    assert main(["tally", "--family", DEMO_FAMILY, "--audience", "parent", "--out", str(out),
                 "--as", "pat"]) in (0, None)
    printed = capsys.readouterr().out
    columns = list(pd.read_csv(out).columns)
    assert columns == list(PARENT_WORDS_COLUMNS.values())
    for said in (",".join(columns), printed):
        assert "latency" not in said and "_" not in said and "Cues" not in said
    # the practitioner's own table keeps every figure
    main(["tally", "--family", DEMO_FAMILY, "--out", str(out), "--as", "pat"])
    assert "latency_median_ms" in pd.read_csv(out).columns
