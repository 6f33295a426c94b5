"""Probe a recording: what it is, how it should be shown, and whether attune can take it.

``probe(path)`` recognises the format from the file's content (FFmpeg's demuxers via
PyAV, never the file name), reads the timing of every video packet to measure the real
frame rate (phones record variable frame rate while their metadata says 30), decodes
the first frames to prove the video is playable, and reads the display matrix that
phones use to mark portrait and mirrored recordings.

Anything that is not a playable video raises :class:`~attune.errors.MediaError` with a
message for the practitioner: what is wrong and what to do.
"""

from __future__ import annotations

import itertools
import math
import struct
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.container
import av.stream
import av.video.stream
from av.sidedata.sidedata import Type as SideDataType

from attune.errors import InputError, MediaError

#: Demuxers that FFmpeg uses for single pictures; a "video" in one of them is a still.
_IMAGE_FORMATS = ("image2", "_pipe", "gif", "apng", "webp")
#: Smallest picture side attune accepts; below this it is a placeholder, not a recording.
MIN_SIDE_PX = 16
#: Packets read to measure frame timing; beyond this the stream's own figures are used.
_MAX_TIMING_PACKETS = 20_000
#: A frame interval further than this (relative) from the typical one makes a stream VFR.
_VFR_TOLERANCE = 0.05

_ADVICE = "Upload the video file straight from the phone's or camera's own storage."


@dataclass(frozen=True)
class MediaFacts:
    """What a recording is, as far as attune needs to know.

    Times are integer milliseconds; frame rates are exact fractions. ``rotation`` is the
    display-matrix rotation in degrees as ffprobe reports it (-90: the picture must be
    turned 90 degrees clockwise to be upright; 180: upside down), ``mirrored`` tells
    whether the matrix also flips the picture. ``display_width``/``display_height`` are
    the size as it should be shown: rotated, with square pixels.
    """

    container_format: str
    size_bytes: int
    duration_ms: int
    frame_count: int | None
    frame_rate_nominal: Fraction
    frame_rate_average: Fraction
    variable_frame_rate: bool
    video_codec: str
    video_profile: str | None
    pixel_format: str
    coded_width: int
    coded_height: int
    display_width: int
    display_height: int
    rotation: int
    mirrored: bool
    has_audio: bool
    audio_codec: str | None
    audio_sample_rate: int | None
    audio_channels: int | None
    creation_time: str | None
    #: H.264/HEVC level times ten (41 = 4.1); None when the codec has none.
    video_level: int | None = None
    #: Audio codec profile ("LC", "HE-AAC"), when the codec has one.
    audio_profile: str | None = None
    #: True when the picture uses the full 0-255 range ("pc", most Android phones).
    full_range: bool = False
    #: FFmpeg's transfer characteristic number (16: PQ, 18: HLG), 2 when unknown.
    color_transfer: int = 2

    @property
    def quarter_turns(self) -> int:
        """Clockwise quarter turns (0..3) that make the picture upright."""
        return (-self.rotation // 90) % 4

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (frame rates as ``"num/den"`` strings)."""
        out = asdict(self)
        for key in ("frame_rate_nominal", "frame_rate_average"):
            rate: Fraction = out[key]
            out[key] = f"{rate.numerator}/{rate.denominator}"
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaFacts:
        """The inverse of :meth:`to_dict`."""
        values = dict(data)
        for key in ("frame_rate_nominal", "frame_rate_average"):
            values[key] = Fraction(values[key])
        return cls(**values)


def probe(path: Path) -> MediaFacts:
    """Facts about the recording at ``path``; :class:`MediaError` if it is not a video."""
    path = Path(path)
    size = _check_file(path)
    container = open_input(path)
    try:
        fmt = container.format.name
        if any(part in fmt for part in _IMAGE_FORMATS):
            raise MediaError(
                f"{path.name} is a still image ({fmt.split(',')[0].replace('_pipe', '')}), "
                f"not a video. Upload the video recording instead."
            )
        video = _video_stream(container, path)
        _check_not_truncated(video, size, path)
        first = _first_frames(container, video, path)
        timing = _frame_timing(path)
        audio = container.streams.audio[0] if container.streams.audio else None
        ctx = video.codec_context
        rotation, mirrored = _orientation(first)
        coded_w, coded_h = first.width, first.height
        display_w, display_h = _display_size(
            coded_w, coded_h, video.sample_aspect_ratio or ctx.sample_aspect_ratio, rotation
        )
        if min(coded_w, coded_h) < MIN_SIDE_PX:
            raise MediaError(
                f"{path.name} has a picture of only {coded_w}x{coded_h} pixels, too small to "
                f"be a recording of an interaction. {_ADVICE}"
            )
        nominal = _nominal_rate(video, timing.average)
        duration_ms = _duration_ms(container, video, timing)
        if duration_ms <= 0:
            raise MediaError(f"{path.name} has no measurable length. {_ADVICE}")
        return MediaFacts(
            container_format=fmt,
            size_bytes=size,
            duration_ms=duration_ms,
            frame_count=timing.count if timing.complete else (video.frames or None),
            frame_rate_nominal=nominal,
            frame_rate_average=timing.average or nominal,
            variable_frame_rate=timing.variable,
            video_codec=ctx.name,
            video_profile=ctx.profile or None,
            pixel_format=first.format.name,
            coded_width=coded_w,
            coded_height=coded_h,
            display_width=display_w,
            display_height=display_h,
            rotation=rotation,
            mirrored=mirrored,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            audio_sample_rate=audio.codec_context.sample_rate if audio is not None else None,
            audio_channels=audio.codec_context.channels if audio is not None else None,
            creation_time=_creation_time(container, video),
            video_level=ctx.level if ctx.level and ctx.level > 0 else None,
            audio_profile=(audio.codec_context.profile or None) if audio is not None else None,
            full_range=first.format.name.startswith("yuvj") or first.color_range == 2,
            color_transfer=int(first.color_trc),
        )
    except av.FFmpegError as err:
        raise MediaError(_damaged(path, err)) from err
    finally:
        container.close()


def open_input(path: Path) -> av.container.InputContainer:
    """Open ``path`` for reading, turning FFmpeg's refusals into a plain MediaError."""
    try:
        return av.open(str(path), "r")
    except (av.FFmpegError, EOFError) as err:
        raise MediaError(_damaged(path, err)) from err


def _damaged(path: Path, err: BaseException) -> str:
    reason = getattr(err, "strerror", None) or type(err).__name__
    return (
        f"{path.name} could not be read as a video: the file is damaged, incomplete "
        f"(perhaps the upload or copy stopped early) or not a video at all "
        f"(FFmpeg said: {reason}). {_ADVICE}"
    )


def _display_size(
    coded_w: int, coded_h: int, sar: Fraction | None, rotation: int
) -> tuple[int, int]:
    """Size as shown: non-square pixels widened or narrowed, then quarter turns applied."""
    shown_w = coded_w
    if sar is not None and sar > 0 and sar != 1:
        shown_w = max(1, round(coded_w * Fraction(sar)))
    return (coded_h, shown_w) if rotation % 180 else (shown_w, coded_h)


def _check_file(path: Path) -> int:
    if not path.is_file():
        raise MediaError(f"There is no file at {path}. Check the name and try again.")
    size = path.stat().st_size
    if size == 0:
        raise MediaError(
            f"{path.name} is empty (0 bytes): the recording was not copied. {_ADVICE}"
        )
    return size


def _video_stream(
    container: av.container.InputContainer, path: Path
) -> av.video.stream.VideoStream:
    videos = [s for s in container.streams.video if s.codec_context is not None]
    if not videos:
        if container.streams.audio:
            raise MediaError(
                f"{path.name} has no video stream (it looks like an audio recording). "
                f"Upload the video file from the phone's camera roll."
            )
        raise MediaError(f"{path.name} contains no video or sound at all. {_ADVICE}")
    # A phone's cover picture is a video stream with the attached_pic disposition.
    moving = [s for s in videos if not (s.disposition & av.stream.Disposition.attached_pic)]
    if not moving:
        raise MediaError(f"{path.name} holds only a cover picture, no video. {_ADVICE}")
    return moving[0]


def _check_not_truncated(
    video: av.video.stream.VideoStream, size: int, path: Path
) -> None:
    """MP4/MOV files list every sample's place; samples beyond the end mean a cut-off copy."""
    try:
        entries = video.index_entries
        end = max((e.pos + e.size for e in entries), default=0)
    except (AttributeError, TypeError):  # demuxers without an index
        return
    if end > size:
        raise MediaError(
            f"{path.name} is incomplete: it stops at {size} bytes but its video runs to "
            f"{end} bytes (the copy or upload was cut short). {_ADVICE}"
        )


@dataclass(frozen=True)
class _Timing:
    count: int
    complete: bool
    average: Fraction | None
    variable: bool
    first_s: Fraction | None
    end_s: Fraction | None


def _frame_timing(path: Path) -> _Timing:
    """Measure frame intervals from the packets' presentation times (no decoding)."""
    with open_input(path) as container:
        return _packet_timing(container, _video_stream(container, path))


def _packet_timing(
    container: av.container.InputContainer, video: av.video.stream.VideoStream
) -> _Timing:
    tb = video.time_base
    pts: list[int] = []
    last_duration = 0
    complete = True
    for packet in container.demux(video):
        if packet.pts is None:
            if packet.size == 0:
                continue
            pts = []  # no timestamps (some AVI): fall back on the stream's figures
            break
        pts.append(packet.pts)
        last_duration = packet.duration or 0
        if len(pts) >= _MAX_TIMING_PACKETS:
            complete = False
            break
    if tb is None or len(pts) < 2:
        return _Timing(len(pts), complete, None, False, None, None)
    pts.sort()
    deltas = sorted(b - a for a, b in itertools.pairwise(pts) if b > a)
    if not deltas:
        return _Timing(len(pts), complete, None, False, None, None)
    typical = deltas[len(deltas) // 2]
    # Timestamps are rounded to the time base: allow two ticks as well as the tolerance.
    allowed = max(2, typical * _VFR_TOLERANCE)
    variable = any(abs(d - typical) > allowed for d in deltas)
    span = pts[-1] - pts[0]
    average = Fraction(len(pts) - 1, 1) / (span * tb) if span > 0 else None
    first_s = pts[0] * tb
    end_s = (pts[-1] + (last_duration or typical)) * tb
    return _Timing(len(pts), complete, average, variable, first_s, end_s)


def _first_frames(
    container: av.container.InputContainer, video: av.video.stream.VideoStream, path: Path
) -> av.VideoFrame:
    """Decode up to two frames: none means unplayable, one means a still picture."""
    frames: list[av.VideoFrame] = []
    errors = 0
    try:
        for packet in container.demux(video):
            try:
                frames.extend(packet.decode())
            except av.InvalidDataError:
                errors += 1
                if errors > 50:
                    break
            if len(frames) >= 2:
                break
        else:
            if len(frames) < 2:
                frames.extend(video.codec_context.decode(None))
    except av.FFmpegError as err:
        if not frames:
            raise MediaError(_undecodable(path)) from err
    if not frames:
        raise MediaError(_undecodable(path))
    if len(frames) < 2:
        raise MediaError(
            f"{path.name} holds a single picture, not a moving video. "
            f"Upload the video recording instead."
        )
    return frames[0]


def _undecodable(path: Path) -> str:
    return (
        f"No picture could be decoded from {path.name}: the video inside is damaged or in "
        f"a form attune cannot play. {_ADVICE}"
    )


def _orientation(frame: av.VideoFrame) -> tuple[int, bool]:
    """(rotation in degrees as ffprobe reports it, mirrored) from the display matrix."""
    # PyAV's stubs call side_data a Mapping[str, object]; it is keyed by side-data type.
    side_data: Any = frame.side_data
    side = side_data.get(SideDataType.DISPLAYMATRIX)
    if side is None:
        return 0, False
    m = struct.unpack("<9i", bytes(side))
    a, b, c, d = (v / 65536 for v in (m[0], m[1], m[3], m[4]))
    scale_x, scale_y = math.hypot(a, c), math.hypot(b, d)
    if scale_x == 0 or scale_y == 0:
        return 0, False
    # FFmpeg's av_display_rotation_get, rounded to the quarter turns that phones use.
    degrees = -math.degrees(math.atan2(b / scale_y, a / scale_x))
    quarter = round(degrees / 90) % 4
    rotation = {0: 0, 1: 90, 2: 180, 3: -90}[quarter]
    return rotation, (a * d - b * c) < 0


def _nominal_rate(video: av.video.stream.VideoStream, measured: Fraction | None) -> Fraction:
    """The rate the file declares, unless it is nonsense (e.g. the 1 kHz of a Matroska tick)."""
    for candidate in (video.guessed_rate, video.base_rate, video.average_rate):
        if not candidate:
            continue
        rate = Fraction(candidate)
        if measured is None or abs(rate - measured) / measured < Fraction(1, 4):
            return rate
    if measured is not None:
        return measured
    raise MediaError(
        "The video does not say how many frames it has per second and its frames carry "
        f"no times. {_ADVICE}"
    )


def _duration_ms(
    container: av.container.InputContainer,
    video: av.video.stream.VideoStream,
    timing: _Timing,
) -> int:
    """Length of the video track: first frame to the end of the last one."""
    if timing.complete and timing.first_s is not None and timing.end_s is not None:
        return round((timing.end_s - timing.first_s) * 1000)
    if video.duration and video.time_base:
        return round(video.duration * video.time_base * 1000)
    if container.duration:
        return round(container.duration / 1000)
    return 0


def _creation_time(
    container: av.container.InputContainer, video: av.video.stream.VideoStream
) -> str | None:
    for meta in (container.metadata, video.metadata):
        for key, value in meta.items():
            if key.lower() == "creation_time" and value:
                return str(value)
    return None


# ------------------------------------------------------------------ a proxy, for a render


@dataclass(frozen=True)
class ClipFacts:
    """What a render needs to know of a proxy."""

    path: Path
    fps: Fraction
    duration_ms: int
    width: int
    height: int


def probe_clip(path: Path) -> ClipFacts:
    """Frame rate, duration and size of a proxy (constant frame rate H.264 expected)."""
    path = Path(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"{path.name} has no video; choose the clip's proxy.")
            vs = container.streams.video[0]
            rate = vs.guessed_rate or vs.average_rate
            if not rate:
                raise MediaError(f"{path.name} has no frame rate; make its proxy again.")
            if container.duration is not None:
                duration_ms = int(container.duration // 1000)
            elif vs.duration is not None and vs.time_base is not None:
                duration_ms = int(vs.duration * vs.time_base * 1000)
            else:
                duration_ms = 0
            return ClipFacts(path, Fraction(rate), duration_ms, vs.codec_context.width,
                             vs.codec_context.height)
    except (av.error.FileNotFoundError, FileNotFoundError) as err:
        raise InputError(f"The clip {path} does not exist; check the path.") from err
    except av.error.InvalidDataError as err:
        raise MediaError(f"{path.name} is not a playable video; give the clip's proxy.") from err
