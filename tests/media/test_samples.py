from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType

import av
import pytest

from attune.media.frames import picture_at
from attune.media.ingest import ingest_media
from attune.media.probe import probe
from attune.schemas import validate
from tests.media.synth import REPO

SAMPLES = REPO / "sample_clips"
CLIPS = sorted(SAMPLES.glob("*.mp4"))


def test_three_committed_clips_under_5_mb() -> None:
    assert len(CLIPS) == 3
    assert sum(p.stat().st_size for p in CLIPS) < 5_000_000


@pytest.mark.parametrize("clip", CLIPS, ids=lambda p: p.stem)
def test_clip_format_and_events(clip: Path) -> None:
    facts = probe(clip)
    assert (facts.coded_width, facts.coded_height, facts.frame_rate_nominal) == (640, 360, 25)
    assert 20_000 <= facts.duration_ms <= 40_000
    assert (facts.video_codec, facts.audio_codec) == ("h264", "aac")
    doc = json.loads((SAMPLES / f"{clip.stem}.events.json").read_text())
    validate(doc, "events.v1")
    ids = {e["id"]: e for e in doc["events"]}
    assert all(e["coder"] == "truth" for e in doc["events"])
    for event in doc["events"]:
        assert event["start_ms"] <= event["end_ms"] <= facts.duration_ms
        if event["kind"] != "cue":
            assert event["answers"] in ids


def test_second_coder_differs_realistically() -> None:
    truth = json.loads((SAMPLES / "sample_a_gaze_and_smiles.events.json").read_text())
    other = json.loads((SAMPLES / "sample_a_gaze_and_smiles.coder2.events.json").read_text())
    validate(other, "events.v1")
    assert {e["coder"] for e in other["events"]} == {"coder2"}
    t = {e["id"]: e for e in truth["events"]}
    o = {e["id"]: e for e in other["events"]}
    missed = set(t) - set(o)
    assert len(missed) == 1 and t[missed.pop()]["code"] == "C07"  # a subtle cue
    assert sum(t[i]["code"] != o[i]["code"] for i in o) == 1
    assert all(200 <= abs(o[i]["start_ms"] - t[i]["start_ms"]) <= 900 for i in o)


def test_drawn_frame_number_survives_ingest(samples_module: ModuleType, tmp_path: Path) -> None:
    clip = SAMPLES / "sample_b_turns.mp4"
    result = ingest_media(clip, tmp_path, short_side=180)  # scaled to 320x180
    for ms in (0, 39, 40, 5000, 12_345, 24_960):
        picture = picture_at(result.proxy_path, ms)
        assert samples_module.read_frame_number(picture) == ms * 25 // 1000


def test_beeps_land_at_their_times_after_ingest(samples_module: ModuleType,
                                                tmp_path: Path) -> None:
    result = ingest_media(SAMPLES / "sample_c_fuss_and_soothe.mp4", tmp_path)
    peaks = json.loads(result.envelope_path.read_text())["peaks"]
    for beep_ms in samples_module.BEEPS_MS:
        first = beep_ms // 50
        before, during = peaks[first - 2: first], peaks[first: first + 2]
        assert max(during) > 0.5 and max(before) < 0.2, beep_ms


@pytest.mark.slow
def test_regenerates_identically(samples_module: ModuleType, tmp_path: Path) -> None:
    made = samples_module.make_all(tmp_path)
    committed = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".mp4", ".json"))
    assert sorted(p.name for p in made) == committed
    for path in made:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == hashlib.sha256((SAMPLES / path.name).read_bytes()).hexdigest(), path
    with av.open(str(made[0])) as c:
        assert "creation_time" not in c.metadata
