"""A smart-cut reel for the in-app players: the proxies' own pictures copied where it can,
re-encoded only at the edges (I/O).

The film that leaves the building has its captions burned in (:func:`render_reel`); the
in-app players show a film whose picture carries none, with the WebVTT track beside it
(docs/practice.md §6, "Captions once"). With no caption to draw, most of each moment is the
proxy's pictures unchanged, so they need not be encoded again:

- **What is copied.** In each clip segment whose proxy has the reel's size and frame rate,
  the proxy's H.264 packets from the first IDR picture at or after the end of the fade-in
  to the last IDR picture at or before the start of the fade-out. IDR (NAL type 5, not
  just the keyframe flag): nothing after it refers to a picture before it, so the run
  decodes alone; the run's pictures are checked to be exactly its frames (a closed
  group). Everything else (cards, fades, film-stops, slow replays, a proxy of another
  size, rate or parameter sets) is composed and encoded as :func:`render_reel` does it,
  in runs, each by a fresh libx264 that starts with an IDR picture.
- **Parameter sets.** The proxies' SPS and PPS (ids as they are, usually 0) and the
  encoder's, made with x264's ``sps-id`` set to an id the proxies do not use (x264 gives
  its PPS the same id), are all in the MP4's ``avcC`` (a standard ``avc1`` track), so
  every picture finds its own. Copies come from proxies whose parameter sets are byte for
  byte the same; the other clips are encoded.
- **Timestamps.** A picture's presentation time is its reel frame; its decoding time is
  its place in decoding order less the largest reordering delay of any run, so that
  decoding times rise by one frame and never pass presentation times.
- **Sound** is made whole, exactly as :func:`render_reel` makes it.

When nothing can be copied the reel is simply rendered without captions.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from attune.core.timebase import FrameGrid
from attune.errors import MediaError
from attune.fileio import atomic_path
from attune.media.probe import ClipFacts, open_input
from attune.media.sound import AUDIO_RATE
from attune.reels.plan import ClipRef, ReelPlan, Segment, SegmentKind, webvtt_text
from attune.reels.render import (
    _DONE,
    Part,
    Progress,
    RenderResult,
    _AudioEncoder,
    _produce,
    prepare,
    render_reel,
)

NAL_IDR, NAL_SPS, NAL_PPS = 5, 7, 8
_PROFILES = {66: "baseline", 77: "main", 100: "high"}


# ---------------------------------------------------------------------------- H.264 bits


def split_length_prefixed(data: bytes, length_size: int) -> list[bytes]:
    """The NAL units of an MP4 sample (each preceded by its length in ``length_size`` bytes)."""
    nals, i = [], 0
    while i + length_size <= len(data):
        n = int.from_bytes(data[i:i + length_size], "big")
        i += length_size
        if n <= 0 or i + n > len(data):
            raise ValueError("a NAL unit runs past the end of its sample")
        nals.append(data[i:i + n])
        i += n
    return nals


def split_annexb(data: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start codes 00 00 01 / 00 00 00 01)."""
    starts: list[tuple[int, int]] = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append((i - 1 if i > 0 and data[i - 1] == 0 else i, i + 3))
        i = data.find(b"\x00\x00\x01", i + 3)
    nals = []
    for k, (_, begin) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(data)
        nal = data[begin:end].rstrip(b"\x00") if k + 1 < len(starts) else data[begin:end]
        if nal:
            nals.append(nal)
    return nals


def length_prefixed(nals: Sequence[bytes]) -> bytes:
    return b"".join(len(n).to_bytes(4, "big") + n for n in nals)


def _ue_values(nal: bytes, skip_bytes: int, count: int) -> list[int]:
    """``count`` Exp-Golomb numbers read after ``skip_bytes`` bytes of an RBSP."""
    rbsp = bytearray()
    zeros = 0
    for b in nal[skip_bytes:skip_bytes + 16]:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        rbsp.append(b)
        zeros = zeros + 1 if b == 0 else 0
    bits = "".join(f"{b:08b}" for b in rbsp)
    out, pos = [], 0
    for _ in range(count):
        lead = bits.index("1", pos) - pos
        value = int(bits[pos + lead:pos + 2 * lead + 1], 2) - 1
        out.append(value)
        pos += 2 * lead + 1
    return out


def sps_id(sps: bytes) -> int:
    return _ue_values(sps, 4, 1)[0]  # header, profile, constraints, level


def pps_ids(pps: bytes) -> tuple[int, int]:
    """(pps id, the SPS id it refers to)."""
    pid, sid = _ue_values(pps, 1, 2)
    return pid, sid


@dataclass(frozen=True)
class ParameterSets:
    sps: tuple[bytes, ...]
    pps: tuple[bytes, ...]

    def ids(self) -> set[int]:
        return {sps_id(s) for s in self.sps} | {pps_ids(p)[0] for p in self.pps}


def parse_avcc(extradata: bytes) -> tuple[int, ParameterSets]:
    """(NAL length size, parameter sets) of an ``avcC`` record; ValueError if it is none."""
    if len(extradata) < 7 or extradata[0] != 1:
        raise ValueError("not an avcC record")
    length_size = (extradata[4] & 3) + 1
    i = 6
    sps: list[bytes] = []
    for _ in range(extradata[5] & 31):
        n = int.from_bytes(extradata[i:i + 2], "big")
        sps.append(extradata[i + 2:i + 2 + n])
        i += 2 + n
    pps: list[bytes] = []
    count = extradata[i]
    i += 1
    for _ in range(count):
        n = int.from_bytes(extradata[i:i + 2], "big")
        pps.append(extradata[i + 2:i + 2 + n])
        i += 2 + n
    if not sps or not pps or i > len(extradata):
        raise ValueError("an avcC record without its parameter sets")
    return length_size, ParameterSets(tuple(sps), tuple(pps))


def avcc_record(sps: Sequence[bytes], pps: Sequence[bytes]) -> bytes:
    """An ``avcC`` record (4-byte NAL lengths) holding all of ``sps`` and ``pps``.

    Its profile is the highest of the SPSs, its compatibility flags those all share, its
    level the highest."""
    profile = max(s[1] for s in sps)
    compat = 0xFF
    for s in sps:
        compat &= s[2]
    level = max(s[3] for s in sps)
    out = bytearray([1, profile, compat, level, 0xFC | 3, 0xE0 | len(sps)])
    for s in sps:
        out += len(s).to_bytes(2, "big") + s
    out.append(len(pps))
    for p in pps:
        out += len(p).to_bytes(2, "big") + p
    if profile in (100, 110, 122, 144):  # chroma 4:2:0, 8 bits, no SPS extensions
        out += bytes([0xFC | 1, 0xF8, 0xF8, 0])
    return bytes(out)


# ---------------------------------------------------------------------------- proxies


@dataclass
class ProxyIndex:
    """A proxy's pictures as packets: what can be copied from it."""

    facts: ClipFacts
    refusal: str | None
    length_size: int = 4
    sets: ParameterSets | None = None
    profile_idc: int = 100
    colour: tuple[int, int, int, int] = (2, 2, 2, 0)  # primaries, trc, space, range
    #: the frame number of each packet, in decoding order
    decode_frames: tuple[int, ...] = ()
    #: the packet time (stream ticks) of each frame number
    frame_pts: tuple[int, ...] = ()
    #: frame numbers of IDR pictures, rising
    idr_frames: tuple[int, ...] = ()

    def copy_range(self, seg: Segment) -> tuple[int, int] | None:
        """Source frames ``[a, b)`` of ``seg`` to copy: from the first IDR picture at or
        after the fade-in's end to the last at or before the fade-out's start."""
        if self.refusal is not None:
            return None
        lo = seg.src_first_frame + seg.fade_in_frames
        hi = seg.src_end_frame - seg.fade_out_frames
        a = next((f for f in self.idr_frames if f >= lo), None)
        b = next((f for f in reversed(self.idr_frames) if f <= hi), None)
        if a is None or b is None or b <= a:
            return None
        pa = self.decode_frames.index(a)
        pb = self.decode_frames.index(b)
        if pb <= pa or sorted(self.decode_frames[pa:pb]) != list(range(a, b)):
            return None  # an open group: pictures outside the run are needed or shown
        return a, b


def index_proxy(facts: ClipFacts, width: int, height: int, fps: Fraction) -> ProxyIndex:
    """Read the packets (not the pictures) of ``facts.path`` and say whether it can be copied
    into a reel of ``width`` x ``height`` at ``fps``."""
    if (facts.width, facts.height) != (width, height):
        return ProxyIndex(facts, f"picture {facts.width}x{facts.height}")
    if facts.fps != fps:
        return ProxyIndex(facts, f"frame rate {facts.fps}")
    with open_input(facts.path) as container:
        vs = container.streams.video[0]
        ctx = vs.codec_context
        if ctx.name != "h264":
            return ProxyIndex(facts, f"video codec {ctx.name}")
        if vs.format is None or vs.format.name != "yuv420p" or ctx.color_range == 2:
            return ProxyIndex(facts, "not limited-range 4:2:0")
        try:
            length_size, sets = parse_avcc(bytes(ctx.extradata or b""))
        except ValueError as err:
            return ProxyIndex(facts, str(err))
        if vs.time_base is None:
            return ProxyIndex(facts, "no time base")
        origin = vs.start_time or 0
        pts_list: list[int] = []
        keys: list[tuple[int, bool]] = []  # (decode position, IDR)
        for pkt in container.demux(vs):
            if pkt.size == 0:
                continue
            if pkt.pts is None:
                return ProxyIndex(facts, "a picture without a time")
            if pkt.is_keyframe:
                try:
                    nals = split_length_prefixed(bytes(pkt), length_size)
                except ValueError as err:
                    return ProxyIndex(facts, str(err))
                types = {nal[0] & 31 for nal in nals}
                for nal in nals:
                    if ((nal[0] & 31) == NAL_SPS and nal not in sets.sps) \
                            or ((nal[0] & 31) == NAL_PPS and nal not in sets.pps):
                        return ProxyIndex(facts, "parameter sets change inside")
                keys.append((len(pts_list), NAL_IDR in types))
            pts_list.append(pkt.pts)
        order = sorted(range(len(pts_list)), key=pts_list.__getitem__)
        frame_of = [0] * len(pts_list)
        grid = FrameGrid(fps)
        tb = vs.time_base
        for n, k in enumerate(order):
            frame_of[k] = n
            # frame n is the picture on screen at its first millisecond (pictures_of)
            t = Fraction(pts_list[k] - origin) * tb
            if t > Fraction(grid.start_ms(n), 1000):
                return ProxyIndex(facts, "pictures off the frame grid")
            if n + 1 < len(order):
                t_next = Fraction(pts_list[order[n + 1]] - origin) * tb
                if t_next <= Fraction(grid.start_ms(n), 1000):
                    return ProxyIndex(facts, "pictures off the frame grid")
        return ProxyIndex(
            facts, None, length_size, sets, sets.sps[0][1],
            (int(ctx.color_primaries), int(ctx.color_trc), int(ctx.colorspace),
             int(ctx.color_range)),
            tuple(frame_of), tuple(pts_list[k] for k in order),
            tuple(sorted(frame_of[p] for p, idr in keys if idr)),
        )


# ---------------------------------------------------------------------------- pieces


@dataclass(frozen=True)
class Encoded:
    """Reel frames ``[start, start + frames)`` composed and encoded, from these parts."""

    start: int
    frames: int
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Copied:
    """Reel frames from ``start``: the proxy's pictures ``[a, b)`` of ``clip``."""

    start: int
    clip: ClipRef
    a: int
    b: int

    @property
    def frames(self) -> int:
        return self.b - self.a


Piece = Encoded | Copied


def cut_plan(plan: ReelPlan, copyable: Mapping[ClipRef, ProxyIndex]
             ) -> tuple[list[Piece], list[list[Part]]]:
    """The reel as encoded and copied pieces in order, and for each segment the parts
    to compose (for :func:`attune.reels.render._produce`)."""
    pieces: list[Piece] = []
    per_segment: list[list[Part]] = []
    run: list[Part] = []
    run_start = 0

    def close_run() -> None:
        nonlocal run
        if run:
            pieces.append(Encoded(run_start, sum(hi - lo for _, lo, hi in run), tuple(run)))
        run = []

    def encode(seg: Segment, lo: int, hi: int) -> None:
        nonlocal run_start
        if hi <= lo:
            return
        if not run:
            run_start = seg.reel_start_frame + lo
        run.append((seg, lo, hi))
        per_segment[-1].append((seg, lo, hi))

    for seg in plan.segments:
        per_segment.append([])
        index = copyable.get(seg.clip) if seg.clip is not None else None
        span = None
        if (index is not None and seg.kind == SegmentKind.CLIP and seg.repeat == 1
                and seg.frames == seg.src_end_frame - seg.src_first_frame):
            span = index.copy_range(seg)
        if span is None:
            encode(seg, 0, seg.frames)
            continue
        a, b = span
        encode(seg, 0, a - seg.src_first_frame)
        close_run()
        assert seg.clip is not None
        pieces.append(Copied(seg.reel_start_frame + a - seg.src_first_frame, seg.clip, a, b))
        encode(seg, b - seg.src_first_frame, seg.frames)
    close_run()
    return pieces, per_segment


# ---------------------------------------------------------------------------- render


class CannotCopy(Exception):
    """Something in a proxy turned out not to be copyable; the reel is encoded whole."""


def render_smart_reel(
    plan: ReelPlan,
    sources: Mapping[ClipRef, Path],
    out_path: Path,
    *,
    progress: Progress | None = None,
    preset: str = "veryfast",
    crf: int = 20,
    audio_bitrate: int = 128_000,
    vtt_path: Path | None = None,
) -> RenderResult:
    """Render ``plan`` to ``out_path`` without burned captions, copying the proxies' own
    pictures where it can (see the module's notes), and its WebVTT beside it.

    The reel has the first moment's proxy's size. The files appear whole or not at all.
    """
    out_path, vtt_path, facts, (width, height) = prepare(plan, sources, out_path, vtt_path)
    copyable = copyable_proxies(plan, facts, width, height)
    pieces, parts = cut_plan(plan, copyable)
    try:
        if not any(isinstance(p, Copied) for p in pieces):
            raise CannotCopy("nothing to copy")
        with atomic_path(vtt_path) as tmp_vtt, atomic_path(out_path) as tmp_mp4:
            tmp_vtt.write_bytes(webvtt_text(plan).encode("utf-8"))
            _write(plan, facts, copyable, pieces, parts, tmp_mp4, width, height, preset,
                   crf, audio_bitrate, progress)
    except CannotCopy:  # the reel encoded whole, without captions in its picture
        return render_reel(plan, sources, out_path, progress=progress, preset=preset,
                           crf=crf, audio_bitrate=audio_bitrate, vtt_path=vtt_path,
                           burn_captions=False)
    if progress:
        progress("done", 1.0)
    return RenderResult(out_path, vtt_path, plan.duration_ms, plan.moment_starts_ms,
                        plan.total_frames, plan.warnings)


def copyable_proxies(plan: ReelPlan, facts: Mapping[ClipRef, ClipFacts], width: int,
                     height: int) -> dict[ClipRef, ProxyIndex]:
    """The proxies to copy from: those that can be, sharing the parameter sets of the one
    with the most pictures to copy."""
    indexes = {}
    for clip in plan.clips():
        if any(s.clip == clip and s.kind == SegmentKind.CLIP for s in plan.segments):
            index = index_proxy(facts[clip], width, height, plan.fps)
            if index.refusal is None:
                indexes[clip] = index
    if not indexes:
        return {}

    def gain(clip: ClipRef) -> int:
        total = 0
        for seg in plan.segments:
            if seg.clip == clip and seg.kind == SegmentKind.CLIP:
                span = indexes[clip].copy_range(seg)
                total += (span[1] - span[0]) if span else 0
        return total

    best = max(indexes, key=gain)
    sets = indexes[best].sets
    return {c: i for c, i in indexes.items() if i.sets == sets and gain(c) > 0}


@dataclass
class _VideoPacket:
    pts: int  # reel frame
    data: bytes  # 4-byte length-prefixed NAL units
    key: bool


class _Runs:
    """Encodes runs of composed pictures, each by a fresh libx264 (so each starts with an
    IDR picture), with the given SPS id; keeps its parameter sets out of the pictures."""

    def __init__(self, width: int, height: int, fps: Fraction, preset: str, crf: int,
                 sps_id: int, profile: str, colour: tuple[int, int, int, int]) -> None:
        self.width, self.height, self.fps = width, height, fps
        self.options = {"preset": preset, "crf": str(crf), "profile": profile,
                        "x264-params": f"sps-id={sps_id}"}
        self.colour = colour
        self.sps: bytes | None = None
        self.pps: bytes | None = None

    def encoder(self) -> Any:
        ctx = av.CodecContext.create("libx264", "w")
        ctx.width, ctx.height, ctx.pix_fmt = self.width, self.height, "yuv420p"
        ctx.time_base = Fraction(1) / self.fps
        ctx.framerate = self.fps
        ctx.color_primaries, ctx.color_trc, ctx.colorspace, ctx.color_range = self.colour
        ctx.thread_type = "FRAME"
        ctx.thread_count = 0
        ctx.options = dict(self.options)
        return ctx

    def packets(self, encoded: Sequence[av.Packet]) -> Iterator[_VideoPacket]:
        for pkt in encoded:
            nals = []
            for nal in split_annexb(bytes(pkt)):
                kind = nal[0] & 31
                if kind in (NAL_SPS, NAL_PPS):
                    seen = self.sps if kind == NAL_SPS else self.pps
                    if seen is None:
                        if kind == NAL_SPS:
                            self.sps = nal
                        else:
                            self.pps = nal
                    elif seen != nal:
                        raise CannotCopy("the encoder's parameter sets changed")
                    continue
                nals.append(nal)
            assert pkt.pts is not None
            yield _VideoPacket(int(pkt.pts), length_prefixed(nals), bool(pkt.is_keyframe))


def _write(plan: ReelPlan, facts: Mapping[ClipRef, ClipFacts],
           copyable: Mapping[ClipRef, ProxyIndex], pieces: Sequence[Piece],
           parts: Sequence[Sequence[Part]], path: Path, width: int, height: int,
           preset: str, crf: int, audio_bitrate: int, progress: Progress | None) -> None:
    fps = plan.fps
    some = next(iter(copyable.values()))
    assert some.sets is not None
    used = some.sets.ids()
    new_id = next(i for i in range(1, 32) if i not in used)
    runs = _Runs(width, height, fps, preset, crf, new_id,
                 _PROFILES.get(some.profile_idc, "high"), some.colour)
    video: list[_VideoPacket] = []
    audio_packets: list[av.Packet] = []
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("render", min(1.0, done / max(1, plan.total_frames)))

    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        with open_input(some.facts.path) as pattern:  # the proxy's stream, as a pattern
            vstream = out.add_stream_from_template(pattern.streams.video[0])
        vstream.codec_context.time_base = Fraction(1) / fps
        vstream.time_base = Fraction(1) / fps
        astream = out.add_stream("aac", rate=AUDIO_RATE)
        astream.layout = "stereo"
        astream.bit_rate = audio_bitrate
        audio = _AudioEncoder(astream)
        work: queue.Queue[Any] = queue.Queue(maxsize=32)
        stop = threading.Event()
        producer = threading.Thread(
            target=_produce,
            args=(plan, facts, width, height, audio, work, stop, parts, False),
            daemon=True, name="reel-decode",
        )
        producer.start()

        def next_picture() -> av.VideoFrame:
            while True:
                item = work.get()
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, list):
                    audio_packets.extend(item)
                    continue
                if item is _DONE:
                    raise MediaError("The reel's pictures ran out early; render it again.")
                return item

        try:
            for piece in pieces:
                if isinstance(piece, Encoded):
                    enc = runs.encoder()
                    for k in range(piece.frames):
                        frame = next_picture()
                        frame.pts = piece.start + k
                        frame.time_base = Fraction(1) / fps
                        video.extend(runs.packets(enc.encode(frame)))
                        if k % 25 == 24:
                            tick(25)
                    video.extend(runs.packets(enc.encode(None)))
                    tick(piece.frames % 25)
                else:
                    video.extend(_copy(copyable[piece.clip], piece))
                    tick(piece.frames)
            while True:  # the rest of the sound
                item = work.get()
                if isinstance(item, BaseException):
                    raise item
                if item is _DONE:
                    break
                if isinstance(item, list):
                    audio_packets.extend(item)
                else:
                    raise MediaError("The reel has more pictures than planned; "
                                     "render it again.")
        finally:
            stop.set()
            with contextlib.suppress(queue.Empty):
                while True:
                    work.get_nowait()
            producer.join(timeout=10)

        if len(video) != plan.total_frames or runs.sps is None or runs.pps is None:
            raise MediaError(f"The reel has {len(video)} pictures, not the planned "
                             f"{plan.total_frames}; render it again.")
        vstream.codec_context.extradata = avcc_record(
            [*some.sets.sps, runs.sps], [*some.sets.pps, runs.pps])
        _mux(out, vstream, astream, video, audio_packets, fps)


def _copy(index: ProxyIndex, piece: Copied) -> list[_VideoPacket]:
    """The proxy's packets of frames ``[a, b)``, in decoding order, as reel packets."""
    assert index.sets is not None
    out: list[_VideoPacket] = []
    start_pts = index.frame_pts[piece.a]
    frame_at = {pts: n for n, pts in enumerate(index.frame_pts)}
    with open_input(index.facts.path) as container:
        vs = container.streams.video[0]
        container.seek(start_pts, stream=vs, backward=True, any_frame=False)
        started = False
        for pkt in container.demux(vs):
            if pkt.size == 0 or pkt.pts is None:
                continue
            n = frame_at.get(int(pkt.pts))
            if n is None:
                raise CannotCopy("a picture off the index")
            if not started:
                if n != piece.a:
                    continue
                started = True
            if n == piece.b:
                break
            nals = []
            for nal in split_length_prefixed(bytes(pkt), index.length_size):
                kind = nal[0] & 31
                if kind in (NAL_SPS, NAL_PPS):
                    if nal not in index.sets.sps and nal not in index.sets.pps:
                        raise CannotCopy("parameter sets change inside the proxy")
                    continue  # the avcC has them
                nals.append(nal)
            out.append(_VideoPacket(piece.start + n - piece.a, length_prefixed(nals),
                                    bool(pkt.is_keyframe)))
    if sorted(p.pts for p in out) != list(range(piece.start, piece.start + piece.frames)):
        raise CannotCopy("the copied pictures are not the planned frames")
    return out


def _mux(out: Any, vstream: Any, astream: Any, video: Sequence[_VideoPacket],
         audio: Sequence[av.Packet], fps: Fraction) -> None:
    """Video packets in decoding order with decoding time = place - largest delay, and the
    sound, interleaved by time."""
    delay = max(0, max(i - p.pts for i, p in enumerate(video)))
    tb = Fraction(1) / fps
    timed: list[tuple[Fraction, int, Any]] = []
    for i, p in enumerate(video):
        pkt = av.Packet(p.data)
        pkt.pts, pkt.dts, pkt.time_base = p.pts, i - delay, tb
        pkt.is_keyframe = p.key
        pkt.stream = vstream
        timed.append(((i - delay) * tb, 0, pkt))
    for a in audio:
        if a.dts is None or a.time_base is None:
            continue
        timed.append((a.dts * a.time_base, 1, a))
    timed.sort(key=lambda t: (t[0], t[1]))
    for _, _, pkt in timed:
        out.mux(pkt)
