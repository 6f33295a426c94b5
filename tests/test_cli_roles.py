"""Every command of ``attune`` checks the acting account's role like the app (issue "CLI
with roles"): a matrix of every command, taken from the parser, against every kind of
account, run in-process through ``attune.cli.main`` on a copy of one demo installation.

Roles: ``pat`` practises with the demo family, ``kim`` is a practitioner of no family,
``sue`` supervises pat, ``parent`` is the family's parent, ``admin`` looks after the
installation, and ``None`` names no account at all. A refusal exits 2, prints nothing on
standard output and says "Not allowed" (or, without an account, to give --as).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from attune.cli import build_parser, main
from attune.services.backup_keys import new_key_pair
from tests.paths import SAMPLE_VIDEO

PASSWORD = "a long enough password"
ROLES = ("pat", "kim", "sue", "parent", "admin", None)
EVERYONE = frozenset(ROLES)
ACCOUNTS = EVERYONE - {None}
WORKING = frozenset({"pat", "kim", "sue", "admin"})  # who may read and edit schemes
P, S, A = frozenset({"pat"}), frozenset({"sue"}), frozenset({"admin"})

# command -> (arguments after the command, who is allowed). {files} is a folder of inputs
# made once; {out} a fresh folder for each cell. Every leaf command of the parser must be
# here (test_every_command_is_in_the_matrix), so a new command cannot skip its check.
COMMANDS: dict[str, tuple[list[str], frozenset[str | None]]] = {
    "init": ([], EVERYONE),  # the service account's: they name no person
    "demo": (["--no-ingest"], EVERYONE),
    "settings": ([], EVERYONE),
    "worker": (["--workers", "1"], EVERYONE),
    "data fix-permissions": ([], EVERYONE),
    "user add": (["kim2", "--role", "practitioner", "--password-stdin"], A),
    "user list": ([], A),
    "user set-password": (["sam", "--password-stdin"], A),
    "family add": (["FAM-900", "--baby", "Ada"], WORKING),
    "family list": ([], ACCOUNTS),  # each sees only their own (kim: none)
    "consent record": (["DEMO-01", "research", "--evidence", "form"], P),
    "consent withdraw": (["DEMO-01", "research", "--yes"], P),
    "consent show": (["DEMO-01"], P | S | A),  # the gate lets an administrator see records
    "session add": (["DEMO-01"], P),
    "clip add": (["DEMO-01", "{files}/visit.mp4", "--no-ingest"], P),
    "clip info": (["1"], P | S),
    "clip done": (["1"], P),
    "clip retry": (["4", "--queue"], P),
    "events list": (["1"], P | S),
    "events export": (["1", "{out}/events.json"], P | S),
    "events import": (["3", "{files}/events.json", "--coder", "pat"], P),
    # suggested marks are the family's practitioners' only (never a supervisor's, a
    # parent's or an administrator's); the template analysed clip 1
    "detect": (["1"], P),
    "suggestions list": (["1"], P),
    "suggestions accept": (["1"], P),
    "suggestions reject": (["2"], P),
    "scheme list": ([], WORKING),
    "scheme show": ([], WORKING),
    "scheme add": (["{files}/scheme.json"], WORKING),
    "scheme export": (["attuned-moments", "{out}/scheme.template.json"], WORKING),
    "scheme import": (["{files}/scheme.template.json"], WORKING),  # again: no change
    "scheme use": (["1", "attuned-moments", "--version", "1"], P),
    "convert": (["{files}/events.json", "{out}/events.csv"], EVERYONE),  # no database
    "tally": (["--family", "DEMO-01"], P | S),
    "agreement": (["--clip", "1", "--coders", "pat,sam"], P | S),
    "contingency": (["--family", "DEMO-01"], P | S),  # practitioner-only: never a parent
    "search": (["--family", "DEMO-01"], P | S),  # kim: DEMO-01 is not a family of hers
    "supervise assign": (["--share", "1"], S),
    "supervise gold": (["2", "pat"], S),
    "supervise report": ([], S),
    "supervise group": (["1"], S),  # the demo's double-coded clip: both coders done
    "supervise calibrate": (["Spring", "--clips", "3", "--trainees", "pat"], S),
    "supervise calibrations": ([], frozenset({"pat", "kim", "sue"})),  # each their own
    "supervise log": (["pat", "--minutes", "60", "--clips", "1", "--notes", "Pauses."], S),
    "supervise sessions": ([], frozenset({"pat", "kim", "sue"})),  # each their own
    "supervise portfolio": (["pat", "--pdf", "{out}/portfolio.pdf"], P | S),  # pat: own
    "reel propose": (["1"], P),
    "reel moment": (["1", "1000", "4000", "--caption", "You smiled back."], P),
    "reel create": (["DEMO-01", "--moments", "1"], P),
    "reel rename": (["1", "Maya and you"], P),
    "reel share": (["1"], P),
    "reel unshare": (["1"], P),
    "reel render": (["1"], P),
    "reel handout": (["1", "--out", "{out}/handout.pdf"], P | {"parent"}),  # parent: shared
    "words check": (["{files}/captions.txt"], EVERYONE),  # reads no family's data
    "backup": (["{out}/backup.tar"], A),
    "backup-key": (["{out}/backup.key"], EVERYONE),  # makes a key pair, reads no data
    "nightly": ([], A),  # retention and an encrypted backup into {out}, see _run
    "restore": (["{files}/backup.tar"], A),  # into an empty folder, see _run
    "audit verify": ([], A),
    "audit anchor": ([], A),
    "audit list": ([], A),
    "retention run": (["--today", "2099-06-01"], A),
}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    """Every runnable command of ``parser``, e.g. 'reel share', from its subparsers."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaf_commands(sub, f"{prefix} {name}".strip())
            return
    yield prefix


def test_every_command_is_in_the_matrix() -> None:
    assert sorted(leaf_commands(build_parser())) == sorted(COMMANDS)


def _attune(argv: list[str], capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo installation, with kim, a fourth clip never processed, reel 1 rendered and
    shared, and the input files the commands read."""
    root = tmp_path_factory.mktemp("roles")
    files = root / "files"
    files.mkdir()
    shutil.copyfile(SAMPLE_VIDEO, files / "visit.mp4")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATTUNE_DATA_DIR", str(root / "data"))
        for name in ("ATTUNE_DATABASE_URL", "ATTUNE_MEDIA_DIR", "ATTUNE_USER"):
            mp.delenv(name, raising=False)
        mp.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        for argv in (["demo"],
                     ["user", "add", "kim", "--role", "practitioner", "--password-stdin",
                      "--as", "admin"],
                     ["clip", "add", "DEMO-01", str(files / "visit.mp4"), "--no-ingest",
                      "--on", "2026-01-02", "--as", "pat"],
                     ["detect", "1", "--as", "pat"],
                     ["reel", "propose", "1", "--accept", "1", "--as", "pat"],
                     ["reel", "create", "DEMO-01", "--moments", "1", "--as", "pat"],
                     ["reel", "render", "1", "--as", "pat"],
                     ["reel", "share", "1", "--as", "pat"],
                     # clip 3's gold coding is sam's (for calibrate; sue stays no coder
                     # of it, so her events import is still refused)
                     ["supervise", "gold", "3", "sam", "--as", "sue"],
                     ["events", "export", "1", str(files / "events.json"), "--as", "pat"],
                     ["scheme", "export", "attuned-moments",
                      str(files / "scheme.template.json"), "--as", "pat"],
                     ["backup", str(files / "backup.tar"), "--as", "admin"]):
            mp.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
            assert main(argv) == 0, argv
        (files / "captions.txt").write_text("You waited, and Maya had her turn.\n")
        doc = json.loads(_scheme_json())
        doc["codes"][0]["label"] = "looks at parent"
        (files / "scheme.json").write_text(json.dumps(doc))
    yield root


def _scheme_json() -> str:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["scheme", "show", "--json", "--as", "pat"]) == 0
    return out.getvalue()


def _run(template: Path, tmp_path: Path, command: str, who: str | None,
         capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
         ) -> tuple[int, str, str]:
    data = tmp_path / "data"
    if command == "restore":  # only into an empty folder, with the backup's audit key
        data.mkdir()
        shutil.copyfile(template / "data" / "audit_key", data / "audit_key")
    else:
        shutil.copytree(template / "data", data)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("ATTUNE_DATA_DIR", str(data))
    for name in ("ATTUNE_DATABASE_URL", "ATTUNE_MEDIA_DIR", "ATTUNE_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("attune.jobs.run_worker", lambda settings, workers: None)
    if command == "nightly":
        monkeypatch.setenv("ATTUNE_BACKUP_DIR", str(out))
        monkeypatch.setenv("ATTUNE_BACKUP_RECIPIENTS", new_key_pair(tmp_path / "backup.key"))
    capsys.readouterr()
    args, _ = COMMANDS[command]
    argv = [*command.split(), *(a.format(files=template / "files", out=out) for a in args)]
    if who is not None:
        argv += ["--as", who]
    return _attune(argv, capsys, monkeypatch)


CELLS = [pytest.param(command, who, id=f"{command.replace(' ', '-')}-{who}")
         for command in COMMANDS for who in ROLES]


@pytest.mark.parametrize(("command", "who"), CELLS)
def test_role_matrix(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch, command: str, who: str | None) -> None:
    code, out, err = _run(template, tmp_path, command, who, capsys, monkeypatch)
    if who in COMMANDS[command][1]:
        assert code == 0, f"{command} as {who} was refused: {err}"
    else:
        assert code == 2, f"{command} as {who} was allowed: {out}"
        assert out == ""  # nothing of the installation's data
        said = "Give --as" if who is None else "Not allowed"
        assert said in err, err


def test_retention_is_audited_in_the_admins_name(template: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue: `retention run --today 2027-06-01 --as parent` deleted a family's clips,
    recorded as actor "retention"."""
    from attune.config import Settings
    from attune.services import Context
    from attune.services.families import end_involvement

    code, out, err = _run(template, tmp_path, "retention run", "parent", capsys, monkeypatch)
    assert code == 2 and out == "" and "Not allowed" in err
    ctx = Context.open(Settings.from_env())
    with ctx.db.transaction("pat") as tx:
        pat = tx.get_user("pat")
    end_involvement(ctx, pat, "DEMO-01", date(2026, 1, 1))
    code, out, err = _attune(["retention", "run", "--today", "2099-06-01", "--as", "parent"],
                             capsys, monkeypatch)
    assert code == 2 and out == "" and "Not allowed" in err
    with ctx.db.transaction("test") as tx:
        assert len(tx.clips_for_family(tx.get_family("DEMO-01").id)) == 4  # none deleted
    code, out, err = _attune(["retention", "run", "--today", "2099-06-01", "--as", "admin"],
                             capsys, monkeypatch)
    assert code == 0 and "Deleted family DEMO-01" in out, err
    with ctx.db.transaction("test") as tx:
        entries = tx.audit_entries(limit=5000)
    ctx.close()
    deleted = [e for e in entries if e.object_type in ("clip", "reel")
               and "retention" in json.dumps(e.detail)]
    assert deleted and {e.actor for e in deleted} == {"admin"}
    assert "retention" not in {e.actor for e in entries}
