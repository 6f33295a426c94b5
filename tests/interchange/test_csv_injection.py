"""CSV exports never carry a formula a spreadsheet would run (OWASP "CSV injection"), and
attune reads its own exports back unchanged, negative numbers included."""

from __future__ import annotations

import csv
import dataclasses
import io

import pandas as pd
import pytest

from attune.interchange.model import EventsDocument
from attune.interchange.tables import (
    dumps_events_csv,
    frame_csv_bytes,
    frame_xlsx_bytes,
    loads_events_csv,
    neutralise_cell,
    neutralise_frame,
    restore_cell,
)

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)",
             "\tTAB", "\rCR", "'=already quoted", "'plain"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_text_is_neutralised_and_comes_back(text: str) -> None:
    written = neutralise_cell(text)
    assert written.startswith("'") and written[1:] == text
    assert restore_cell(written) == text


@pytest.mark.parametrize("value", ["smile", "", 5, -5, -2.5, None])
def test_numbers_and_safe_text_are_untouched(value: object) -> None:
    assert neutralise_cell(value) == value


def test_events_csv_has_no_live_formula_and_round_trips(document: EventsDocument,
                                                       events_key) -> None:  # type: ignore[no-untyped-def]
    events = list(document.events)
    for i, text in enumerate(DANGEROUS[: len(events)]):
        events[i] = dataclasses.replace(events[i], note=text)
    doc = dataclasses.replace(document, events=tuple(events))
    text = dumps_events_csv(doc)
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").isdigit()]
    assert "'=HYPERLINK" in text
    back = loads_events_csv(text, "events.csv")
    assert events_key(back) == events_key(doc)


def test_frames_for_csv_keep_numbers_numbers() -> None:
    frame = pd.DataFrame({"family": ["=cmd|' /C calc'!A0", "FAM-1"], "kappa": [-0.25, 0.5],
                          "count": [-3, 4]})
    out = neutralise_frame(frame).to_csv(index=False)
    assert "'=cmd" in out and "-0.25" in out and "-3" in out and "'-" not in out
    assert frame["family"][0].startswith("=")  # the caller's frame is not changed


def test_boris_tsv_has_no_live_formula_and_round_trips(document: EventsDocument,
                                                      events_key) -> None:  # type: ignore[no-untyped-def]
    """The BORIS export too: a clip named like a formula is written quoted, and attune's
    own import takes the quote off again."""
    from attune.interchange.boris import dumps_boris_tabular, loads_boris_tabular

    clip = dataclasses.replace(document.clip, name="=1+2 visit.mp4")
    doc = dataclasses.replace(document, clip=clip)
    text = dumps_boris_tabular(doc, observation_id="@SUM(A1)")
    cells = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t")
             for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+2 visit.mp4" in text and "'@SUM" in text
    back = loads_boris_tabular(text)
    assert back.clip.name == clip.name
    assert events_key(back) == events_key(doc)


def test_table_files_carry_no_live_formula_in_csv_or_xlsx(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Tallies and reports leave as CSV or XLSX (the Tallies page, ``attune tally --out``):
    a workbook runs a formula in a cell as a CSV does, so both are neutralised."""
    from openpyxl import load_workbook

    from attune.interchange.tables import write_frame

    frame = pd.DataFrame({"label": ["=HYPERLINK(\"http://evil.example\")", "smiles"],
                          "count": [-3, 4]})
    assert "'=HYPERLINK" in frame_csv_bytes(frame).decode()
    for data in (frame_xlsx_bytes(frame),
                 (write_frame(frame, tmp_path / "t.xlsx"), (tmp_path / "t.xlsx").read_bytes())[1]):
        sheet = load_workbook(io.BytesIO(data)).active
        cells = [c.value for row in sheet.iter_rows() for c in row]
        assert not [c for c in cells if isinstance(c, str) and c.startswith("=")], cells
        assert "'=HYPERLINK(\"http://evil.example\")" in cells and -3 in cells
    write_frame(frame, tmp_path / "t.csv")
    assert "'=HYPERLINK" in (tmp_path / "t.csv").read_text()
