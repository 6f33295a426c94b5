"""Vocal turns ("serve and return") per clip, by LENA's conversational-turn convention
(the rule itself, with its sources, is in :mod:`attune.core.practice`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from attune.core.events import Event
from attune.core.practice import Conversation, conversations_of
from attune.core.scheme import Scheme


@dataclass(frozen=True)
class TurnTally:
    """Vocal turns of one clip (or the sum over clips)."""

    turns: int
    turns_per_minute: float | None
    longest_back_and_forth: int  # most turns in one conversation
    conversations: tuple[Conversation, ...]


def count_turns(
    events: Iterable[Event], scheme: Scheme, duration_ms: int | None = None
) -> TurnTally:
    """Vocal turns of one clip by the LENA rule; per minute when ``duration_ms`` is given.

    >>> from attune.core.scheme import EventKind
    >>> from attune.schemes import default_scheme
    >>> s = default_scheme()
    >>> ev = [Event(EventKind.CUE, "C03", 0, 0), Event(EventKind.RESPONSE, "R05", 900, 900),
    ...       Event(EventKind.CUE, "C03", 2000, 2000), Event(EventKind.RESPONSE, "R07", 3000, 3000)]
    >>> t = count_turns(ev, s, duration_ms=60_000)
    >>> t.turns, t.longest_back_and_forth, t.turns_per_minute
    (2, 2, 2.0)
    """
    convs = tuple(conversations_of(events, scheme))
    turns = sum(c.turns for c in convs)
    per_minute = None
    if duration_ms is not None:
        if duration_ms <= 0:
            raise ValueError(f"duration_ms must be > 0, got {duration_ms}")
        per_minute = turns * 60_000 / duration_ms
    longest = max((c.turns for c in convs), default=0)
    return TurnTally(turns, per_minute, longest, convs)
