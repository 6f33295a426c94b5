"""``attune contingency``: the beyond-chance figures of a clip or of a family's visits, with
their parameters, for the practitioner; bad input exits 2 saying what to do."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from attune.cli import main
from attune.services import Context
from attune.services.demo import DEMO_FAMILY
from tests.factories import demo_without_video


@pytest.fixture
def installed(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    info = demo_without_video(ctx)
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("ATTUNE_DATABASE_URL", ctx.settings.database_url)
    return list(info["clips"])


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_family_visits_as_json_state_their_parameters(installed: list[int]) -> None:
    code, out, err = _run("contingency", "--family", DEMO_FAMILY, "--json", "--step-ms",
                          "500", "--as", "pat")
    assert code == 0, err
    data = json.loads(out)
    assert len(data["visits"]) == 3
    overall = data["all_visits"]
    assert overall["parameters"]["step_ms"] == 500
    assert overall["parameters"]["clips"] == 3
    assert overall["parameters"]["windows_ms"] == {"E": 3000, "D": 3000, "X": 5000}
    assert [g["group"] for g in overall["groups"]] == ["E", "D", "X", "all"]
    for cell in "abcd":  # every visit pooled is the sum of the visits
        assert overall["groups"][3][cell] == sum(v["groups"][3][cell] for v in data["visits"])


def test_one_clip_in_words_and_bad_input(installed: list[int]) -> None:
    code, out, _ = _run("contingency", "--clip", str(installed[0]), "--window-ms", "1000",
                        "--as", "sue")
    assert code == 0
    assert "time unit 1000 ms" in out and "windows E 1 s, D 1 s, X 1 s" in out
    assert "Yule's Q" in out and "practitioner-only" in out
    code, out, err = _run("contingency", "--clip", str(installed[0]), "--step-ms", "0",
                          "--as", "pat")
    assert code == 2 and out == "" and "time unit" in err
    code, out, err = _run("contingency", "--clip", str(installed[0]), "--as", "parent")
    assert code == 2 and out == "" and "Not allowed" in err
