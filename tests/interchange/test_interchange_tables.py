from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from attune.errors import InputError
from attune.interchange.tables import (
    COLUMNS,
    dumps_events_csv,
    loads_events_csv,
    read_events_csv,
    read_events_xlsx,
    write_events_csv,
    write_events_xlsx,
)
from attune.schemes import default_scheme


def test_csv_round_trip(tmp_path, document, events_key):
    path = tmp_path / "events.csv"
    write_events_csv(document, path, default_scheme())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][4] == "smiles / laughs"  # label written for people
    back = read_events_csv(path, scheme=default_scheme())
    assert events_key(back) == events_key(document)


def test_xlsx_round_trip(tmp_path, document, events_key):
    path = tmp_path / "events.xlsx"
    write_events_xlsx(document, path, default_scheme())
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == list(COLUMNS)
    back = read_events_xlsx(path, scheme=default_scheme())
    assert events_key(back) == events_key(document)


def _csv(rows):
    return "\n".join(",".join(r) for r in rows) + "\n"


HEADER = ["id", "coder", "kind", "code", "start_ms", "end_ms", "answers"]


@pytest.mark.parametrize("rows, pattern", [
    ([["coder", "kind", "code", "start", "end_ms"]], r"row 1: unknown column\(s\) \['start'\]"),
    ([["coder", "kind", "code", "end_ms"]], r"row 1: missing column\(s\) \['start_ms'\]"),
    ([HEADER, ["e1", "ann", "cue", "C01", "abc", "20", ""]], "row 2, column start_ms: 'abc'"),
    ([HEADER, ["e1", "ann", "cue", "C01", "1.5", "20", ""]], "row 2, column start_ms"),
    ([HEADER, ["e1", "ann", "cue", "C01", "10", "20", ""],
      ["e2", "ann", "cue", "C01", "30", "20", ""]], "row 3: the end"),
    ([HEADER, ["e1", "ann", "cue", "C99", "10", "20", ""]], "row 2: code 'C99'"),
    ([HEADER, ["e1", "ann", "smile", "C01", "10", "20", ""]], "row 2, column kind"),
    ([HEADER, ["e1", "ann", "response", "R01", "10", "20", "e9"]], "row 2: answers 'e9'"),
    ([HEADER, ["e1", "ann", "cue", "C01", "10", "20", ""],
      ["e1", "ann", "cue", "C01", "10", "20", ""]], "row 3: id 'e1'"),
    ([HEADER, ["e1", "ann", "cue", "C01", "-10", "20", ""]], "row 2: start -10"),
])
def test_bad_tables_name_row_and_column(rows, pattern):
    with pytest.raises(InputError, match=pattern):
        loads_events_csv(_csv(rows), "t.csv", scheme=default_scheme())


def test_unknown_code_without_scheme_is_kept_and_blank_rows_skipped():
    text = _csv([HEADER, ["e1", "ann", "cue", "smile", "10", "20", ""], ["", "", "", "", "",
                                                                         "", ""]])
    doc = loads_events_csv(text, "t.csv")
    assert [e.code for e in doc.events] == ["smile"]


def test_xlsx_errors_name_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["coder", "kind", "code", "start_ms", "end_ms"])
    ws.append(["ann", "cue", "C01", 100.0, 200])
    ws.append(["ann", "cue", "C01", "soon", 200])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match=r"bad\.xlsx, row 3, column start_ms"):
        read_events_xlsx(path)


def test_csv_export_has_one_row_per_event(document):
    text = dumps_events_csv(document)
    assert len(list(csv.reader(io.StringIO(text)))) == len(document.events) + 1


def test_binary_and_non_utf8_files_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"coder,kind\x00\x01\x02")
    with pytest.raises(InputError, match="binary"):
        read_events_csv(path)
    path.write_bytes("coder,kind,code,start_ms,end_ms\nJosé,cue,C01,1,2\n".encode("latin-1"))
    with pytest.raises(InputError, match="line 2: the bytes are not UTF-8"):
        read_events_csv(path)
