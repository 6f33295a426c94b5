"""Rendering: frame-exact cuts, sound in sync, WebVTT, atomicity, format, captions."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.errors import InputError
from attune.reels import render as render_module
from attune.reels.plan import MomentSpec, ReelOptions, SegmentKind, plan_reel, webvtt_text
from attune.reels.render import make_caption_overlay, render_reel, render_reel_files

from .conftest import Source, decode_reel, read_index

pytestmark = pytest.mark.slow


def _moments(clip: str = "a") -> list[MomentSpec]:
    return [
        MomentSpec(clip, 1000, 4000, "Maya smiled, and you smiled back.", key_ms=2000,
                   film_stop=True, slow_replay=True,
                   film_stop_caption="What do you notice her doing here?"),
        MomentSpec(clip, 4520, 9000, "You waited, and she had her turn."),
    ]


@pytest.fixture(scope="module")
def reel25(source25: Source, tmp_path_factory: pytest.TempPathFactory):
    plan = plan_reel(_moments(), {"a": source25.fps},
                     ReelOptions(baby_name="Maya", date="12 March 2025"))
    out = tmp_path_factory.mktemp("reel") / "reel.mp4"
    seen: list[float] = []
    result = render_reel(plan, {"a": source25.path}, out,
                         progress=lambda stage, f: seen.append(f))
    return plan, result, decode_reel(out), seen


def test_first_and_last_frame_of_each_moment_are_the_planned_source_frames(reel25) -> None:
    plan, _, (lumas, times, _), _ = reel25
    assert len(lumas) == plan.total_frames
    for seg in plan.segments:
        if seg.kind == SegmentKind.CLIP:
            assert read_index(lumas[seg.reel_start_frame]) == seg.src_first_frame
            assert read_index(lumas[seg.reel_end_frame - 1]) == seg.src_end_frame - 1
            # and every frame in between, in order
            got = [read_index(lumas[k]) for k in range(seg.reel_start_frame, seg.reel_end_frame)]
            assert got == list(range(seg.src_first_frame, seg.src_end_frame))
        elif seg.kind == SegmentKind.SLOW_REPLAY:
            got = [read_index(lumas[k]) for k in range(seg.reel_start_frame, seg.reel_end_frame)]
            assert got == [i for i in range(seg.src_first_frame, seg.src_end_frame)
                           for _ in range(2)]
        elif seg.kind == SegmentKind.FILM_STOP:
            got = {read_index(lumas[k]) for k in range(seg.reel_start_frame, seg.reel_end_frame)}
            assert got == {plan.moments[0].key_frame} == {50}
    # picture times are the reel's own constant frame rate
    assert times[:3] == [0, 40, 80] and times[-1] == (plan.total_frames - 1) * 40


def test_result_reports_duration_and_moment_starts(reel25) -> None:
    plan, result, _, seen = reel25
    assert result.duration_ms == plan.duration_ms == 17_400
    assert result.moment_starts_ms == (3000, 9920)
    assert result.to_dict()["moments"] == [{"index": 1, "start_ms": 3000},
                                           {"index": 2, "start_ms": 9920}]
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


def _beep_onsets_ms(sound: np.ndarray, rate: int = 48_000) -> list[int]:
    win = rate // 200  # 5 ms windows
    n = len(sound) // win
    energy = (sound[:n * win].reshape(n, win) ** 2).mean(axis=1)
    loud = energy > 0.01
    onsets = [i for i in range(1, n) if loud[i] and not loud[i - 1]]
    return [i * 1000 * win // rate for i in onsets]


def test_a_beep_plays_at_the_right_reel_time(reel25, source25: Source) -> None:
    plan, _, (_, _, sound), _ = reel25
    expected = []
    for m in plan.moments:
        for beep in source25.beeps_ms:
            if m.snapped_start_ms + 300 <= beep < m.snapped_end_ms - 300:
                expected.append(m.reel_start_ms + beep - m.snapped_start_ms)
    assert expected == [3000 + 1000, 9920 + 5000 - 4520, 9920 + 8000 - 4520]
    onsets = _beep_onsets_ms(sound)
    assert len(onsets) == len(expected)
    for got, want in zip(onsets, expected, strict=True):
        assert abs(got - want) <= 40, (got, want)  # within one frame at 25 fps


def test_webvtt_next_to_the_reel_matches_the_plan(reel25) -> None:
    plan, result, _, _ = reel25
    text = result.vtt_path.read_text(encoding="utf-8")
    assert text == webvtt_text(plan)
    cues = re.findall(r"(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)\n(.+)", text)
    assert cues[0] == ("00:00:03.000", "00:00:07.920", "Maya smiled, and you smiled back.")
    assert cues[1] == ("00:00:07.920", "00:00:09.920", "What do you notice her doing here?")
    assert cues[2] == ("00:00:09.920", "00:00:14.400", "You waited, and she had her turn.")


def test_output_is_h264_high_or_main_with_aac_and_faststart(reel25) -> None:
    _, result, _, _ = reel25
    with av.open(str(result.path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert v.codec_context.name == "h264"
        assert v.codec_context.profile in ("High", "Main")
        assert a.codec_context.name == "aac"
        assert a.codec_context.sample_rate == 48_000 and a.codec_context.channels == 2
    head = result.path.read_bytes()
    assert 0 <= head.find(b"moov") < head.find(b"mdat")


def test_ntsc_rate_cuts_are_frame_exact(source2997: Source, tmp_path: Path) -> None:
    moments = [MomentSpec("b", 1001, 4004, "You followed his lead."),
               MomentSpec("b", 5005, 7508, "He cooed, and you cooed back.")]
    plan = plan_reel(moments, {"b": source2997.fps}, ReelOptions(title_card_ms=1000,
                                                                 end_card_ms=0))
    assert plan.fps == Fraction(30000, 1001)
    result = render_reel(plan, {"b": source2997.path}, tmp_path / "r.mp4", preset="ultrafast")
    lumas, _, sound = decode_reel(result.path)
    assert len(lumas) == plan.total_frames
    for m, seg in zip(plan.moments, [s for s in plan.segments if s.kind == SegmentKind.CLIP],
                      strict=True):
        assert (m.src_first_frame, m.src_end_frame) in ((30, 120), (150, 225))
        assert read_index(lumas[seg.reel_start_frame]) == m.src_first_frame
        assert read_index(lumas[seg.reel_end_frame - 1]) == m.src_end_frame - 1
    (onset,) = _beep_onsets_ms(sound)
    m = plan.moments[0]
    assert abs(onset - (m.reel_start_ms + 3000 - m.snapped_start_ms)) <= 34


def test_a_failure_mid_render_leaves_nothing(source25: Source, tmp_path: Path) -> None:
    plan = plan_reel(_moments(), {"a": source25.fps})

    def boom(stage: str, fraction: float) -> None:
        if fraction > 0.4:
            raise RuntimeError("disk full")

    out = tmp_path / "reel.mp4"
    with pytest.raises(RuntimeError, match="disk full"):
        render_reel(plan, {"a": source25.path}, out, progress=boom)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_in_the_decoder_thread_leaves_nothing(
        source25: Source, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_reel(_moments(), {"a": source25.fps})
    real = render_module._SourceReader._compose
    calls = {"n": 0}

    def flaky(self, frame, overlay):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 60:
            raise OSError("read error")
        return real(self, frame, overlay)

    monkeypatch.setattr(render_module._SourceReader, "_compose", flaky)
    with pytest.raises(OSError, match="read error"):
        render_reel(plan, {"a": source25.path}, tmp_path / "reel.mp4")
    assert list(tmp_path.iterdir()) == []


def test_captions_in_other_scripts_render(source25: Source, tmp_path: Path) -> None:
    captions = ["Она улыбнулась, и вы улыбнулись в ответ.", "她笑了\uff0c你也笑了。",
                "ابتسمت، وابتسمت لها.", "Ela sorriu, e você sorriu de volta — ção ñ ü.",
                "הוא חייך, ואת חייכת אליו."]
    for text in captions:
        overlay = make_caption_overlay(text, 320, 180)
        assert overlay is not None
        assert (overlay.inv_alpha_y < 256 - 200).any()  # some opaque text pixels
    moments = [MomentSpec("a", i * 2000, i * 2000 + 1000, c) for i, c in enumerate(captions)]
    plan = plan_reel(moments, {"a": source25.fps},
                     ReelOptions(baby_name="Мая", title="Особые моменты", title_card_ms=400,
                                 end_card_ms=400))
    result = render_reel(plan, {"a": source25.path}, tmp_path / "r.mp4", preset="ultrafast")
    assert "她笑了" in result.vtt_path.read_text(encoding="utf-8")


def test_long_captions_wrap_inside_the_frame() -> None:
    overlay = make_caption_overlay("You waited, and she had her turn. " * 3, 320, 180)
    assert overlay is not None and overlay.y1 <= 180 and overlay.y0 >= 0
    assert overlay.y1 - overlay.y0 > 2 * 12  # more than one line


def test_render_from_files_end_to_end(source25: Source, tmp_path: Path) -> None:
    doc = {"schema_version": 1, "title": "Special moments with Maya", "baby_name": "Maya",
           "date": "12 March 2025",
           "moments": [{"start_ms": 1000, "end_ms": 4000,
                        "caption": "Maya smiled, and you smiled back."},
                       {"start_ms": 5000, "end_ms": 8000, "caption": "You waited."}]}
    moments = tmp_path / "moments.json"
    moments.write_text(json.dumps(doc), encoding="utf-8")
    result = render_reel_files(moments, tmp_path / "reel.mp4", clip=source25.path,
                               preset="ultrafast")
    printed = json.loads(json.dumps(result.to_dict()))
    assert printed["duration_ms"] == 3000 + 3000 + 3000 + 3000
    assert [m["start_ms"] for m in printed["moments"]] == [3000, 6000]

    doc["moments"][1]["caption"] = "You waited, but she didn't look."
    moments.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="'but'"):
        render_reel_files(moments, tmp_path / "reel2.mp4", clip=source25.path)
    assert not (tmp_path / "reel2.mp4").exists()
    result = render_reel_files(moments, tmp_path / "reel2.mp4", clip=source25.path,
                               preset="ultrafast", override_reason="practitioner's review")
    assert result.path.exists()

    doc["moments"][1]["caption"] = "You waited, and she had her turn."
    doc["moments"][0]["end_ms"] = 60_000
    moments.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="after the end of its clip"):
        render_reel_files(moments, tmp_path / "reel3.mp4", clip=source25.path)
    moments.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        render_reel_files(moments, tmp_path / "reel3.mp4", clip=source25.path)
    with pytest.raises(InputError, match="does not exist"):
        render_reel_files(tmp_path / "none.json", tmp_path / "reel3.mp4")


def test_a_caption_sits_at_the_top_or_the_bottom_as_chosen(source25: Source,
                                                           tmp_path: Path) -> None:
    """Per moment, to keep faces clear: the band is burned in where chosen, and the
    WebVTT cue says the same place."""
    from attune.reels.plan import CaptionPosition

    w, h = source25.width, source25.height
    top = make_caption_overlay("Up here.", w, h, position=CaptionPosition.TOP)
    bottom = make_caption_overlay("Down here.", w, h)
    assert top is not None and bottom is not None
    assert top.y0 < h // 10 and top.y1 < h // 2 < bottom.y0 and bottom.y1 > h * 9 // 10
    assert top.y1 - top.y0 == bottom.y1 - bottom.y0
    moments = [MomentSpec("a", 1000, 2000, "Up here.", caption_position=CaptionPosition.TOP),
               MomentSpec("a", 3000, 4000, "Down here.")]
    plan = plan_reel(moments, {"a": source25.fps},
                     ReelOptions(title_card_ms=0, end_card_ms=0, fade_ms=0))
    assert [c.position for c in plan.captions] == ["top", "bottom"]
    vtt = webvtt_text(plan)
    assert "00:00:01.000 line:0\nUp here." in vtt and "00:00:02.000\nDown here." in vtt
    result = render_reel(plan, {"a": source25.path}, tmp_path / "r.mp4", preset="ultrafast")
    lumas, _, _ = decode_reel(result.path)
    plain = plan_reel([MomentSpec("a", 1000, 2000), MomentSpec("a", 3000, 4000)],
                      {"a": source25.fps}, ReelOptions(title_card_ms=0, end_card_ms=0,
                                                       fade_ms=0))
    bare, _, _ = decode_reel(render_reel(plain, {"a": source25.path}, tmp_path / "p.mp4",
                                         preset="ultrafast").path)
    first, second = 5, len(lumas) - 5  # a picture of each moment

    def changed(a: np.ndarray, b: np.ndarray, rows: slice) -> float:
        return float(np.abs(a[rows].astype(int) - b[rows].astype(int)).mean())

    upper, lower = slice(top.y0 + 2, top.y1 - 2), slice(bottom.y0 + 2, bottom.y1 - 2)
    assert changed(lumas[first], bare[first], upper) > 5 > \
        changed(lumas[first], bare[first], lower)
    assert changed(lumas[second], bare[second], lower) > 5 > \
        changed(lumas[second], bare[second], upper)
