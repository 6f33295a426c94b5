"""Ingest: one decoding pass turns any recording into what the timeline needs.

From the source, in a single pass, :func:`ingest_media` writes into ``out_dir``:

- ``proxy.mp4``: H.264 High + AAC-LC 48 kHz stereo in MP4 with ``+faststart``, constant
  frame rate, upright pixels (rotation and mirroring applied, no rotation tag), at most
  ``short_side`` lines on the short side, a keyframe at least every second (exact, fast
  seeking), and a sound track always (silence when the source has none) that stays in
  sync with the picture even when one stream starts later than the other;
- ``filmstrip.jpg`` and ``filmstrip.json``: one thumbnail per interval, and their index;
- ``envelope.json``: the sound's peak per 50 ms.

Time zero of the proxy is the first picture of the source. Picture ``i`` of the proxy is
shown during ``[i/fps, (i+1)/fps)``; a source frame goes to the proxy picture nearest its
own presentation time (frames are repeated or dropped to keep the rate constant). Sound
is placed by its own timestamps on the same clock: a late start is padded with silence,
sound before the first picture is cut, and the track ends with the picture.

A source the browser already plays (see :func:`attune.media.remux.copy_refusal`) takes
the copy path instead: the proxy is its own packets with the index first (its own size,
sound and keyframes; no re-encode), the filmstrip comes from its keyframes and the
envelope from a decode of the sound alone. A clip longer than the timeline's whole-clip
view gets a coarse filmstrip (a few keyframes, the full strip's layout) so that it is
ready at the speed of a copy; :func:`sharpen_filmstrip` then puts in every keyframe
(the ingest job does, once the clip is ready). ``short_side`` applies to the transcode only.

Everything is made in a hidden work folder inside ``out_dir`` and renamed into place
only when all of it is ready; on failure the work folder is removed and
:class:`~attune.errors.MediaError` is raised.
"""

from __future__ import annotations

import math
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.audio.stream
import av.container
import av.filter
import av.video.stream
import numpy as np
from av.video.frame import PictureType

from attune.core.timebase import FrameGrid
from attune.errors import MediaError
from attune.fileio import atomic_path
from attune.media import colour, files, layout, remux
from attune.media.overview import (
    EnvelopeBuilder,
    FilmstripBuilder,
    FilmstripIndex,
    coarse_pictures,
    dumps_compact,
    read_json,
)
from attune.media.probe import MediaFacts, open_input, probe

Progress = Callable[[str, float], None]

#: The files an ingest writes, named by :mod:`attune.media.layout`.
PROXY_NAME = layout.PROXY
FILMSTRIP_NAME = layout.FILMSTRIP
FILMSTRIP_INDEX_NAME = layout.FILMSTRIP_INDEX
ENVELOPE_NAME = layout.ENVELOPE

#: libx264 settings of the proxy; ``bench/ingest.py`` gives ffmpeg the same ones.
X264_PRESET = "veryfast"
X264_CRF = 23
#: Decoder threads: one per core (FFmpeg's "auto" makes cores + 1, which measured slower
#: here on 2 cores, where libx264 needs them too).
DECODE_THREADS = max(1, os.cpu_count() or 1)
AUDIO_RATE = 48_000
AUDIO_BITRATE = 128_000
AAC_FRAME = 1024

#: Frame rates a proxy may have; a source's rate is moved onto the nearest when close.
STANDARD_RATES: tuple[Fraction, ...] = tuple(
    Fraction(r) for r in ("5", "10", "12", "15000/1001", "15", "24000/1001", "24", "25",
                          "30000/1001", "30", "48", "50", "60000/1001", "60")
)
MAX_PROXY_FPS = Fraction(60)
#: A gap or overlap in the source's sound larger than this is padded or cut.
_AUDIO_SLACK_SAMPLES = AUDIO_RATE // 100
#: Sound held back waiting for pictures is bounded to this much.
_MAX_SOUND_AHEAD_SAMPLES = AUDIO_RATE * 30


@dataclass(frozen=True)
class IngestResult:
    """What :func:`ingest_media` made. Paths are inside the ``out_dir`` it was given."""

    facts: MediaFacts
    proxy_path: Path
    filmstrip_path: Path
    filmstrip_index_path: Path
    envelope_path: Path
    proxy_fps: Fraction
    proxy_width: int
    proxy_height: int
    proxy_frame_count: int
    proxy_duration_ms: int
    filmstrip: FilmstripIndex
    #: "copy" (the source's own packets, remuxed) or "transcode" (decoded and encoded).
    proxy_made_by: str = "transcode"
    #: Why the copy path was not taken (None when it was).
    copy_refused: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (paths as strings, the frame rate as ``"num/den"``)."""
        return {
            "facts": self.facts.to_dict(),
            "proxy_path": str(self.proxy_path),
            "filmstrip_path": str(self.filmstrip_path),
            "filmstrip_index_path": str(self.filmstrip_index_path),
            "envelope_path": str(self.envelope_path),
            "proxy_fps": f"{self.proxy_fps.numerator}/{self.proxy_fps.denominator}",
            "proxy_width": self.proxy_width,
            "proxy_height": self.proxy_height,
            "proxy_frame_count": self.proxy_frame_count,
            "proxy_duration_ms": self.proxy_duration_ms,
            "filmstrip": self.filmstrip.to_dict(),
            "proxy_made_by": self.proxy_made_by,
            "copy_refused": self.copy_refused,
        }


def proxy_rate(facts: MediaFacts) -> Fraction:
    """The constant frame rate of the proxy made from a source with these facts.

    A steady source keeps its declared rate, moved onto a standard rate when within
    1.5% (29.87 measured becomes 30000/1001). A variable-rate source gets the standard
    rate nearest its average, so frames are repeated or dropped rather than smeared.
    Capped at 60 (slow-motion captures play at normal speed anyway).
    """
    rate = facts.frame_rate_average if facts.variable_frame_rate else facts.frame_rate_nominal
    if rate <= 0:
        rate = facts.frame_rate_average
    nearest = min(STANDARD_RATES, key=lambda std: abs(std - rate))
    if abs(nearest - rate) / rate <= Fraction(15, 1000) or facts.variable_frame_rate:
        rate = nearest
    elif rate >= 1:
        rate = Fraction(round(rate))
    return min(max(rate, Fraction(1)), MAX_PROXY_FPS)


def proxy_size(facts: MediaFacts, short_side: int) -> tuple[int, int]:
    """Upright (width, height) of the proxy: never upscaled, short side <= ``short_side``,
    both even (H.264 4:2:0 needs even sizes)."""
    if short_side < 2:
        raise ValueError("short_side must be at least 2 pixels")
    width, height = facts.display_width, facts.display_height
    scale = min(Fraction(1), Fraction(short_side, min(width, height)))
    return _even(width * scale), _even(height * scale)


def _even(value: Fraction | int) -> int:
    return max(2, math.floor(Fraction(value) / 2) * 2)


def keyframe_interval(fps: Fraction) -> int:
    """Frames between keyframes: at most one second (29 at 30000/1001, never 30)."""
    return max(1, math.floor(fps))


def ingest_media(
    source: Path,
    out_dir: Path,
    *,
    short_side: int = 720,
    filmstrip_interval_ms: int = 1000,
    progress: Progress | None = None,
    facts: MediaFacts | None = None,
    allow_copy: bool = True,
) -> IngestResult:
    """Probe ``source`` and make its proxy, filmstrip and envelope in ``out_dir``.

    ``progress(stage, fraction)`` is called with the stages ``"probe"``, ``"proxy"`` (the
    long one: decoding and encoding) and ``"finish"``, each from 0.0 to 1.0. Pass
    ``facts`` when :func:`probe` was already run on ``source`` to skip probing again.
    A browser-ready source is remuxed rather than transcoded (see
    :mod:`attune.media.remux`) unless ``allow_copy`` is False.
    Raises :class:`MediaError` when the source is not a playable video or processing
    fails; ``out_dir`` is then left as it was.
    """
    source, out_dir = Path(source), Path(out_dir)
    report = _ProgressReporter(progress)
    report("probe", 0.0)
    if facts is None:
        facts = probe(source)
    report("probe", 1.0)
    work = files.make_work_dir(out_dir)
    try:
        refusal = remux.copy_refusal(facts, proxy_rate(facts)) if allow_copy else "not asked"
        made = None
        if refusal is None:
            made = _copy(source, facts, work, filmstrip_interval_ms, report)
            if made is None:
                refusal = "pictures off the frame grid"
        if made is None:
            made = _Transcoder(source, facts, work, short_side, filmstrip_interval_ms,
                               report).run()
        report("finish", 0.0)
        finals = {}
        for name in (PROXY_NAME, FILMSTRIP_NAME, FILMSTRIP_INDEX_NAME, ENVELOPE_NAME):
            files.publish(work / name, out_dir / name)
            finals[name] = out_dir / name
        report("finish", 1.0)
    except MediaError:
        raise
    except (av.FFmpegError, OSError) as err:
        raise MediaError(
            f"Making the playable copy of {source.name} failed ({type(err).__name__}: {err}). "
            f"Check that there is free disk space and try again; if it fails again the "
            f"recording may be damaged: upload it again from the phone or camera."
        ) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return IngestResult(
        facts=facts,
        proxy_path=finals[PROXY_NAME],
        filmstrip_path=finals[FILMSTRIP_NAME],
        filmstrip_index_path=finals[FILMSTRIP_INDEX_NAME],
        envelope_path=finals[ENVELOPE_NAME],
        proxy_fps=made.fps,
        proxy_width=made.width,
        proxy_height=made.height,
        proxy_frame_count=made.frame_count,
        proxy_duration_ms=made.duration_ms,
        filmstrip=made.filmstrip,
        proxy_made_by="copy" if refusal is None else "transcode",
        copy_refused=refusal,
    )


class _ProgressReporter:
    """Calls the user's callback, but not more often than every 1% of a stage."""

    def __init__(self, callback: Progress | None) -> None:
        self.callback = callback
        self.last: tuple[str, float] = ("", -1.0)

    def __call__(self, stage: str, fraction: float) -> None:
        if self.callback is None:
            return
        fraction = min(1.0, max(0.0, fraction))
        last_stage, last_fraction = self.last
        if stage == last_stage and fraction < 1.0 and fraction - last_fraction < 0.01:
            return
        self.last = (stage, fraction)
        self.callback(stage, fraction)


@dataclass(frozen=True)
class _Made:
    fps: Fraction
    width: int
    height: int
    frame_count: int
    duration_ms: int
    filmstrip: FilmstripIndex


# Filters that make a picture upright, after FFmpeg's own autorotate (fftools), keyed by
# (clockwise quarter turns, mirrored).
_UPRIGHT_FILTERS: dict[tuple[int, bool], tuple[tuple[str, str], ...]] = {
    (0, False): (),
    (0, True): (("vflip", ""),),
    (1, False): (("transpose", "clock"),),
    (1, True): (("transpose", "cclock_flip"),),
    (2, False): (("hflip", ""), ("vflip", "")),
    (2, True): (("hflip", ""),),
    (3, False): (("transpose", "cclock"),),
    (3, True): (("transpose", "clock_flip"),),
}


class _Upright:
    """Rotate, mirror, scale and colour-convert decoded frames into upright proxy pictures.

    The proxy is yuv420p, limited ("tv") range, BT.709, as every browser expects. The
    source's own range and matrix are named to the scaler explicitly (FFmpeg's filter
    graph otherwise takes a full-range phone picture for a limited-range one and crushes
    its shadows), and 10-bit HDR (HLG or PQ) goes through :mod:`attune.media.colour`'s 3D table.
    """

    def __init__(self, facts: MediaFacts, width: int, height: int, work: Path) -> None:
        self.steps = _UPRIGHT_FILTERS[(facts.quarter_turns, facts.mirrored)]
        self.width, self.height = width, height
        self.work = work
        self._graph: av.filter.Graph | None = None
        self._key: tuple[Any, ...] | None = None

    def __call__(self, frame: av.VideoFrame) -> av.VideoFrame:
        key = (frame.width, frame.height, frame.format.name, frame.color_range,
               frame.colorspace, frame.color_trc)
        if key != self._key:  # a stream may change size midway: rebuild the graph
            self._graph = self._build(frame)
            self._key = key
        assert self._graph is not None
        self._graph.push(frame)
        out = self._graph.pull()
        assert isinstance(out, av.VideoFrame)
        return out

    def _build(self, frame: av.VideoFrame) -> av.filter.Graph:
        tone = colour.Colour.of(frame)
        graph = av.filter.Graph()
        node = graph.add_buffer(width=frame.width, height=frame.height,
                                format=frame.format, time_base=Fraction(1, 1000))
        chain = [graph.add(name, args) for name, args in self.steps]
        # Changing the matrix (BT.601 phones) is off by 2 levels of brightness in
        # swscale's fast path; its accurate rounding and full chroma make it exact.
        exact = "" if tone.matrix_name == "bt709" else "+accurate_rnd+full_chroma_int"
        size = f"{self.width}:{self.height}:flags=bicubic{exact}"
        source = f"in_range={tone.range_name}:in_color_matrix={tone.matrix_name}"
        if tone.is_hdr:
            cube = colour.write_cube(self.work, tone)
            chain += [
                graph.add("scale", f"{size}:{source}"),
                graph.add("format", "gbrp16le"),
                graph.add("lut3d", f"file={cube}:interp=tetrahedral"),
                graph.add("scale", "out_range=tv:out_color_matrix=bt709"),
            ]
        else:
            chain.append(graph.add(
                "scale", f"{size}:{source}:out_range=tv:out_color_matrix=bt709"))
        chain += [
            graph.add("setsar", "1"),
            graph.add("format", "yuv420p"),
            graph.add("buffersink"),
        ]
        for nxt in chain:
            node.link_to(nxt)
            node = nxt
        graph.configure()
        return graph


class _SoundTrack:
    """Places the source's sound on the proxy clock, encodes it, and feeds the envelope."""

    def __init__(self, stream: av.audio.stream.AudioStream, envelope: EnvelopeBuilder) -> None:
        self.stream = stream
        self.envelope = envelope
        self.written = 0  # samples placed on the proxy clock so far
        self._held: list[np.ndarray] = []
        self._held_n = 0
        self._encoded = 0
        self.origin: int | None = None  # source time of proxy zero, in samples
        self._early: list[tuple[int | None, np.ndarray]] = []
        self.limit = 0  # encode no further than the pictures sent so far

    def allow_until(self, total: int, *, fill: bool) -> Iterator[av.Packet]:
        """Pictures now reach sample ``total``: encode sound up to there (``fill``: silence)."""
        self.limit = max(self.limit, total)
        if fill:
            yield from self.silence_until(total)
        else:
            yield from self._encode(final=False)

    def set_origin(self, origin_samples: int) -> Iterator[av.Packet]:
        self.origin = origin_samples
        early, self._early = self._early, []
        for pts, samples in early:
            yield from self.add(pts, samples)

    def add(self, pts: int | None, samples: np.ndarray) -> Iterator[av.Packet]:
        """``samples``: float32 (2, n) at 48 kHz; ``pts`` their source time in samples."""
        if self.origin is None:
            self._early.append((pts, samples))
            return
        if pts is not None:
            start = pts - self.origin
            if start > self.written + _AUDIO_SLACK_SAMPLES:
                yield from self._append(np.zeros((2, start - self.written), np.float32))
            elif start < self.written - _AUDIO_SLACK_SAMPLES:
                samples = samples[:, self.written - start:]
        if samples.shape[1]:
            yield from self._append(samples)

    def silence_until(self, total: int) -> Iterator[av.Packet]:
        if total > self.written:
            self._append_silence(total - self.written)
        yield from self._encode(final=False)

    def _append_silence(self, n: int) -> None:
        self._held.append(np.zeros((2, n), np.float32))
        self._held_n += n
        self.written += n

    def finish(self, total: int) -> Iterator[av.Packet]:
        """Pad or cut to ``total`` samples, encode the rest and flush the encoder."""
        if self.origin is None:
            self.origin = 0
        yield from self.silence_until(total)
        held = np.concatenate(self._held, axis=1) if self._held else np.zeros((2, 0), np.float32)
        keep = max(0, total - self._encoded)
        held = held[:, :keep]
        self._held, self._held_n = [held], held.shape[1]
        yield from self._encode(final=True)
        yield from self.stream.encode(None)

    def _append(self, samples: np.ndarray) -> Iterator[av.Packet]:
        if self.written - self.limit > _MAX_SOUND_AHEAD_SAMPLES:
            # The picture ended long ago (or lags absurdly): keep memory bounded. Sound
            # placed later by its timestamps is still in sync; the gap becomes silence.
            return
        self._held.append(samples)
        self._held_n += samples.shape[1]
        self.written += samples.shape[1]
        yield from self._encode(final=False)

    def _encode(self, *, final: bool) -> Iterator[av.Packet]:
        if self._held_n < AAC_FRAME and not (final and self._held_n):
            return
        allowed = self._held_n if final else min(self._held_n, self.limit - self._encoded)
        if allowed < AAC_FRAME and not final:
            return
        block = np.concatenate(self._held, axis=1)
        whole = allowed if final else allowed // AAC_FRAME * AAC_FRAME
        for start in range(0, whole, AAC_FRAME):
            chunk = np.ascontiguousarray(block[:, start:min(start + AAC_FRAME, whole)])
            self.envelope.add(chunk)
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = AUDIO_RATE
            frame.pts = self._encoded
            frame.time_base = Fraction(1, AUDIO_RATE)
            self._encoded += chunk.shape[1]
            yield from self.stream.encode(frame)
        rest = block[:, whole:]
        self._held, self._held_n = ([rest], rest.shape[1]) if rest.shape[1] else ([], 0)


def _duration_ms(frame_count: int, fps: Fraction) -> int:
    """The proxy lasts until a next picture would start (the time base's one rule)."""
    return FrameGrid(fps).start_ms(frame_count)


def _write_overviews(work: Path, strip: FilmstripBuilder, envelope: EnvelopeBuilder,
                     *, coarse: bool = False) -> FilmstripIndex:
    files.write_bytes_atomic(work / FILMSTRIP_NAME, strip.encode_jpeg())
    index = strip.index(coarse=coarse)
    files.write_bytes_atomic(work / FILMSTRIP_INDEX_NAME, dumps_compact(index.to_dict()))
    files.write_bytes_atomic(work / ENVELOPE_NAME, dumps_compact(envelope.to_dict()))
    return index


def _copy(source: Path, facts: MediaFacts, work: Path, filmstrip_interval_ms: int,
          report: _ProgressReporter) -> _Made | None:
    """The copy path (:mod:`attune.media.remux`); None when the source must be transcoded."""
    fps = proxy_rate(facts)
    width, height = facts.coded_width, facts.coded_height
    strip = FilmstripBuilder(width, height, filmstrip_interval_ms, facts.duration_ms)
    # More tiles than the whole-clip view shows: a coarse strip now, the full one later.
    coarse = (math.ceil(facts.duration_ms / strip.interval_ms)
              > coarse_pictures(strip.tile_width, strip.tile_height))
    envelope = EnvelopeBuilder(facts.audio_sample_rate or AUDIO_RATE)
    copied = remux.make_copy(source, facts, fps, work / PROXY_NAME, strip, envelope,
                             lambda f: report("proxy", f), coarse=coarse)
    if copied is None:
        (work / PROXY_NAME).unlink(missing_ok=True)
        return None
    report("proxy", 1.0)
    index = _write_overviews(work, strip, envelope, coarse=coarse)
    return _Made(fps, width, height, copied.frame_count,
                 _duration_ms(copied.frame_count, fps), index)


def sharpen_filmstrip(out_dir: Path, fps: Fraction, frame_count: int) -> FilmstripIndex | None:
    """Replace the coarse filmstrip of a copied proxy in ``out_dir`` (made by
    :func:`ingest_media`) by the full one: a tile for every interval from the proxy's
    keyframes. Returns its index, or None when the filmstrip was not coarse.

    The layout stays the same (only the pictures in the tiles change), so a timeline that
    read the old index and gets the new sprite, or the reverse, still shows each part of
    the clip where it belongs. The sprite is replaced first, then the index; each appears
    whole. ``out_dir`` must exist (a clip deleted meanwhile is not made again).
    """
    out_dir = Path(out_dir)
    index = FilmstripIndex.from_dict(read_json(out_dir / FILMSTRIP_INDEX_NAME))
    if not index.coarse:
        return None
    # Tiles of this size give tiles of this size; the count keeps the interval.
    strip = FilmstripBuilder(index.tile_width, index.tile_height, index.interval_ms,
                             index.count * index.interval_ms)
    try:
        remux.keyframe_filmstrip(out_dir / PROXY_NAME, fps, strip, frame_count, coarse=False)
    except av.FFmpegError as err:
        raise MediaError(f"The filmstrip could not be made from the playable copy ({err}); "
                         f"the timeline keeps the first one.") from err
    fine = strip.index()
    if (fine.tile_width, fine.tile_height, fine.interval_ms, fine.count) != (
            index.tile_width, index.tile_height, index.interval_ms, index.count):
        raise MediaError("The playable copy no longer matches its filmstrip; the timeline "
                         "keeps the first one.")
    with atomic_path(out_dir / FILMSTRIP_NAME) as tmp:
        tmp.write_bytes(strip.encode_jpeg())
    with atomic_path(out_dir / FILMSTRIP_INDEX_NAME) as tmp:
        tmp.write_bytes(dumps_compact(fine.to_dict()))
    return fine


class _Transcoder:
    def __init__(self, source: Path, facts: MediaFacts, work: Path, short_side: int,
                 filmstrip_interval_ms: int, report: _ProgressReporter) -> None:
        self.source, self.facts, self.work, self.report = source, facts, work, report
        self.fps = proxy_rate(facts)
        self.grid = FrameGrid(self.fps)
        self.width, self.height = proxy_size(facts, short_side)
        self.frame_time_base = Fraction(1, 1) / self.fps
        self.filmstrip = FilmstripBuilder(self.width, self.height, filmstrip_interval_ms,
                                          facts.duration_ms)
        self.envelope = EnvelopeBuilder(AUDIO_RATE)
        self.upright = _Upright(facts, self.width, self.height, work)

    def run(self) -> _Made:
        with open_input(self.source) as inp, \
                av.open(str(self.work / PROXY_NAME), "w", format="mp4",
                        options={"movflags": "+faststart"}) as out:
            frame_count = self._pass(inp, out)
        index = _write_overviews(self.work, self.filmstrip, self.envelope)
        return _Made(self.fps, self.width, self.height, frame_count,
                     _duration_ms(frame_count, self.fps), index)

    def _open_outputs(
        self, out: av.container.OutputContainer
    ) -> tuple[av.video.stream.VideoStream, av.audio.stream.AudioStream]:
        gop = keyframe_interval(self.fps)
        video = out.add_stream("libx264", rate=self.fps)
        video.width, video.height = self.width, self.height
        video.pix_fmt = "yuv420p"
        colour.tag_bt709(video.codec_context)
        video.codec_context.time_base = self.frame_time_base
        video.codec_context.gop_size = gop
        # Frame threads, as the ffmpeg command line uses (PyAV's default is slice threads,
        # which keep the cores less busy).
        video.codec_context.thread_type = "FRAME"
        video.codec_context.thread_count = 0
        video.codec_context.options = {
            "preset": X264_PRESET,
            "crf": str(X264_CRF),
            "profile": "high",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0",
        }
        audio = out.add_stream("aac", rate=AUDIO_RATE)
        audio.layout = "stereo"
        audio.format = "fltp"
        audio.bit_rate = AUDIO_BITRATE
        return video, audio

    def _pass(self, inp: av.container.InputContainer, out: av.container.OutputContainer) -> int:
        out_video, out_audio = self._open_outputs(out)
        in_video = next(s for s in inp.streams.video
                        if not (s.disposition & av.stream.Disposition.attached_pic))
        in_video.codec_context.thread_type = "AUTO"
        in_video.codec_context.thread_count = DECODE_THREADS
        in_audio = inp.streams.audio[0] if inp.streams.audio else None
        sound = _SoundTrack(out_audio, self.envelope)
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        encoder = _EncoderThread(out, out_video, self.frame_time_base)
        duration_s = Fraction(max(1, self.facts.duration_ms), 1000)
        origin: Fraction | None = None
        pending: av.VideoFrame | None = None
        pending_slot = 0
        next_slot = 0
        last_time: Fraction | None = None
        last_gap = self.frame_time_base
        decoded = 0
        streams = [in_video] if in_audio is None else [in_video, in_audio]
        try:
            for frame in _decode(inp, streams):
                if isinstance(frame, av.AudioFrame):
                    for chunk in resampler.resample(frame):
                        encoder.mux(sound.add(chunk.pts, chunk.to_ndarray()))
                    continue
                assert isinstance(frame, av.VideoFrame)
                when = _frame_time(frame, last_time, last_gap)
                if last_time is not None and when > last_time:
                    last_gap = when - last_time
                last_time = when
                decoded += 1
                if origin is None:
                    origin = when
                    encoder.mux(sound.set_origin(round(origin * AUDIO_RATE)))
                slot = max(0, self.grid.snap_time(when - origin))
                if pending is not None and slot > pending_slot:
                    next_slot = self._emit(pending, next_slot, slot, encoder)
                    encoder.mux(sound.allow_until(self._samples(next_slot),
                                                  fill=in_audio is None))
                pending, pending_slot = frame, slot
                self.report("proxy", float((when - origin) / duration_s))
            if pending is None or origin is None or last_time is None:
                raise MediaError(
                    f"No picture could be decoded from {self.source.name}. Upload the "
                    f"video file straight from the phone's or camera's own storage."
                )
            end_slot = max(pending_slot + 1, self.grid.snap_time(last_time + last_gap - origin))
            next_slot = self._emit(pending, next_slot, end_slot, encoder)
            if in_audio is not None:
                for chunk in resampler.resample(None):
                    encoder.mux(sound.add(chunk.pts, chunk.to_ndarray()))
            encoder.finish()
            encoder.mux(sound.finish(self._samples(next_slot)))
        finally:
            encoder.stop()
        self.report("proxy", 1.0)
        return next_slot

    def _samples(self, slot: int) -> int:
        return self.grid.sample_at(slot, AUDIO_RATE)

    def _emit(self, frame: av.VideoFrame, first: int, end: int, encoder: _EncoderThread) -> int:
        """Send ``frame`` as proxy pictures ``first .. end-1``; returns ``end``."""
        if end <= first:
            return first
        picture = self.upright(frame)
        picture.pict_type = PictureType.NONE
        for slot in range(first, end):
            # A tile shows the picture on screen at its ms (FrameGrid.frame_at).
            while self.filmstrip.next_tile_ms() < self.grid.start_ms(slot + 1):
                tile = picture.reformat(width=self.filmstrip.tile_width,
                                        height=self.filmstrip.tile_height, format="bgr24")
                self.filmstrip.add(tile.to_ndarray())
            encoder.put(picture, slot)
        return end


def _frame_time(frame: av.VideoFrame, last: Fraction | None, gap: Fraction) -> Fraction:
    """Presentation time of a decoded frame; frames without one follow the last."""
    if frame.pts is not None and frame.time_base is not None:
        return Fraction(frame.pts) * frame.time_base
    return Fraction(0) if last is None else last + gap


def _decode(
    inp: av.container.InputContainer, streams: list[Any]
) -> Iterator[av.VideoFrame | av.AudioFrame]:
    """Decoded frames of ``streams`` in file order; damaged packets are skipped."""
    for packet in inp.demux(streams):
        try:
            decoded = packet.decode()
        except av.InvalidDataError:
            continue
        for frame in decoded:
            if isinstance(frame, av.VideoFrame | av.AudioFrame):
                yield frame


class _EncoderThread:
    """Encodes and muxes proxy pictures in a second thread, so decoding overlaps it.

    libx264 and FFmpeg's decoders release the GIL while they work. Muxing from two
    threads is serialised by a lock (the sound is muxed by the decoding thread).
    """

    _STOP = object()

    def __init__(self, out: av.container.OutputContainer,
                 stream: av.video.stream.VideoStream, time_base: Fraction) -> None:
        self.out, self.stream = out, stream
        self.time_base = time_base  # our own 1/fps, never the stream's (it changes)
        self.lock = threading.Lock()
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=8)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="attune-encode", daemon=True)
        self.thread.start()

    def put(self, picture: av.VideoFrame, slot: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((picture, slot))

    def _work(self) -> None:
        try:
            while True:
                item = self.queue.get()
                if item is self._STOP:
                    packets = self.stream.encode(None)
                    with self.lock:
                        self.out.mux(packets)
                    return
                picture, slot = item
                # A repeated picture is the same object: set its clock just before use.
                picture.pts = slot
                picture.time_base = self.time_base
                packets = self.stream.encode(picture)
                if packets:
                    with self.lock:
                        self.out.mux(packets)
        except BaseException as err:  # handed to the decoding thread
            self.error = err
            while True:  # keep draining so that put() never blocks forever
                if self.queue.get() is self._STOP:
                    return

    def mux(self, packets: Iterator[av.Packet]) -> None:
        """Mux packets made in the calling thread (the sound), under the lock."""
        for packet in packets:
            with self.lock:
                self.out.mux(packet)

    def finish(self) -> None:
        self.queue.put(self._STOP)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        if self.thread.is_alive():
            self.queue.put(self._STOP)
            self.thread.join()
