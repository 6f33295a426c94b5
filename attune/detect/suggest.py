"""From who vocalised when (:mod:`attune.detect.segments`) to suggested marks.

- The baby's short bouts: C03 (vocalises).
- The baby's cry bouts: C16 (cries) when 3 s or longer, else C15 (fusses, whimpers),
  C15 marked as a guess (fussing and crying differ in more than length).
- An adult's speech starting within the cue's latency window after the baby's bout
  ends: a response, its code a best guess marked as such: R03 (warm tone, names
  positively) after a vocalisation, R11 (soothes: touch, holding, calm voice) after a
  cry or a fuss. Speech heard is all it knows, so the code is for the practitioner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from attune.core.scheme import EventKind, Scheme
from attune.core.suggestions import Suggestion
from attune.detect.segments import Segment, Voice
from attune.schemes import default_scheme

#: A cry bout this long or longer is suggested as C16 (cries), a shorter one as C15.
LONG_CRY_MS = 3000
#: The cue codes of the baby's bouts, and the response guessed after each.
CUE_CODE = {Voice.INFANT: "C03"}
RESPONSE_GUESS = {"C03": "R03", "C15": "R11", "C16": "R11"}
#: The cue codes it suggests.
CUE_CODES = ("C03", "C15", "C16")


def latency_windows(scheme: Scheme) -> dict[str, int]:
    """The latency window of each cue code it suggests, as ``scheme`` has it (by the code's
    valence); a code the scheme lacks is left out.

    >>> latency_windows(default_scheme())
    {'C03': 3000, 'C15': 5000, 'C16': 5000}
    """
    out = {}
    for code in CUE_CODES:
        if scheme.has_code(code) and (valence := scheme.code(code).valence) is not None:
            out[code] = scheme.windows_ms[valence]
    return out


def _seconds(ms: int) -> str:
    s = round(ms / 1000)
    return "1 second" if s <= 1 else f"{s} seconds"


def suggestions_from(segments: Iterable[Segment],
                     windows_ms: Mapping[str, int] | None = None) -> list[Suggestion]:
    """Suggested cues and responses, in time order. ``windows_ms`` maps a cue code to
    its latency window (:func:`latency_windows` of the clip's scheme); a code it leaves out
    has the default scheme's window.

    >>> from attune.detect.segments import Segment, Voice
    >>> segs = [Segment(Voice.INFANT, 1000, 1600, 0.8, 450.0),
    ...         Segment(Voice.ADULT, 2000, 3000, 0.9, 180.0),
    ...         Segment(Voice.CRY, 8000, 12500, 0.7, 420.0)]
    >>> [(s.code, s.start_ms, s.guess) for s in suggestions_from(segs)]
    [('C03', 1000, False), ('R03', 2000, True), ('C16', 8000, False)]
    """
    windows = {**latency_windows(default_scheme()), **(windows_ms or {})}
    ordered = sorted(segments, key=lambda s: s.start_ms)
    out: list[Suggestion] = []
    last_cue: Suggestion | None = None
    answered = False
    for seg in ordered:
        confidence = max(0, min(100, round(100 * seg.confidence)))
        length = seg.end_ms - seg.start_ms
        if seg.voice is Voice.ADULT:
            if last_cue is None or answered:
                continue
            latency = seg.start_ms - last_cue.end_ms
            if 0 <= latency <= windows[last_cue.code]:
                out.append(Suggestion(
                    EventKind.RESPONSE, RESPONSE_GUESS[last_cue.code], seg.start_ms,
                    seg.end_ms, min(confidence, 60), guess=True,
                    basis=f"an adult's voice {_seconds(max(latency, 0))} after the baby"))
                answered = True
            continue
        if seg.voice is Voice.CRY:
            code = "C16" if length >= LONG_CRY_MS else "C15"
            basis = f"{'crying' if code == 'C16' else 'fussing'} for {_seconds(length)}"
            cue = Suggestion(EventKind.CUE, code, seg.start_ms, seg.end_ms, confidence,
                             guess=code == "C15", basis=basis)
        else:
            cue = Suggestion(EventKind.CUE, CUE_CODE[seg.voice], seg.start_ms, seg.end_ms,
                             confidence, basis="the baby's voice")
        out.append(cue)
        last_cue, answered = cue, False
    return out
