"""Vocal turns ("serve and return") by LENA's conversational-turn convention.

LENA (Gilkerson & Richards 2008, *The LENA Natural Language Study*, LENA Foundation
technical report LTR-02-2; Gilkerson et al. 2017, *Am J Speech-Lang Pathol* 26:248-265):
a baby vocalisation and an adult vocalisation less than 5 s apart with nobody else between
make a turn; turns are counted in pairs (B-A = 1, B-A-B = 1, B-A-B-A = 2); cries are not
vocalisations; a pause of 5 s or more ends the conversation (DOMAIN.md §4).

Here a *baby vocalisation* is a cue whose code is ``vocal`` and is not a distress cue
(cries and fusses, valence X, are excluded whatever their ``vocal`` flag); an *adult
vocalisation* is a response whose code is ``vocal`` (never a practitioner-only N code).
Consecutive vocalisations of the same speaker less than 5 s apart form one block; a
conversation is a run of blocks each starting less than 5 s after the previous
vocalisation ended; its turns are ``blocks // 2``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme, Valence

PAUSE_MS = 5000  # LENA: a pause of 5 s or more ends a conversation


class Speaker(StrEnum):
    BABY = "B"
    ADULT = "A"


@dataclass(frozen=True)
class Conversation:
    """One back-and-forth: ``speakers`` is the block sequence, e.g. ``"BAB"``."""

    start_ms: int
    end_ms: int
    speakers: str

    @property
    def turns(self) -> int:
        """Turns counted in pairs: ``"BA"`` 1, ``"BAB"`` 1, ``"BABA"`` 2."""
        return len(self.speakers) // 2


@dataclass(frozen=True)
class TurnTally:
    """Vocal turns of one clip (or the sum over clips)."""

    turns: int
    turns_per_minute: float | None
    longest_back_and_forth: int  # most turns in one conversation
    conversations: tuple[Conversation, ...]


def vocalisations(events: Iterable[Event], scheme: Scheme) -> list[tuple[int, int, Speaker]]:
    """``(start_ms, end_ms, speaker)`` of each vocalisation, in time order.

    Deleted events and cries (distress cues) are left out.
    """
    out: list[tuple[int, int, Speaker]] = []
    for event in events:
        if event.deleted_at is not None:
            continue
        code = scheme.code(event.code)
        if not code.vocal:
            continue
        if event.kind == EventKind.CUE and code.valence != Valence.DISTRESS:
            out.append((event.start_ms, event.end_ms, Speaker.BABY))
        elif event.kind == EventKind.RESPONSE and not code.practitioner_only:
            out.append((event.start_ms, event.end_ms, Speaker.ADULT))
    out.sort(key=lambda v: (v[0], v[1], v[2]))
    return out


def conversations(
    voc: list[tuple[int, int, Speaker]], pause_ms: int = PAUSE_MS
) -> list[Conversation]:
    """Group time-ordered vocalisations into conversations (only those with a turn).

    >>> B, A = Speaker.BABY, Speaker.ADULT
    >>> [c.speakers for c in conversations([(0, 0, B), (1000, 1000, A), (2000, 2000, B)])]
    ['BAB']
    >>> conversations([(0, 0, B), (5000, 5000, A)])  # 5 s apart: no turn
    []
    """
    out: list[Conversation] = []
    blocks: list[str] = []
    start_ms = end_ms = 0
    for v_start, v_end, speaker in voc:
        if blocks and v_start - end_ms >= pause_ms:
            if len(blocks) >= 2:
                out.append(Conversation(start_ms, end_ms, "".join(blocks)))
            blocks = []
        if not blocks:
            start_ms, end_ms = v_start, v_end
            blocks.append(speaker.value)
            continue
        if blocks[-1] != speaker.value:
            blocks.append(speaker.value)
        end_ms = max(end_ms, v_end)
    if len(blocks) >= 2:
        out.append(Conversation(start_ms, end_ms, "".join(blocks)))
    return out


def count_turns(
    events: Iterable[Event], scheme: Scheme, duration_ms: int | None = None
) -> TurnTally:
    """Vocal turns of one clip by the LENA rule; per minute when ``duration_ms`` is given.

    >>> from attune.schemes import default_scheme
    >>> s = default_scheme()
    >>> ev = [Event(EventKind.CUE, "C03", 0, 0), Event(EventKind.RESPONSE, "R05", 900, 900),
    ...       Event(EventKind.CUE, "C03", 2000, 2000), Event(EventKind.RESPONSE, "R07", 3000, 3000)]
    >>> t = count_turns(ev, s, duration_ms=60_000)
    >>> t.turns, t.longest_back_and_forth, t.turns_per_minute
    (2, 2, 2.0)
    """
    convs = tuple(conversations(vocalisations(events, scheme)))
    turns = sum(c.turns for c in convs)
    per_minute = None
    if duration_ms is not None:
        if duration_ms <= 0:
            raise ValueError(f"duration_ms must be > 0, got {duration_ms}")
        per_minute = turns * 60_000 / duration_ms
    longest = max((c.turns for c in convs), default=0)
    return TurnTally(turns, per_minute, longest, convs)
