"""Suggested marks: what attune proposes from a clip's sound and picture, for a
practitioner to accept or reject with one key.

A suggestion is never an event: it counts in no tally, agreement, contingency or reel, and
no parent sees one. Accepting it makes an ordinary event of the person who accepted it
(audited as an accepted suggestion); rejecting it keeps it rejected, also after the clip
is analysed again (:func:`already_decided`). A decision is about one observation: what
was heard, or what was seen, at that moment. Rejecting "a cry at 12 s" says nothing about a
reach seen in the picture at 12.4 s, which is suggested as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from attune.core.practice import MATCH_TOLERANCE_MS
from attune.core.scheme import EventKind


class SuggestionSource(StrEnum):
    """What the suggestion was found in: the clip's sound or its picture."""

    SOUND = "sound"
    PICTURE = "picture"


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Suggestion:
    """One suggested mark on ``[start_ms, end_ms]``. ``code`` may be a best guess
    (``guess``: e.g. a parent's answer to a coo suggested as R03), or empty when the
    practitioner must choose. ``confidence`` is 0-100."""

    kind: EventKind
    code: str
    start_ms: int
    end_ms: int
    confidence: int
    guess: bool = False
    basis: str = ""  # in plain words: what was heard or seen ("crying for 4 seconds")
    source: SuggestionSource = SuggestionSource.SOUND
    id: int | None = None
    clip_id: int | None = None
    status: SuggestionStatus = SuggestionStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    event_id: int | None = None

    def __post_init__(self) -> None:
        if self.start_ms < 0 or self.end_ms < self.start_ms:
            raise ValueError(f"bad suggestion times {self.start_ms}-{self.end_ms}")
        if not 0 <= self.confidence <= 100:
            raise ValueError(f"confidence must be 0-100, got {self.confidence}")


def same_moment(a: Suggestion, b: Suggestion) -> bool:
    """The same observation: found in the same place (the sound or the picture), the same
    kind of mark, at about the same time (onsets within
    :data:`attune.core.practice.MATCH_TOLERANCE_MS`, the tolerance of event matching in
    agreement). The code does not matter: a bout heard again and called a fuss instead of
    a cry is still that bout.

    >>> s = Suggestion(EventKind.CUE, "C03", 1000, 1500, 80)
    >>> same_moment(s, Suggestion(EventKind.CUE, "C16", 1800, 2000, 70))
    True
    >>> same_moment(s, Suggestion(EventKind.RESPONSE, "R03", 1000, 1500, 70))
    False
    >>> same_moment(s, Suggestion(EventKind.CUE, "C04", 1400, 2200, 50,
    ...                           source=SuggestionSource.PICTURE))
    False
    """
    return (a.source == b.source and a.kind == b.kind
            and abs(a.start_ms - b.start_ms) <= MATCH_TOLERANCE_MS)


def already_decided(new: Iterable[Suggestion], decided: Iterable[Suggestion]
                    ) -> list[Suggestion]:
    """The ``new`` suggestions that are not the same moment as a ``decided`` one: a
    rejected suggestion stays rejected after re-analysis, an accepted one is not
    suggested again; what the other signal found at that moment is suggested as usual
    (a rejected cry does not hide a reach seen in the picture).

    >>> old = [Suggestion(EventKind.CUE, "C16", 12000, 16000, 90,
    ...                   status=SuggestionStatus.REJECTED)]
    >>> new = [Suggestion(EventKind.CUE, "C16", 12200, 16100, 92),
    ...        Suggestion(EventKind.CUE, "C04", 12400, 13200, 50,
    ...                   source=SuggestionSource.PICTURE),
    ...        Suggestion(EventKind.CUE, "C03", 20000, 20400, 60)]
    >>> [s.code for s in already_decided(new, old)]
    ['C04', 'C03']
    """
    kept = [d for d in decided if d.status != SuggestionStatus.PENDING]
    return [s for s in new if not any(same_moment(s, d) for d in kept)]
