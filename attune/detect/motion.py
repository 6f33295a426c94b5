"""From movement in the picture to suggested "reaches / moves toward" and "turns away"
marks, only where the movement is clear.

The picture's movement comes region by region (:class:`MotionField`, made from a proxy
by :func:`attune.media.motion.motion_field`). A parent and a baby filmed together face
each other across the picture, so a clear sideways movement *toward the middle* of the
picture is someone reaching or moving toward the other, and one *away from the middle* is
someone turning or pushing away. The rule, kept simple enough to explain:

1. A region *moves* at a moment when the share of its pixels that moved is at least
   :data:`MIN_SHARE` and well above what is usual for that region in this clip (twice its
   median plus :data:`ABOVE_USUAL`): a region that always moves (a television, a clock,
   leaves outside) needs more to count.
2. Its moving moments at most one step apart make a *movement*; it counts when it lasts
   :data:`MIN_MS` to :data:`MAX_MS` and moves in :data:`MIN_STEPS` steps or more (a pose
   that changes between two pictures, a caption that changes, is a jump, not a
   movement; longer is play, not one gesture), when the region was mostly still for
   :data:`QUIET_MS` before and after it (rocking, bouncing and play are no clear
   gesture), when it goes one way sideways (:data:`MIN_COHERENCE` of its travel is
   sideways and one way), travels at least :data:`MIN_TRAVEL` of the picture's width,
   and what moved is at least :data:`MIN_SHIFT` of the picture's width further that
   way at its end than at its start (a caption or a pose redrawn in place has flow,
   but goes nowhere).
3. Movements of one half of the picture that overlap in time are one; toward the middle
   is suggested as C04 (reaches to parent or object), away from it as C13 (turns well
   away, arches, pushes away), both as guesses: who moved (the baby or the parent) is for
   the practitioner, as is C05 (turns toward) instead of C04.

Cartoon pictures whose poses change in a single frame (the sample clips) have jumps, not
movements, and get no such suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attune.core.scheme import EventKind
from attune.core.suggestions import Suggestion, SuggestionSource

#: The grid of regions, left to right, then top to bottom.
COLS, ROWS = 4, 3
MIN_SHARE = 0.05
ABOVE_USUAL = 0.02
MIN_MS = 300
MIN_STEPS = 3
MAX_MS = 4000
QUIET_MS = 1000
#: "Mostly still": at most this share of the region's steps moving in the quiet time.
QUIET_SHARE = 0.25
MIN_COHERENCE = 0.6
MIN_TRAVEL = 0.04
MIN_SHIFT = 0.03
TOWARD_CODE = "C04"
AWAY_CODE = "C13"
#: Suggestions from movement are never very sure: who moved is unknown.
MAX_CONFIDENCE = 60


@dataclass(frozen=True)
class MotionField:
    """Movement between pictures about a step apart: for each step (its time, ms) and
    region (``r * COLS + c``), the share of the region's pixels that moved (0-1), their
    mean movement (x right, y down; picture widths a second), the camera's own movement
    taken out, and the mean x of those pixels (picture widths from the left; NaN where
    none moved)."""

    times_ms: np.ndarray  # (T,) int
    moved: np.ndarray  # (T, R) float
    flow: np.ndarray  # (T, R, 2) float
    centre_x: np.ndarray  # (T, R) float: where the moved pixels are (picture widths)

    def __len__(self) -> int:
        return int(self.times_ms.shape[0])


@dataclass(frozen=True)
class Movement:
    """A clear sideways movement on one side of the picture (``side`` -1 left, +1 right),
    toward the middle or away from it, on ``[start_ms, end_ms)``."""

    start_ms: int
    end_ms: int
    side: int
    toward: bool
    travel: float  # picture widths
    coherence: float  # 0-1


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in ``mask``, joined over single False gaps."""
    out: list[list[int]] = []
    for i in np.flatnonzero(mask).tolist():
        if out and i - out[-1][1] <= 1:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return [(a, b) for a, b in out]


def movements(field: MotionField) -> list[Movement]:
    """Rules 1-3: the clear sideways movements, in time order."""
    n = len(field)
    if n < 2:
        return []
    times = field.times_ms.astype(np.int64)
    steps = np.diff(times, prepend=times[0] - (times[1] - times[0]))
    found: list[Movement] = []
    for r in range(field.moved.shape[1]):
        share = field.moved[:, r]
        usual = float(np.median(share))
        moving = share >= max(MIN_SHARE, 2 * usual + ABOVE_USUAL)
        centre = ((r % COLS) + 0.5) / COLS
        side = -1 if centre < 0.5 else 1
        for a, b in _runs(moving):
            start = int(times[a] - steps[a])
            end = int(times[b - 1])
            if not MIN_MS <= end - start <= MAX_MS or moving[a:b].sum() < MIN_STEPS:
                continue
            around = (((times >= start - QUIET_MS) & (times < start))
                      | ((times > end) & (times <= end + QUIET_MS)))
            if around.any() and (share[around] >= MIN_SHARE).mean() > QUIET_SHARE:
                continue
            dt = steps[a:b] / 1000.0
            dx = field.flow[a:b, r, 0] * dt
            dy = field.flow[a:b, r, 1] * dt
            travel = float(dx.sum())
            path = float(np.hypot(dx, dy).sum())
            coherence = abs(travel) / path if path > 0 else 0.0
            if coherence < MIN_COHERENCE or abs(travel) < MIN_TRAVEL:
                continue
            steps_in = a + np.flatnonzero(moving[a:b])
            shift = float(field.centre_x[steps_in[-1], r] - field.centre_x[steps_in[0], r])
            if shift * travel <= 0 or abs(shift) < MIN_SHIFT:
                continue  # what moved did not go where its flow says
            toward = travel * side < 0
            found.append(Movement(start, end, side, toward, abs(travel), coherence))
    return _merged(found)


def _merged(found: list[Movement]) -> list[Movement]:
    """Movements on one side, one way, overlapping in time: one movement (the widest
    span, the largest travel)."""
    out: list[Movement] = []
    for m in sorted(found, key=lambda m: (m.side, m.toward, m.start_ms)):
        last = out[-1] if out else None
        if (last is not None and (last.side, last.toward) == (m.side, m.toward)
                and m.start_ms < last.end_ms):
            out[-1] = Movement(last.start_ms, max(last.end_ms, m.end_ms), m.side, m.toward,
                               max(last.travel, m.travel),
                               max(last.coherence, m.coherence))
        else:
            out.append(m)
    return sorted(out, key=lambda m: m.start_ms)


def motion_suggestions(found: list[Movement]) -> list[Suggestion]:
    """Suggested cues from the movements: toward the middle C04, away C13, both guesses.

    >>> m = Movement(3000, 3800, -1, True, 0.2, 0.9)
    >>> [(s.code, s.kind.value, s.guess, s.basis) for s in motion_suggestions([m])]
    [('C04', 'cue', True, 'a movement toward the middle of the picture, on its left')]
    """
    out = []
    for m in found:
        clarity = min(1.0, m.travel / (4 * MIN_TRAVEL)) * m.coherence
        confidence = round(30 + (MAX_CONFIDENCE - 30) * clarity)
        where = "left" if m.side < 0 else "right"
        way = "toward the middle" if m.toward else "away from the middle"
        out.append(Suggestion(EventKind.CUE, TOWARD_CODE if m.toward else AWAY_CODE,
                              m.start_ms, m.end_ms, confidence, guess=True,
                              basis=f"a movement {way} of the picture, on its {where}",
                              source=SuggestionSource.PICTURE))
    return out
