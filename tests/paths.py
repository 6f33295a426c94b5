"""Where the tests find the real test material: ``tests/data``, inside the repository
(listed with licences and SHA-256 in ``tests/data/PROVENANCE.tsv``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "tests" / "data"
#: A real 1 s phone-style recording (H.264 + AAC, 1080x720) that many tests store as a clip.
SAMPLE_VIDEO = TEST_DATA / "video" / "h264_aac_1080x720_sample.mp4"
