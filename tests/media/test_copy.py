"""The copy path of ingest: a browser-ready source is remuxed, not re-encoded, and its
proxy still seeks frame-exactly in Chromium; everything else is transcoded."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.media import faststart, overview, remux
from attune.media.ingest import ingest_media, proxy_rate, sharpen_filmstrip
from attune.media.probe import MediaFacts, probe
from attune.ui.timeline import HERE
from tests.media.conftest import BrowserPlayer
from tests.media.synth import VIDEOS, filmstrip_numbers, make_clip, read_number

READY = VIDEOS / "h264_aac_1080x720_sample.mp4"  # H.264 High + AAC, 29.97 CFR, upright


def _video_packet_hashes(path: Path) -> list[str]:
    with av.open(str(path)) as c:
        return [hashlib.sha256(bytes(p)).hexdigest() for p in c.demux(c.streams.video[0])
                if p.size]


def test_browser_ready_clip_is_copied_packet_for_packet(tmp_path: Path) -> None:
    result = ingest_media(READY, tmp_path)
    assert (result.proxy_made_by, result.copy_refused) == ("copy", None)
    assert _video_packet_hashes(result.proxy_path) == _video_packet_hashes(READY)
    with av.open(str(result.proxy_path)) as c:
        assert c.streams.audio[0].codec_context.name == "aac"
        assert (c.streams.video[0].width, c.streams.video[0].height) == (1080, 720)


@pytest.mark.parametrize(("name", "reason"), [
    ("h264_rotate_and_reflect.mp4", "mirrored"),
    ("hevc_854x480_noaudio.mp4", "video codec hevc"),
    ("iphone14pro_hevc10_hdr_rot90.MOV", "video codec hevc"),
    ("quicktime_h264_1080p50_pcm.mov", "sound codec pcm_s16le"),
    ("pixel7_h264_1080p_noaudio_rot180.mp4", "rotated 180 degrees"),
    ("h264_ac3_1080x720.mkv", "container matroska"),
])
def test_real_files_that_are_not_copied(name: str, reason: str) -> None:
    facts = probe(VIDEOS / name)
    assert remux.copy_refusal(facts, proxy_rate(facts)) == reason


def test_variable_frame_rate_is_transcoded(tmp_path: Path) -> None:
    times = [0, 40, 80, 160, 200, 210, 280, 320, 400, 440, 520, 560]
    src = make_clip(tmp_path / "vfr.mp4", times_ms=times, fps=Fraction(25))
    result = ingest_media(src.path, tmp_path / "out")
    assert (result.proxy_made_by, result.copy_refused) == ("transcode", "variable frame rate")


def _ready_facts() -> MediaFacts:
    facts = probe(READY)
    assert remux.copy_refusal(facts, proxy_rate(facts)) is None
    return facts


@pytest.mark.parametrize(("change", "reason"), [
    ({"coded_width": 3840, "coded_height": 2160, "display_width": 3840,
      "display_height": 2160}, "picture 3840x2160"),
    ({"video_profile": "High 10", "pixel_format": "yuv420p10le"}, "H.264 profile High 10"),
    ({"pixel_format": "yuv422p"}, "pixel format yuv422p"),
    ({"video_level": 52}, "H.264 level 5.2"),
    ({"color_transfer": 18}, "HDR"),
    ({"display_width": 1440}, "non-square pixels"),
    ({"size_bytes": 10**9}, "bit rate"),
    ({"frame_rate_average": Fraction(90000, 3013), "duration_ms": 60_000},
     "frame rate 29.871 is not 29.970"),
])
def test_each_limit_of_the_copy_path(change: dict[str, object], reason: str) -> None:
    facts = dataclasses.replace(_ready_facts(), **change)  # type: ignore[arg-type]
    assert remux.copy_refusal(facts, proxy_rate(facts)) == reason


def test_filmstrip_of_a_copy_shows_the_keyframe_at_or_before_each_tile(tmp_path: Path) -> None:
    src = make_clip(tmp_path / "n.mp4", fps=Fraction(25), frames=130, size=(160, 120),
                    keyint=12)  # keyframes at pictures 0, 12, 24, ...
    result = ingest_media(src.path, tmp_path / "out", filmstrip_interval_ms=1000)
    assert result.proxy_made_by == "copy"
    index, shown = filmstrip_numbers(result.filmstrip_index_path, result.filmstrip_path)
    assert index["count"] == math.ceil(result.proxy_duration_ms / 1000) == 6
    assert shown == [max(k for k in range(0, 130, 12) if k <= i * 25) for i in range(6)]
    envelope = json.loads(result.envelope_path.read_text())
    assert envelope["count"] == math.ceil(result.proxy_duration_ms / 50)
    assert set(envelope["peaks"]) == {0.0}  # no sound: silence, as long as the pictures


def test_long_copy_opens_with_a_coarse_filmstrip_then_gets_the_full_one(
        tmp_path: Path) -> None:
    """Two minutes at 5 fps, a keyframe every second: 120 tiles, more than the 41 that
    the timeline's whole-clip view draws of a 4:3 picture on a wide screen. The ingest
    decodes only those 41 keyframes; each tile shows one at or before its moment, never
    further back than a coarse step. Sharpening puts every keyframe in, in the same
    layout (the timeline reads either index with either sprite)."""
    fps = Fraction(5)
    src = make_clip(tmp_path / "long.mp4", fps=fps, frames=600, size=(160, 120), keyint=5)
    result = ingest_media(src.path, tmp_path / "out")
    assert result.proxy_made_by == "copy" and result.filmstrip.coarse
    index, coarse = filmstrip_numbers(result.filmstrip_index_path, result.filmstrip_path)
    assert index["coarse"] is True and index["count"] == 120
    pictures = overview.coarse_pictures(index["tile_width"], index["tile_height"])
    assert pictures == 41
    assert len(set(coarse)) == pictures
    step = math.ceil(120 / pictures)  # tiles between two coarse pictures, at most
    for i, number in enumerate(coarse):
        moment = i * 5  # picture number at the tile's moment (a keyframe: 5 a second)
        assert number % 5 == 0 and moment - step * 5 < number <= moment, f"tile {i}"
    assert coarse == sorted(coarse) and coarse[0] == 0

    fine = sharpen_filmstrip(tmp_path / "out", result.proxy_fps, result.proxy_frame_count)
    assert fine is not None and not fine.coarse
    sharp, shown = filmstrip_numbers(result.filmstrip_index_path, result.filmstrip_path)
    assert shown == [i * 5 for i in range(120)]  # every tile its own keyframe
    assert {k: v for k, v in sharp.items() if k != "coarse"} == {
        k: v for k, v in index.items() if k != "coarse"}
    assert sharp["coarse"] is False
    # done once: a full filmstrip is left as it is
    assert sharpen_filmstrip(tmp_path / "out", result.proxy_fps,
                             result.proxy_frame_count) is None


@pytest.mark.parametrize("bframes", [0, 2], ids=["in-order", "b-frames"])
def test_picture_times_come_from_the_index_only_when_it_is_exact(
        tmp_path: Path, bframes: int) -> None:
    """Without B-frames a picture's presentation time is its index time: the copy reads
    no packet to check the frame grid. With them the packets are read, as before."""
    src = make_clip(tmp_path / "c.mp4", fps=Fraction(25), frames=60, bframes=bframes)
    with av.open(str(src.path)) as c:
        indexed = remux._indexed_times(c.streams.video[0])
    read = remux._picture_times(src.path, 2400, lambda f: None)
    assert read.pts == sorted(read.pts) and len(read.pts) == 60
    plan = faststart.plan(src.path)
    assert plan is not None and (b"ctts" in plan.moov) == bool(bframes)  # both guards
    if bframes:
        assert indexed is None
    else:
        assert indexed == read
    result = ingest_media(src.path, tmp_path / "out")
    assert (result.proxy_made_by, result.proxy_frame_count) == ("copy", 60)
    assert _video_packet_hashes(result.proxy_path) == _video_packet_hashes(src.path)


def test_coarse_filmstrip_counts_the_tiles_the_timeline_draws() -> None:
    """The timeline draws a tile ``FILM_H`` pixels high; the coarse count follows it."""
    script = (HERE / "timeline.js").read_text(encoding="utf-8")
    film_h = re.search(r"\bFILM_H = (\d+)", script)
    assert film_h is not None and int(film_h.group(1)) == overview.TIMELINE_TILE_HEIGHT_PX
    # a landscape 16:9 tile (160 x 90) is drawn 78 pixels wide, a portrait one 24
    assert overview.coarse_pictures(160, 90) == 31
    assert overview.coarse_pictures(50, 90) == 99


def test_short_copy_gets_the_full_filmstrip_at_once(tmp_path: Path) -> None:
    src = make_clip(tmp_path / "short.mp4", fps=Fraction(5), frames=200, size=(160, 120),
                    keyint=5)  # 40 tiles: the whole-clip view draws 41
    result = ingest_media(src.path, tmp_path / "out")
    index, shown = filmstrip_numbers(result.filmstrip_index_path, result.filmstrip_path)
    assert result.proxy_made_by == "copy" and index["coarse"] is False
    assert shown == [i * 5 for i in range(40)]


@pytest.mark.parametrize("allow_copy", [True, False], ids=["copy", "transcode"])
def test_long_gop_proxy_seeks_frame_exactly_in_chromium(
    tmp_path: Path, browser_player: BrowserPlayer, allow_copy: bool
) -> None:
    """One keyframe in 90 pictures at 30000/1001: every seek must decode forward to the
    very picture asked for. The seeks go to the middle of each frame: measured here, a
    seek to exactly the start of picture 30 (1.001 s, a whole number of ms) shows
    picture 29 in Chromium on both kinds of proxy (the double 1.001 is a hair below)."""
    fps = Fraction(30000, 1001)
    src = make_clip(tmp_path / "gop.mp4", fps=fps, frames=90, size=(160, 120), keyint=300,
                    audio_start_ms=0)
    result = ingest_media(src.path, tmp_path / "out", allow_copy=allow_copy)
    assert result.proxy_made_by == ("copy" if allow_copy else "transcode")
    assert result.proxy_fps == fps and result.proxy_frame_count == 90
    frames = [1, 2, 29, 30, 44, 61, 88, 89, 3]
    times = [float((n + Fraction(1, 2)) / fps) for n in frames]
    assert browser_player.numbers_at(result.proxy_path, times) == frames


def test_copy_keeps_full_range_tones_for_the_browser(tmp_path: Path) -> None:
    """A full-range H.264 copy keeps its range flag (Chromium honours it: checked by
    drawing such a clip to a canvas), so its darks stay dark and its whites white."""
    src = VIDEOS / "h264_320x240_60fps_shorter_audio.mp4"
    result = ingest_media(src, tmp_path / "out")
    assert result.proxy_made_by == "copy"
    with av.open(str(result.proxy_path)) as c, av.open(str(src)) as s:
        a = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
        b = next(s.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert np.abs(a - b).max() == 0


def _top_boxes(path: Path) -> list[bytes]:
    kinds, pos, size = [], 0, path.stat().st_size
    with open(path, "rb") as f:
        while pos < size:
            f.seek(pos)
            length, kind = int.from_bytes(f.read(4), "big"), f.read(4)
            if length == 1:
                length = int.from_bytes(f.read(8), "big")
            kinds.append(kind)
            pos += length or size - pos
    return kinds


def _packets(path: Path) -> list[tuple[str, int | None, int | None, str]]:
    with av.open(str(path)) as c:
        return [(p.stream.type, p.pts, p.dts, hashlib.sha256(bytes(p)).hexdigest())
                for p in c.demux() if p.size]


def test_index_written_last_is_moved_first_and_the_bytes_copied(tmp_path: Path) -> None:
    """A phone writes the index (moov) after the media (mdat); the proxy has it first,
    with the same packets at the same times (the samples are the source's bytes)."""
    src = make_clip(tmp_path / "late_index.mp4", fps=Fraction(30), frames=60,
                    audio_start_ms=0, keyint=30)
    boxes = _top_boxes(src.path)
    assert boxes.index(b"moov") > boxes.index(b"mdat")
    assert remux.faststart.plan(src.path) is not None
    result = ingest_media(src.path, tmp_path / "out")
    assert (result.proxy_made_by, result.proxy_frame_count) == ("copy", 60)
    assert _top_boxes(result.proxy_path)[:2] == [b"ftyp", b"moov"]
    assert _packets(result.proxy_path) == _packets(src.path)
    assert result.proxy_path.stat().st_size == src.path.stat().st_size
    with av.open(str(result.proxy_path)) as c:
        shown = [read_number(f.to_ndarray(format="bgr24")) for f in c.decode(video=0)]
    assert shown == list(range(60))


def test_quicktime_and_late_starts_are_remuxed_not_byte_copied(tmp_path: Path) -> None:
    """Only a plain MP4 whose first picture is at time zero is copied as bytes: a
    QuickTime file is not an MP4 brand, and a late first picture must be moved to zero."""
    assert remux.faststart.plan(VIDEOS / "quicktime_h264_1080p50_pcm.mov") is None
    times = [400 + i * 40 for i in range(30)]
    src = make_clip(tmp_path / "late.mp4", times_ms=times, fps=Fraction(25),
                    audio_start_ms=0, audio_ms=1600)
    result = ingest_media(src.path, tmp_path / "out")
    assert result.proxy_made_by == "copy"
    with av.open(str(result.proxy_path)) as c:
        first = next(c.decode(video=0))
    assert first.pts is not None and first.time_base is not None
    assert first.pts * first.time_base == 0 and read_number(first.to_ndarray(format="bgr24")) == 0


def test_a_phones_location_is_not_copied_into_the_proxy(tmp_path: Path) -> None:
    """A recording's metadata (here the place it was filmed) stays in the original: the
    byte copy blanks it as the remux leaves it out."""
    src = make_clip(tmp_path / "placed.mp4", fps=Fraction(25), frames=25, audio_start_ms=0)
    placed = tmp_path / "placed_gps.mp4"
    with av.open(str(src.path)) as inp, av.open(str(placed), "w", format="mp4") as out:
        out.metadata["location"] = "+51.5074-000.1278/"
        outs = {s.index: out.add_stream_from_template(s) for s in inp.streams}
        for packet in inp.demux():
            if packet.dts is not None:
                packet.stream = outs[packet.stream.index]
                out.mux(packet)
    with av.open(str(placed)) as c:
        assert "location" in c.metadata
    assert remux.faststart.plan(placed) is not None
    result = ingest_media(placed, tmp_path / "out")
    assert result.proxy_made_by == "copy"
    with av.open(str(result.proxy_path)) as c:
        assert "location" not in c.metadata
        assert sum(1 for _ in c.decode(video=0)) == 25
    assert b"+51.5074" not in result.proxy_path.read_bytes()
