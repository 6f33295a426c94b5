"""Agreement reports as files a supervisor can file or send: PDF (with the parameters
stated first, as Bakeman, Quera & Gnisci 2009 advise) and CSV."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
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
                        groups: Sequence[tuple[str, GroupAgreement]] = ()) -> Path:
    """One section per (heading, report): statistics with flags, the confusion matrix and
    the disagreements with their times; the parameters in sentences first (once for all
    sections when they share them); then one section per group of coders on one clip
    (Fleiss' kappa, alpha, each coder against the gold coding). Written atomically."""
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
    for heading, report in reports:
        pdf.ln(3)
        pdf.set_font(font, "B", 12)
        pdf.multi_cell(0, 7, _text(font, heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)
        for line in report.summary_lines(parameters=not shared):
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
