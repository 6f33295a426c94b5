"""A practitioner's own supervision log and accreditation portfolio in Debian's chromium
against the real app: sue logs a session with pat (the demo's clip 1 watched), pat opens
My supervision, reads it in words and downloads their own portfolio, whose text names the
demo family (its consent covers supervision and training). Screenshot:
test-artifacts/e2e/my-supervision.png."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
NOTE = "We watched Maya's pauses together."


def test_a_practitioner_downloads_their_own_portfolio(page: Page, server: Server,
                                                      tmp_path: Path) -> None:
    server.attune("supervise", "log", "pat", "--minutes", "40", "--clips", "1", "--notes",
                  NOTE, "--actions", "Wait a moment longer.", "--as", "sue")
    sign_in(page, "pat")
    page.get_by_role("link", name="My supervision").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My supervision")).to_be_visible()
    log = page.get_by_test_id("stDataFrame").first
    expect(log).to_be_visible()
    page.get_by_role("button", name="Prepare my portfolio").click()
    wait_for_app(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="My portfolio (PDF)").click()
    pdf = tmp_path / "portfolio.pdf"
    download.value.save_as(pdf)
    shot(page, "my-supervision")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "make test installs poppler-utils (pdftotext)"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Accreditation portfolio: pat" in text and "their own" in text
    assert NOTE in text and "DEMO-01 · Clip 1" in text
