"""Parent-facing sentences made from the tallies (docs/practice.md §5 and §6).

The sentences are strengths-based, in the words practitioners use with parents in Video
Interaction Guidance and VIPP-SD: counts, never percentages or rates; "and", not "but";
nothing about cues that were not answered, nor about the practitioner-only N codes; no
jargon; change over time only against the same family's own earlier sessions, and only
where there is more of something good. A tally of zero gives no sentence at all.

The functions take :class:`~attune.analysis.tallies.ParentTallies` only (a TypeError
for anything else), so practitioner-only figures cannot reach a parent through them.
Every sentence is checked with :func:`attune.core.words.check_words` before it is
returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attune.analysis.tallies import ParentTallies
from attune.core.pronouns import Pronoun, PronounForms, pronoun_forms
from attune.core.words import check_words

# Plain words for the default scheme's codes; other schemes' codes fall back to
# general words ("signals", "answered").
_CUE_NOUNS: Mapping[str, str] = {
    "C01": "looks", "C02": "smiles", "C03": "sounds", "C04": "reaching",
    "C05": "turning to you", "C06": "pointing and showing", "C07": "bright faces",
    "C08": "'ooh' faces", "C09": "open hands", "C10": "looking away for a rest",
    "C11": "yawns", "C12": "hands to face", "C13": "turning away for a rest",
    "C14": "a raised hand", "C15": "fussing", "C16": "crying",
}
_CUE_DID: Mapping[str, str] = {
    "C01": "{she} looked at you", "C02": "{she} smiled", "C03": "{she} made a sound",
    "C04": "{she} reached", "C05": "{she} turned to you", "C06": "{she} pointed",
    "C07": "{hers} face lit up", "C08": "{she} made an 'ooh' face",
    "C09": "{she} opened {hers} hands", "C10": "{she} looked away for a rest",
    "C11": "{she} yawned", "C12": "{she} put {hers} hand to {hers} face",
    "C13": "{she} turned away for a rest", "C14": "{she} held up {hers} hand",
    "C15": "{she} fussed", "C16": "{she} cried",
}
_SUBTLE_LIKE: Mapping[str, str] = {
    "C07": "{hers} eyebrows lifted", "C08": "{she} made an 'ooh' face",
    "C09": "{she} opened {hers} hands", "C10": "{she} looked away for a rest",
    "C11": "{she} yawned", "C12": "{she} put {hers} hand to {hers} face",
}
_RESPONSE_DID: Mapping[str, str] = {
    "R01": "you turned to {her}", "R02": "you waited", "R03": "you used a warm voice",
    "R04": "you smiled back", "R05": "you copied {her}", "R06": "you followed {hers} lead",
    "R07": "you named it", "R08": "you took a turn and waited",
    "R09": "you showed {her} a next step", "R10": "you gave {her} a break",
    "R11": "you soothed {her}", "R12": "you made things right again",
}
_REACTION_DID: Mapping[str, str] = {
    "A01": "{she} smiled back", "A02": "{she} carried on", "A03": "{she} calmed",
}
# One sentence per response code: each says what the parent did, in the words of the
# code's meaning (docs/practice.md §4), so that a soothe is never told as a smile. {times} is
# "once", "twice", "3 times". Codes of another scheme get no sentence of their own.
RESPONSE_SENTENCES: Mapping[str, str] = {
    "R01": "You turned to {her} with interest {times}.",
    "R02": "You waited for {her} {times}, so {she} could have {hers} turn.",
    "R03": "You spoke to {her} in a warm voice {times}.",
    "R04": "You smiled, nodded or looked back at {her} {times}.",
    "R05": "You copied {hers} sounds and faces {times}.",
    "R06": "You joined in with what {she} chose {times}, following {hers} lead.",
    "R07": "You put into words what {she} saw, did or felt {times}.",
    "R08": "You took a short turn and then waited for {her} {times}, like a conversation.",
    "R09": "You helped {her} go a step further {times}.",
    "R10": "You let things go quiet {times}, so {she} could rest.",
    "R11": "You soothed {her} {times}, with your touch, your arms or a calm voice.",
    "R12": "You found each other again {times} after a moment apart.",
}
#: The response that is a break given (docs/practice.md §4): told by the breaks sentence.
_BREAK_RESPONSE = "R10"
#: At most this many response sentences, the most frequent first: a shared review is
#: about a few strengths, not an inventory.
MAX_RESPONSE_SENTENCES = 4


def times(n: int) -> str:
    """``once``, ``twice``, ``3 times``.

    >>> times(1), times(2), times(7)
    ('once', 'twice', '7 times')
    """
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _duration(ms: int) -> str:
    minutes = round(ms / 60_000)
    if minutes >= 1:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    seconds = max(1, round(ms / 1000))
    return f"{seconds} seconds"


def _fill(template: str, f: PronounForms, **extra: str) -> str:
    text = template.format(she=f.subject, her=f.object, hers=f.possessive, **extra)
    return text[:1].upper() + text[1:]


def _checked(sentences: list[str], baby_name: str) -> list[str]:
    for sentence in sentences:
        # the baby's name is the family's, not ours to judge
        found = check_words(sentence.replace(baby_name, "Baby"))
        if found:  # a bug in the templates, never the user's input
            raise ValueError(f"generated sentence {sentence!r} uses {found[0].found!r}")
    return sentences


def _check(tallies: object, baby_name: str) -> None:
    if not isinstance(tallies, ParentTallies):
        raise TypeError(
            f"parent sentences take ParentTallies (ClipTallies.parent_safe), got "
            f"{type(tallies).__name__}"
        )
    if not baby_name.strip():
        raise ValueError("baby_name must not be empty")


def clip_sentences(
    tallies: ParentTallies, baby_name: str, pronoun: Pronoun | str = Pronoun.THEY
) -> list[str]:
    """The sentences of docs/practice.md §5 for one clip or session, in that order.

    >>> from attune.analysis.tallies import tally_clip
    >>> from attune.core.events import Event
    >>> from attune.core.scheme import EventKind as K
    >>> from attune.schemes import default_scheme
    >>> ev = [Event(K.CUE, "C04", 1000, 1000, id=1),
    ...       Event(K.RESPONSE, "R07", 2000, 2000, id=2, answers_id=1),
    ...       Event(K.REACTION, "A01", 2500, 2500, id=3, answers_id=2)]
    >>> t = tally_clip(ev, 300_000, default_scheme()).parent_safe
    >>> for s in clip_sentences(t, "Maya", "she"): print(s)
    In 5 minutes Maya 'talked' to you through reaching.
    We found one moment where you noticed and answered her.
    You answered within a second or two.
    Once, you put into words what she saw, did or felt.
    She reached, you named it, she smiled back.
    """
    _check(tallies, baby_name)
    f = pronoun_forms(pronoun)
    t = tallies
    out: list[str] = []
    answered = t.answered_cues_by_code
    if answered:
        # Only the kinds of signal the parent answered are named, and no total of signals
        # is given: a parent cannot work out from these words what went unanswered.
        ranked = sorted(answered.items(), key=lambda kv: (-kv[1], kv[0]))
        nouns: list[str] = []
        for code, _ in ranked:
            noun = _CUE_NOUNS.get(code, "signals")
            if noun not in nouns:
                nouns.append(noun)
        out.append(f"In {_duration(t.duration_ms)} {baby_name} 'talked' to you through "
                   f"{_and(nouns[:3])}.")
    n = t.attuned_responses
    if n:
        out.append("We found one moment where you noticed and answered " + f.object + "."
                   if n == 1 else
                   f"We found {n} moments where you noticed and answered {f.object}.")
        median = t.latency.median_ms
        if median is not None:
            often = "You" if n == 1 else "Often you"
            if median < 1000:
                out.append(f"{often} answered within a second.")
            elif median <= 2000:
                out.append(f"{often} answered within a second or two.")
            elif median <= 3000:
                out.append(f"{often} answered within a few seconds.")
            else:
                out.append(_fill("You took the time to come to {her} when {she} needed you.",
                                 f))
    # "a break given" is told once: by the sentence on breaks below, which says what the
    # baby needed too, not again as the parent's letting things go quiet
    by_code = ({c: n for c, n in t.attuned_by_code.items() if c != _BREAK_RESPONSE}
               if t.breaks_given else t.attuned_by_code)
    out.extend(response_sentences(by_code, f))
    if t.subtle_cues_answered:
        top = max(t.subtle_answered_by_code.items(), key=lambda kv: (kv[1], kv[0]))[0]
        like = _SUBTLE_LIKE.get(top)
        tail = "" if like is None else ", like when " + _lower_first(_fill(like, f))
        n_subtle = t.subtle_cues_answered
        out.append(_fill("Once, you spotted one of {hers} small signals", f) + f"{tail}."
                   if n_subtle == 1 else
                   f"You spotted {f.possessive} small signals {times(n_subtle)}{tail}.")
    if t.breaks_given:
        out.append(_fill("When {she} needed a rest, you gave {her} that break {times}.", f,
                         times=times(t.breaks_given)))
    if t.turns.turns:
        out.append(f"You and {baby_name} took turns in conversation {times(t.turns.turns)}.")
        if t.turns.longest_back_and_forth > 1:
            out.append("Your longest conversation went back and forth "
                       f"{times(t.turns.longest_back_and_forth)}.")
    if t.chains:
        chain = t.chains[0]
        cue = _fill(_CUE_DID.get(chain.cue.code, "{she} gave you a signal"), f)
        response = _RESPONSE_DID.get(chain.response.code, "you answered {her}")
        reaction = _REACTION_DID.get(chain.reaction.code, "{she} answered you back")
        out.append(f"{cue}, {_lower_first(_fill(response, f))}, "
                   f"{_lower_first(_fill(reaction, f))}.")
        if len(t.chains) > 1:
            out.append(f"We saw {len(t.chains)} moments like this, where {f.subject} "
                       f"signalled, you answered and {f.subject} answered you back.")
    return _checked(out, baby_name)


def response_sentences(attuned_by_code: Mapping[str, int], f: PronounForms) -> list[str]:
    """What the parent did, one sentence per response code they answered with (most
    frequent first, at most :data:`MAX_RESPONSE_SENTENCES`).

    >>> for s in response_sentences({"R11": 1, "R02": 3}, pronoun_forms("he")): print(s)
    You waited for him 3 times, so he could have his turn.
    Once, you soothed him, with your touch, your arms or a calm voice.
    """
    ranked = sorted(((code, n) for code, n in attuned_by_code.items()
                     if n and code in RESPONSE_SENTENCES), key=lambda kv: (-kv[1], kv[0]))
    return [_counted(RESPONSE_SENTENCES[code], n, f)
            for code, n in ranked[:MAX_RESPONSE_SENTENCES]]


def _counted(template: str, n: int, f: PronounForms) -> str:
    """A sentence with its count; a count of one reads as one ("Once, you waited…").

    >>> _counted("You waited for {her} {times}, so {she} could rest.", 1, pronoun_forms("she"))
    'Once, you waited for her, so she could rest.'
    """
    if n != 1:
        return _fill(template, f, times=times(n))
    text = _fill(template, f, times="").replace("  ", " ").replace(" ,", ",")
    return "Once, " + _lower_first(text.replace(" .", "."))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def change_sentences(
    current: ParentTallies,
    earlier: Sequence[ParentTallies],
    baby_name: str,
    pronoun: Pronoun | str = Pronoun.THEY,
) -> list[str]:
    """What there is more of than last time, against the same family's most recent
    earlier session only (``earlier`` in date order, the family's own sessions).

    Rates per minute are compared (sessions differ in length) and said in words, never
    as numbers; less of something gives no sentence.
    """
    _check(current, baby_name)
    for e in earlier:
        _check(e, baby_name)
    if not earlier:
        return []
    f = pronoun_forms(pronoun)
    before = earlier[-1]

    def more(now: float, then: float) -> bool:
        return now > then + 1e-9

    def rate(t: ParentTallies, n: int) -> float:
        return n / t.minutes

    out: list[str] = []
    if more(rate(current, current.turns.turns), rate(before, before.turns.turns)):
        out.append("More back-and-forth than last time.")
    if current.turns.longest_back_and_forth > before.turns.longest_back_and_forth:
        out.append("Your longest conversation went on for longer than last time.")
    if more(rate(current, current.attuned_responses), rate(before, before.attuned_responses)):
        out.append(f"More moments where you noticed and answered {f.object} than last time.")
    if more(rate(current, current.subtle_cues_answered),
            rate(before, before.subtle_cues_answered)):
        out.append(f"You spotted more of {f.possessive} small signals than last time.")
    if more(rate(current, current.breaks_given), rate(before, before.breaks_given)):
        out.append(f"You gave {f.object} more of the breaks {f.subject} asked for than last time.")
    if more(rate(current, current.complete_chains), rate(before, before.complete_chains)):
        out.append(f"More moments where {f.subject} signalled, you answered and {f.subject} "
                   "answered you back, than last time.")
    return _checked(out, baby_name)


def progress_sentences(
    sessions: Sequence[ParentTallies],
    baby_name: str,
    pronoun: Pronoun | str = Pronoun.THEY,
) -> list[str]:
    """Sentences for the latest of one family's sessions (in date order): its own
    sentences, then what there is more of than in the session before.
    """
    if not sessions:
        return []
    return [*clip_sentences(sessions[-1], baby_name, pronoun),
            *change_sentences(sessions[-1], sessions[:-1], baby_name, pronoun)]
