from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from attune.core.timebase import FrameGrid
from attune.errors import MediaError
from attune.media import remux
from attune.media.frames import picture_at
from attune.media.ingest import ingest_media, keyframe_interval, proxy_rate
from attune.media.probe import probe
from tests.media.conftest import BrowserPlayer
from tests.media.synth import VIDEOS, make_clip, read_number

REAL = sorted(p for p in VIDEOS.iterdir() if p.is_file())
EDGE = sorted(p for p in (VIDEOS / "edge").iterdir() if p.is_file())
FINAL = {"proxy.mp4", "filmstrip.jpg", "filmstrip.json", "envelope.json"}


def _video_pts(proxy: Path) -> tuple[list[Fraction], list[bool]]:
    with av.open(str(proxy)) as c:
        stream = c.streams.video[0]
        tb = stream.time_base
        assert tb is not None
        packets = [p for p in c.demux(stream) if p.pts is not None]
    packets.sort(key=lambda p: p.pts)
    return [Fraction(p.pts) * tb for p in packets], [p.is_keyframe for p in packets]


@pytest.mark.parametrize("source", REAL, ids=lambda p: p.name)
def test_real_recording_becomes_a_browser_proxy(source: Path, tmp_path: Path,
                                                browser_player: BrowserPlayer) -> None:
    facts = probe(source)
    result = ingest_media(source, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == FINAL  # no work folder left behind
    copied = result.proxy_made_by == "copy"
    assert copied == (remux.copy_refusal(facts, proxy_rate(facts)) is None)
    fps = result.proxy_fps
    with av.open(str(result.proxy_path)) as c:
        assert c.format.name.startswith("mov,mp4")
        video = c.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.width, video.height) == (result.proxy_width, result.proxy_height)
        if copied:  # the source's own pictures and sound
            assert video.codec_context.profile == facts.video_profile
            assert [s.codec_context.name for s in c.streams.audio] == (
                ["aac"] if facts.has_audio else [])
        else:
            audio = c.streams.audio[0]
            assert video.codec_context.profile == "High"
            assert (audio.codec_context.name, audio.rate, audio.channels) == ("aac", 48000, 2)
            assert audio.codec_context.profile == "LC"
        first = next(c.decode(video))
        assert first.rotation == 0  # no display matrix left: the pixels are upright
    head = result.proxy_path.read_bytes()[:1_000_000]
    assert 0 <= head.find(b"moov") < head.find(b"mdat")  # +faststart: index first
    # Upright and scaled: the proxy has the displayed shape, short side <= 720, even sizes.
    shown_ratio = facts.display_width / facts.display_height
    assert abs(result.proxy_width / result.proxy_height - shown_ratio) < 0.02
    assert min(result.proxy_width, result.proxy_height) <= (1080 if copied else 720)
    assert result.proxy_width % 2 == 0 and result.proxy_height % 2 == 0
    assert result.proxy_width <= facts.display_width + 1
    # Constant frame rate, keyframes at most a second apart.
    times, keys = _video_pts(result.proxy_path)
    assert len(times) == result.proxy_frame_count
    assert all(b - a == 1 / fps for a, b in itertools.pairwise(times))
    key_times = [t for t, k in zip(times, keys, strict=True) if k]
    assert key_times[0] == times[0]
    if not copied:  # a copy keeps the source's keyframes
        assert all(b - a <= 1 for a, b in itertools.pairwise(key_times))
    assert keyframe_interval(fps) / fps <= 1
    # Duration matches the probe within one frame plus 50 ms.
    frame_ms = 1000 / float(fps)
    assert abs(result.proxy_duration_ms - facts.duration_ms) <= frame_ms + 50
    envelope = json.loads(result.envelope_path.read_text())
    assert envelope["bin_ms"] == 50
    assert abs(envelope["count"] * 50 - result.proxy_duration_ms) <= 50
    strip = json.loads(result.filmstrip_index_path.read_text())
    assert strip["count"] == -(-result.proxy_duration_ms // strip["interval_ms"])
    # It plays in Debian's chromium: ready, time advances, a seek lands on its frame.
    seek_s = round(result.proxy_duration_ms / 2000, 3)
    played = browser_player.check(result.proxy_path, seek_s)
    assert "error" not in played, f"chromium cannot play it: MediaError {played}"
    assert played["ready"] == 4 and played["advanced"]
    assert abs(played["seekedTo"] - seek_s) <= 1 / float(fps)
    assert (played["width"], played["height"]) == (result.proxy_width, result.proxy_height)


@pytest.mark.parametrize("source", EDGE, ids=lambda p: p.name)
def test_edge_files_are_rejected_leaving_nothing(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(MediaError):
        ingest_media(source, out)
    assert not out.exists() or list(out.iterdir()) == []


ONE = 1 << 16  # 1.0 in the display matrix's 16.16 fixed point
W = 1 << 30  # its last column is 2.30


@pytest.mark.parametrize(
    ("matrix", "rotation", "mirrored", "upright"),
    [
        # iPhone portrait: FFmpeg's "-90", turn clockwise to show
        ((0, ONE, 0, -ONE, 0, 0, 0, 0, W), -90, False, lambda a: np.rot90(a, k=-1)),
        ((0, -ONE, 0, ONE, 0, 0, 0, 0, W), 90, False, lambda a: np.rot90(a, k=1)),
        ((-ONE, 0, 0, 0, -ONE, 0, 0, 0, W), 180, False, lambda a: np.rot90(a, k=2)),
        # the androidx rotate-and-reflect file's matrix: a pure transpose
        ((0, ONE, 0, ONE, 0, 0, 0, 0, W), -90, True, lambda a: a.transpose(1, 0, 2)),
        ((-ONE, 0, 0, 0, ONE, 0, 0, 0, W), 180, True, lambda a: a[:, ::-1]),  # mirror
    ],
    ids=["rot-90", "rot90", "rot180", "transpose", "mirror"],
)
def test_display_matrix_is_applied_to_the_pixels(
    tmp_path: Path, matrix: tuple[int, ...], rotation: int, mirrored: bool,
    upright: Callable[[np.ndarray], np.ndarray],
) -> None:
    """A numbered clip tagged with a display matrix comes out as the matrix says."""
    src = make_clip(tmp_path / "src.mp4", frames=10, size=(160, 96))
    tagged = tmp_path / "tagged.mp4"
    with av.open(str(src.path)) as inp, av.open(str(tagged), "w", format="mp4") as out:
        in_stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(in_stream)
        out_stream.set_display_matrix(matrix)
        for packet in inp.demux(in_stream):
            if packet.dts is not None:
                packet.stream = out_stream
                out.mux(packet)
    facts = probe(tagged)
    assert (facts.rotation, facts.mirrored) == (rotation, mirrored)
    at_ms = 280  # picture 7: cells 13-15 white, so every turn or flip looks different
    expected = upright(picture_at(src.path, at_ms)).astype(int)
    assert (facts.display_height, facts.display_width) == expected.shape[:2]
    result = ingest_media(tagged, tmp_path / "out")
    picture = picture_at(result.proxy_path, at_ms).astype(int)
    assert picture.shape == expected.shape
    assert np.abs(picture - expected).mean() < 12
    assert np.abs(picture - np.rot90(expected, k=2)).mean() > 40  # not merely the same shape


def test_variable_frame_rate_source_becomes_constant(tmp_path: Path) -> None:
    times = [0, 40, 80, 160, 200, 210, 280, 320, 400, 440, 520, 560, 600, 700, 740, 780, 860,
             900, 940, 1000, 1080, 1120, 1160, 1200]
    src = make_clip(tmp_path / "vfr.mp4", times_ms=times, fps=Fraction(25))
    facts = probe(src.path)
    assert facts.variable_frame_rate
    result = ingest_media(src.path, tmp_path / "out")
    fps = result.proxy_fps
    assert fps == proxy_rate(facts)
    proxy_times, _ = _video_pts(result.proxy_path)
    assert all(b - a == 1 / fps for a, b in itertools.pairwise(proxy_times))
    slots = [FrameGrid(fps).snap(t) for t in times]
    with av.open(str(result.proxy_path)) as c:
        shown = [read_number(f.to_ndarray(format="bgr24")) for f in c.decode(video=0)]
    for i, number in enumerate(shown):
        expected = max(k for k, slot in enumerate(slots) if slot <= i)
        assert number == expected, f"proxy picture {i}"


@pytest.mark.parametrize("allow_copy", [True, False], ids=["copy", "transcode"])
def test_ntsc_clip_lasts_by_the_time_base(tmp_path: Path, allow_copy: bool) -> None:
    """At 30000/1001 fps 50 pictures last 1668.33 ms: the proxy lasts 1669 ms, where a
    51st picture would start (FrameGrid.start_ms), not 1668 (rounded); its last ms shows
    picture 49, and the filmstrip's 13th tile (1668 ms) is inside the clip."""
    fps = Fraction(30000, 1001)
    grid = FrameGrid(fps)
    src = make_clip(tmp_path / "ntsc.mp4", fps=fps, frames=50, audio_start_ms=0, keyint=10)
    result = ingest_media(src.path, tmp_path / "out", filmstrip_interval_ms=139,
                          allow_copy=allow_copy)
    assert result.proxy_made_by == ("copy" if allow_copy else "transcode")
    assert (result.proxy_fps, result.proxy_frame_count) == (fps, 50)
    assert result.proxy_duration_ms == grid.start_ms(50) == 1669
    assert grid.frames_before(result.proxy_duration_ms) == 50
    assert grid.frame_at(result.proxy_duration_ms - 1) == 49
    assert read_number(picture_at(result.proxy_path, result.proxy_duration_ms - 1)) == 49
    strip = json.loads(result.filmstrip_index_path.read_text())
    assert strip["count"] == 13 and strip["tiles_ms"][-1] == 1668
    envelope = json.loads(result.envelope_path.read_text())
    samples = grid.sample_at(50)  # the sound ends with the last picture
    assert envelope["count"] == -(-samples // 2400)  # 50 ms bins at 48 kHz


def _beep_onset_ms(proxy: Path) -> float:
    with av.open(str(proxy)) as c:
        stream = c.streams.audio[0]
        for frame in c.decode(stream):
            samples = frame.to_ndarray()
            loud = np.flatnonzero(np.abs(samples).max(axis=0) > 0.3)
            if loud.size:
                assert frame.pts is not None and frame.time_base is not None
                start = Fraction(frame.pts) * frame.time_base
                return float(start * 1000) + loud[0] * 1000 / frame.sample_rate
    raise AssertionError("no beep found")


@pytest.mark.parametrize(
    ("video_start_ms", "audio_start_ms", "beep_ms"),
    [(0, 700, 2000),  # sound starts later than the picture: padded with silence
     (400, 0, 2000)],  # picture starts later: the sound before it is cut
)
@pytest.mark.parametrize("allow_copy", [True, False], ids=["copy", "transcode"])
def test_sound_stays_in_sync(tmp_path: Path, video_start_ms: int, audio_start_ms: int,
                             beep_ms: int, allow_copy: bool) -> None:
    times = [video_start_ms + i * 40 for i in range(80)]
    src = make_clip(tmp_path / "av.mp4", times_ms=times, fps=Fraction(25),
                    audio_start_ms=audio_start_ms, audio_ms=3000, beep_ms=beep_ms)
    with av.open(str(src.path)) as c:  # the source really is offset
        assert c.streams.audio[0].start_time is not None
        first_audio = next(c.decode(audio=0))
        assert abs(float(first_audio.time) * 1000 - audio_start_ms) < 30
    result = ingest_media(src.path, tmp_path / "out", allow_copy=allow_copy)
    assert result.proxy_made_by == ("copy" if allow_copy else "transcode")
    expected = beep_ms - video_start_ms
    assert abs(_beep_onset_ms(result.proxy_path) - expected) <= 40  # one frame at 25 fps
    envelope = json.loads(result.envelope_path.read_text())
    loud_bin = next(i for i, p in enumerate(envelope["peaks"]) if p > 0.3)
    assert abs(loud_bin * 50 - expected) <= 50
    assert abs(result.proxy_duration_ms - (times[-1] + 40 - video_start_ms)) <= 40


def test_silent_track_added_and_progress_reported(tmp_path: Path) -> None:
    src = make_clip(tmp_path / "mute.mp4", frames=30)
    seen: list[tuple[str, float]] = []
    result = ingest_media(src.path, tmp_path / "out", short_side=60, filmstrip_interval_ms=500,
                          progress=lambda stage, f: seen.append((stage, f)), allow_copy=False)
    assert (result.proxy_width, result.proxy_height) == (80, 60)
    assert [s for s, _ in seen if _ == 1.0] == ["probe", "proxy", "finish"]
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    envelope = json.loads(result.envelope_path.read_text())
    assert set(envelope["peaks"]) == {0.0}
    strip = json.loads(result.filmstrip_index_path.read_text())
    assert strip["interval_ms"] == 500 and strip["count"] == 3
    assert strip["tiles_ms"] == [0, 500, 1000]


def test_failure_leaves_no_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_clip(tmp_path / "ok.mp4", frames=20)
    out = tmp_path / "out"
    import attune.media.overview as overview

    def broken(self: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(overview.FilmstripBuilder, "encode_jpeg", broken)
    with pytest.raises(MediaError, match="disk space"):
        ingest_media(src.path, out)
    assert list(out.iterdir()) == []


def test_work_folders_of_a_killed_ingest_can_be_removed(tmp_path: Path) -> None:
    from attune.media.files import make_work_dir, remove_work_dirs

    stale = make_work_dir(tmp_path)
    (stale / "proxy.mp4").write_bytes(b"half")
    (tmp_path / "proxy.mp4").write_bytes(b"a finished file stays")
    assert remove_work_dirs(tmp_path) == [stale]
    assert [p.name for p in tmp_path.iterdir()] == ["proxy.mp4"]
