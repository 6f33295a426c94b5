"""Reel plans: chosen moments → a frame-exact cut list (pure; no I/O).

A reel follows Video Interaction Guidance practice (docs/practice.md §1): a title card, then
1-4 short clips of 3-10 s of attuned moments, each captioned in words for parents, with an
optional "film-stop" (VIPP-SD: hold the key frame so the parent sees a fleeting signal)
and an optional slow replay of the key second, then an end card.

Time in a reel is counted in *reel frames* at one constant frame rate (the proxies are
constant frame rate, :mod:`attune.media.ingest`); milliseconds are derived from frames, so
every segment start and every caption time is exact to the frame. Times and frames are
:class:`attune.core.timebase.FrameGrid`'s: a moment's ``[start_ms, end_ms)`` is snapped to
the nearest source frame edges (frame ``i`` covers ``[i / fps, (i + 1) / fps)``), so at
30000/1001 fps both 33 and 34 ms snap to frame 1, which starts at 34 ms (its first whole
millisecond, the time every part of attune gives it).

Sound is cut at the exact sample: reel frame ``k`` starts at audio sample
``k / fps * sample_rate`` rounded half up (``FrameGrid.sample_at``), so picture and sound
never drift apart by more than half a sample across the whole reel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any

from attune.core.crop import Crop
from attune.core.practice import MAX_MOMENTS, MOMENT_MAX_S, MOMENT_MIN_S
from attune.core.spans import format_ms
from attune.core.timebase import SAMPLE_RATE, FrameGrid
from attune.core.words import Finding, check_words
from attune.errors import InputError

ClipRef = str
"""How a moment names its clip: a proxy path or a clip id, as a string."""

#: The first card's title unless the practitioner gives another.
DEFAULT_TITLE = "Special moments together"


class SegmentKind(StrEnum):
    TITLE = "title"
    CLIP = "clip"
    SLOW_REPLAY = "slow_replay"
    FILM_STOP = "film_stop"
    END = "end"


class CaptionPosition(StrEnum):
    """Where a moment's caption sits on the picture: chosen per moment to keep faces
    clear (a baby lying on a mat is often filmed with their face low in the frame)."""

    BOTTOM = "bottom"
    TOP = "top"


@dataclass(frozen=True)
class MomentSpec:
    """A moment chosen for the reel, as the practitioner left it.

    ``clip`` names the clip (a path or a clip id); ``[start_ms, end_ms)`` is the span in
    the clip; ``key_ms`` is the frame to film-stop on (default: the middle).
    """

    clip: ClipRef
    start_ms: int
    end_ms: int
    caption: str = ""
    key_ms: int | None = None
    film_stop: bool = False
    slow_replay: bool = False
    film_stop_caption: str = ""
    caption_position: CaptionPosition = CaptionPosition.BOTTOM
    #: the part of the picture the film-stop and the handout's still show (zoom and pan)
    crop: Crop | None = None

    def __post_init__(self) -> None:
        # a wrong position is a programming error (the page offers the two)
        object.__setattr__(self, "caption_position", CaptionPosition(self.caption_position))
        for name in ("start_ms", "end_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int of milliseconds, got {value!r}")
        if self.key_ms is not None and (
            isinstance(self.key_ms, bool) or not isinstance(self.key_ms, int)
        ):
            raise TypeError(f"key_ms must be an int of milliseconds, got {self.key_ms!r}")

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class ReelOptions:
    """Settings of a reel; every duration in milliseconds."""

    title: str = DEFAULT_TITLE
    baby_name: str = ""
    date: str = ""  # as it should read on the title card, e.g. "12 March 2025"
    end_text: str = "Thank you for sharing these moments."
    title_card_ms: int = 3000
    end_card_ms: int = 3000
    fade_ms: int = 250
    film_stop_ms: int = 2000
    slow_replay_ms: int = 1000  # the source span replayed slowly, centred on key_ms
    slow_factor: int = 2  # each replayed frame shown this many times: 2 = half speed
    min_s: float = MOMENT_MIN_S  # VIG norm for a moment
    max_s: float = MOMENT_MAX_S
    max_moments: int = MAX_MOMENTS
    fps: Fraction | None = None  # reel rate; default: the first moment's clip rate

    def __post_init__(self) -> None:
        for name in ("title_card_ms", "end_card_ms", "fade_ms", "film_stop_ms",
                     "slow_replay_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.slow_factor < 1:
            raise ValueError("slow_factor must be >= 1")


@dataclass(frozen=True)
class Segment:
    """One stretch of the reel.

    Reel frames ``[reel_start_frame, reel_start_frame + frames)``. For CLIP and
    SLOW_REPLAY, source frames ``[src_first_frame, src_end_frame)`` of ``clip`` (a slow
    replay repeats each ``repeat`` times); for FILM_STOP, source frame ``src_first_frame``
    is held. ``audio`` says whether the source's sound plays (CLIP only; slowed or held
    pictures are silent rather than pitch-shifted). Fades are in reel frames.
    """

    kind: SegmentKind
    reel_start_frame: int
    frames: int
    reel_start_ms: int
    reel_end_ms: int
    caption: str = ""
    caption_position: CaptionPosition = CaptionPosition.BOTTOM
    moment_index: int | None = None
    clip: ClipRef | None = None
    src_first_frame: int = 0
    src_end_frame: int = 0
    repeat: int = 1
    audio: bool = False
    fade_in_frames: int = 0
    fade_out_frames: int = 0
    card_lines: tuple[str, ...] = ()
    crop: Crop | None = None  # FILM_STOP: the part of the held picture shown

    @property
    def reel_end_frame(self) -> int:
        return self.reel_start_frame + self.frames


@dataclass(frozen=True)
class CaptionCue:
    """A caption shown over reel time ``[start_ms, end_ms)`` (burned in and in WebVTT)."""

    start_ms: int
    end_ms: int
    text: str
    moment_index: int
    position: CaptionPosition = CaptionPosition.BOTTOM


@dataclass(frozen=True)
class PlannedMoment:
    """A moment after snapping: its source frames and where it starts in the reel."""

    index: int
    spec: MomentSpec
    fps: Fraction
    src_first_frame: int
    src_end_frame: int
    key_frame: int
    reel_start_ms: int
    snapped_start_ms: int
    snapped_end_ms: int


@dataclass(frozen=True)
class ReelPlan:
    fps: Fraction
    sample_rate: int
    segments: tuple[Segment, ...]
    moments: tuple[PlannedMoment, ...]
    captions: tuple[CaptionCue, ...]
    total_frames: int
    duration_ms: int
    options: ReelOptions
    warnings: tuple[str, ...] = field(default=())

    @property
    def moment_starts_ms(self) -> tuple[int, ...]:
        return tuple(m.reel_start_ms for m in self.moments)

    def clips(self) -> tuple[ClipRef, ...]:
        seen: dict[ClipRef, None] = {}
        for m in self.moments:
            seen.setdefault(m.spec.clip, None)
        return tuple(seen)


# ---------------------------------------------------------------------------- time


# Frames and milliseconds: :class:`attune.core.timebase.FrameGrid`, the one time base.


# ---------------------------------------------------------------------------- editing


def trim_moment(spec: MomentSpec, fps: Fraction, *, start_frames: int = 0,
                end_frames: int = 0) -> MomentSpec:
    """Move a moment's start and end by whole source frames (negative moves earlier).

    The result's times are the exact (rounded) starts of the new boundary frames, so that
    trimming by one frame always moves the cut by exactly one frame.
    """
    grid = FrameGrid(fps)
    first = grid.snap(spec.start_ms) + start_frames
    end = grid.snap(spec.end_ms) + end_frames
    if first < 0:
        raise InputError("The moment cannot start before the clip; trim it less.")
    if end <= first:
        raise InputError("A moment must keep at least one frame; trim it less.")
    key = spec.key_ms
    start_ms, end_ms = grid.start_ms(first), grid.start_ms(end)
    if key is not None:
        key = min(max(key, start_ms), max(start_ms, end_ms - 1))
    return replace(spec, start_ms=start_ms, end_ms=end_ms, key_ms=key)


def reorder_moments(moments: Sequence[MomentSpec], order: Sequence[int]) -> list[MomentSpec]:
    """``moments`` in the order given by indexes (a permutation of ``range(len)``)."""
    if sorted(order) != list(range(len(moments))):
        raise InputError(
            f"The new order {list(order)} must name each of the {len(moments)} moments once."
        )
    return [moments[i] for i in order]


def caption_findings(
    moments: Sequence[MomentSpec],
    check: Callable[[str], list[Finding]] = check_words,
) -> dict[int, list[Finding]]:
    """Words-for-parents findings (docs/practice.md §6) of each moment's captions, by index.

    A reel with findings must not be rendered for a parent until the captions change or
    the practitioner overrides with a reason (the caller audits the override).
    """
    out: dict[int, list[Finding]] = {}
    for i, m in enumerate(moments):
        found = [*check(m.caption)]
        if m.film_stop and m.film_stop_caption:
            found += check(m.film_stop_caption)
        if found:
            out[i] = found
    return out


# ---------------------------------------------------------------------------- planning


def plan_reel(
    moments: Sequence[MomentSpec],
    clips_fps: Mapping[ClipRef, Fraction],
    options: ReelOptions | None = None,
    *,
    clip_durations_ms: Mapping[ClipRef, int] | None = None,
) -> ReelPlan:
    """Plan a reel: title card, each moment (clip, slow replay, film-stop), end card.

    ``clips_fps`` gives each clip's constant frame rate (the proxy's); ``clip_durations_ms``
    (optional) lets the plan check that each moment lies inside its clip. Raises
    :class:`InputError` for no moment, a moment outside its clip or one with no frame;
    warns (``plan.warnings``) for more than ``options.max_moments`` moments and for clips
    outside the VIG norm of ``min_s``-``max_s`` seconds.
    """
    opts = options or ReelOptions()
    if not moments:
        raise InputError("A reel needs at least one moment; choose one from the clip.")
    warnings: list[str] = []
    if len(moments) > opts.max_moments:
        warnings.append(
            f"The reel has {len(moments)} moments; VIG reviews usually show 1-"
            f"{opts.max_moments}. Consider keeping the strongest {opts.max_moments}."
        )
    for i, m in enumerate(moments, 1):
        if m.clip not in clips_fps:
            raise InputError(f"Moment {i} names clip {m.clip!r}, which is not available; "
                             "give its proxy or choose another clip.")
        fps = Fraction(clips_fps[m.clip])
        if fps <= 0:
            raise ValueError(f"clip {m.clip!r} has frame rate {fps}")
    reel_fps = Fraction(opts.fps) if opts.fps else Fraction(clips_fps[moments[0].clip])

    segments: list[Segment] = []
    planned: list[PlannedMoment] = []
    captions: list[CaptionCue] = []
    reel_grid = FrameGrid(reel_fps)
    fade = reel_grid.frames_in(opts.fade_ms)
    cursor = 0

    def add(kind: SegmentKind, frames: int, **kw: Any) -> Segment:
        nonlocal cursor
        seg_fade = min(fade, frames // 2)
        seg = Segment(
            kind=kind, reel_start_frame=cursor, frames=frames,
            reel_start_ms=reel_grid.start_ms(cursor),
            reel_end_ms=reel_grid.start_ms(cursor + frames),
            fade_in_frames=seg_fade, fade_out_frames=seg_fade, **kw,
        )
        segments.append(seg)
        cursor += frames
        return seg

    if opts.title_card_ms > 0:
        lines = tuple(x for x in (opts.title, opts.baby_name, opts.date) if x)
        add(SegmentKind.TITLE, reel_grid.frames_in(opts.title_card_ms), card_lines=lines)

    for i, m in enumerate(moments):
        n = i + 1
        fps = Fraction(clips_fps[m.clip])
        if m.start_ms < 0 or m.end_ms <= m.start_ms:
            raise InputError(
                f"Moment {n} runs from {m.start_ms} ms to {m.end_ms} ms; its end must come "
                "after its start and its start must be 0 or later."
            )
        duration = (clip_durations_ms or {}).get(m.clip)
        if duration is not None and m.end_ms > duration:
            raise InputError(
                f"Moment {n} ends at {m.end_ms} ms, after the end of its clip ({duration} ms); "
                "trim it to end inside the clip."
            )
        grid = FrameGrid(fps)
        first = grid.snap(m.start_ms)
        end = grid.snap(m.end_ms)
        if duration is not None:
            end = min(end, grid.frames_before(duration))
        if end <= first:
            raise InputError(f"Moment {n} is shorter than one frame; make it longer.")
        seconds = float(Fraction(end - first) / fps)
        if seconds < opts.min_s or seconds > opts.max_s:
            warnings.append(
                f"Moment {n} lasts {seconds:.1f} s; VIG clips are usually "
                f"{opts.min_s:g}-{opts.max_s:g} s."
            )
        key_ms = m.key_ms if m.key_ms is not None else (m.start_ms + m.end_ms) // 2
        key = min(max(grid.frame_at(key_ms), first), end - 1)
        if m.key_ms is not None and not (m.start_ms <= m.key_ms < m.end_ms):
            warnings.append(f"Moment {n}'s key frame lies outside it; the nearest frame "
                            "inside the moment is used.")

        # Reel frames for a run of source frames: same count when the rates match,
        # otherwise the same duration (render picks the source frame at each reel time).
        def reel_frames(src_frames: int, fps: Fraction = fps) -> int:
            if fps == reel_fps:
                return src_frames
            return max(1, reel_grid.frames_lasting(FrameGrid(fps).seconds(src_frames)))

        where = m.caption_position
        clip_seg = add(SegmentKind.CLIP, reel_frames(end - first), caption=m.caption,
                       caption_position=where, moment_index=i, clip=m.clip, src_first_frame=first,
                       src_end_frame=end, audio=True)
        if m.caption:
            captions.append(CaptionCue(clip_seg.reel_start_ms, clip_seg.reel_end_ms,
                                       m.caption, i, where))
        planned.append(PlannedMoment(
            index=i, spec=m, fps=fps, src_first_frame=first, src_end_frame=end,
            key_frame=key, reel_start_ms=clip_seg.reel_start_ms,
            snapped_start_ms=grid.start_ms(first), snapped_end_ms=grid.start_ms(end),
        ))
        if m.slow_replay and opts.slow_replay_ms > 0:
            half = grid.frames_in(opts.slow_replay_ms) // 2
            s_first = max(first, key - half)
            s_end = min(end, s_first + max(1, 2 * half))
            s_first = max(first, s_end - max(1, 2 * half))
            seg = add(SegmentKind.SLOW_REPLAY, reel_frames(s_end - s_first) * opts.slow_factor,
                      caption=m.caption, caption_position=where, moment_index=i,
                      clip=m.clip, src_first_frame=s_first, src_end_frame=s_end,
                      repeat=opts.slow_factor)
            if m.caption:
                captions.append(CaptionCue(seg.reel_start_ms, seg.reel_end_ms, m.caption, i,
                                           where))
        if m.film_stop and opts.film_stop_ms > 0:
            text = m.film_stop_caption or m.caption
            seg = add(SegmentKind.FILM_STOP, max(1, reel_grid.frames_in(opts.film_stop_ms)),
                      caption=text, caption_position=where, moment_index=i, clip=m.clip,
                      src_first_frame=key,
                      src_end_frame=key + 1, crop=m.crop)
            if text:
                captions.append(CaptionCue(seg.reel_start_ms, seg.reel_end_ms, text, i, where))

    if opts.end_card_ms > 0:
        lines = tuple(x for x in (opts.end_text, opts.baby_name) if x)
        add(SegmentKind.END, reel_grid.frames_in(opts.end_card_ms), card_lines=lines)

    return ReelPlan(
        fps=reel_fps, sample_rate=SAMPLE_RATE, segments=tuple(segments),
        moments=tuple(planned), captions=tuple(captions), total_frames=cursor,
        duration_ms=reel_grid.start_ms(cursor), options=opts, warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------- WebVTT


def webvtt_text(plan: ReelPlan) -> str:
    """The plan's captions as a WebVTT document (the same text that is burned in, at the
    same place: a top caption gets the cue setting ``line:0``).

    Consecutive cues of one moment with the same text are merged into one cue.
    """
    merged: list[CaptionCue] = []
    for cue in plan.captions:
        last = merged[-1] if merged else None
        if last and last.text == cue.text and last.end_ms == cue.start_ms \
                and last.moment_index == cue.moment_index:
            merged[-1] = replace(last, end_ms=cue.end_ms)
        else:
            merged.append(cue)
    out = ["WEBVTT", ""]
    for n, cue in enumerate(merged, 1):
        text = "\n".join(line for line in cue.text.replace("-->", "->").splitlines() if line)
        where = " line:0" if cue.position == CaptionPosition.TOP else ""
        out += [f"moment-{cue.moment_index + 1}-{n}",
                f"{format_ms(cue.start_ms, hours=True)} --> "
                f"{format_ms(cue.end_ms, hours=True)}{where}", text, ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class MomentsDocument:
    moments: tuple[MomentSpec, ...]
    options: ReelOptions


def moments_from_document(
    doc: Mapping[str, Any], *, default_clip: ClipRef | None = None,
    options: ReelOptions | None = None,
) -> MomentsDocument:
    """Build moments from a document already valid against ``schemas/moments.v1``.

    (Validation reads the schema file, so it happens in the caller, e.g.
    :func:`attune.reels.render.read_moments_file`; this module stays pure.) A moment
    without ``clip`` takes ``default_clip`` (the CLI's ``--clip PATH``). The
    document's title, baby_name and date override those of ``options``.
    """
    specs: list[MomentSpec] = []
    for i, m in enumerate(doc["moments"], 1):
        clip = m.get("clip", default_clip)
        if clip is None:
            raise InputError(f"Moment {i} names no clip; add \"clip\" to it or give --clip.")
        specs.append(MomentSpec(
            clip=str(clip), start_ms=m["start_ms"], end_ms=m["end_ms"],
            caption=m.get("caption", ""), key_ms=m.get("key_ms"),
            film_stop=m.get("film_stop", False), slow_replay=m.get("slow_replay", False),
            film_stop_caption=m.get("film_stop_caption", ""),
            crop=Crop.from_dict(m.get("crop")),  # InputError saying what to fix
        ))
    opts = options or ReelOptions()
    changes = {k: doc[k] for k in ("title", "baby_name", "date") if k in doc}
    return MomentsDocument(tuple(specs), replace(opts, **changes))


def moments_to_document(moments: Sequence[MomentSpec], options: ReelOptions) -> dict[str, Any]:
    """The inverse of :func:`moments_from_document`."""
    return {
        "schema_version": 1,
        "title": options.title,
        "baby_name": options.baby_name,
        "date": options.date,
        "moments": [
            {"clip": m.clip, "start_ms": m.start_ms, "end_ms": m.end_ms, "caption": m.caption,
             "key_ms": m.key_ms, "film_stop": m.film_stop, "slow_replay": m.slow_replay,
             "film_stop_caption": m.film_stop_caption,
             "crop": m.crop.to_dict() if m.crop is not None else None}
            for m in moments
        ],
    }
