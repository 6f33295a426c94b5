"""A clone is enough: nothing the code, the tests or the build read lies outside the
repository; the real test material in ``tests/data`` is what ``PROVENANCE.tsv`` says it
is; and the JSON Schemas that ship in the package are the ones published in ``schemas/``."""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from tests.paths import REPO, TEST_DATA

#: What is scanned for paths outside the repository (``tests/data`` itself holds others'
#: files byte for byte, so only its README and table are read).
SCANNED = ["attune", "app_pages", "tests", "bench", "sample_clips", "streamlit_app.py",
           "Makefile", ".ci", "docs", "schemas", "README.md", "requirements.txt",
           "pyproject.toml", ".streamlit", ".gitignore"]
# Spelled in pieces so that this file does not match itself.
OUTSIDE = re.compile("|".join([
    r"\.\./" + "shared",           # the folder beside the repository
    r"(?<![\w.])/" + "work/",       # this machine's work area
    "real" + "data",               # the old name of the shared test material
    r"(?<![\w.])/home/\w",         # someone's home
    r"(?<![\w.])/" + "root/",
    r"(?<![\w.])/Users/\w",
]), re.IGNORECASE)


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", *SCANNED], cwd=REPO,
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    files = [REPO / name for name in out.decode().split("\0") if name]
    data = TEST_DATA.relative_to(REPO).as_posix() + "/"
    own = {"README.md", "PROVENANCE.tsv"}
    return [f for f in files if f.is_file() and not (
        f.relative_to(REPO).as_posix().startswith(data) and f.name not in own)]


def test_nothing_points_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 50
    found = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: sample clips, images
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "paths outside the repository:\n" + "\n".join(found)


def test_the_scan_finds_what_it_looks_for() -> None:
    for line in ["see ../" + "shared/notes", "Path('/" + "work/shared')",
                 "REAL" + "DATA = x", "open('/home/" + "pat/x')", "/Users/" + "pat"]:
        assert OUTSIDE.search(line), line
    for line in ["the shared review", "a network/work/flow", "attune/data/schemas/"]:
        assert not OUTSIDE.search(line), line


def provenance() -> dict[str, dict[str, str]]:
    with (TEST_DATA / "PROVENANCE.tsv").open(encoding="utf-8", newline="") as fh:
        return {row["path"]: row for row in csv.DictReader(fh, delimiter="\t")}


def test_every_test_file_is_listed_with_its_sha256() -> None:
    table = provenance()
    on_disk = {p.relative_to(TEST_DATA).as_posix(): p for p in TEST_DATA.rglob("*")
               if p.is_file() and p.parent != TEST_DATA}
    assert on_disk, "tests/data is empty"
    assert sorted(on_disk) == sorted(table), "tests/data and PROVENANCE.tsv differ"
    for name, path in on_disk.items():
        row, data = table[name], path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], f"{name} was changed"
        assert len(data) == int(row["bytes"]), name
        assert row["licence"].strip(), f"{name} has no licence"
        if row["origin_repository"] != "-":
            assert re.fullmatch(r"[\w.-]+/[\w.-]+", row["origin_repository"]), name
            assert re.fullmatch(r"[0-9a-f]{40}", row["origin_commit"]), name
            assert row["origin_path"].strip(), name


def test_only_our_notes_beside_the_material() -> None:
    assert {p.name for p in TEST_DATA.iterdir() if p.is_file()} == {"README.md",
                                                                    "PROVENANCE.tsv"}


def test_the_published_schemas_are_the_packaged_ones() -> None:
    packaged = REPO / "attune" / "data" / "schemas"
    public = REPO / "schemas"
    names = sorted(p.name for p in packaged.glob("*.schema.json"))
    assert names and names == sorted(p.name for p in public.iterdir() if p.is_file())
    for name in names:
        assert (packaged / name).read_bytes() == (public / name).read_bytes(), \
            f"schemas/{name} differs from attune/data/schemas/{name} (the truth)"


def test_schemas_are_read_from_the_package() -> None:
    from importlib import resources

    from attune.schemas import load_schema

    text = (resources.files("attune") / "data" / "schemas" / "events.v1.schema.json") \
        .read_text(encoding="utf-8")
    assert '"$schema"' in text
    assert load_schema("events.v1")["title"]


def test_citations_point_at_the_repositorys_own_notes() -> None:
    """The practice and design notes the code cites live in docs/: a citation of the
    notes outside the repository (their old names) would send a reader nowhere."""
    old = re.compile(r"\b(DOMAIN|DESIGN)" + r"\.md\b")
    found = [f"{path.relative_to(REPO)}:{number}"
             for path in tracked_files() if path.suffix in {".py", ".json", ".md", ".js"}
             and path.name not in {"test_plain_words.py"}
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if old.search(line)]
    assert not found, found
    assert (REPO / "docs" / "practice.md").is_file() and (REPO / "docs" / "design.md").is_file()
