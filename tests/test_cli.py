"""The command line as a user runs it: a subprocess per command, on a fresh data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SAMPLE_VIDEO

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "a long enough password"


class Cli:
    def __init__(self, data: Path) -> None:
        self.env = {**os.environ, "ATTUNE_DATA_DIR": str(data)}
        for name in ("ATTUNE_DATABASE_URL", "ATTUNE_MEDIA_DIR", "ATTUNE_USER"):
            self.env.pop(name, None)

    def __call__(self, *args: str, stdin: str = "", ok: bool = True,
                 ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "attune", *args], input=stdin,
                              capture_output=True, text=True, env=self.env, cwd=REPO,
                              timeout=120)
        if ok:
            assert proc.returncode == 0, proc.stderr
        return proc


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data")


@pytest.fixture
def ready(cli: Cli) -> Cli:
    cli("init")
    cli("user", "add", "admin", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    cli("user", "add", "pat", "--role", "practitioner", "--password-stdin", "--as", "admin",
        stdin=PASSWORD + "\n")
    cli("family", "add", "FAM-001", "--baby", "Maya", "--as", "pat")
    return cli


def test_help_lists_every_command(cli: Cli) -> None:
    out = cli("--help").stdout
    for command in ("init", "demo", "user", "family", "consent", "session", "clip", "events",
                    "scheme", "audit", "retention", "settings", "backup", "restore", "convert",
                    "tally", "agreement", "supervise", "worker"):
        assert command in out
    for sub in (["user", "add"], ["family", "list"], ["consent", "withdraw"], ["clip", "add"],
                ["events", "export"], ["audit", "verify"], ["retention", "run"]):
        assert cli(*sub, "--help").stdout.startswith("usage: attune " + " ".join(sub))


def test_not_initialised(cli: Cli) -> None:
    proc = cli("family", "list", ok=False)
    assert proc.returncode == 2 and "attune init" in proc.stderr


def test_a_practitioners_day(ready: Cli, tmp_path: Path) -> None:
    cli = ready
    video = tmp_path / "visit.mp4"
    video.write_bytes(SAMPLE_VIDEO.read_bytes())
    proc = cli("clip", "add", "FAM-001", str(video), "--as", "pat", ok=False)
    assert proc.returncode == 2 and "consent record" in proc.stderr  # says what to do
    cli("consent", "record", "FAM-001", "shared_review", "supervision", "--evidence",
        "signed form", "--as", "pat")
    shown = json.loads(cli("consent", "show", "FAM-001", "--json", "--as", "pat").stdout)
    allowed = {s["scope"]: s["allowed"] for s in shown["scopes"]}
    assert allowed["shared_review"] and not allowed["parent_copy"]
    clip = json.loads(cli("clip", "add", "FAM-001", str(video), "--as", "pat", "--json",
                          "--no-ingest").stdout)
    assert clip["size_bytes"] == video.stat().st_size
    families = json.loads(cli("family", "list", "--clips", "--json", "--as", "pat").stdout)
    assert families[0]["clips"][0]["id"] == clip["id"]
    assert json.loads(cli("events", "list", str(clip["id"]), "--json", "--as", "pat")
                      .stdout) == []
    assert "chain verified" in cli("audit", "verify", "--as", "admin").stdout
    assert "Nothing is past" in cli("retention", "run", "--dry-run", "--as", "admin").stdout
    withdrawn = cli("consent", "withdraw", "FAM-001", "shared_review", "--yes", "--as", "pat")
    assert "Deleted" in withdrawn.stdout
    families = json.loads(cli("family", "list", "--clips", "--json", "--as", "pat").stdout)
    assert families[0]["clips"] == []


@pytest.mark.parametrize(
    "args,message",
    [
        (["family", "list", "--as", "nobody"], "no account called 'nobody'"),
        (["consent", "record", "FAM-404", "shared_review", "--as", "pat"],
         "no family with code 'FAM-404'"),
        (["consent", "record", "FAM-001", "everything", "--as", "pat"],
         "not a consent scope"),
        (["clip", "add", "FAM-001", "/no/such/file.mp4", "--as", "pat"], "no file at"),
        (["user", "add", "eve", "--role", "admin", "--password-stdin", "--as", "pat"],
         "Not allowed"),
        (["consent", "record", "FAM-001", "training", "--on", "yesterday", "--as", "pat"],
         "not a date"),
        (["reel", "rename", "7", "Maya and you", "--as", "pat"], "There is no reel 7"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(ready: Cli, args: list[str],
                                                 message: str) -> None:
    proc = ready(*args, ok=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_malformed_scheme_document(ready: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "scheme.json"
    bad.write_text('{"schema_version": 1, "name": "mine", "version": 1, "codes": []}')
    proc = ready("scheme", "add", str(bad), "--as", "pat", ok=False)
    assert proc.returncode == 2 and "not a valid coding_scheme.v1 document" in proc.stderr
    bad.write_text("{ not json")
    proc = ready("scheme", "add", str(bad), "--as", "pat", ok=False)
    assert proc.returncode == 2 and "is not a JSON document" in proc.stderr
    listed = ready("scheme", "list", "--json", "--as", "pat").stdout
    assert [s["name"] for s in json.loads(listed)] == ["attuned-moments"] * 2  # v1, v2


def test_scheme_edit_makes_a_new_version(ready: Cli, tmp_path: Path) -> None:
    doc = json.loads(ready("scheme", "show", "--json", "--as", "pat").stdout)
    doc["codes"][0]["label"] = "looks at parent"
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    out = ready("scheme", "add", str(path), "--as", "pat").stdout
    assert "attuned-moments v3" in out  # attune ships v1 and v2
    listed = ready("scheme", "list", "--json", "--as", "pat").stdout
    versions = [s["version"] for s in json.loads(listed)]
    assert versions == [1, 2, 3]


def test_audit_verify_fails_on_a_changed_entry(ready: Cli, tmp_path: Path) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "data" / "attune.db")
    db.execute("UPDATE audit_log SET action = 'nothing' WHERE id = 2")
    db.commit()
    db.close()
    proc = ready("audit", "verify", "--as", "admin", ok=False)
    assert proc.returncode == 1 and "AUDIT LOG DAMAGED at entry 2" in proc.stdout


def test_supervise_report_writes_the_pdf(cli: Cli, tmp_path: Path) -> None:
    """README: `attune supervise report --pdf agreement.pdf --as sue` (the demo has one clip
    double-coded by pat and sam, both done)."""
    import shutil

    cli("demo", "--no-ingest")
    pdf = tmp_path / "agreement.pdf"
    table = tmp_path / "agreement.csv"
    out = cli("supervise", "report", "--pdf", str(pdf), "--out", str(table), "--tolerance-ms",
              "800", "--as", "sue")
    assert "double-coding" in out.stdout and "event_kappa" not in out.stdout
    assert "Tallies across each pair's clips (ICC):\n  pat and sam: Not shown yet" in out.stdout
    lines = table.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("# "))
    assert lines[0].startswith("# Events of the two coders were paired")
    assert lines[header] == ("clip,date,coder A,coder B,kind,event kappa,time-unit kappa,"
                             "Krippendorff's alpha,events both marked (share),"
                             "mean onset difference (s),flag,disagreements,coder A's marks,"
                             "of them accepted from suggestions (A),coder B's marks,"
                             "of them accepted from suggestions (B)")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "make test installs poppler-utils"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    # main's PDF states its parameters in sentences (parameter_sentences), in seconds
    assert "pat and sam (double-coding" in text and "at most 0.8 s apart" in text
    assert "Each coder's agreement over time" in text
    assert ("Tallies across each pair's clips (ICC) pat and sam: Not shown yet: an ICC of the "
            "tallies needs 5 clips both coders coded") in text
    assert "1 clip is not counted: its length is not known until processed." in text

    for bad, message in [(tmp_path / "no-such-folder" / "a.pdf", "does not exist"),
                         (tmp_path, "is a folder")]:
        proc = cli("supervise", "report", "--pdf", str(bad), "--as", "sue", ok=False)
        assert proc.returncode == 2 and message in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_words_check_reads_a_file_or_the_standard_input(cli: Cli, tmp_path: Path) -> None:
    """`attune words check [FILE|-] [--language CODE] --json`: one JSON object a line;
    exit 0 when every line is fine, 1 when one is flagged or unchecked, 2 on bad input."""
    captions = tmp_path / "captions.txt"
    captions.write_text("You waited, and Maya had her turn.\nYou finally noticed her!\n\n"
                        "Eiliadau arbennig gyda Maya a chi heddiw yn y tŷ\n", encoding="utf-8")
    done = cli("words", "check", str(captions), "--json", ok=False)
    assert done.returncode == 1, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["line"], r["verdict"]) for r in rows] == [(1, "ok"), (2, "flag"),
                                                         (4, "unchecked")]
    assert rows[1]["findings"][0]["phrase"] == "finally" and rows[1]["findings"][0]["why"]
    assert {"text", "language", "verdict", "findings"} <= set(rows[0])
    plain = cli("words", "check", str(captions), ok=False).stdout
    assert "4: unchecked: Eiliadau" in plain and "read it with a colleague" in plain
    fine = cli("words", "check", "-", stdin="You waited.\n")
    assert "1: ok: You waited." in fine.stdout
    missing = cli("words", "check", str(tmp_path / "none.txt"), ok=False)
    assert missing.returncode == 2 and "There is no file" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_supervise_group_calibration_and_own_portfolio(cli: Cli, tmp_path: Path) -> None:
    """README: `attune supervise group`, `supervise calibrate` / `calibrations` and a
    practitioner's own `supervise portfolio --pdf` (no name: their own)."""
    cli("demo", "--no-ingest")
    out = cli("supervise", "group", "1", "--pdf", str(tmp_path / "group.pdf"), "--as", "sue")
    assert "Clip 1: a group of 2 coders" in out.stdout and "Fleiss' kappa" in out.stdout
    assert (tmp_path / "group.pdf").read_bytes().startswith(b"%PDF")
    cli("supervise", "gold", "3", "sue", "--as", "sue")
    out = cli("supervise", "calibrate", "Spring", "--clips", "3", "--trainees", "sam",
              "--pass-line", "70", "--as", "sue")
    assert "'Spring' is ready (pass line 70%): sam now has 1 clip(s)" in out.stdout
    out = cli("supervise", "calibrations", "--as", "sue")
    assert "Spring (pass line 70%): sam, 0 of 1 clips done, not finished" in out.stdout
    out = cli("supervise", "calibrations", "--as", "sam")  # a trainee reads their own
    assert "Spring (pass line 70%): sam, 0 of 1 clips done, not finished" in out.stdout
    out = cli("supervise", "calibrations", "--as", "pat")
    assert "No calibration session yet." in out.stdout
    mine = tmp_path / "mine.pdf"
    out = cli("supervise", "portfolio", "--pdf", str(mine), "--json", "--as", "pat")
    said = json.loads(out.stdout)
    assert said["practitioner"] == "pat" and said["made_by"] == "pat"
    assert said["families_named"] == ["DEMO-01"] and mine.read_bytes().startswith(b"%PDF")
    proc = cli("supervise", "portfolio", "sam", "--pdf", str(mine), "--as", "pat", ok=False)
    assert proc.returncode == 2 and "their own portfolio only" in proc.stderr
    proc = cli("supervise", "portfolio", "--pdf", str(mine), "--as", "sue", ok=False)
    assert proc.returncode == 2 and "Name the practitioner" in proc.stderr
