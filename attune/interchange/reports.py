"""Agreement reports as files a supervisor can file or send: PDF (with the parameters
stated first, as Bakeman, Quera & Gnisci 2009 advise) and CSV."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from fpdf import FPDF

from attune.analysis.agreement import AgreementReport
from attune.fileio import write_bytes_atomic

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


def _text(font: str, value: str) -> str:
    if font == "DejaVu":
        return value
    return value.encode("latin-1", "replace").decode("latin-1")


def write_agreement_pdf(reports: Sequence[tuple[str, AgreementReport]], path: Path,
                        title: str = "Inter-coder agreement") -> Path:
    """One section per (heading, report): parameters, statistics with flags, the
    confusion matrix and the disagreements with their times. Written atomically."""
    pdf, font = _pdf()
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, _text(font, title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    pdf.cell(0, 6, _text(font, f"Made by attune on {date.today().isoformat()}. Descriptive "
                         "statistics only; no licensed measure is scored."),
             new_x="LMARGIN", new_y="NEXT")
    for heading, report in reports:
        pdf.ln(3)
        pdf.set_font(font, "B", 12)
        pdf.multi_cell(0, 7, _text(font, heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(font, "", 9)
        for line in report.summary_lines():
            pdf.multi_cell(0, 5, _text(font, line), new_x="LMARGIN", new_y="NEXT")
        conf = report.confusion
        if not conf.empty:
            pdf.ln(2)
            pdf.set_font(font, "B", 9)
            pdf.cell(0, 5, _text(font, f"Confusion matrix (rows {report.coders[0]}, columns "
                                 f"{report.coders[1]})"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(font, "", 7)
            width = min(14.0, (pdf.w - 30) / (len(conf.columns) + 1))
            pdf.cell(width, 5, "")
            for col in conf.columns:
                pdf.cell(width, 5, _text(font, str(col)[:8]), border=1, align="C")
            pdf.ln()
            for idx, row in conf.iterrows():
                pdf.cell(width, 5, _text(font, str(idx)[:8]), border=1)
                for value in row:
                    pdf.cell(width, 5, str(int(value)), border=1, align="C")
                pdf.ln()
    return _write(pdf, path)


def write_agreement_csv(frame: pd.DataFrame, path: Path, parameters: dict[str, object]) -> Path:
    """The table, preceded by comment lines that state the parameters."""
    lines = [f"# {k}: {v}" for k, v in parameters.items()]
    from attune.interchange.tables import neutralise_frame

    text = "\n".join(lines) + "\n" + neutralise_frame(frame).to_csv(index=False)
    return _write_bytes(text.encode("utf-8"), path)


def _write(pdf: FPDF, path: Path) -> Path:
    return _write_bytes(bytes(pdf.output()), path)


def _write_bytes(data: bytes, path: Path) -> Path:
    write_bytes_atomic(path, data)
    return Path(path)
