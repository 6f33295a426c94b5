"""The copy path of ingest: a source a browser already plays becomes its own proxy.

When :func:`copy_refusal` finds nothing against it, the proxy is the source's own video
and sound packets in an MP4 with the index first (so the browser can seek before it has
the whole file): no picture is decoded and re-encoded. A plain MP4 whose first picture is
at time zero is copied as bytes with its index moved (:mod:`attune.media.faststart`);
any other is remuxed packet by packet with ``+faststart``. Meanwhile, in
two helper threads, the filmstrip is made from the keyframes alone (a tile shows the
last keyframe at or before its moment; phones put one every second or so) and the sound
envelope from a decode of the sound alone (the demuxer skipping the pictures' bytes).
A long clip's filmstrip is first a coarse one (:func:`keyframe_filmstrip`): decoding a
1080p keyframe for every second of a 15-minute clip took four times as long as the copy.

The proxy keeps the transcode path's clock: time zero is the first picture, picture
``i`` starts at ``i / fps``. The frame times are checked (from the MP4's index when
no picture is shown out of decoding order, else from the packets while copying); a
source whose pictures are off that grid (:func:`make_copy` returns None) goes the
transcode way.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from attune.core.timebase import FrameGrid
from attune.media import faststart
from attune.media.colour import TRC_HLG, TRC_PQ
from attune.media.overview import EnvelopeBuilder, FilmstripBuilder, coarse_pictures
from attune.media.probe import MediaFacts, open_input

#: H.264 profiles Chromium's decoder plays (High 10, 4:2:2 and 4:4:4 it does not).
COPY_PROFILES = frozenset({"Baseline", "Constrained Baseline", "Main", "High"})
#: Highest H.264 level copied (5.1 covers 1080p at any phone frame rate).
COPY_MAX_LEVEL = 51
#: Largest picture copied (long side, short side): bigger ones get a smaller proxy.
COPY_MAX_SIZE = (1920, 1080)
#: Highest average bit rate copied: heavier files make scrubbing stutter.
COPY_MAX_BITRATE = 25_000_000
#: A picture may sit this fraction of a frame off the proxy's grid.
_GRID_TOLERANCE = Fraction(1, 4)


def copy_refusal(facts: MediaFacts, fps: Fraction) -> str | None:
    """Why the source cannot be its own proxy at ``fps``, or None when it can."""
    if not facts.container_format.startswith("mov,mp4"):
        return f"container {facts.container_format.split(',')[0]}"
    if facts.video_codec != "h264":
        return f"video codec {facts.video_codec}"
    if facts.video_profile not in COPY_PROFILES:
        return f"H.264 profile {facts.video_profile}"
    if facts.video_level is not None and facts.video_level > COPY_MAX_LEVEL:
        return f"H.264 level {facts.video_level / 10:g}"
    if facts.pixel_format not in ("yuv420p", "yuvj420p"):
        return f"pixel format {facts.pixel_format}"
    if facts.color_transfer in (TRC_PQ, TRC_HLG):
        return "HDR"
    if facts.mirrored:
        return "mirrored"
    if facts.rotation:
        # Chromium turns the picture by the MP4's display matrix, but attune's own
        # readers of proxy pictures (stills, reels) take the pixels as stored.
        return f"rotated {facts.rotation} degrees"
    long_side, short_side = COPY_MAX_SIZE
    w, h = facts.coded_width, facts.coded_height
    if max(w, h) > long_side or min(w, h) > short_side:
        return f"picture {w}x{h}"
    if (facts.display_width, facts.display_height) != (w, h):
        return "non-square pixels"
    if facts.has_audio and facts.audio_codec != "aac":
        return f"sound codec {facts.audio_codec}"
    if facts.variable_frame_rate:
        return "variable frame rate"
    seconds = Fraction(facts.duration_ms, 1000)
    if facts.size_bytes * 8 > COPY_MAX_BITRATE * max(seconds, Fraction(1)):
        return "bit rate"
    drift = abs(facts.frame_rate_average - fps) * seconds
    if drift > _GRID_TOLERANCE:
        return f"frame rate {float(facts.frame_rate_average):.3f} is not {float(fps):.3f}"
    return None


@dataclass(frozen=True)
class Copied:
    frame_count: int


def make_copy(
    source: Path, facts: MediaFacts, fps: Fraction, proxy: Path,
    filmstrip: FilmstripBuilder, envelope: EnvelopeBuilder,
    progress: Callable[[float], None], *, coarse: bool = False,
) -> Copied | None:
    """Remux ``source`` into ``proxy`` and fill ``filmstrip`` (``coarse``: from a few
    keyframes, see :func:`keyframe_filmstrip`) and ``envelope``.

    Returns None when the pictures turned out to be off the ``fps`` grid (``proxy`` is
    then unusable and the caller transcodes). Errors of the helper threads are raised.
    """
    with open_input(source) as inp:
        video = _moving_video(inp)
        origin = Fraction(video.start_time or 0) * (video.time_base or 1)
        plain = len(inp.streams) == 1 + min(1, len(inp.streams.audio))
        # Picture zero already at time zero in a plain MP4: its bytes with the index
        # moved to the front (no packet passes through Python); otherwise a remux that
        # shifts them.
        layout = faststart.plan(source) if origin == 0 and plain else None
        # No composition offsets (``ctts``): each picture is shown at its index time.
        indexed = (_indexed_times(video) if layout is not None
                   and b"ctts" not in layout.moov else None)
    tiles = _Worker(_keyframe_tiles, source, fps, origin, filmstrip, facts.duration_ms, coarse)
    sound = _Worker(_sound_envelope, source, fps, origin, envelope, facts.duration_ms)
    copy = None
    try:
        if layout is not None and indexed is not None:
            faststart.write_faststart(source, proxy, layout, progress)
            times = indexed
        elif layout is not None:
            copy = _Worker(faststart.write_faststart, source, proxy, layout)
            times = _picture_times(source, facts.duration_ms, progress)
        else:
            times = _remux(source, proxy, origin, facts.duration_ms, progress)
    finally:
        for worker in (copy, tiles, sound):
            if worker is not None:
                worker.join()
    if copy is not None:
        copy.check()
    if not _on_grid(times, fps):
        return None
    frames = len(times.pts)
    tiles.check()
    sound.check()
    _finish_filmstrip(filmstrip, tiles.result, frames, fps)
    _finish_envelope(envelope, frames, fps)
    return Copied(frames)


def _moving_video(inp: av.container.InputContainer) -> Any:
    return next(s for s in inp.streams.video
                if not (s.disposition & av.stream.Disposition.attached_pic))


def _read_only(inp: av.container.InputContainer, stream: Any) -> None:
    """Make the demuxer skip the other streams' packets (an MP4's are then not even
    read from the file: the sound alone is 1% of a phone recording's bytes)."""
    for other in inp.streams:
        if other.index != stream.index:
            other.discard = av.stream.Discard.all


def _remux(source: Path, proxy: Path, origin: Fraction, duration_ms: int,
           progress: Callable[[float], None]) -> _Times:
    """Copy the packets, picture zero at time zero; the pictures' times, sorted."""
    times: list[int] = []
    with open_input(source) as inp, \
            av.open(str(proxy), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = _moving_video(inp)
        audio = inp.streams.audio[0] if inp.streams.audio else None
        streams = [video] if audio is None else [video, audio]
        outs = {s.index: out.add_stream_from_template(s) for s in streams}
        shifts = {s.index: math.floor(origin / s.time_base) if s.time_base else 0
                  for s in streams}
        total = Fraction(max(1, duration_ms), 1000)
        vtb = video.time_base or Fraction(1, 90000)
        for packet in inp.demux(streams):
            if packet.dts is None and packet.pts is None:
                continue  # the demuxer's end-of-stream marker
            index = packet.stream.index
            shift = shifts[index]
            if packet.pts is not None:
                packet.pts -= shift
            if packet.dts is not None:
                packet.dts -= shift
            if index == video.index and packet.pts is not None:
                times.append(packet.pts)
                if len(times) % 64 == 0:
                    progress(float(packet.pts * vtb / total))
            packet.stream = outs[index]
            out.mux(packet)
    times.sort()
    return _Times(times, vtb)


def _picture_times(source: Path, duration_ms: int,
                   progress: Callable[[float], None]) -> _Times:
    """The pictures' times (their packets read, nothing decoded), sorted."""
    pts: list[int] = []
    with open_input(source) as inp:
        video = _moving_video(inp)
        _read_only(inp, video)
        tb = video.time_base or Fraction(1, 90000)
        ticks = float(Fraction(max(1, duration_ms), 1000) / tb)
        for packet in inp.demux(video):
            if packet.pts is not None:
                pts.append(packet.pts)
                if len(pts) % 256 == 0:
                    progress(min(1.0, packet.pts / ticks))
    pts.sort()
    return _Times(pts, tb)


def _indexed_times(video: Any) -> _Times | None:
    """The pictures' times from the MP4's index, without reading a packet, for a file
    without composition offsets: when also no picture is shown out of decoding order (no
    B-frames) and the first is at zero, that is exact. None otherwise."""
    if video.codec_context.has_b_frames:
        return None
    entries = [e.timestamp for e in video.index_entries if not e.is_discard]
    if not entries or entries[0] != 0:
        return None
    return _Times(sorted(entries), video.time_base or Fraction(1, 90000))


@dataclass(frozen=True)
class _Times:
    """The pictures' presentation times, sorted: ``pts`` in ``time_base`` units."""

    pts: list[int]
    time_base: Fraction


def _on_grid(times: _Times, fps: Fraction) -> bool:
    """Is picture ``i`` at ``i / fps`` (within the tolerance) for every ``i``? In whole
    numbers (Fractions took 0.2 s for a 15-minute clip, after the copy)."""
    step = times.time_base * fps  # frames per tick
    n, d = step.numerator, step.denominator
    tn, td = _GRID_TOLERANCE.numerator, _GRID_TOLERANCE.denominator
    slack = tn * d  # |pts * n / d - i| <= tn / td, times d * td
    return bool(times.pts) and all(abs(p * n - i * d) * td <= slack
                                   for i, p in enumerate(times.pts))


class _Worker:
    """Runs ``job(*args)`` in a thread; ``check`` raises its error in the caller's."""

    def __init__(self, job: Callable[..., Any], *args: Any) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(job, args),
                                       name=f"attune-{job.__name__}", daemon=True)
        self.thread.start()

    def _run(self, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self.result = job(*args)
        except BaseException as err:  # re-raised in the ingesting thread by check()
            self.error = err

    def join(self) -> None:
        self.thread.join()

    def check(self) -> None:
        if self.error is not None:
            raise self.error


def keyframe_filmstrip(source: Path, fps: Fraction, strip: FilmstripBuilder, frames: int,
                       *, coarse: bool) -> None:
    """Fill ``strip`` for a clip of ``frames`` pictures from the keyframes of ``source``
    (a proxy, or the source it copies): each tile shows the last keyframe at or before its
    moment, or when ``coarse`` the last of :func:`~attune.media.overview.coarse_pictures`
    keyframes spread over the clip (the same layout, far fewer pictures decoded)."""
    with open_input(source) as inp:
        video = _moving_video(inp)
        origin = Fraction(video.start_time or 0) * (video.time_base or 1)
    duration_ms = FrameGrid(fps).start_ms(frames)
    tiles = _keyframe_tiles(source, fps, origin, strip, duration_ms, coarse)
    _finish_filmstrip(strip, tiles, frames, fps)


def _keyframe_tiles(source: Path, fps: Fraction, origin: Fraction, strip: FilmstripBuilder,
                    duration_ms: int, coarse: bool = False) -> dict[int, np.ndarray]:
    """Tile index -> picture: each tile shows the last keyframe at or before its moment
    (``coarse``: the last of the few chosen keyframes, see :func:`keyframe_filmstrip`).

    Only keyframes are read (straight from the file, where the MP4 index says they are)
    and decoded (without the deblocking filter: a 90-pixel tile cannot show it), each at
    most once however many tiles show it.
    """
    half_frame = Fraction(1, 2) / fps
    count = max(1, math.ceil(duration_ms / strip.interval_ms))
    with open_input(source) as inp, open(source, "rb") as raw:
        video = _moving_video(inp)
        tb = video.time_base or Fraction(1, 90000)
        ctx = video.codec_context
        ctx.options = {"skip_loop_filter": "all", "flags2": "+fast"}
        ctx.thread_type = "SLICE"
        # One thread: at ingest the other core copies; later, the practitioner's work
        # keeps a core (a keyframe is small work: threads only add overhead here).
        ctx.thread_count = 1
        keys = [(e.timestamp * tb - origin, e.pos, e.size)
                for e in video.index_entries if e.is_keyframe]
        if not keys:
            return {}
        shows = _keyframe_of_tiles([when for when, _, _ in keys], count,
                                   strip.interval_ms, half_frame)
        if coarse:
            shows = _coarse(shows, coarse_pictures(strip.tile_width, strip.tile_height))
        wanted: dict[int, list[int]] = {}  # keyframe number -> tiles it shows
        for tile, number in enumerate(shows):
            wanted.setdefault(number, []).append(tile)
        tiles: dict[int, np.ndarray] = {}

        def decode(number: int | None) -> None:
            packet = None
            if number is not None:
                _, pos, size = keys[number]
                raw.seek(pos)
                packet = av.Packet(raw.read(size))
                packet.pts = packet.dts = number
                packet.time_base = tb
            for frame in ctx.decode(packet):
                if frame.pts is None or frame.pts not in wanted:
                    continue
                picture = _tile(frame, strip.tile_width, strip.tile_height)
                for tile in wanted.pop(frame.pts):
                    tiles[tile] = picture

        for number in sorted(wanted):
            decode(number)
        decode(None)
    return tiles


def _keyframe_of_tiles(key_times: list[Fraction], count: int, interval_ms: int,
                       half_frame: Fraction) -> list[int]:
    """For each of ``count`` tiles, the number of the last keyframe at or before its moment
    (half a frame's slack; the first keyframe for tiles before it)."""
    shows = []
    number = 0
    for tile in range(count):
        moment = Fraction(tile * interval_ms, 1000)
        while number + 1 < len(key_times) and key_times[number + 1] - half_frame <= moment:
            number += 1
        shows.append(number)
    return shows


def _coarse(shows: list[int], pictures: int) -> list[int]:
    """``shows`` with only ``pictures`` keyframes: those of tiles spread evenly over the
    strip; each tile shows the last of them at or before its own keyframe."""
    count = len(shows)
    if count <= pictures:
        return shows
    chosen = sorted({shows[k * count // pictures] for k in range(pictures)})
    out = []
    at = 0
    for number in shows:  # both ascending; chosen[0] == shows[0]
        while at + 1 < len(chosen) and chosen[at + 1] <= number:
            at += 1
        out.append(chosen[at])
    return out


def _tile(frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """A small BGR picture: swscale's fast bilinear to twice the size, then an area
    average (together 5x cheaper than one good swscale step from 1080p, as sharp)."""
    double = frame.reformat(width=width * 2, height=height * 2, format="bgr24",
                            interpolation="FAST_BILINEAR").to_ndarray()
    return cv2.resize(double, (width, height), interpolation=cv2.INTER_AREA)


def _sound_envelope(source: Path, fps: Fraction, origin: Fraction,
                    envelope: EnvelopeBuilder, duration_ms: int) -> None:
    """Peaks of the sound placed on the proxy clock (from the first picture), decoded
    at its own rate; a late start is silence, sound before the first picture is cut."""
    rate = envelope.sample_rate
    placed: int | None = None
    cut = 0
    held: list[np.ndarray] = []
    with open_input(source) as inp:
        if not inp.streams.audio:
            return
        audio = inp.streams.audio[0]
        _read_only(inp, audio)
        resampler = av.AudioResampler(format="fltp", rate=rate)
        for packet in inp.demux(audio):
            try:
                decoded = packet.decode()
            except av.InvalidDataError:
                continue
            for frame in decoded:
                chunks = ([frame] if frame.format.name == "fltp" and frame.sample_rate == rate
                          else resampler.resample(frame))
                for chunk in chunks:
                    samples = chunk.to_ndarray()
                    if placed is None and chunk.pts is not None and chunk.time_base is not None:
                        placed = round((chunk.pts * chunk.time_base - origin) * rate)
                        if placed > 0:
                            envelope.add(np.zeros((1, placed), np.float32))
                        cut = max(0, -placed)
                    if cut:  # sound before the first picture
                        dropped = min(cut, samples.shape[1])
                        samples, cut = samples[:, dropped:], cut - dropped
                    held.append(samples)
                    if len(held) >= 64:  # fewer, larger steps: numpy's pace, not Python's
                        envelope.add(np.concatenate(held, axis=1))
                        held = []
        if held:
            envelope.add(np.concatenate(held, axis=1))


def _finish_filmstrip(strip: FilmstripBuilder, tiles: dict[int, np.ndarray] | None,
                      frames: int, fps: Fraction) -> None:
    count = max(1, -(-FrameGrid(fps).start_ms(frames) // strip.interval_ms))
    found = tiles or {}
    blank = np.zeros((strip.tile_height, strip.tile_width, 3), np.uint8)
    last = blank
    for index in range(count):
        last = found.get(index, last)
        strip.add(last)


def _finish_envelope(envelope: EnvelopeBuilder, frames: int, fps: Fraction) -> None:
    """Pad with silence, or cut, to the pictures' length."""
    total = FrameGrid(fps).sample_at(frames, envelope.sample_rate)
    envelope.fit(total)
