"""The practice's norms, in one place: how long a reel's moments are and how many a reel
has (Video Interaction Guidance), what counts as a break given, and LENA's rule for vocal
turns. Tallies, proposals, reel plans and pages all take them from here (docs/practice.md
§1, §4 and §5).

VIG (Kennedy, Landor & Todd 2011, *Video Interaction Guidance*): the guider selects 1-4
clips of 3-10 seconds of attuned moments for a shared review.

LENA (Gilkerson & Richards 2008, *The LENA Natural Language Study*, LENA Foundation
technical report LTR-02-2; Gilkerson et al. 2017, *Am J Speech-Lang Pathol* 26:248-265):
a baby vocalisation and an adult vocalisation less than 5 s apart with nobody else between
make a turn; turns are counted in pairs (B-A = 1, B-A-B = 1, B-A-B-A = 2); cries are not
vocalisations; a pause of 5 s or more ends the conversation.

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

#: Agreement (docs/practice.md §8): two marks of the same kind whose onsets are at most this
#: far apart are the same moment (the onset tolerance of event matching, Bakeman, Quera &
#: Gnisci 2009). Suggestions use it too: a new one this close to a decided one is that one.
MATCH_TOLERANCE_MS = 1000
#: Agreement over time units: both timelines are sampled this often (a sampling step, not a
#: tolerance).
SAMPLING_STEP_MS = 1000
#: VIG: a moment for the shared review lasts 3-10 seconds.
MOMENT_MIN_S = 3.0
MOMENT_MAX_S = 10.0
#: VIG: a reel shows 1-4 moments (more is allowed, with a warning).
MAX_MOMENTS = 4
#: docs/practice.md §5 "breaks given": a disengagement cue answered by waiting, reducing
#: stimulation or soothing.
BREAK_CODES: frozenset[str] = frozenset({"R02", "R10", "R11"})
#: LENA: a pause of 5 s or more ends a conversation.
TURN_PAUSE_MS = 5000


class Speaker(StrEnum):
    BABY = "B"
    ADULT = "A"


@dataclass(frozen=True)
class Conversation:
    """One back-and-forth: ``speakers`` is the block sequence, e.g. ``"BAB"``, and
    ``events`` the vocalisations it is made of, in time order."""

    start_ms: int
    end_ms: int
    speakers: str
    events: tuple[Event, ...] = ()

    @property
    def turns(self) -> int:
        """Turns counted in pairs: ``"BA"`` 1, ``"BAB"`` 1, ``"BABA"`` 2."""
        return len(self.speakers) // 2


def speaker_of(event: Event, scheme: Scheme) -> Speaker | None:
    """Who vocalised, or None when the event is no vocalisation (not vocal, deleted, a
    cry, a practitioner-only code)."""
    if event.deleted_at is not None:
        return None
    code = scheme.code(event.code)
    if not code.vocal:
        return None
    if event.kind == EventKind.CUE and code.valence != Valence.DISTRESS:
        return Speaker.BABY
    if event.kind == EventKind.RESPONSE and not code.practitioner_only:
        return Speaker.ADULT
    return None


def vocal_events(events: Iterable[Event], scheme: Scheme) -> list[tuple[Event, Speaker]]:
    """Each vocalisation with its speaker, in time order."""
    out = [(e, s) for e in events if (s := speaker_of(e, scheme)) is not None]
    out.sort(key=lambda v: (v[0].start_ms, v[0].end_ms, v[1]))
    return out


def conversations(voc: Iterable[tuple[Event, Speaker]],
                  pause_ms: int = TURN_PAUSE_MS) -> list[Conversation]:
    """Group time-ordered vocalisations into conversations (only those with a turn).

    >>> from attune.core.scheme import EventKind as K
    >>> def v(ms, s): return (Event(K.CUE if s == "B" else K.RESPONSE, "x", ms, ms), Speaker(s))
    >>> [c.speakers for c in conversations([v(0, "B"), v(1000, "A"), v(2000, "B")])]
    ['BAB']
    >>> conversations([v(0, "B"), v(5000, "A")])  # 5 s apart: no turn
    []
    """
    out: list[Conversation] = []
    blocks: list[str] = []
    members: list[Event] = []
    start_ms = end_ms = 0

    def close() -> None:
        if len(blocks) >= 2:
            out.append(Conversation(start_ms, end_ms, "".join(blocks), tuple(members)))

    for event, speaker in voc:
        if blocks and event.start_ms - end_ms >= pause_ms:
            close()
            blocks, members = [], []
        if not blocks:
            start_ms, end_ms = event.start_ms, event.end_ms
            blocks.append(speaker.value)
            members.append(event)
            continue
        if blocks[-1] != speaker.value:
            blocks.append(speaker.value)
        members.append(event)
        end_ms = max(end_ms, event.end_ms)
    close()
    return out


def conversations_of(events: Iterable[Event], scheme: Scheme) -> list[Conversation]:
    """The conversations (with at least one turn) of one coder's events of a clip."""
    return conversations(vocal_events(events, scheme))
