"""Events as tables: CSV and XLSX, one row per event, for R, SPSS and spreadsheets.

Columns, in this order: ``id, coder, kind, code, label, start_ms, end_ms, answers, note,
modifiers``, then one ``modifier:<name>`` column per scheme modifier the events carry
(``modifier:modality`` holding ``voice``; see :mod:`attune.core.modifiers`). ``label`` is
the scheme's label of the code (written for people, ignored on reading); ``answers`` is
the id of the event a response follows; ``modifiers`` are the free modifiers (from other
tools) joined with ``|``. Reading needs ``coder, kind, code, start_ms, end_ms``; the
others may be left out; any other column is an error (it would be lost silently). Row numbers in
errors count the header as row 1, as spreadsheets do.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a leading ``'`` (OWASP's advice for
CSV injection), and so is text that itself starts with ``'``; reading takes one leading
``'`` off again, so text comes back as it was. Numbers (``start_ms``, ``end_ms``) are
written as numbers, so a negative number stays a number both ways.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from attune.core import modifiers as mods
from attune.core.scheme import Scheme
from attune.errors import InputError
from attune.interchange.model import (
    DEFAULT_MAX_BYTES,
    ClipInfo,
    EventDraft,
    EventsDocument,
    build_document,
    decode_text,
    parse_kind,
    read_limited,
    write_atomic,
)

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("id", "coder", "kind", "code", "label", "start_ms", "end_ms", "answers", "note",
           "modifiers")
REQUIRED = ("coder", "kind", "code", "start_ms", "end_ms")
MODIFIER_SEPARATOR = "|"
MODIFIER_COLUMN = "modifier:"  # + a modifier's name: one column per scheme modifier
#: What makes a spreadsheet take a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, prefixed with ``'``; anything else (and
    every number) as it is. Text starting with ``'`` gets one too, so that
    :func:`restore_cell` gives back exactly what was written."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def restore_cell(text: str) -> str:
    """The text :func:`neutralise_cell` was given."""
    return text[1:] if text.startswith(ESCAPE) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for CSV or XLSX: text cells neutralised, numbers untouched."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind not in "biufcmM":  # text (object or str), not numbers
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table (tallies, reports) as CSV, UTF-8, its text cells neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")


def frame_xlsx_bytes(frame: pd.DataFrame, sheet: str = "tallies") -> bytes:
    """A table as one XLSX sheet (openpyxl; dates as dates), its text cells neutralised:
    a spreadsheet runs a formula in a cell of a workbook as it does in a CSV."""
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """A table to ``path``: XLSX for a ``.xlsx`` name, CSV otherwise (written whole)."""
    xlsx = str(path).lower().endswith(".xlsx")
    write_atomic(path, frame_xlsx_bytes(frame) if xlsx else frame_csv_bytes(frame))


def events_to_rows(document: EventsDocument, scheme: Scheme | None = None) -> list[list[Any]]:
    """Header plus one row per event."""
    names = modifier_names(document, scheme)
    rows: list[list[Any]] = [list(COLUMNS) + [MODIFIER_COLUMN + n for n in names]]
    for e in document.events:
        assert e.id is not None
        chosen = mods.named(e.modifiers)
        for m in e.modifiers:
            if MODIFIER_SEPARATOR in m:
                raise InputError(f"Modifier {m!r} of event {document.local_id(e.id)} contains "
                                 f"{MODIFIER_SEPARATOR!r}, which a table cannot keep apart.")
        label = scheme.code(e.code).label if scheme is not None and scheme.has_code(e.code) \
            else ""
        rows.append([document.local_id(e.id), e.coder, str(e.kind), e.code, label, e.start_ms,
                     e.end_ms, document.answers_local_id(e) or "", e.note,
                     MODIFIER_SEPARATOR.join(mods.free(e.modifiers)),
                     *(chosen.get(n, "") for n in names)])
    return rows


def modifier_names(document: EventsDocument, scheme: Scheme | None = None) -> list[str]:
    """The named modifiers the events carry: the scheme's order, then any others."""
    used = {n for e in document.events for n in mods.named(e.modifiers)}
    order = [m.id for m in scheme.modifiers] if scheme is not None else []
    seen = [n for e in document.events for n in mods.named(e.modifiers)]
    return [n for n in dict.fromkeys([*order, *seen]) if n in used]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ms(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise InputError(f"{where}: {value!r} is not a whole number of milliseconds.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise InputError(f"{where}: {value!r} is not a whole number of milliseconds.")
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InputError(f"{where}: the time is empty; give milliseconds, e.g. 1500.")
    try:
        number = int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            raise InputError(f"{where}: {text!r} is not a number; give whole milliseconds, "
                             "e.g. 1500.") from None
        if f != f or not f.is_integer() or abs(f) > 2**53:
            raise InputError(f"{where}: {text!r} is not a whole number of milliseconds.") \
                from None
        number = int(f)
    return number


def rows_to_document(rows: Iterable[Sequence[Any]], name: str, scheme: Scheme | None = None,
                     scheme_name: str | None = None, scheme_version: int | None = None,
                     clip: ClipInfo | None = None) -> EventsDocument:
    """Build a document from a header row and data rows (cells as read); all or nothing."""
    it = iter(rows)
    try:
        header_raw = next(it)
    except StopIteration:
        raise InputError(f"{name} is empty; it needs a header row: {', '.join(COLUMNS)}.") \
            from None
    header = [_cell_text(h).strip() for h in header_raw]
    header = [MODIFIER_COLUMN + h[len(MODIFIER_COLUMN):]  # a modifier's name keeps its case
              if h.lower().startswith(MODIFIER_COLUMN) else h.lower() for h in header]
    while header and header[-1] == "":
        header.pop()
    unknown = [h for h in header if h not in COLUMNS and not (
        h.startswith(MODIFIER_COLUMN) and mods.pair(f"{h[len(MODIFIER_COLUMN):]}=x"))]
    if unknown:
        raise InputError(f"{name}, row 1: unknown column(s) {unknown}; the columns are "
                         f"{', '.join(COLUMNS)}.")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"{name}, row 1: missing column(s) {missing}; the columns are "
                         f"{', '.join(COLUMNS)}.")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(f"{name}, row 1: column(s) {dupes} appear twice.")
    col = {h: i for i, h in enumerate(header)}
    drafts = []
    for n, row in enumerate(it, start=2):
        cells = list(row)
        if all(_cell_text(c).strip() == "" for c in cells):
            continue  # blank lines, as spreadsheets leave them
        extra = cells[len(header):]
        if any(_cell_text(c).strip() for c in extra):
            raise InputError(f"{name}, row {n}: more cells than columns; remove the extra "
                             "cells or add their column.")

        def get(column: str, cells: list[Any] = cells) -> Any:
            i = col.get(column)
            return cells[i] if i is not None and i < len(cells) else None

        def text(column: str, n: int = n) -> str:
            return _cell_text(get(column)).strip()

        where = f"{name}, row {n}"
        free = text("modifiers")
        named = tuple(mods.token(h[len(MODIFIER_COLUMN):], text(h)) for h in header
                      if h.startswith(MODIFIER_COLUMN) and text(h))
        drafts.append(EventDraft(
            where=where,
            kind=parse_kind(text("kind"), f"{where}, column kind"),
            code=text("code"),
            start_ms=_ms(get("start_ms"), f"{where}, column start_ms"),
            end_ms=_ms(get("end_ms"), f"{where}, column end_ms"),
            coder=text("coder"),
            local_id=text("id") or None,
            answers=text("answers") or None,
            note=_cell_text(get("note")),
            modifiers=named + (tuple(free.split(MODIFIER_SEPARATOR)) if free else ()),
        ))
    return build_document(
        drafts,
        scheme_name=scheme_name or (scheme.name if scheme else "imported"),
        scheme_version=scheme_version or (scheme.version if scheme else 1),
        clip=clip or ClipInfo(), scheme=scheme)


# --- CSV ---------------------------------------------------------------------------------

def dumps_events_csv(document: EventsDocument, scheme: Scheme | None = None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([neutralise_cell(c) for c in row] for row in events_to_rows(document, scheme))
    return buf.getvalue()


def write_events_csv(document: EventsDocument, path: str | os.PathLike[str],
                     scheme: Scheme | None = None) -> None:
    """CSV, UTF-8 with a BOM so that Excel shows non-ASCII names rightly."""
    write_atomic(path, dumps_events_csv(document, scheme).encode("utf-8-sig"))


def loads_events_csv(text: str, name: str = "CSV file", scheme: Scheme | None = None,
                     **kwargs: Any) -> EventsDocument:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        raise InputError(f"{name}: the CSV is malformed ({err}); check its quotes.") from None
    rows = [[restore_cell(c) for c in row] for row in rows]
    return rows_to_document(rows, name, scheme, **kwargs)


def read_events_csv(path: str | os.PathLike[str], scheme: Scheme | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES, **kwargs: Any) -> EventsDocument:
    name = os.path.basename(os.fspath(path))
    text = decode_text(read_limited(path, max_bytes), name)
    return loads_events_csv(text, name, scheme, **kwargs)


# --- XLSX --------------------------------------------------------------------------------

def dumps_events_xlsx(document: EventsDocument, scheme: Scheme | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "events"
    for row in events_to_rows(document, scheme):
        # a leading "=" would make a note a formula: store such text as a string cell
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_events_xlsx(document: EventsDocument, path: str | os.PathLike[str],
                      scheme: Scheme | None = None) -> None:
    write_atomic(path, dumps_events_xlsx(document, scheme))


_MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024


def loads_events_xlsx(data: bytes, name: str = "XLSX file", scheme: Scheme | None = None,
                      **kwargs: Any) -> EventsDocument:
    """Read the first sheet of a workbook."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
            if total > _MAX_XLSX_UNCOMPRESSED:
                raise InputError(f"{name} unpacks to {total} bytes, more than the limit; "
                                 "it may be a zip bomb.")
            bad = zf.testzip()
            if bad is not None:
                raise InputError(f"{name}: part {bad} of the workbook is damaged.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError, zlib.error) as err:
        raise InputError(f"{name} is not a readable XLSX workbook ({err}); save it again "
                         "as .xlsx.") from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0] if wb.worksheets else None
            if ws is None:
                raise InputError(f"{name} has no sheet.")
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    except InputError:
        raise
    except Exception as err:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(f"{name} is not a readable XLSX workbook ({type(err).__name__}); "
                         "save it again as .xlsx.") from None
    return rows_to_document(rows, name, scheme, **kwargs)


def read_events_xlsx(path: str | os.PathLike[str], scheme: Scheme | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES, **kwargs: Any) -> EventsDocument:
    name = os.path.basename(os.fspath(path))
    return loads_events_xlsx(read_limited(path, max_bytes), name, scheme, **kwargs)
