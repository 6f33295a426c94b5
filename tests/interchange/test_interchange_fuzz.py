"""Fuzzing: random and mutated files make every reader succeed or raise InputError.

Bounded (examples per test, no deadline per example) so the module runs in well under a
minute; a hang would trip the module's pytest timeout.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interchange_samples import make_document

from attune.errors import InputError
from attune.interchange.boris import dumps_boris_tabular, read_boris_project
from attune.interchange.convert import convert, read_events_file
from attune.interchange.eaf import dumps_eaf
from attune.interchange.events_json import dumps_events_json
from attune.interchange.model import EventsDocument
from attune.interchange.tables import dumps_events_csv, dumps_events_xlsx
from tests.paths import TEST_DATA

pytestmark = pytest.mark.timeout(120)

# ATTUNE_FUZZ_EXAMPLES raises the count for a long run by hand
EXAMPLES = int(os.environ.get("ATTUNE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_doc = make_document()
SEEDS: dict[str, list[bytes]] = {
    "eaf": [dumps_eaf(_doc), (TEST_DATA / "eaf" / "speach_test.eaf").read_bytes()],
    "boris": [(TEST_DATA / "boris" / "boris_test2.boris").read_bytes()],
    "boris-tsv": [dumps_boris_tabular(_doc).encode(),
                  (TEST_DATA / "boris" / "boris_export_events_tabular.tsv").read_bytes(),
                  (TEST_DATA / "boris" / "boris_export_aggregated_events_1.tsv").read_bytes()],
    "csv": [dumps_events_csv(_doc).encode()],
    "xlsx": [dumps_events_xlsx(_doc)],
    "json": [dumps_events_json(_doc).encode()],
}
_DIR = Path(tempfile.gettempdir()) / f"attune-fuzz-{os.getpid()}"  # one per test process


@pytest.fixture(scope="module", autouse=True)
def _scratch_dir() -> Iterator[None]:
    """A scratch folder for the hypothesis examples (they cannot take tmp_path)."""
    _DIR.mkdir(exist_ok=True)
    yield
    shutil.rmtree(_DIR, ignore_errors=True)


def _read(fmt: str, data: bytes) -> None:
    path = _DIR / f"input.{fmt}"
    path.write_bytes(data)
    try:
        if fmt == "boris":
            read_boris_project(path)
        else:
            assert isinstance(read_events_file(path, fmt=fmt), EventsDocument)
    except InputError as err:
        assert str(err)  # a message for the user


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS[fmt])))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "truncate":
            del data[at:]
        elif op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            junk = draw(st.sampled_from([b"<", b">", b"\x00", b"\t", b",", b'"', b"{", b"]",
                                         b"&lt;", b"<!DOCTYPE x>", b"\xff\xfe", b"-1",
                                         b"1e309", b"NaN", b"\n", b"</TIER>"]))
            data[at:at] = junk
        else:
            del data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


@pytest.mark.parametrize("fmt", list(SEEDS))
@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes(fmt: str, data: bytes) -> None:
    _read(fmt, data)


@pytest.mark.parametrize("fmt", list(SEEDS))
@FUZZ
@given(data=st.data())
def test_mutated_real_files(fmt: str, data: st.DataObject) -> None:
    _read(fmt, data.draw(mutated(fmt)))


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_failed_convert_writes_nothing(data: st.DataObject) -> None:
    fmt = data.draw(st.sampled_from(["eaf", "boris-tsv", "csv", "json"]))
    ext = {"boris-tsv": "tsv"}.get(fmt, fmt)
    src = _DIR / f"conv.{ext}"
    src.write_bytes(data.draw(mutated(fmt)))
    out = _DIR / "out.json"
    out.unlink(missing_ok=True)
    try:
        convert(src, out)
    except InputError:
        assert not out.exists()
        assert not list(_DIR.glob(".out.json*"))
