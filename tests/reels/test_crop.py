"""A moment's crop (zoom and pan, issue 17 item 6): the handout's still and the reel's
film-stop show the same part of the key frame's picture (attune.media.frames.cropped of
the one picture of that frame), filled back to the picture's size without stretching."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from attune.core.crop import Crop
from attune.errors import InputError
from attune.media.frames import cropped, picture_of
from attune.reels.handout import write_handout
from attune.reels.plan import MomentSpec, ReelOptions, SegmentKind, plan_reel
from attune.reels.render import render_reel

SAMPLE = Path(__file__).resolve().parents[2] / "sample_clips" / "sample_a_gaze_and_smiles.mp4"
BARE = ReelOptions(title_card_ms=0, end_card_ms=0, fade_ms=0, film_stop_ms=200)
FACE = Crop.centred(2.5, 0.3, 0.4)  # a part of the left of the picture, 2.5 times closer


def _fps(path: Path) -> Fraction:
    with av.open(str(path)) as c:
        rate = c.streams.video[0].average_rate
        assert rate
        return Fraction(rate)


def _pdf_images(pdf: Path) -> list[np.ndarray]:
    """The JPEG pictures the PDF holds (fpdf2 embeds them as DCTDecode streams)."""
    raw = pdf.read_bytes()
    out = []
    for m in re.finditer(rb"/Filter /DCTDecode.*?stream\r?\n", raw, re.S):
        start = m.end()
        end = raw.index(b"endstream", start)
        data = raw[start:end].rstrip(b"\r\n")
        out.append(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
    return out


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_AREA)
    return float(np.mean(np.abs(a.astype(np.int16) - b.astype(np.int16))))


def test_crop_rules() -> None:
    assert Crop.from_dict(None) is None
    assert Crop.from_dict({"x": 0, "y": 0, "w": 1, "h": 1}) is None  # the whole picture
    assert Crop.from_dict(FACE.to_dict()) == FACE
    for bad in ({"x": 0.8, "y": 0, "w": 0.5, "h": 0.5},  # off the picture
                {"x": 0, "y": 0, "w": 0.5, "h": 0.3},  # would stretch a face
                {"x": 0, "y": 0, "w": 0.05, "h": 0.05},  # closer than attune zooms
                {"x": "a", "y": 0, "w": 0.5, "h": 0.5}, {"x": 0}):
        with pytest.raises(InputError):
            Crop.from_dict(bad)
    with pytest.raises(InputError):
        Crop.centred(20, 0.5, 0.5)
    picture = np.zeros((90, 160, 3), np.uint8)
    picture[:45, :80] = 200  # the top left quarter is light
    closer = cropped(picture, Crop(0, 0, 0.5, 0.5))
    assert closer.shape == picture.shape and closer.mean() > 190
    assert cropped(picture, None) is picture


def test_the_handout_still_and_the_film_stop_show_the_moments_crop(tmp_path: Path) -> None:
    fps = _fps(SAMPLE)
    moment = MomentSpec("a", 1000, 3000, "You looked at each other.", key_ms=2000,
                        film_stop=True, crop=FACE)
    plan = plan_reel([moment], {"a": fps}, BARE)
    (planned,) = plan.moments
    whole = picture_of(SAMPLE, fps, planned.key_frame)
    expected = cropped(whole, FACE)
    assert _diff(expected, whole) > 10  # the crop shows something else than the whole

    pdf = write_handout(plan, {"a": SAMPLE}, tmp_path / "handout.pdf")
    (still,) = _pdf_images(pdf)
    cv2.imwrite(str(tmp_path / "still.png"), still)
    assert still.shape == whole.shape
    assert _diff(still, expected) < 4  # JPEG's loss only
    assert _diff(still, whole) > 10

    render_reel(plan, {"a": SAMPLE}, tmp_path / "reel.mp4")
    stop = next(s for s in plan.segments if s.kind == SegmentKind.FILM_STOP)
    assert stop.crop == FACE
    with av.open(str(tmp_path / "reel.mp4")) as c:
        frames = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]
    held = frames[stop.reel_start_frame + stop.frames // 2]
    # the caption band is drawn over the bottom: compare the picture above it
    top = held.shape[0] * 2 // 3
    ref = cv2.resize(expected, (held.shape[1], held.shape[0]), interpolation=cv2.INTER_AREA)
    assert _diff(held[:top], ref[:top]) < 6
    whole_ref = cv2.resize(whole, (held.shape[1], held.shape[0]), interpolation=cv2.INTER_AREA)
    assert _diff(held[:top], whole_ref[:top]) > 10
    # the moment's own playing frames are not cropped (the crop is for the held picture)
    clip_seg = next(s for s in plan.segments if s.kind == SegmentKind.CLIP)
    assert _diff(frames[clip_seg.reel_start_frame][:top], ref[:top]) > 10


def test_the_moments_file_carries_the_crop_to_the_file_based_render(tmp_path: Path) -> None:
    """`attune reel render --moments`: a moment's crop in the file (schemas/moments.v1)
    frames its film-stop as the app's reels do."""
    import json

    from attune.reels.render import read_moments_file, render_reel_files

    doc = {"schema_version": 1, "title": "", "moments": [
        {"start_ms": 1000, "end_ms": 3000, "caption": "You looked at each other.",
         "key_ms": 2000, "film_stop": True, "crop": FACE.to_dict()}]}
    path = tmp_path / "moments.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (moment,) = read_moments_file(path, default_clip=str(SAMPLE)).moments
    assert moment.crop == FACE
    result = render_reel_files(path, tmp_path / "reel.mp4", clip=SAMPLE, options=BARE)
    fps = _fps(SAMPLE)
    plan = plan_reel([moment], {str(SAMPLE): fps}, BARE)
    stop = next(s for s in plan.segments if s.kind == SegmentKind.FILM_STOP)
    expected = cropped(picture_of(SAMPLE, fps, plan.moments[0].key_frame), FACE)
    with av.open(str(tmp_path / "reel.mp4")) as c:
        frames = [f.to_ndarray(format="bgr24") for f in c.decode(video=0)]
    assert result.frames == len(frames)
    held = frames[stop.reel_start_frame + stop.frames // 2]
    top = held.shape[0] * 2 // 3
    ref = cv2.resize(expected, (held.shape[1], held.shape[0]), interpolation=cv2.INTER_AREA)
    assert _diff(held[:top], ref[:top]) < 6
    # a crop that would stretch the picture is refused with advice, nothing rendered
    doc["moments"][0]["crop"] = {"x": 0, "y": 0, "w": 0.5, "h": 0.3}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="shape"):
        render_reel_files(path, tmp_path / "bad.mp4", clip=SAMPLE, options=BARE)
    assert not (tmp_path / "bad.mp4").exists()
