"""Reel plans (pure): snapping, trimming, ordering, bounds, warnings, WebVTT, documents."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.core.timebase import FrameGrid
from attune.core.words import Finding, WordRule, check_words
from attune.errors import InputError
from attune.reels.plan import (
    DEFAULT_TITLE,
    MomentSpec,
    ReelOptions,
    SegmentKind,
    caption_findings,
    moments_from_document,
    moments_to_document,
    plan_reel,
    reorder_moments,
    trim_moment,
    webvtt_text,
)
from attune.schemas import validate

NTSC = Fraction(30000, 1001)
BARE = ReelOptions(title_card_ms=0, end_card_ms=0, fade_ms=0)


def test_snapping_at_25_fps_rounds_to_the_nearest_boundary() -> None:
    plan = plan_reel([MomentSpec("a", 1019, 4021)], {"a": Fraction(25)}, BARE)
    (m,) = plan.moments
    assert (m.src_first_frame, m.src_end_frame) == (25, 101)
    assert (m.snapped_start_ms, m.snapped_end_ms) == (1000, 4040)
    assert plan.total_frames == 76 and plan.duration_ms == 3040


def test_snapping_at_ntsc_rate_is_stable_under_ms_rounding() -> None:
    # frame 90 starts at 3003.0 ms, frame 91 at 3036.37 ms: a timeline shows 3036
    assert FrameGrid(NTSC).snap(3036) == 91 == FrameGrid(NTSC).snap(3037)
    plan = plan_reel([MomentSpec("a", 3036, 6039)], {"a": NTSC}, BARE)
    (m,) = plan.moments
    assert (m.src_first_frame, m.src_end_frame) == (91, 181)
    assert plan.total_frames == 90
    assert plan.duration_ms == 3003  # 90 frames of 1001/30000 s


@given(st.integers(0, 10_000_000))
def test_frame_starts_round_trip_through_snapping(frame: int) -> None:
    for fps in (Fraction(25), NTSC, Fraction(24000, 1001), Fraction(30)):
        assert FrameGrid(fps).snap(FrameGrid(fps).start_ms(frame)) == frame


def test_sound_boundaries_follow_frames_exactly() -> None:
    assert FrameGrid(Fraction(25)).sample_at(25) == 48_000
    assert FrameGrid(NTSC).sample_at(30) == 48_048
    # never drifts: frame k's first sample is k * 1601.6 rounded
    assert FrameGrid(NTSC).sample_at(30_000) == 48_048_000


def test_segments_tile_the_reel_and_moments_start_after_the_title() -> None:
    opts = ReelOptions(baby_name="Maya", date="12 March 2025")
    moments = [
        MomentSpec("a", 1000, 5000, "Maya smiled, and you smiled back.", key_ms=2000,
                   film_stop=True, slow_replay=True, film_stop_caption="What do you notice?"),
        MomentSpec("b", 0, 3000, "You waited, and she had her turn."),
    ]
    plan = plan_reel(moments, {"a": Fraction(25), "b": Fraction(25)}, opts)
    kinds = [s.kind for s in plan.segments]
    assert kinds == [SegmentKind.TITLE, SegmentKind.CLIP, SegmentKind.SLOW_REPLAY,
                     SegmentKind.FILM_STOP, SegmentKind.CLIP, SegmentKind.END]
    cursor = 0
    for seg in plan.segments:
        assert seg.reel_start_frame == cursor
        cursor += seg.frames
        assert seg.fade_in_frames == seg.fade_out_frames == 6  # 250 ms at 25 fps
    assert cursor == plan.total_frames
    assert plan.moment_starts_ms == (3000, 3000 + 4000 + 1920 + 2000)
    assert plan.segments[0].card_lines == (opts.title, "Maya", "12 March 2025")
    slow, stop = plan.segments[2], plan.segments[3]
    assert (slow.src_first_frame, slow.src_end_frame, slow.repeat) == (38, 62, 2)
    assert slow.frames == 48 and not slow.audio
    assert stop.src_first_frame == 50 and stop.frames == 50
    assert stop.caption == "What do you notice?"
    assert plan.duration_ms == 3000 + 4000 + 1920 + 2000 + 3000 + 3000


def test_trimming_moves_cuts_by_whole_frames() -> None:
    m = MomentSpec("a", 1000, 5000, key_ms=1000)
    t = trim_moment(m, NTSC, start_frames=1, end_frames=-2)
    plan = plan_reel([t], {"a": NTSC}, BARE)
    assert plan.moments[0].src_first_frame == FrameGrid(NTSC).snap(1000) + 1
    assert plan.moments[0].src_end_frame == FrameGrid(NTSC).snap(5000) - 2
    assert t.key_ms == t.start_ms  # the key frame is kept inside the moment
    with pytest.raises(InputError):
        trim_moment(m, Fraction(25), start_frames=60, end_frames=-50)
    with pytest.raises(InputError):
        trim_moment(MomentSpec("a", 0, 4000), Fraction(25), start_frames=-1)


def test_reordering() -> None:
    ms = [MomentSpec("a", i * 4000, i * 4000 + 3000) for i in range(3)]
    assert reorder_moments(ms, [2, 0, 1]) == [ms[2], ms[0], ms[1]]
    with pytest.raises(InputError):
        reorder_moments(ms, [0, 0, 1])
    plan = plan_reel(reorder_moments(ms, [2, 0, 1]), {"a": Fraction(25)}, BARE)
    assert [m.src_first_frame for m in plan.moments] == [200, 0, 100]


def test_bounds_are_errors() -> None:
    fps = {"a": Fraction(25)}
    with pytest.raises(InputError, match="at least one moment"):
        plan_reel([], fps)
    with pytest.raises(InputError, match="after the end of its clip"):
        plan_reel([MomentSpec("a", 5000, 9000)], fps, clip_durations_ms={"a": 8000})
    with pytest.raises(InputError, match="end must come after"):
        plan_reel([MomentSpec("a", 5000, 5000)], fps)
    with pytest.raises(InputError, match="shorter than one frame"):
        plan_reel([MomentSpec("a", 5000, 5010)], fps)
    with pytest.raises(InputError, match="not available"):
        plan_reel([MomentSpec("b", 0, 4000)], fps)
    with pytest.raises(TypeError):
        MomentSpec("a", 0.5, 4000)  # type: ignore[arg-type]


def test_many_moments_and_odd_lengths_are_warnings() -> None:
    fps = {"a": Fraction(25)}
    five = [MomentSpec("a", i * 5000, i * 5000 + 4000) for i in range(5)]
    plan = plan_reel(five, fps)
    assert any("5 moments" in w for w in plan.warnings)
    assert len(plan.moments) == 5
    short_long = [MomentSpec("a", 0, 2000), MomentSpec("a", 3000, 14_000),
                  MomentSpec("a", 20_000, 25_000)]
    plan = plan_reel(short_long, fps)
    assert [w.split(" lasts")[0] for w in plan.warnings] == ["Moment 1", "Moment 2"]
    plan = plan_reel(short_long, fps, ReelOptions(min_s=1, max_s=12))
    assert plan.warnings == ()


def test_mixed_rates_keep_durations() -> None:
    plan = plan_reel([MomentSpec("a", 0, 4000), MomentSpec("b", 0, 4000)],
                     {"a": Fraction(25), "b": NTSC}, BARE)
    assert plan.fps == 25
    assert [s.frames for s in plan.segments] == [100, 100]
    assert plan.segments[1].src_end_frame == 120


def test_webvtt_matches_the_plan() -> None:
    moments = [MomentSpec("a", 1000, 5000, "She smiled, and you smiled back.", film_stop=True,
                          slow_replay=True),
               MomentSpec("a", 6000, 9000, "You waited --> she had her turn.")]
    plan = plan_reel(moments, {"a": Fraction(25)})
    text = webvtt_text(plan)
    assert text.startswith("WEBVTT\n")
    # clip, slow replay and film-stop share the caption: one merged cue
    assert "00:00:03.000 --> 00:00:10.920\nShe smiled, and you smiled back." in text
    second = plan.captions[-1]
    assert second.start_ms == plan.moment_starts_ms[1] == 10_920
    assert "00:00:10.920 --> 00:00:13.920\nYou waited -> she had her turn." in text


def test_caption_findings_use_the_words_checker() -> None:
    ms = [MomentSpec("a", 0, 4000, "You waited, and she had her turn."),
          MomentSpec("a", 0, 4000, "You waited, but she didn't look."),
          MomentSpec("a", 0, 4000, "Fine", film_stop=True, film_stop_caption="Missed it")]
    found = caption_findings(ms)
    assert sorted(found) == [1, 2]
    assert [f.found for f in found[1]] == ["but", "didn't"]

    def double(text: str) -> list[Finding]:
        return [Finding("x", 0, 1, WordRule.NEGATIVE, "y")] if "x" in text else []

    assert caption_findings([MomentSpec("a", 0, 4000, "x")], double) == {0: double("x")}


def test_the_reels_own_words_for_the_parent_pass_the_words_check() -> None:
    """The title card's default title and the end card's words are the reel's own: the
    parent reads them on every film and every handout page."""
    options = ReelOptions()
    assert options.title == DEFAULT_TITLE
    assert check_words(options.title) == [] and check_words(options.end_text) == []


def test_moments_document_round_trip_and_schema() -> None:
    doc = {
        "schema_version": 1, "title": "Special moments with Maya", "baby_name": "Maya",
        "date": "2025-03-12",
        "moments": [
            {"clip": "clip.mp4", "start_ms": 1000, "end_ms": 5000,
             "caption": "She smiled, and you smiled back.", "key_ms": 2000,
             "film_stop": True, "slow_replay": False, "film_stop_caption": "Look here."},
            {"start_ms": 6000, "end_ms": 9000,
             "crop": {"x": 0.25, "y": 0.1, "w": 0.5, "h": 0.5}},
        ],
    }
    validate(doc, "moments.v1")
    parsed = moments_from_document(doc, default_clip="other.mp4")
    assert parsed.options.baby_name == "Maya"
    assert parsed.moments[0].film_stop and parsed.moments[0].key_ms == 2000
    assert parsed.moments[1].clip == "other.mp4" and parsed.moments[1].caption == ""
    assert parsed.moments[0].crop is None
    assert parsed.moments[1].crop is not None and parsed.moments[1].crop.zoom == 2
    again = moments_to_document(parsed.moments, parsed.options)
    validate(again, "moments.v1")
    assert moments_from_document(again).moments == parsed.moments
    with pytest.raises(InputError, match="names no clip"):
        moments_from_document(doc)
    with pytest.raises(InputError):
        validate({"moments": [{"start_ms": -1, "end_ms": 5}]}, "moments.v1")
    with pytest.raises(InputError):  # a crop off the picture is refused by the schema
        validate({"moments": [{"start_ms": 0, "end_ms": 5,
                               "crop": {"x": 1.2, "y": 0, "w": 0.5, "h": 0.5}}]}, "moments.v1")


def test_every_schema_property_has_a_description() -> None:
    from attune.schemas import load_schema

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, f"{where}/{name}"
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for sub in node:
                walk(sub, where)

    walk(load_schema("moments.v1"), "")
