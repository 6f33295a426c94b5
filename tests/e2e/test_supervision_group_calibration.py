"""A group calibration in Debian's chromium against the real app: sue makes pat's coding
of the demo clip the gold standard, and the Calibration tab compares every other coder
of that clip with it at once (Fleiss' kappa, alpha) and one by one. Screenshot:
test-artifacts/e2e/calibration-group.png.

It makes the demo's clip 1 a gold clip on the shared e2e server, so it runs after
test_supervision_flow.py (which needs clip 1 as a double-coded pair): pytest runs the
e2e group's files in name order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, ensure_ready, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_group_calibrates_on_one_gold_clip(page: Page, server: Server) -> None:
    ensure_ready(server, 1)
    sign_in(page, "sue")
    page.get_by_role("link", name="Supervision").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Calibration").click()
    # the first clip and the first coder (pat) are chosen: make it the gold standard
    page.get_by_role("button", name="Set as gold standard").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile("coding of clip 1 is now the gold standard"))) \
        .to_be_visible()
    expect(page.get_by_text("Each coder against pat's gold coding, lowest first.")) \
        .to_be_visible()
    expect(page.get_by_text(re.compile("for the same moments: Fleiss' kappa"))).to_be_visible()
    metric = page.locator("[data-testid='stMetric']", has_text="Fleiss' kappa")
    expect(metric.locator("[data-testid='stMetricValue']")).to_have_text(re.compile(r"^0\.\d\d$"))
    expect(page.get_by_role("button", name="Group report (PDF)")).to_be_visible()
    wait_for_app(page)
    metric.scroll_into_view_if_needed()
    shot(page, "calibration-group")
