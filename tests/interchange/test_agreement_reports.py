"""The agreement report files as a supervisor reads them: parameters in sentences, no
identifiers of the code, every column header whole."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from attune.analysis.agreement import (
    UNMATCHED,
    AgreementReport,
    ClipPair,
    agreement_report,
    agreement_report_clips,
    parameter_sentences,
)
from attune.core.events import Event
from attune.core.scheme import Scheme
from attune.interchange.reports import write_agreement_csv, write_agreement_pdf
from attune.schemes import default_scheme

SNAKE_CASE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return default_scheme()


def _coded(scheme: Scheme, coder: str, shift_ms: int, reverse: bool) -> list[Event]:
    """Every code of the scheme once, a second apart (reversed: many disagreements)."""
    codes = sorted(scheme.codes, key=lambda c: c.id, reverse=reverse)
    return [Event(c.kind, c.id, 1000 * i + shift_ms, 1000 * i + shift_ms, coder=coder)
            for i, c in enumerate(codes)]


def _reports(scheme: Scheme) -> list[tuple[str, AgreementReport]]:
    a = _coded(scheme, "pat", 0, False)
    b = _coded(scheme, "sam", 200, True)
    clips = [ClipPair(a, b, 60_000, 1), ClipPair(a[:20], a[:18], 60_000, 2)]
    return [
        ("Clip 1: pat and sam", agreement_report(a, b, scheme=scheme, clip_duration_ms=60_000,
                                                 clip_id=1, tolerance_ms=800)),
        ("Clip 1 paired by overlap", agreement_report(a, b, scheme=scheme, matching="overlap",
                                                      clip_duration_ms=60_000, clip_id=1)),
        ("Clips 1 and 2", agreement_report_clips(clips, scheme=scheme, step_ms=250)),
        ("No scheme, no duration", agreement_report(a[:3], b[:2])),
    ]


def _pdf_text(path: Path) -> str:
    assert shutil.which("pdftotext"), "make test installs poppler-utils (pdftotext)"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _header_labels(text: str, labels: set[str]) -> set[str]:
    """The labels on the lines that hold nothing but labels: the header rows."""
    return {t for line in text.splitlines()
            if (tokens := line.split()) and all(t in labels for t in tokens)
            for t in tokens}


def test_pdf_names_no_identifier_and_cuts_no_header(scheme: Scheme, tmp_path: Path) -> None:
    reports = _reports(scheme)
    text = _pdf_text(write_agreement_pdf(reports, tmp_path / "agreement.pdf"))
    assert SNAKE_CASE.findall(text) == []
    assert "=None" not in text and "None" not in text
    assert "{" not in text and "}" not in text
    assert "agreement_report" not in text
    labels = {str(x) for _, r in reports for x in r.confusion.columns}
    assert UNMATCHED in labels and len(labels) > 30  # more columns than fit on one line
    assert _header_labels(text, labels) == labels  # every header whole, none cut off
    assert not re.search(r"\bunmatche\b", text)


def test_pdf_states_the_parameters_in_sentences(scheme: Scheme, tmp_path: Path) -> None:
    text = " ".join(_pdf_text(write_agreement_pdf(_reports(scheme), tmp_path / "a.pdf"))
                    .split())
    assert "their onsets were at most 0.8 s apart (the tolerance)" in text
    assert "overlapped by at least 60% of the longer of the two" in text
    assert "every 1.0 s; it is a sampling step, not a tolerance" in text
    assert "every 0.25 s; it is a sampling step, not a tolerance" in text
    assert ("within 3.0 s of an engagement cue, 3.0 s of a disengagement cue or 5.0 s of a "
            "distress cue") in text
    assert "one clip gives nothing to compare" in text


def test_pdf_states_shared_parameters_once(scheme: Scheme, tmp_path: Path) -> None:
    one = _reports(scheme)[0][1]
    text = " ".join(_pdf_text(write_agreement_pdf([("Clip 1", one), ("Clip 1 again", one)],
                                                  tmp_path / "a.pdf")).split())
    assert text.count("(the tolerance)") == 1
    assert text.index("Parameters") < text.index("Clip 1 ")


def test_csv_states_the_sentences(scheme: Scheme, tmp_path: Path) -> None:
    report = _reports(scheme)[0][1]
    sentences = parameter_sentences(report.parameters)
    path = write_agreement_csv(pd.DataFrame({"clip": [1]}), tmp_path / "a.csv", sentences)
    lines = path.read_text().splitlines()
    assert lines[:len(sentences)] == [f"# {s}" for s in sentences]
    assert lines[len(sentences):] == ["clip", "1"]


def test_parameter_sentences_name_no_identifier(scheme: Scheme) -> None:
    for _, report in _reports(scheme):
        text = " ".join(parameter_sentences(report.parameters))
        assert SNAKE_CASE.findall(text) == [] and "{" not in text and "None" not in text
        assert " ms" not in text  # seconds for reading
    assert parameter_sentences({}) == []


def test_pdf_carries_the_flag_sentences_and_a_group(scheme: Scheme, tmp_path: Path) -> None:
    from attune.analysis.agreement import group_agreement

    reports = _reports(scheme)
    a = _coded(scheme, "pat", 0, False)
    group = group_agreement({"pat": a, "sam": _coded(scheme, "sam", 200, True),
                             "tia": a[:25]}, gold="pat", scheme=scheme,
                            clip_duration_ms=60_000)
    text = " ".join(_pdf_text(write_agreement_pdf(
        reports[:1], tmp_path / "a.pdf", groups=[("Clip 1: a group of 3 coders", group)]))
        .split())
    assert reports[0][1].notes[0].sentence in text
    assert "Clip 1: a group of 3 coders" in text
    assert "3 coders (pat, sam, tia) marked" in text and "the gold coding is pat's" in text
    assert "Fleiss' kappa over the moments" in text
    assert "tia against the gold coding: event kappa" in text
    assert SNAKE_CASE.findall(text) == []
