"""The attuned-response rule (docs/practice.md §4).

A response is *attuned* when its code fits the cue's valence AND its latency (response
onset minus cue onset) is within the scheme's window for that valence. Default windows
are 3 s for engagement and disengagement cues and 5 s for distress: 3 s covers the
1-3 s contingencies used in infant research (Keller et al. 1999; Beebe et al. 2010) and
absorbs about half a second of hand time-stamping. The latency *band* is reported too
(immediate 0-1 s, prompt 1-3 s, delayed 3-5 s, none > 5 s) so that a supervisor can
re-score with a stricter window.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme


@dataclass(frozen=True)
class ResponseAssessment:
    latency_ms: int
    band: str
    fits_valence: bool
    within_window: bool

    @property
    def attuned(self) -> bool:
        return self.fits_valence and self.within_window


def assess_response(cue: Event, response: Event, scheme: Scheme) -> ResponseAssessment:
    """Latency, band and whether ``response`` is an attuned response to ``cue``.

    >>> from attune.schemes import default_scheme
    >>> s = default_scheme()
    >>> cue = Event(EventKind.CUE, "C02", 10_000, 10_000)        # smiles
    >>> r = Event(EventKind.RESPONSE, "R04", 11_200, 11_200)     # smiles back
    >>> a = assess_response(cue, r, s)
    >>> a.latency_ms, a.band, a.attuned
    (1200, 'prompt', True)
    """
    if cue.kind != EventKind.CUE or response.kind != EventKind.RESPONSE:
        raise ValueError("assess_response takes a cue and a response")
    cue_code = scheme.code(cue.code)
    response_code = scheme.code(response.code)
    latency_ms = response.start_ms - cue.start_ms
    if cue_code.valence is None:
        raise ValueError(f"cue code {cue_code.id} has no valence")
    window_ms = scheme.windows_ms[cue_code.valence]
    fits = cue_code.valence in response_code.fits and not response_code.practitioner_only
    within = 0 <= latency_ms <= window_ms
    band = scheme.band_for(latency_ms).name if latency_ms >= 0 else "before cue"
    return ResponseAssessment(latency_ms, band, fits, within)


def find_answered_cue(
    response: Event, cues: Sequence[Event], scheme: Scheme
) -> Event | None:
    """The most recent cue at or before ``response`` whose window still covers it (of
    cues starting together, the last given).

    This is how keyboard coding links a response to "the most recent open cue". For many
    responses against the same cues use :class:`AnsweredCues`.
    """
    return AnsweredCues(cues, scheme).of(response)


class AnsweredCues:
    """:func:`find_answered_cue` for many responses against the same cues: the cues are
    sorted once, and each response looks back only as far as the longest window (a clip
    of a few hundred events is then linked in one pass, not cues times responses)."""

    def __init__(self, cues: Sequence[Event], scheme: Scheme) -> None:
        entries: list[tuple[int, int, int, Event]] = []
        for i, cue in enumerate(cues):
            if cue.kind != EventKind.CUE:
                continue
            valence = scheme.code(cue.code).valence
            if valence is not None:
                entries.append((cue.start_ms, i, scheme.windows_ms[valence], cue))
        entries.sort(key=lambda t: (t[0], t[1]))
        self._entries = entries
        self._starts = [t[0] for t in entries]
        self._longest = max((t[2] for t in entries), default=0)

    def of(self, response: Event) -> Event | None:
        at = response.start_ms
        k = bisect_right(self._starts, at)
        while k > 0:
            k -= 1
            start, _, window_ms, cue = self._entries[k]
            if at - start > self._longest:
                return None
            if at - start <= window_ms:
                return cue
        return None
