"""The smart-cut reel: the proxies' own pictures copied between IDR pictures, the rest
encoded; the same film, frame for frame, as a full render without captions."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.media.probe import probe, probe_clip
from attune.media.remux import copy_refusal
from attune.reels.plan import MomentSpec, ReelOptions, ReelPlan, plan_reel, webvtt_text
from attune.reels.render import render_reel
from attune.reels.smartcut import (
    Copied,
    Encoded,
    avcc_record,
    copyable_proxies,
    cut_plan,
    index_proxy,
    parse_avcc,
    pps_ids,
    render_smart_reel,
    split_annexb,
    sps_id,
)
from tests.media.conftest import BrowserPlayer, browser_player  # noqa: F401 (fixture)

from .conftest import Source, make_source, psnr, read_index, read_pictures

pytestmark = pytest.mark.slow

REAL_CLIP = Path(__file__).resolve().parents[1] / "data" / "video" / "h264_aac_1080p_10s_smpte.mp4"


def _moments(clip: str = "a", other: str | None = None) -> list[MomentSpec]:
    return [
        MomentSpec(clip, 1000, 6600, "Maya smiled, and you smiled back.", key_ms=2000,
                   film_stop=True, slow_replay=True),
        MomentSpec(other or clip, 7000, 13000, "You waited, and she had her turn."),
    ]


def _pieces(plan: ReelPlan, sources: dict[str, Path]) -> list[Encoded | Copied]:
    facts = {c: probe_clip(p) for c, p in sources.items()}
    first = facts[plan.moments[0].spec.clip]
    return cut_plan(plan, copyable_proxies(plan, facts, first.width, first.height))[0]


def _decoded_cleanly(path: Path) -> list[np.ndarray]:
    """The film's pictures, FFmpeg's decoder saying nothing about them (no warning: a
    missing reference or a broken slice at a junction would be one)."""
    import av.logging

    before = av.logging.get_level()
    av.logging.set_level(av.logging.WARNING)
    try:
        with av.logging.Capture(local=False) as logs:  # the decoder's threads too
            pictures = read_pictures(path)
    finally:
        av.logging.set_level(before)
    assert not [m for m in logs if m[0] <= av.logging.WARNING], logs[:3]
    return pictures


def _same_film(plan: ReelPlan, sources: dict[str, Path], tmp: Path
               ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Render both ways; assert the same pictures in the same order (PSNR, frame index)."""
    smart = render_smart_reel(plan, sources, tmp / "smart.mp4")
    plain = render_reel(plan, sources, tmp / "plain.mp4", burn_captions=False)
    assert smart.frames == plain.frames == plan.total_frames
    assert smart.vtt_path.read_text(encoding="utf-8") == webvtt_text(plan)
    a, b = _decoded_cleanly(smart.path), read_pictures(plain.path)
    assert len(a) == len(b) == plan.total_frames
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        assert psnr(x, y) > 35, f"reel frame {k}: {psnr(x, y):.1f} dB"
    return a, b


def _check_indexes(plan: ReelPlan, pictures: list[np.ndarray], sources: dict[str, Source]
                   ) -> None:
    """Every clip frame (not faded) shows the planned source frame."""
    h = pictures[0].shape[0] * 2 // 3
    for seg in plan.segments:
        if seg.kind.value != "clip" or seg.clip not in sources:
            continue
        for i in range(seg.fade_in_frames, seg.frames - seg.fade_out_frames):
            got = read_index(pictures[seg.reel_start_frame + i][:h])
            assert got == seg.src_first_frame + i, (seg.reel_start_frame + i, got)


def _copied_are_the_proxys_pictures(plan: ReelPlan, pieces, pictures, proxy: Path) -> int:
    """The copied pictures are the proxy's own, bit for bit."""
    source = read_pictures(proxy)
    copied = 0
    for piece in pieces:
        if isinstance(piece, Copied):
            for k in range(piece.frames):
                assert np.array_equal(pictures[piece.start + k], source[piece.a + k])
                copied += 1
    return copied


@pytest.mark.parametrize(("fps", "gop", "bframes"), [
    (Fraction(25), 25, 2),
    (Fraction(30000, 1001), 60, 2),
    (Fraction(30), 90, 3),  # a long group: 3 s
    (Fraction(25), 50, 0),  # no reordering in the proxy, some in the encoded runs
])
def test_smart_cut_is_the_plain_render_frame_for_frame(tmp_path: Path, fps: Fraction,
                                                        gop: int, bframes: int) -> None:
    src = make_source(tmp_path / "src.mp4", fps=fps, seconds=14, gop=gop, bframes=bframes)
    plan = plan_reel(_moments(), {"a": fps}, ReelOptions(baby_name="Maya"))
    pieces = _pieces(plan, {"a": src.path})
    assert any(isinstance(p, Copied) for p in pieces)
    assert sum(p.frames for p in pieces) == plan.total_frames
    smart, _ = _same_film(plan, {"a": src.path}, tmp_path)
    _check_indexes(plan, smart, {"a": src})
    assert _copied_are_the_proxys_pictures(plan, pieces, smart, src.path) >= 2 * gop
    with av.open(str(tmp_path / "smart.mp4")) as c:
        vs = c.streams.video[0]
        assert vs.codec_context.name == "h264" and vs.codec_tag == "avc1"
        length, sets = parse_avcc(bytes(vs.codec_context.extradata))
        assert length == 4 and len(sets.sps) == 2 and len(sets.pps) == 2
        assert sorted(sps_id(s) for s in sets.sps) == [0, 1]
        assert sorted(pps_ids(p) for p in sets.pps) == [(0, 0), (1, 1)]
        times = [f.pts for f in c.decode(vs)]
        assert times == sorted(set(times))
        assert c.streams.audio[0].codec_context.name == "aac"


def test_copied_runs_start_and_end_on_idr_pictures_after_and_before_the_fades(
        tmp_path: Path) -> None:
    src = make_source(tmp_path / "src.mp4", fps=Fraction(25), seconds=14, gop=25)
    plan = plan_reel(_moments(), {"a": src.fps}, ReelOptions())
    index = index_proxy(probe_clip(src.path), src.width, src.height, plan.fps)
    assert index.refusal is None
    assert index.idr_frames == tuple(range(0, src.frames, 25))
    clip = plan.segments[1]  # title, then the first moment
    assert (clip.src_first_frame, clip.src_end_frame, clip.fade_in_frames) == (25, 165, 6)
    # fade-in ends at 31 -> IDR 50; fade-out starts at 159 -> IDR 150
    assert index.copy_range(clip) == (50, 150)


def test_open_gop_keyframes_are_not_copied_from(tmp_path: Path) -> None:
    """x264's open groups: keyframes that are not IDR pictures (later B pictures refer
    across them). Nothing is copied from them; the reel is the plain one."""
    src = make_source(tmp_path / "src.mp4", fps=Fraction(25), seconds=14, gop=25,
                      x264_params="open-gop=1")
    plan = plan_reel(_moments(), {"a": src.fps}, ReelOptions())
    index = index_proxy(probe_clip(src.path), src.width, src.height, plan.fps)
    with av.open(str(src.path)) as c:
        keys = sum(1 for p in c.demux(c.streams.video[0]) if p.is_keyframe)
    assert keys > 2 and index.idr_frames == (0,)
    assert not any(isinstance(p, Copied) for p in _pieces(plan, {"a": src.path}))
    smart, _ = _same_film(plan, {"a": src.path}, tmp_path)
    _check_indexes(plan, smart, {"a": src})


def test_a_proxy_of_another_size_or_parameter_sets_is_encoded(tmp_path: Path) -> None:
    a = make_source(tmp_path / "a.mp4", fps=Fraction(25), seconds=14, gop=25)
    small = make_source(tmp_path / "b.mp4", fps=Fraction(25), seconds=14, gop=25,
                        width=256, height=144)
    other = make_source(tmp_path / "c.mp4", fps=Fraction(25), seconds=14, gop=25, crf=30)
    for clip in (small, other):
        sources = {"a": a.path, "b": clip.path}
        plan = plan_reel(_moments("a", "b"), {"a": a.fps, "b": clip.fps}, ReelOptions())
        pieces = _pieces(plan, sources)
        copied_from = {p.clip for p in pieces if isinstance(p, Copied)}
        if clip is small:
            assert copied_from == {"a"}
        else:  # the PPS differs (its initial quantiser): one clip's sets win
            assert len(copied_from) == 1
        folder = tmp_path / clip.path.stem
        folder.mkdir()
        smart, _ = _same_film(plan, sources, folder)
        _check_indexes(plan, smart, {"a": a})


@pytest.mark.parametrize("allow_copy", [True, False], ids=["copy", "transcode"])
def test_a_real_recording_through_attunes_own_proxy(tmp_path: Path, allow_copy: bool) -> None:
    """A real recording (not made here: 1080p 25 fps, B pictures, an IDR picture every
    15), through ingest: the copy path keeps its own packets as the proxy, the transcode
    path makes attune's usual 720p proxy (a keyframe every second). Either is copied in
    part, and the reel is the plain render's, frame for frame."""
    from attune.media.ingest import ingest_media

    facts = probe(REAL_CLIP)
    assert copy_refusal(facts, facts.frame_rate_average) is None
    made = ingest_media(REAL_CLIP, tmp_path / "clip", allow_copy=allow_copy)
    assert made.proxy_made_by == ("copy" if allow_copy else "transcode")
    proxy = made.proxy_path
    clip = probe_clip(proxy)
    plan = plan_reel([MomentSpec("r", 1000, 4600, "One"), MomentSpec("r", 5000, 9400)],
                     {"r": clip.fps}, ReelOptions(title_card_ms=1000, end_card_ms=1000))
    pieces = _pieces(plan, {"r": proxy})
    assert [type(p) for p in pieces] == [Encoded, Copied, Encoded, Copied, Encoded]
    smart, _ = _same_film(plan, {"r": proxy}, tmp_path)
    assert _copied_are_the_proxys_pictures(plan, pieces, smart, proxy) >= 120


def test_nothing_to_copy_renders_without_captions(tmp_path: Path) -> None:
    """Moments too short to hold a whole group between their fades: the plain render."""
    src = make_source(tmp_path / "src.mp4", fps=Fraction(25), seconds=14, gop=250)
    plan = plan_reel(_moments(), {"a": src.fps}, ReelOptions())
    assert not any(isinstance(p, Copied) for p in _pieces(plan, {"a": src.path}))
    smart, _ = _same_film(plan, {"a": src.path}, tmp_path)
    _check_indexes(plan, smart, {"a": src})


def test_parameter_set_helpers() -> None:
    sps = bytes.fromhex("6764000cac2b")  # id 0 (first Exp-Golomb bit 1)
    pps = bytes.fromhex("68ee3cb0")
    record = avcc_record([sps], [pps])
    assert parse_avcc(record)[1].sps == (sps,) and parse_avcc(record)[1].pps == (pps,)
    assert sps_id(sps) == 0 and pps_ids(pps) == (0, 0)
    assert split_annexb(b"\x00\x00\x00\x01" + sps + b"\x00\x00\x01" + pps) == [sps, pps]


def test_the_smart_cut_reel_plays_and_seeks_frame_exactly_in_chromium(
        tmp_path: Path, browser_player: BrowserPlayer) -> None:  # noqa: F811
    fps = Fraction(30000, 1001)
    src = make_source(tmp_path / "src.mp4", fps=fps, seconds=14, gop=60)
    plan = plan_reel(_moments(), {"a": fps}, ReelOptions())
    pieces = _pieces(plan, {"a": src.path})
    result = render_smart_reel(plan, {"a": src.path}, tmp_path / "smart.mp4")
    pictures = read_pictures(result.path)
    h = pictures[0].shape[0] * 2 // 3
    frames: list[int] = []
    for piece in pieces[1:]:  # both sides of every junction, and into each piece
        frames += [piece.start - 1, piece.start, piece.start + 1]
    frames = [f for f in frames if 0 <= f < plan.total_frames]
    expected: list[int | str] = []
    for f in frames:
        try:
            expected.append(read_index(pictures[f][:h]))
        except ValueError:
            expected.append(-1)
    keep = [i for i, e in enumerate(expected) if e != -1]  # cards carry no index
    times = [float((frames[i] + Fraction(1, 2)) / fps) for i in keep]
    shown = browser_player.reel_indexes_at(result.path, times)
    assert shown == [expected[i] for i in keep]
    assert len(keep) >= 8


def test_a_full_range_proxy_is_not_copied(tmp_path: Path) -> None:
    """A phone's full-range picture beside limited-range encoded runs would jump in
    brightness at every junction: such a proxy is encoded."""
    path = tmp_path / "pc.mp4"
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=25)
        vs.width, vs.height, vs.pix_fmt = 320, 96, "yuvj420p"
        vs.codec_context.color_range = 2  # pc
        vs.options = {"preset": "ultrafast", "g": "25"}
        for i in range(100):
            frame = av.VideoFrame.from_ndarray(
                np.full((144, 320), i % 255, np.uint8), format="yuvj420p")
            frame.pts = i
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
    facts = probe_clip(path)
    assert index_proxy(facts, 320, 96, facts.fps).refusal == "not limited-range 4:2:0"
    limited = make_source(tmp_path / "tv.mp4", fps=Fraction(25), seconds=4, gop=25,
                          height=96, beeps_ms=())
    assert index_proxy(probe_clip(limited.path), 320, 96, Fraction(25)).refusal is None
