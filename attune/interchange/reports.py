"""Agreement reports as files a supervisor can file or send: PDF (with the parameters
stated first, as Bakeman, Quera & Gnisci 2009 advise) and CSV."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from attune.analysis.agreement import AgreementReport, GroupAgreement, parameter_sentences
from attune.fileio import write_bytes_atomic
from attune.interchange.tables import neutralise_frame

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


def _pdf() -> tuple[FPDF, str]:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return pdf, "DejaVu"
    return pdf, "Helvetica"  # Latin-1 only: other letters are replaced


def _lines(font: str, value: str) -> str:
    """Text for a wrapped paragraph: a number stays on the line of its unit ("1.0 s")."""
    return _text(font, _NUMBER_UNIT.sub("\\1\u00a0\\2", value))


_NUMBER_UNIT = re.compile(r"(\d) (s|ms)\b")


def _text(font: str, value: str) -> str:
    if font == "DejaVu":
        return value
    return value.encode("latin-1", "replace").decode("latin-1")


def write_agreement_pdf(reports: Sequence[tuple[str, AgreementReport]], path: Path,
                        title: str = "Inter-coder agreement",
                        groups: Sequence[tuple[str, GroupAgreement]] = (), *,
                        over_time: pd.DataFrame | None = None,
                        tallies: Sequence[str] = (),
                        notes: Sequence[Sequence[str]] = ()) -> Path:
    """One section per (heading, report): statistics with flags, the confusion matrix and
    the disagreements with their times; the parameters in sentences first (once for all
    sections when they share them); then one section per group of coders on one clip
    (Fleiss' kappa, alpha, each coder against the gold coding). ``over_time`` (columns
    date, coder, event kappa) adds a chart of each coder's agreement over time, and
    ``tallies`` the sentences of the ICC across each pair's clips, both before the
    sections. ``notes`` (one list of sentences per report, in the same order) are written
    under each section's heading. Written atomically."""
    pdf, font = _pdf()
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, _text(font, title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    pdf.cell(0, 6, _text(font, f"Made by attune on {date.today().isoformat()}. Descriptive "
                         "statistics only; no licensed measure is scored."),
             new_x="LMARGIN", new_y="NEXT")
    stated = [parameter_sentences(report.parameters) for _, report in reports]
    shared = bool(stated) and all(s == stated[0] for s in stated)
    if shared:
        _paragraphs(pdf, font, "Parameters", stated[0])
    if over_time is not None and not over_time.empty:
        chart_over_time(pdf, font, over_time, "Each coder's agreement over time")
    if tallies:
        _paragraphs(pdf, font, "Tallies across each pair's clips (ICC)", tallies)
    for i, (heading, report) in enumerate(reports):
        pdf.ln(3)
        pdf.set_font(font, "B", 12)
        pdf.multi_cell(0, 7, _text(font, heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)
        for line in [*(notes[i] if i < len(notes) else ()),
                     *report.summary_lines(parameters=not shared)]:
            pdf.multi_cell(0, 5, _lines(font, line), new_x="LMARGIN", new_y="NEXT")
        if not report.confusion.empty:
            _confusion(pdf, font, report)
    for heading, group in groups:
        pdf.ln(3)
        pdf.set_font(font, "B", 12)
        pdf.multi_cell(0, 7, _text(font, heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)
        for line in group.summary_lines():
            pdf.multi_cell(0, 5, _lines(font, line), new_x="LMARGIN", new_y="NEXT")
    return _write(pdf, path)


CHART_COLOURS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189),
                 (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34))


def chart_over_time(pdf: FPDF, font: str, frame: pd.DataFrame, heading: str,
                    value: str = "event kappa", height: float = 55) -> None:
    """A line per coder of ``value`` (from -0.2 to 1) over ``date``, on the green (.80 and
    up) and amber (.60 to .80) bands, with a legend; drawn with the PDF's own lines so
    that it prints sharp. Rows without a value are left out."""
    data = frame.dropna(subset=[value]).copy()
    data["day"] = pd.to_datetime(data["date"])
    if data.empty:
        _paragraphs(pdf, font, heading, [f"No {value} to chart yet: every comparison so far "
                                         "has it undefined (its reason is in the report)."])
        return
    _paragraphs(pdf, font, heading, [])
    if pdf.get_y() + height + 20 > pdf.page_break_trigger:
        pdf.add_page()
    left, top = pdf.l_margin + 10, pdf.get_y() + 2
    width = pdf.epw - 10
    lo, hi = -0.2, 1.0
    first, last = data["day"].min(), data["day"].max()
    span = max((last - first).total_seconds(), 1.0)

    def x_of(day: pd.Timestamp) -> float:
        if first == last:
            return left + width / 2
        return left + width * float((day - first).total_seconds()) / span

    def y_of(v: float) -> float:
        return top + height * (hi - min(max(v, lo), hi)) / (hi - lo)

    pdf.set_fill_color(223, 240, 224)
    pdf.rect(left, y_of(1.0), width, y_of(0.8) - y_of(1.0), style="F")
    pdf.set_fill_color(253, 236, 208)
    pdf.rect(left, y_of(0.8), width, y_of(0.6) - y_of(0.8), style="F")
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    pdf.rect(left, top, width, height)
    pdf.set_font(font, "", 7)
    pdf.set_text_color(80, 80, 80)
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        pdf.text(left - 8, y_of(tick) + 1, f"{tick:.1f}")
    for day in sorted({first, last}):
        label = f"{day.day} {day:%b %Y}"
        pdf.text(x_of(day) - pdf.get_string_width(label) / 2, top + height + 4, label)
    legend_y = top + height + 9
    legend_x = left
    for i, (coder, rows) in enumerate(data.sort_values("day").groupby("coder", sort=True)):
        colour = CHART_COLOURS[i % len(CHART_COLOURS)]
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width(0.5)
        points = [(x_of(d), y_of(float(v))) for d, v in zip(rows["day"], rows[value],
                                                            strict=True)]
        for (x1, y1), (x2, y2) in pairwise(points):
            pdf.line(x1, y1, x2, y2)
        for x, y in points:
            pdf.ellipse(x - 0.8, y - 0.8, 1.6, 1.6, style="F")
        name = _text(font, str(coder))
        pdf.line(legend_x, legend_y - 1, legend_x + 5, legend_y - 1)
        pdf.set_text_color(0, 0, 0)
        pdf.text(legend_x + 6, legend_y, name)
        legend_x += 12 + pdf.get_string_width(name)
        if legend_x > left + width - 20:
            legend_x, legend_y = left, legend_y + 4
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_y(legend_y + 2)
    pdf.set_font(font, "", 8)
    pdf.multi_cell(0, 4, _text(font, f"{value.capitalize()} of each comparison, by the day it "
                               "was assigned; the green band is .80 and above, the amber "
                               "band .60 to .80."), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)


def _paragraphs(pdf: FPDF, font: str, heading: str, lines: Sequence[str]) -> None:
    pdf.ln(2)
    pdf.set_font(font, "B", 10)
    pdf.cell(0, 6, _text(font, heading), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for line in lines:
        pdf.multi_cell(0, 5, _lines(font, line), new_x="LMARGIN", new_y="NEXT")


def _confusion(pdf: FPDF, font: str, report: AgreementReport) -> None:
    """The confusion matrix with every label whole: each column as wide as its label or
    its widest count, in as many blocks of columns as the page needs."""
    conf = report.confusion
    pdf.ln(2)
    pdf.set_font(font, "B", 9)
    pdf.cell(0, 5, _text(font, f"Confusion matrix (rows {report.coders[0]}, columns "
                         f"{report.coders[1]})"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 7)
    pad = 2 * pdf.c_margin + 1
    rows = [_text(font, str(x)) for x in conf.index]
    cols = [_text(font, str(x)) for x in conf.columns]
    counts = conf.to_numpy().astype(int)
    row_w = max(pdf.get_string_width(x) for x in rows) + pad
    widths = [max(pdf.get_string_width(x) for x in [label, *map(str, counts[:, j])]) + pad
              for j, label in enumerate(cols)]
    blocks = _blocks(widths, pdf.epw - row_w)
    for block in blocks:
        if len(blocks) > 1:
            pdf.cell(0, 5, _text(font, f"Columns {cols[block[0]]} to {cols[block[-1]]}"),
                     new_x="LMARGIN", new_y="NEXT")
        pdf.cell(row_w, 5, "")
        for j in block:
            pdf.cell(widths[j], 5, cols[j], border=1, align="C")
        pdf.ln()
        for i, label in enumerate(rows):
            pdf.cell(row_w, 5, label, border=1)
            for j in block:
                pdf.cell(widths[j], 5, str(counts[i, j]), border=1, align="C")
            pdf.ln()
        pdf.ln(1)


def _blocks(widths: Sequence[float], room: float) -> list[list[int]]:
    """Column indices in runs that each fit in ``room`` (a run holds one column at least).

    >>> _blocks([10, 10, 10, 25], 30)
    [[0, 1, 2], [3]]
    """
    blocks: list[list[int]] = [[]]
    used = 0.0
    for j, w in enumerate(widths):
        if blocks[-1] and used + w > room:
            blocks.append([])
            used = 0.0
        blocks[-1].append(j)
        used += w
    return blocks


def write_agreement_csv(frame: pd.DataFrame, path: Path,
                        parameters: Mapping[str, object] | Sequence[str]) -> Path:
    """The table, preceded by comment lines that state the parameters: sentences (see
    :func:`~attune.analysis.agreement.parameter_sentences`), or ``name: value`` pairs."""
    if isinstance(parameters, Mapping):
        lines = [f"# {k}: {v}" for k, v in parameters.items()]
    else:
        lines = [f"# {sentence}" for sentence in parameters]
    text = "\n".join(lines) + "\n" + neutralise_frame(frame).to_csv(index=False)
    return _write_bytes(text.encode("utf-8"), path)


def _write(pdf: FPDF, path: Path) -> Path:
    return _write_bytes(bytes(pdf.output()), path)


def _write_bytes(data: bytes, path: Path) -> Path:
    write_bytes_atomic(path, data)
    return Path(path)


def write_portfolio_pdf(path: Path, title: str, intro: Sequence[str],
                        sections: Sequence[tuple[str, Sequence[str] | pd.DataFrame]],
                        over_time: pd.DataFrame | None = None, chart_after: int = 0) -> Path:
    """A document of sections, each a heading with sentences or a table (every column
    as wide as its header or widest cell, wrapped to the page); ``over_time`` (columns
    date, coder, event kappa) adds the agreement chart after section ``chart_after``.
    Written atomically."""
    pdf, font = _pdf()
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.multi_cell(0, 9, _text(font, title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for line in intro:
        pdf.multi_cell(0, 5, _lines(font, line), new_x="LMARGIN", new_y="NEXT")
    for i, (heading, body) in enumerate(sections):
        if isinstance(body, pd.DataFrame):
            _paragraphs(pdf, font, heading, [])
            _table(pdf, font, body)
        else:
            _paragraphs(pdf, font, heading, body)
        if i == chart_after and over_time is not None and not over_time.empty:
            chart_over_time(pdf, font, over_time, "Agreement over time")
    return _write(pdf, path)


def _table(pdf: FPDF, font: str, frame: pd.DataFrame) -> None:
    """A table with whole headers: each column gets the width of its header (bold) or its
    widest cell, shrunk in proportion (long cells wrap between words) when the page is
    narrower, never below a header's or a cell's longest word."""
    if frame.empty:
        pdf.multi_cell(0, 5, _text(font, "Nothing yet."), new_x="LMARGIN", new_y="NEXT")
        return
    size = 8
    heads = [_text(font, str(c)) for c in frame.columns]
    cells = [[_text(font, "" if pd.isna(v) else str(v)) for v in row]
             for row in frame.itertuples(index=False)]
    pad = 2 * pdf.c_margin + 3

    def width(text: str, style: str, longest_word: bool = False) -> float:
        pdf.set_font(font, style, size)
        parts = text.split() if longest_word else [text]
        return max((pdf.get_string_width(p) for p in parts), default=0.0) + pad

    full = [max([width(h, "B")] + [width(r[j], "") for r in cells])
            for j, h in enumerate(heads)]
    least = [max([width(h, "B", True)] + [width(r[j], "", True) for r in cells])
             for j, h in enumerate(heads)]
    widths = full
    if sum(full) > pdf.epw:
        # shrink the widest columns first, to one cap (never below a column's longest
        # word): a short column such as a day stays on one line, long notes wrap
        def fitted(cap: float) -> list[float]:
            return [max(m, min(f, cap)) for f, m in zip(full, least, strict=True)]

        low, high = 0.0, max(full)
        for _ in range(40):
            cap = (low + high) / 2
            low, high = (cap, high) if sum(fitted(cap)) <= pdf.epw else (low, cap)
        widths = fitted(low)
    pdf.set_font(font, "", size)
    with pdf.table(col_widths=widths, width=sum(widths), align="LEFT", text_align="LEFT",
                   first_row_as_headings=True, line_height=4.5,
                   padding=(0.5, pdf.c_margin + 1)) as table:
        head = table.row()
        for h in heads:
            head.cell(h)
        for r in cells:
            row = table.row()
            for v in r:
                row.cell(v)
    pdf.set_font(font, "", 9)
