"""Rendering a reel plan to an H.264 + AAC MP4 with burned-in captions, and WebVTT (I/O).

How, and why this way:

- **Frame-exact cuts.** For each clip segment the proxy is sought to the keyframe before
  the cut, decoded forward, and the pictures whose timestamps fall in the planned source
  frames are taken (:func:`attune.media.frames.pictures_of`); the sound is cut at the
  exact 48 kHz sample of the same boundary (:func:`attune.media.sound.read_audio`,
  :meth:`attune.core.timebase.FrameGrid.sample_at`), so picture and sound stay in step. Reading
  the proxies is :mod:`attune.media`'s; this module draws captions and cards, composes
  and encodes.
- **Speed.** A decode → RGB → draw → YUV → encode loop spends most of its time in colour
  conversion and copies (docs/design.md: 0.5x the ffmpeg command line). Here pictures stay in
  the decoder's yuv420p planes: a caption is rendered once into a small overlay (its Y, U
  and V planes and an alpha mask) and blended only into the rows of the caption band;
  fades scale the planes of the few fade frames. Decoding and compositing run in a
  thread that feeds the encoder through a bounded queue, so they overlap with libx264.
- **Any language's letters.** OpenCV 5's ``putText`` with a ``FontFace`` draws UTF-8 with
  its built-in fonts (Latin, Greek, Cyrillic, CJK checked), and does not shape Arabic or
  Hebrew (letters come out unjoined and left to right). Captions with right-to-left
  letters are therefore drawn with Pillow, whose libraqm layout shapes and orders them,
  in DejaVu Sans when the system has it.
- **Whole or nothing.** The MP4 and the WebVTT are written through
  :func:`attune.fileio.atomic_path` (temp files in the output's folder, 0600, fsynced and
  renamed); any failure removes the temp files.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
import unicodedata
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np

from attune.core.timebase import FrameGrid
from attune.errors import InputError, MediaError
from attune.fileio import atomic_path
from attune.media.frames import cropped, pictures_of
from attune.media.layout import captions_of
from attune.media.probe import ClipFacts, probe_clip
from attune.media.sound import AUDIO_RATE, read_audio
from attune.reels.plan import (
    CaptionPosition,
    ClipRef,
    MomentsDocument,
    ReelOptions,
    ReelPlan,
    Segment,
    SegmentKind,
    caption_findings,
    moments_from_document,
    plan_reel,
    webvtt_text,
)

Progress = Callable[[str, float], None]
"""``progress(stage, fraction)``: the same shape as :mod:`attune.media.ingest`'s."""

AUDIO_FRAME = 1024  # AAC frame size
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
BAND_BGR = (58, 46, 38)  # a soft dark slate; 60% opaque over the picture
BAND_ALPHA = 0.6
TEXT_BGR = (250, 250, 250)
CARD_BGR = (214, 226, 236)  # a calm warm cream-beige (BGR)
CARD_TEXT_BGR = (70, 62, 52)


@dataclass(frozen=True)
class RenderResult:
    path: Path
    vtt_path: Path
    duration_ms: int
    moment_starts_ms: tuple[int, ...]
    frames: int
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """What ``attune reel render`` prints as JSON."""
        return {
            "path": str(self.path),
            "vtt_path": str(self.vtt_path),
            "duration_ms": self.duration_ms,
            "moments": [{"index": i + 1, "start_ms": s}
                        for i, s in enumerate(self.moment_starts_ms)],
            "frames": self.frames,
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------------------- text


def _font_path() -> str | None:
    for p in FONT_CANDIDATES:
        if os.path.exists(p):
            return p
    return None


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


class _TextRenderer:
    """Measures and draws text as a coverage mask (uint8, 0-255)."""

    def __init__(self, text: str, size_px: int) -> None:
        self.size_px = size_px
        self.use_pil = _is_rtl(text) and _font_path() is not None
        if self.use_pil:
            from PIL import ImageFont

            self.pil_font = ImageFont.truetype(_font_path() or "", size_px)
        else:
            self.face = cv2.FontFace("sans")

    def width(self, text: str) -> int:
        if self.use_pil:
            return int(self.pil_font.getlength(text))
        rect = cv2.getTextSize((0, 0), text, (0, 0), self.face, self.size_px)
        return int(rect[2])

    def draw(self, mask: np.ndarray, text: str, x: int, baseline_y: int) -> None:
        if self.use_pil:
            from PIL import Image, ImageDraw

            img = Image.fromarray(mask)
            ImageDraw.Draw(img).text((x, baseline_y), text, font=self.pil_font, fill=255,
                                     anchor="ls")
            mask[:] = np.asarray(img)
        else:
            cv2.putText(mask, text, (x, baseline_y), 255, self.face, self.size_px)


def wrap_text(text: str, width_px: int, measure: Callable[[str], int]) -> list[str]:
    """Greedy word wrap; a word wider than the line (e.g. CJK without spaces) is split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width_px:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while measure(word) > width_px and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and measure(word[:cut]) > width_px:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    return lines


@dataclass
class _Overlay:
    """A caption band in yuv420p: rows [y0, y1) of the picture, alpha in 0..256."""

    y0: int
    y1: int
    inv_alpha_y: np.ndarray  # uint16, 256 - alpha
    pre_y: np.ndarray  # uint16, overlay * alpha
    inv_alpha_c: np.ndarray
    pre_u: np.ndarray
    pre_v: np.ndarray

    def apply(self, planes: _Planes) -> None:
        _blend(planes.y[self.y0:self.y1], self.inv_alpha_y, self.pre_y)
        c0, c1 = self.y0 // 2, self.y1 // 2
        _blend(planes.u[c0:c1], self.inv_alpha_c, self.pre_u)
        _blend(planes.v[c0:c1], self.inv_alpha_c, self.pre_v)


def _blend(dst: np.ndarray, inv_alpha: np.ndarray, pre: np.ndarray) -> None:
    tmp = dst.astype(np.uint16)
    tmp *= inv_alpha
    tmp += pre
    tmp >>= 8
    dst[:] = tmp


def caption_size_px(height: int) -> int:
    """Large enough to read on a phone: about 1/16 of the picture height (45 px at 720p)."""
    return max(12, round(height / 16))


def make_caption_overlay(text: str, width: int, height: int, *, max_lines: int = 3,
                         position: CaptionPosition = CaptionPosition.BOTTOM
                         ) -> _Overlay | None:
    """Render ``text`` wrapped to the picture width on a soft translucent band, at the
    bottom or the top of the picture (the practitioner's choice, to keep faces clear)."""
    text = " ".join(text.split()) if "\n" not in text else text
    if not text.strip():
        return None
    size = caption_size_px(height)
    margin = max(8, width // 24)
    while True:
        r = _TextRenderer(text, size)
        lines = wrap_text(text, width - 2 * margin, r.width)
        if len(lines) <= max_lines or size <= 10:
            break
        size = int(size * 0.85)
    line_h = int(size * 1.3)
    pad = max(4, size // 3)
    band_h = min(height, len(lines) * line_h + 2 * pad)
    band_h += band_h % 2
    edge = (max(4, height // 30) // 2) * 2
    if position == CaptionPosition.TOP:
        y0 = edge
        y1 = min(height - height % 2, y0 + band_h)
    else:
        y1 = height - edge
        y0 = max(0, y1 - band_h)
        y0 -= y0 % 2
    band_h = y1 - y0
    mask = np.zeros((band_h, width), np.uint8)
    for i, line in enumerate(lines):
        w = r.width(line)
        x = max(margin, (width - w) // 2)
        baseline = pad + i * line_h + int(size * 0.95)
        r.draw(mask, line, x, baseline)
    cov = mask.astype(np.float32) / 255.0
    alpha = BAND_ALPHA + (1.0 - BAND_ALPHA) * cov
    colour = (np.array(BAND_BGR, np.float32)[None, None, :] * (1 - cov[..., None])
              + np.array(TEXT_BGR, np.float32)[None, None, :] * cov[..., None])
    colour_u8 = np.clip(colour + 0.5, 0, 255).astype(np.uint8)
    yuv = cv2.cvtColor(colour_u8, cv2.COLOR_BGR2YUV_I420)
    h2, w2 = band_h // 2, width // 2
    planes = _Planes(yuv, width, band_h)
    y_plane, u_plane, v_plane = planes.y, planes.u, planes.v
    a_y = np.round(alpha * 256).astype(np.uint16)
    a_c = cv2.resize(alpha, (w2, h2), interpolation=cv2.INTER_AREA)
    a_c16 = np.round(a_c * 256).astype(np.uint16)
    return _Overlay(
        y0=y0, y1=y1,
        inv_alpha_y=(256 - a_y).astype(np.uint16), pre_y=(y_plane.astype(np.uint16) * a_y),
        inv_alpha_c=(256 - a_c16).astype(np.uint16),
        pre_u=(u_plane.astype(np.uint16) * a_c16), pre_v=(v_plane.astype(np.uint16) * a_c16),
    )


def make_card(lines: Sequence[str], width: int, height: int) -> np.ndarray:
    """A calm title or end card as a yuv420p array (height * 3 / 2, width)."""
    mask = np.zeros((height, width), np.uint8)
    sizes = [max(14, round(height / 11))] + [max(12, round(height / 15))] * (len(lines) - 1)
    margin = width // 12
    rendered: list[tuple[_TextRenderer, str]] = []
    for text, size in zip(lines, sizes, strict=False):
        r = _TextRenderer(text, size)
        rendered += [(r, part) for part in wrap_text(text, width - 2 * margin, r.width)]
    total = sum(int(r.size_px * 1.45) for r, _ in rendered)
    y = (height - total) // 2
    for r, text in rendered:
        y += int(r.size_px * 1.45)
        w = r.width(text)
        r.draw(mask, text, max(margin // 2, (width - w) // 2), y - int(r.size_px * 0.35))
    cov = mask.astype(np.float32)[..., None] / 255.0
    bgr = (np.array(CARD_BGR, np.float32) * (1 - cov) + np.array(CARD_TEXT_BGR, np.float32) * cov)
    return cv2.cvtColor(np.clip(bgr + 0.5, 0, 255).astype(np.uint8), cv2.COLOR_BGR2YUV_I420)


# ---------------------------------------------------------------------------- pictures


class _Planes:
    """Views of the Y, U and V planes of a yuv420p array (height * 3 / 2, width)."""

    def __init__(self, arr: np.ndarray, width: int, height: int) -> None:
        self.arr = arr
        flat = arr.reshape(-1)  # a view: the planes follow each other (I420)
        luma, chroma = width * height, (width // 2) * (height // 2)
        self.y = flat[:luma].reshape(height, width)
        self.u = flat[luma:luma + chroma].reshape(height // 2, width // 2)
        self.v = flat[luma + chroma:luma + 2 * chroma].reshape(height // 2, width // 2)


    @classmethod
    def of_frame(cls, frame: av.VideoFrame) -> _Planes:
        """Writable views of a yuv420p frame's own planes (row padding left out)."""
        self = cls.__new__(cls)
        views = []
        for i, plane in enumerate(frame.planes[:3]):
            h = frame.height if i == 0 else (frame.height + 1) // 2
            w = frame.width if i == 0 else (frame.width + 1) // 2
            buf = np.frombuffer(plane, np.uint8)  # type: ignore[call-overload]
            views.append(buf[:h * plane.line_size].reshape(h, plane.line_size)[:, :w])
        self.y, self.u, self.v = views
        return self


def _new_frame(width: int, height: int) -> tuple[av.VideoFrame, _Planes]:
    frame = av.VideoFrame(width, height, "yuv420p")
    return frame, _Planes.of_frame(frame)


def _faded(frame: av.VideoFrame, factor: float) -> av.VideoFrame:
    """A copy of ``frame`` faded towards black in limited-range YUV (Y 16, chroma 128)."""
    src = _Planes.of_frame(frame)
    out, dst = _new_frame(frame.width, frame.height)
    dst.y[:] = cv2.convertScaleAbs(src.y, alpha=factor, beta=16 * (1 - factor))
    dst.u[:] = cv2.convertScaleAbs(src.u, alpha=factor, beta=128 * (1 - factor))
    dst.v[:] = cv2.convertScaleAbs(src.v, alpha=factor, beta=128 * (1 - factor))
    return out


def _fade_factor(i: int, seg: Segment) -> float:
    """Picture level at frame ``i`` of ``seg``: ramps of fade_in/out frames, never 0."""
    f = 1.0
    if seg.fade_in_frames and i < seg.fade_in_frames:
        f = (i + 1) / (seg.fade_in_frames + 1)
    back = seg.frames - 1 - i
    if seg.fade_out_frames and back < seg.fade_out_frames:
        f = min(f, (back + 1) / (seg.fade_out_frames + 1))
    return f


class _SourceReader:
    """A proxy's pictures at given frame indexes (non-decreasing), frame-exactly
    (:func:`attune.media.frames.pictures_of`), composed for the reel."""

    def __init__(self, path: Path, fps: Fraction, width: int, height: int) -> None:
        self.path, self.fps, self.width, self.height = path, fps, width, height

    def frames(self, targets: Sequence[int],
               overlay: _Overlay | None = None) -> Generator[av.VideoFrame, None, None]:
        """One new yuv420p frame per target (the picture on screen at that frame's start),
        with ``overlay`` blended in; a repeated picture is the same frame object."""
        last: av.VideoFrame | None = None
        last_picture: av.VideoFrame | None = None
        with contextlib.closing(pictures_of(self.path, self.fps, targets)) as pictures:
            for picture in pictures:
                if picture is not last_picture or last is None:
                    last_picture, last = picture, self._compose(picture, overlay)
                yield last

    def _compose(self, frame: av.VideoFrame, overlay: _Overlay | None) -> av.VideoFrame:
        """Copy the decoded picture into a new frame (the decoder's buffers are reference
        pictures and are never written to) and blend the caption into its band rows."""
        if (frame.format.name != "yuv420p" or frame.width != self.width
                or frame.height != self.height):
            frame = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        src = _Planes.of_frame(frame)
        out, dst = _new_frame(self.width, self.height)
        dst.y[:] = src.y
        dst.u[:] = src.u
        dst.v[:] = src.v
        if overlay is not None:
            overlay.apply(dst)
        return out


def _ramp(samples: np.ndarray, fade_in: int, fade_out: int) -> None:
    """Raised-cosine ramps at both ends: no click at any cut."""
    n = samples.shape[1]
    for length, at_start in ((fade_in, True), (fade_out, False)):
        length = min(length, n)
        if length <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, length, endpoint=False)
                                   + np.pi / length)).astype(np.float32)
        if at_start:
            samples[:, :length] *= ramp
        else:
            samples[:, n - length:] *= ramp[::-1]


# ---------------------------------------------------------------------------- render


_DONE = object()


def prepare(plan: ReelPlan, sources: Mapping[ClipRef, Path], out_path: Path,
            vtt_path: Path | None, size: tuple[int, int] | None = None
            ) -> tuple[Path, Path, dict[ClipRef, ClipFacts], tuple[int, int]]:
    """What a render needs before it starts, checked: the film's and its WebVTT's paths,
    each clip's proxy facts, and the reel's even size (``size``, or the first moment's
    proxy's)."""
    out_path = Path(out_path)
    vtt_path = Path(vtt_path) if vtt_path else captions_of(out_path)
    missing = [c for c in plan.clips() if c not in sources]
    if missing:
        raise InputError(f"No proxy given for clip(s) {', '.join(map(str, missing))}.")
    if not out_path.parent.is_dir():
        raise InputError(f"The folder {out_path.parent} does not exist; create it first.")
    facts = {c: probe_clip(Path(sources[c])) for c in plan.clips()}
    first = facts[plan.moments[0].spec.clip]
    width, height = size or (first.width, first.height)
    return out_path, vtt_path, facts, (width - width % 2, height - height % 2)


def render_reel(
    plan: ReelPlan,
    sources: Mapping[ClipRef, Path],
    out_path: Path,
    *,
    progress: Progress | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    size: tuple[int, int] | None = None,
    audio_bitrate: int = 128_000,
    vtt_path: Path | None = None,
    burn_captions: bool = True,
    with_vtt: bool = True,
) -> RenderResult:
    """Render ``plan`` to ``out_path`` (H.264 + AAC MP4, faststart) and its WebVTT.

    ``sources`` maps each clip named in the plan to its proxy. ``size`` (width, height)
    defaults to the first moment's proxy. The files appear whole or not at all. Without
    ``burn_captions`` the picture carries no caption (the WebVTT beside it shows them);
    without ``with_vtt`` no WebVTT is written (a copy beside a film that has one).
    """
    out_path, vtt_path, facts, (width, height) = prepare(plan, sources, out_path, vtt_path,
                                                         size)

    # the film is published first, its captions last (the inner block ends first)
    with (atomic_path(vtt_path) if with_vtt else contextlib.nullcontext()) as tmp_vtt, \
            atomic_path(out_path) as tmp_mp4:
        if tmp_vtt is not None:
            tmp_vtt.write_bytes(webvtt_text(plan).encode("utf-8"))
        _encode(plan, facts, tmp_mp4, width, height, preset, crf, audio_bitrate, progress,
                burn_captions)
    if progress:
        progress("done", 1.0)
    return RenderResult(out_path, vtt_path, plan.duration_ms, plan.moment_starts_ms,
                        plan.total_frames, plan.warnings)


def _encode(plan: ReelPlan, facts: Mapping[ClipRef, ClipFacts], path: Path, width: int,
            height: int, preset: str, crf: int, audio_bitrate: int,
            progress: Progress | None, burn_captions: bool = True) -> None:
    fps = plan.fps
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        vstream = out.add_stream("libx264", rate=fps)
        vstream.width, vstream.height, vstream.pix_fmt = width, height, "yuv420p"
        vstream.options = {"preset": preset, "crf": str(crf)}
        vstream.codec_context.time_base = Fraction(1) / fps
        # Frame threads, as the ffmpeg command line uses (PyAV's default is slice threads).
        vstream.codec_context.thread_type = "FRAME"
        vstream.codec_context.thread_count = 0
        astream = out.add_stream("aac", rate=AUDIO_RATE)
        astream.layout = "stereo"
        astream.bit_rate = audio_bitrate
        work: queue.Queue[Any] = queue.Queue(maxsize=32)
        stop = threading.Event()
        audio = _AudioEncoder(astream)
        producer = threading.Thread(
            target=_produce,
            args=(plan, facts, width, height, audio, work, stop,
                  _whole_segments(plan), burn_captions),
            daemon=True, name="reel-decode",
        )
        producer.start()
        video_tb = Fraction(1) / fps
        done_frames = 0
        try:
            while True:
                item = work.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, list):  # sound, already encoded by the producer
                    out.mux(item)
                    continue
                item.pts = done_frames
                item.time_base = video_tb
                out.mux(vstream.encode(item))
                done_frames += 1
                if progress and (done_frames % 25 == 0 or done_frames == plan.total_frames):
                    progress("render", done_frames / max(1, plan.total_frames))
            out.mux(vstream.encode(None))
        finally:
            stop.set()
            with contextlib.suppress(queue.Empty):
                while True:
                    work.get_nowait()
            producer.join(timeout=10)
        if done_frames != plan.total_frames:
            raise MediaError(f"The reel has {done_frames} pictures, not the planned "
                             f"{plan.total_frames}; render it again.")


class _AudioEncoder:
    """Cuts the reel's sound into AAC frames of 1024 samples and encodes them."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.buf: list[np.ndarray] = []
        self.buffered = 0
        self.written = 0

    def add(self, samples: np.ndarray) -> list[av.Packet]:
        self.buf.append(samples)
        self.buffered += samples.shape[1]
        return self._flush(final=False) if self.buffered >= AUDIO_FRAME else []

    def finish(self, total: int) -> list[av.Packet]:
        packets: list[av.Packet] = []
        short = total - (self.written + self.buffered)
        if short > 0:
            packets += self.add(np.zeros((2, short), np.float32))
        packets += self._flush(final=True)
        packets += self.stream.encode(None)
        return packets

    def _flush(self, *, final: bool) -> list[av.Packet]:
        if not self.buf:
            return []
        data = np.concatenate(self.buf, axis=1) if len(self.buf) > 1 else self.buf[0]
        n = data.shape[1] if final else data.shape[1] - data.shape[1] % AUDIO_FRAME
        packets: list[av.Packet] = []
        for a in range(0, n, AUDIO_FRAME):
            chunk = np.ascontiguousarray(data[:, a:min(n, a + AUDIO_FRAME)])
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            frame.sample_rate = AUDIO_RATE
            frame.pts = self.written
            frame.time_base = Fraction(1, AUDIO_RATE)
            self.written += chunk.shape[1]
            packets += self.stream.encode(frame)
        rest = data[:, n:]
        self.buf = [rest] if rest.shape[1] else []
        self.buffered = rest.shape[1]
        return packets


Part = tuple[Segment, int, int]
"""A segment's reel frames ``[lo, hi)``, counted from the segment's start."""


def _whole_segments(plan: ReelPlan) -> list[list[Part]]:
    """Every segment whole: the parts to compose for a full render."""
    return [[(seg, 0, seg.frames)] for seg in plan.segments]


def segment_sound(seg: Segment, reel: FrameGrid, facts: Mapping[ClipRef, ClipFacts]
                  ) -> np.ndarray:
    """The segment's sound (2 x samples, float32): the clip's own cut at the exact sample
    with raised-cosine ramps at the fades, silence for cards, slowed and held pictures."""
    a0 = reel.sample_at(seg.reel_start_frame, AUDIO_RATE)
    a1 = reel.sample_at(seg.reel_end_frame, AUDIO_RATE)
    if not (seg.audio and seg.clip is not None):
        return np.zeros((2, a1 - a0), np.float32)
    src = facts[seg.clip]
    first_sample = FrameGrid(src.fps).sample_at(seg.src_first_frame, AUDIO_RATE)
    sound = read_audio(src.path, first_sample, a1 - a0)
    fade_samples = [reel.sample_at(n, AUDIO_RATE)
                    for n in (seg.fade_in_frames, seg.fade_out_frames)]
    _ramp(sound, fade_samples[0], fade_samples[1])
    return sound


def _produce(plan: ReelPlan, facts: Mapping[ClipRef, ClipFacts], width: int, height: int,
             audio: _AudioEncoder, work: queue.Queue[Any], stop: threading.Event,
             parts: Sequence[Sequence[Part]], burn_captions: bool = True) -> None:
    """Decode, compose and encode the sound; hand pictures and sound packets to the muxer.

    ``parts`` holds, for each segment of the plan in order, the parts whose pictures are
    composed (all of it for a full render; a smart cut leaves out the copied middles).
    The whole sound is always made.
    """

    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                work.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Stopped

    try:
        overlays: dict[tuple[str, CaptionPosition], _Overlay | None] = {}
        reel = FrameGrid(plan.fps)
        for seg, seg_parts in zip(plan.segments, parts, strict=True):
            packets = audio.add(segment_sound(seg, reel, facts))
            if packets:
                put(packets)
            overlay = None
            if seg.caption and burn_captions:
                look = (seg.caption, seg.caption_position)
                if look not in overlays:
                    overlays[look] = make_caption_overlay(seg.caption, width, height,
                                                          position=seg.caption_position)
                overlay = overlays[look]
            for part_seg, lo, hi in seg_parts:
                pictures = _segment_pictures(part_seg, plan.fps, facts, width, height,
                                             overlay, lo, hi)
                for i, frame in enumerate(pictures, lo):
                    f = _fade_factor(i, seg)
                    put(frame if f >= 1.0 else _faded(frame, f))
        put(audio.finish(reel.sample_at(plan.total_frames, AUDIO_RATE)))
        put(_DONE)
    except _Stopped:
        return
    except BaseException as err:
        with contextlib.suppress(_Stopped):
            put(err)


class _Stopped(Exception):
    pass


def _segment_pictures(seg: Segment, reel_fps: Fraction, facts: Mapping[ClipRef, ClipFacts],
                      width: int, height: int, overlay: _Overlay | None,
                      lo: int = 0, hi: int | None = None) -> Iterator[av.VideoFrame]:
    """The pictures of the segment's reel frames ``[lo, hi)`` (default: all of them)."""
    hi = seg.frames if hi is None else hi
    if hi <= lo:
        return
    if seg.kind in (SegmentKind.TITLE, SegmentKind.END):
        card = av.VideoFrame.from_ndarray(make_card(seg.card_lines, width, height),
                                          format="yuv420p")
        for _ in range(lo, hi):
            yield card
        return
    if seg.clip is None:
        raise ValueError(f"a {seg.kind} segment needs a clip")
    src = facts[seg.clip]
    reader = _SourceReader(src.path, src.fps, width, height)
    if seg.kind == SegmentKind.FILM_STOP:
        if seg.crop is not None:  # the moment's zoom: the same picture, closer
            with contextlib.closing(pictures_of(src.path, src.fps, [seg.src_first_frame])) \
                    as decoded:
                bgr = cropped(next(decoded).to_ndarray(format="bgr24"), seg.crop)
            held = reader._compose(av.VideoFrame.from_ndarray(bgr, format="bgr24"), overlay)
        else:
            pictures = reader.frames([seg.src_first_frame], overlay)
            held = next(pictures)
            pictures.close()
        for _ in range(lo, hi):
            yield held
        return
    span = seg.src_end_frame - seg.src_first_frame
    per = seg.frames // seg.repeat
    if src.fps == reel_fps:
        picks = [seg.src_first_frame + j for j in range(per)]
    else:
        src_grid, reel_grid = FrameGrid(src.fps), FrameGrid(reel_fps)
        picks = [seg.src_first_frame
                 + min(span - 1, src_grid.frame_at_time(reel_grid.seconds(j)))
                 for j in range(per)]
    targets = [p for p in picks for _ in range(seg.repeat)]
    targets += [targets[-1]] * (seg.frames - len(targets))
    yield from reader.frames(targets[lo:hi], overlay)


# ---------------------------------------------------------------------------- files


def read_moments_file(path: Path, *, default_clip: ClipRef | None = None,
                      options: ReelOptions | None = None) -> MomentsDocument:
    """Read and validate a moments file (``schemas/moments.v1.schema.json``).

    Relative clip paths are taken relative to the moments file's folder.
    """
    from attune.schemas import validate

    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"The moments file {path} does not exist; check the path.") from err
    except json.JSONDecodeError as err:
        raise InputError(f"The moments file {path.name} is not valid JSON ({err}); "
                         "fix it and try again.") from err
    validate(doc, "moments.v1", "moments file")
    for m in doc["moments"]:
        clip = m.get("clip")
        if isinstance(clip, str) and not Path(clip).is_absolute():
            candidate = path.parent / clip
            if candidate.exists():
                m["clip"] = str(candidate)
    return moments_from_document(doc, default_clip=default_clip, options=options)


def render_reel_files(
    moments_path: Path,
    out_path: Path,
    *,
    clip: Path | None = None,
    options: ReelOptions | None = None,
    progress: Progress | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    for_parent: bool = True,
    override_reason: str | None = None,
) -> RenderResult:
    """``attune reel render --clip PATH --moments moments.json --out reel.mp4``, end to end.

    Reads and validates the moments file, probes each clip's proxy, checks the captions'
    words for parents (docs/practice.md §6: with ``for_parent`` a finding stops the render unless
    ``override_reason`` is given; the caller audits the override), plans and renders.
    ``RenderResult.to_dict()`` is what the CLI prints.
    """
    doc = read_moments_file(Path(moments_path),
                            default_clip=str(clip) if clip is not None else None,
                            options=options)
    findings = caption_findings(doc.moments)
    if findings and for_parent and not (override_reason and override_reason.strip()):
        parts = []
        for i, found in sorted(findings.items()):
            words = ", ".join(repr(f.found) for f in found)
            parts.append(f"moment {i + 1}: {words} ({found[0].suggestion})")
        raise InputError(
            "Some captions use words to avoid with parents: " + "; ".join(parts)
            + ". Change the captions, or override with a reason."
        )
    sources = {m.clip: Path(m.clip) for m in doc.moments}
    facts = {c: probe_clip(p) for c, p in sources.items()}
    plan = plan_reel(doc.moments, {c: f.fps for c, f in facts.items()}, doc.options,
                     clip_durations_ms={c: f.duration_ms for c, f in facts.items()})
    return render_reel(plan, sources, Path(out_path), progress=progress, preset=preset,
                       crf=crf)
