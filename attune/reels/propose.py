"""Candidate moments for a reel, proposed from a clip's coded events (pure).

Best first, in the order practitioners choose them (docs/practice.md §1 and §5):

1. **complete chains**: infant cue → attuned response → positive infant reaction (the
   VIPP-SD "sensitivity chain", VIG's attuned cycle);
2. **subtle cues answered**: an attuned response to a subtle (S) cue;
3. **breaks given**: a disengagement (D) cue answered with R02, R10 or R11;
4. **long back-and-forth**: vocal turns (LENA's convention: a baby and an adult
   vocalisation less than 5 s apart make a turn, counted in pairs; a pause of 5 s ends the
   conversation; cries are excluded).

Practitioner-only codes (N01-N03) never feed a proposal or a caption, and a cue that was
not answered is never mentioned: a proposal exists only where something went well.

Each proposal spans from ``lead_in_ms`` before the cue to ``tail_ms`` after the last
event of its chain, clamped to the clip and to the VIG norm of ``min_s``-``max_s``
seconds (a warning when the clip cannot give that). ``key_ms`` is the frame to film-stop
on: the response onset, where the parent's answer meets the baby's signal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from attune.core.attunement import AnsweredCues, assess_response
from attune.core.events import Event
from attune.core.practice import BREAK_CODES, MOMENT_MAX_S, MOMENT_MIN_S, conversations_of
from attune.core.pronouns import Pronoun, PronounForms, pronoun_forms
from attune.core.scheme import EventKind, Potency, Scheme, Valence


class ProposalKind(StrEnum):
    CHAIN = "chain"
    SUBTLE_CUE = "subtle_cue"
    BREAK_GIVEN = "break_given"
    TURNS = "turns"


_RANK = {ProposalKind.CHAIN: 0, ProposalKind.SUBTLE_CUE: 1, ProposalKind.BREAK_GIVEN: 2,
         ProposalKind.TURNS: 3}


@dataclass(frozen=True)
class Proposal:
    """A candidate moment: span in the clip, film-stop frame, suggested caption, reason."""

    kind: ProposalKind
    start_ms: int
    end_ms: int
    key_ms: int
    caption: str
    reason: str
    codes: tuple[str, ...]
    event_ids: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


# Caption phrases for the default scheme's codes: past tense, warm and specific (docs/practice.md
# §6). {b} is the baby (name, or "your baby"), {s}/{o}/{p} the pronouns. A code without a
# phrase (a practitioner's own code) falls back to its label.
_CUE_PHRASES = {
    "C01": "{b} looked at you", "C02": "{b} smiled", "C03": "{b} made a little sound",
    "C04": "{b} reached out", "C05": "{b} turned toward you",
    "C06": "{b} showed you something", "C07": "{b}'s face lit up",
    "C08": "{b} made an 'ooh' face", "C09": "{b} opened {p} hands",
    "C10": "{b} looked away for a rest", "C11": "{b} yawned",
    "C12": "{b} put a hand to {p} face", "C13": "{b} turned away for a rest",
    "C14": "{b} held up a hand", "C15": "{b} fussed", "C16": "{b} cried",
}
_RESPONSE_PHRASES = {
    "R01": "you turned to {o} with interest", "R02": "you waited and gave {o} time",
    "R03": "you spoke warmly to {o}", "R04": "you smiled back",
    "R05": "you copied {p} sound", "R06": "you followed {p} lead",
    "R07": "you put words to what {s} was doing", "R08": "you took a short turn and waited",
    "R09": "you helped {o} take the next step", "R10": "you gave {o} a break",
    "R11": "you soothed {o}", "R12": "you found each other again",
}
_REACTION_PHRASES = {
    "A01": "{s} smiled back", "A02": "{s} carried on the conversation",
    "A03": "{s} settled",
}


def _fill(template: str, baby: str, pr: PronounForms) -> str:
    text = template.format(b=baby, s=pr.subject, o=pr.object, p=pr.possessive)
    if pr.plural_verb:  # "they was doing" → "they were doing"
        text = text.replace("they was", "they were")
    return text


def _phrase(code_id: str, table: dict[str, str], scheme: Scheme, lead: str) -> str:
    if code_id in table:
        return table[code_id]
    return f"{lead} {scheme.code(code_id).label}"


def suggest_caption(
    cue: Event, response: Event, reaction: Event | None, scheme: Scheme, *,
    baby_name: str = "", pronoun: Pronoun | str = Pronoun.THEY,
) -> str:
    """A strengths-based caption from the codes' meanings.

    >>> from attune.schemes import default_scheme
    >>> s = default_scheme()
    >>> cue = Event(EventKind.CUE, "C02", 1000, 1000)
    >>> r = Event(EventKind.RESPONSE, "R04", 1500, 1500)
    >>> suggest_caption(cue, r, None, s, baby_name="Maya")
    'Maya smiled, and you smiled back.'
    >>> a = Event(EventKind.REACTION, "A02", 2500, 2500)
    >>> suggest_caption(Event(EventKind.CUE, "C04", 0, 0),
    ...                 Event(EventKind.RESPONSE, "R03", 800, 800), a, s, pronoun="he")
    'Your baby reached out, you spoke warmly to him, and he carried on the conversation.'
    """
    pr = pronoun_forms(pronoun)
    baby = baby_name.strip() or "your baby"
    first = _fill(_phrase(cue.code, _CUE_PHRASES, scheme, "{b}:"), baby, pr)
    answer = _fill(_phrase(response.code, _RESPONSE_PHRASES, scheme, "you:"), baby, pr)
    parts = [first, answer]
    if reaction is not None:
        parts.append(_fill(_phrase(reaction.code, _REACTION_PHRASES, scheme, "{s}:"), baby, pr))
    if len(parts) == 2:
        text = f"{parts[0]}, and {parts[1]}."
    else:
        text = f"{parts[0]}, {parts[1]}, and {parts[2]}."
    return text[0].upper() + text[1:]


def _turns_caption(turns: int, baby_name: str, pronoun: Pronoun | str) -> str:
    pr = pronoun_forms(pronoun)
    baby = baby_name.strip() or "your baby"
    text = (f"You and {baby} took turns talking, back and forth {turns} times, "
            f"and {pr.subject} kept the conversation going.")
    return text[0].upper() + text[1:]


def _key(e: Event, index: int) -> int:
    return e.id if e.id is not None else -(index + 1)


def propose_moments(
    events: Sequence[Event],
    scheme: Scheme,
    *,
    clip_duration_ms: int | None = None,
    lead_in_ms: int = 1000,
    tail_ms: int = 1000,
    min_s: float = MOMENT_MIN_S,
    max_s: float = MOMENT_MAX_S,
    reaction_window_ms: int = 3000,
    min_turns: int = 3,
    baby_name: str = "",
    pronoun: Pronoun | str = Pronoun.THEY,
    limit: int | None = None,
    max_overlap: float = 0.5,
) -> list[Proposal]:
    """Candidate moments, best first (see the module docstring for the order).

    ``events`` are one clip's events (one coder's). Responses are linked to cues by
    ``answers_id`` or, failing that, to the most recent cue whose window covers them;
    reactions by ``answers_id`` (to the response or the cue) or, failing that, the first
    reaction within ``reaction_window_ms`` of the response. A proposal overlapping a
    better one by more than ``max_overlap`` of the shorter is dropped.
    """
    live = [e for e in events if e.deleted_at is None and scheme.has_code(e.code)
            and not scheme.code(e.code).practitioner_only]
    indexed = list(enumerate(live))
    cues = [e for e in live if e.kind == EventKind.CUE]
    responses = sorted((e for e in live if e.kind == EventKind.RESPONSE),
                       key=lambda e: e.start_ms)
    reactions = sorted((e for e in live if e.kind == EventKind.REACTION),
                       key=lambda e: e.start_ms)
    by_id = {e.id: e for e in live if e.id is not None}
    keys = {id(e): _key(e, i) for i, e in indexed}

    candidates: list[tuple[tuple[int, int, int, int], Proposal]] = []
    used_cues: set[int] = set()
    nearest = AnsweredCues(cues, scheme)  # the cues sorted once for every response
    for response in responses:
        cue: Event | None = None
        if response.answers_id is not None:
            linked = by_id.get(response.answers_id)
            cue = linked if linked is not None and linked.kind == EventKind.CUE else None
        else:
            cue = nearest.of(response)
        if cue is None or keys[id(cue)] in used_cues:
            continue
        assessment = assess_response(cue, response, scheme)
        if not assessment.attuned:
            continue
        cue_code = scheme.code(cue.code)
        reaction = _reaction_for(response, cue, reactions, reaction_window_ms)
        positive = reaction is not None and scheme.code(reaction.code).positive
        if positive:
            kind = ProposalKind.CHAIN
        elif cue_code.potency == Potency.SUBTLE:
            kind = ProposalKind.SUBTLE_CUE
        elif cue_code.valence == Valence.DISENGAGEMENT and response.code in BREAK_CODES:
            kind = ProposalKind.BREAK_GIVEN
        else:
            continue  # an attuned answer, and not one of the kinds a reel leads with
        used_cues.add(keys[id(cue)])
        chain = [cue, response] + ([reaction] if positive and reaction else [])
        reasons = {
            ProposalKind.CHAIN: "complete chain: cue, attuned response, positive reaction",
            ProposalKind.SUBTLE_CUE: "a subtle cue answered",
            ProposalKind.BREAK_GIVEN: "a break given when the baby needed one",
        }
        extra = []
        if kind == ProposalKind.CHAIN and cue_code.potency == Potency.SUBTLE:
            extra.append("the cue was subtle")
        if (kind != ProposalKind.BREAK_GIVEN and cue_code.valence == Valence.DISENGAGEMENT
                and response.code in BREAK_CODES):
            extra.append("a break given")
        reason = "; ".join([reasons[kind], *extra]) + (
            f" ({cue.code} → {response.code}"
            + (f" → {chain[2].code}" if len(chain) == 3 else "")
            + f", answered in {assessment.latency_ms} ms)"
        )
        start, end, warns = _span(cue.start_ms, max(e.end_ms for e in chain),
                                  response.start_ms, clip_duration_ms, lead_in_ms, tail_ms,
                                  min_s, max_s)
        caption = suggest_caption(cue, response, chain[2] if len(chain) == 3 else None,
                                  scheme, baby_name=baby_name, pronoun=pronoun)
        rank = (_RANK[kind], 0 if cue_code.potency == Potency.SUBTLE else 1,
                assessment.latency_ms, cue.start_ms)
        candidates.append((rank, Proposal(
            kind=kind, start_ms=start, end_ms=end, key_ms=response.start_ms,
            caption=caption, reason=reason, codes=tuple(e.code for e in chain),
            event_ids=tuple(e.id for e in chain if e.id is not None), warnings=warns,
        )))

    for talk in conversations_of(live, scheme):
        turns, conversation = talk.turns, talk.events
        if turns < min_turns:
            continue
        first, last = conversation[0], conversation[-1]
        # The key frame: the first time the other speaker answers.
        key_ms = next(e.start_ms for e in conversation if e.kind != first.kind)
        start, end, warns = _span(first.start_ms, last.end_ms, key_ms, clip_duration_ms,
                                  lead_in_ms, tail_ms, min_s, max_s)
        candidates.append(((_RANK[ProposalKind.TURNS], -turns, 0, first.start_ms), Proposal(
            kind=ProposalKind.TURNS, start_ms=start, end_ms=end, key_ms=key_ms,
            caption=_turns_caption(turns, baby_name, pronoun),
            reason=f"a long back-and-forth: {turns} vocal turns",
            codes=tuple(e.code for e in conversation),
            event_ids=tuple(e.id for e in conversation if e.id is not None), warnings=warns,
        )))

    candidates.sort(key=lambda c: c[0])
    chosen: list[Proposal] = []
    for _, p in candidates:
        if any(_overlap_share(p, q) > max_overlap for q in chosen):
            continue
        chosen.append(p)
        if limit is not None and len(chosen) >= limit:
            break
    return chosen


def _reaction_for(response: Event, cue: Event, reactions: Sequence[Event],
                  window_ms: int) -> Event | None:
    linked = [r for r in reactions if r.answers_id is not None
              and r.answers_id in {response.id, cue.id} - {None}]
    if linked:
        return linked[0]
    for r in reactions:
        if r.answers_id is None and 0 <= r.start_ms - response.start_ms <= window_ms:
            return r
    return None


def _span(first_ms: int, last_ms: int, key_ms: int, clip_ms: int | None, lead_in_ms: int,
          tail_ms: int, min_s: float, max_s: float) -> tuple[int, int, tuple[str, ...]]:
    """From lead-in before ``first_ms`` to tail after ``last_ms``, within the VIG norm."""
    min_ms, max_ms = round(min_s * 1000), round(max_s * 1000)
    start = max(0, first_ms - lead_in_ms)
    end = last_ms + tail_ms
    if clip_ms is not None:
        end = min(end, clip_ms)
    if end - start < min_ms:  # widen evenly, then on whichever side has room
        need = min_ms - (end - start)
        start = max(0, start - need // 2)
        end = start + min_ms
        if clip_ms is not None and end > clip_ms:
            end = clip_ms
            start = max(0, end - min_ms)
    if end - start > max_ms:  # keep the key frame and as much of the start as fits
        start = max(start, key_ms - max_ms + tail_ms)
        end = start + max_ms
    warnings: tuple[str, ...] = ()
    seconds = (end - start) / 1000
    if seconds < min_s - 1e-9 or seconds > max_s + 1e-9:
        warnings = (f"This moment lasts {seconds:.1f} s; VIG clips are usually "
                    f"{min_s:g}-{max_s:g} s (the clip is too short for more).",)
    elif (last_ms + tail_ms > end or first_ms - lead_in_ms < start) and end - start == max_ms:
        warnings = (f"The chain is longer than {max_s:g} s; the moment was shortened "
                    "to the VIG norm. Trim it to the part you want to show.",)
    return start, end, warnings


def _overlap_share(a: Proposal, b: Proposal) -> float:
    overlap = max(0, min(a.end_ms, b.end_ms) - max(a.start_ms, b.start_ms))
    shorter = min(a.duration_ms, b.duration_ms) or 1
    return overlap / shorter
