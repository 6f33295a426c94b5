"""A group calibration in Debian's chromium against the real app: on a clip of its own (a
family made here, the demo's first sample coded by pat and by sam, both done), sue makes
pat's coding the gold standard, and the Calibration tab compares every other coder of that
clip with it at once (Fleiss' kappa, alpha) and one by one. Screenshot:
test-artifacts/e2e/calibration-group.png.

The demo's clips are left as they are, so this test and the supervision flow (which needs
the demo's clip 1 as a double-coded pair) pass in either order."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, Server, shot, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
FAMILY = "CAL-GROUP"
SAMPLE = REPO / "sample_clips" / "sample_a_gaze_and_smiles"


def _group_clip(server: Server) -> int:
    """A clip of this test's own family, coded by pat and by sam, both marked done."""
    server.attune("family", "add", FAMILY, "--baby", "Ada", "--practitioner", "pat",
                  "--practitioner", "sam", "--as", "pat")
    server.attune("consent", "record", FAMILY, "shared_review", "supervision",
                  "second_coder", "training", "--evidence", "signed form", "--as", "pat")
    clip = json.loads(server.attune("clip", "add", FAMILY, f"{SAMPLE}.mp4", "--json",
                                    "--as", "pat"))
    clip_id = int(clip["id"])
    server.attune("events", "import", str(clip_id), f"{SAMPLE}.events.json", "--coder",
                  "pat", "--as", "pat")
    server.attune("events", "import", str(clip_id), f"{SAMPLE}.coder2.events.json",
                  "--coder", "sam", "--as", "sam")
    for coder in ("pat", "sam"):
        server.attune("clip", "done", str(clip_id), "--as", coder)
    return clip_id


def _choose(page: Page, box: str, option: re.Pattern[str]) -> None:
    combo = page.get_by_role("combobox", name=box, exact=True)
    if not option.search(combo.input_value()):
        combo.click()
        page.get_by_role("option", name=option).click()
        wait_for_app(page)
    expect(combo).to_have_value(option)


def test_a_group_calibrates_on_one_gold_clip(page: Page, server: Server) -> None:
    clip_id = _group_clip(server)
    ours = re.compile(rf"^{FAMILY} · Clip {clip_id}\b")
    sign_in(page, "sue")
    page.get_by_role("link", name="Supervision").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Calibration").click()
    _choose(page, "Clip", ours)
    _choose(page, "Expert coder", re.compile("^pat$"))
    page.get_by_role("button", name="Set as gold standard").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(f"coding of clip {clip_id} is now the gold standard"))) \
        .to_be_visible()
    _choose(page, "Gold clip", ours)
    expect(page.get_by_text("Each coder against pat's gold coding, lowest first.")) \
        .to_be_visible()
    expect(page.get_by_text(re.compile("for the same moments: Fleiss' kappa"))).to_be_visible()
    metric = page.locator("[data-testid='stMetric']", has_text="Fleiss' kappa")
    expect(metric.locator("[data-testid='stMetricValue']")).to_have_text(re.compile(r"^0\.\d\d$"))
    expect(page.get_by_role("button", name="Group report (PDF)")).to_be_visible()
    wait_for_app(page)
    metric.scroll_into_view_if_needed()
    shot(page, "calibration-group")
