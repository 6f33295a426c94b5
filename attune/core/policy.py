"""Who may use a family's material, for what, under which consent (docs/practice.md §2, §7, §8).

One table, one pure rule. A person relates to a family (or to one of its clips) in one
or more ways; each row says what that relation lets them do and which consent scope must
be in force for it (the clip's own record winning over the family's, withdrawal and
expiry counting from their day). ``decide`` answers allowed, or a refusal that names the
missing consent in plain words. The services ask it through
:func:`attune.services.access.decide_access`, which reads the facts from the database.

======================  ==============  ======================================  ================
purpose                 who             may                                     needs consent
======================  ==============  ======================================  ================
CARE_FOR_FAMILY         practitioner    see and run the family, record consent  none
                                        and its goals and visit plans
CODE_OWN_FAMILY         practitioner    upload, see and code its clips, hear    filmed under (*)
                                        them for suggested marks and decide
                                        those
SHARED_REVIEW           practitioner    make and show reels, watch them         shared review
SUPERVISE_TEAM          supervisor      see the family's record and goals       none
SUPERVISOR_VIEW         supervisor      see clips, coding, reels; assign coders supervision
SECOND_CODING           second coder    see and code the one clip, blind        second coder
GOLD_TRAINING           gold coder      see and code the one clip               training
GOLD_TRAINING           trainee         see and code the one clip, blind        training and
                                                                                second coder
PARENT_VIEW             parent          watch the family's reels                shared review
PARENT_COPY             parent          keep a copy of a reel                   parent copy
PARENT_GOALS            parent          read the family's goals (their words)   none
PROCESS_MEDIA           job worker      make a clip's playable copy, hear it    filmed under (*)
                                        for suggested marks
ADMINISTRATION          admin           see the family's record, assign people  none
SUPERVISED_PRACTICE     practitioner,   count its work as a supervised cycle    supervision
                        supervisor
ACCREDITATION           practitioner,   name it in an accreditation portfolio   training
                        supervisor      (with SUPERVISED_PRACTICE too)
======================  ==============  ======================================  ================

(*) the scope the clip was uploaded under (shared review unless chosen otherwise).

A trainee is a second coder of a gold clip (one with a gold coder: a calibration): the
clip trains them, so their row needs training consent as well as second-coder consent,
and withdrawing either ends their assignment.

No row uses the research scope: attune has no research export, so nothing in it uses a
family's material for research (a research export would be a row needing it). Withdrawing
a scope a coder's row needs ends those coders' assignments (:func:`assignments_ended_by`).

Suggested marks are the family's practitioners' only: a second or gold coder codes
unaided (their coding is the independent check), a supervisor sees how many events came
from suggestions but not the suggestions, and a parent never sees one.

Blind double-coding (§8): while a clip has a second coder and not every coder of it has
marked their coding done, whoever codes it (its practitioners, the second coder, a gold
coder, a trainee) sees only their own events and no moments; a supervisor who is not
coding it sees every coder. Someone given the clip to code (second, gold, trainee) may
not open its reels meanwhile either, even as a practitioner of the family: a reel shows
the moments the family's practitioner chose from their own coding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from attune.core.coding import CodingRole
from attune.core.consent import SCOPE_NAMES, ConsentDecision, ConsentScope, deciding_record


class Relation(StrEnum):
    """How a person stands to a family or to one of its clips."""

    PRACTITIONER = "practitioner"  # assigned to the family
    SUPERVISOR = "supervisor"  # supervises one of the family's practitioners
    SECOND_CODER = "second coder"  # assigned to code this clip blind
    GOLD_CODER = "gold coder"  # assigned to code this clip as a gold standard
    TRAINEE = "trainee"  # assigned to code this gold clip blind, to calibrate against it
    PARENT = "parent"  # linked to the family
    WORKER = "job worker"  # the background jobs, working for the family's practitioner
    ADMIN = "admin"  # manages accounts


class Action(StrEnum):
    """What someone wants to do with a family's material."""

    SEE_FAMILY = "see the family's record"
    RUN_FAMILY = "assign people to the family"
    MANAGE_RECORD = "record its consent and sessions, delete its clips"
    UPLOAD = "upload clips"
    VIEW_CLIP = "open its clips"
    CODE_CLIP = "code its clips"
    ASSIGN_CODERS = "assign coders to its clips"
    MAKE_REEL = "make reels of its clips"
    WATCH_REEL = "watch its reels"
    KEEP_REEL = "keep a copy of its reel"
    PROCESS_CLIP = "process its clips"
    SEE_GOALS = "read the family's goals"
    ANALYSE_CLIP = "listen to its clips for suggested marks"
    USE_SUGGESTIONS = "see, accept and reject suggested marks on its clips"
    SUPERVISED_CYCLE = "count its work as a supervised cycle"
    LIST_IN_PORTFOLIO = "name it in an accreditation portfolio"


class Purpose(StrEnum):
    CARE_FOR_FAMILY = "care_for_family"
    CODE_OWN_FAMILY = "code_own_family"
    SHARED_REVIEW = "shared_review"
    SUPERVISE_TEAM = "supervise_team"
    SUPERVISOR_VIEW = "supervisor_view"
    SECOND_CODING = "second_coding"
    GOLD_TRAINING = "gold_training"
    PARENT_VIEW = "parent_view"
    PARENT_COPY = "parent_copy"
    PARENT_GOALS = "parent_goals"
    PROCESS_MEDIA = "process_media"
    ADMINISTRATION = "administration"
    SUPERVISED_PRACTICE = "supervised_practice"
    ACCREDITATION = "accreditation"


#: The consent a row needs is the scope the clip was uploaded under.
FILMED_UNDER = "filmed under"
A = Action


@dataclass(frozen=True)
class Rule:
    purpose: Purpose
    who: Relation
    may: frozenset[Action]
    #: a scope, several scopes (all of them in force), FILMED_UNDER, or None
    needs: ConsentScope | str | tuple[ConsentScope, ...] | None

    def scopes(self, filmed_under: ConsentScope | None) -> tuple[ConsentScope, ...]:
        """The consent scopes this row needs in force (for a clip filmed under
        ``filmed_under``; a FILMED_UNDER row without it needs nothing yet)."""
        if self.needs is None:
            return ()
        if self.needs == FILMED_UNDER:
            return (filmed_under,) if filmed_under is not None else ()
        if isinstance(self.needs, tuple):
            return self.needs
        return (ConsentScope(self.needs),)


POLICY: tuple[Rule, ...] = (
    Rule(Purpose.CARE_FOR_FAMILY, Relation.PRACTITIONER,
         frozenset({A.SEE_FAMILY, A.RUN_FAMILY, A.MANAGE_RECORD, A.SEE_GOALS}), None),
    Rule(Purpose.CODE_OWN_FAMILY, Relation.PRACTITIONER,
         frozenset({A.UPLOAD, A.VIEW_CLIP, A.CODE_CLIP, A.ANALYSE_CLIP, A.USE_SUGGESTIONS}),
         FILMED_UNDER),
    Rule(Purpose.SHARED_REVIEW, Relation.PRACTITIONER,
         frozenset({A.MAKE_REEL, A.WATCH_REEL}), ConsentScope.SHARED_REVIEW),
    Rule(Purpose.SUPERVISE_TEAM, Relation.SUPERVISOR, frozenset({A.SEE_FAMILY, A.SEE_GOALS}),
         None),
    Rule(Purpose.SUPERVISOR_VIEW, Relation.SUPERVISOR,
         frozenset({A.VIEW_CLIP, A.WATCH_REEL, A.ASSIGN_CODERS}), ConsentScope.SUPERVISION),
    Rule(Purpose.SECOND_CODING, Relation.SECOND_CODER,
         frozenset({A.VIEW_CLIP, A.CODE_CLIP}), ConsentScope.SECOND_CODER),
    Rule(Purpose.GOLD_TRAINING, Relation.GOLD_CODER,
         frozenset({A.VIEW_CLIP, A.CODE_CLIP}), ConsentScope.TRAINING),
    Rule(Purpose.GOLD_TRAINING, Relation.TRAINEE, frozenset({A.VIEW_CLIP, A.CODE_CLIP}),
         (ConsentScope.TRAINING, ConsentScope.SECOND_CODER)),
    Rule(Purpose.PARENT_VIEW, Relation.PARENT, frozenset({A.WATCH_REEL}),
         ConsentScope.SHARED_REVIEW),
    Rule(Purpose.PARENT_COPY, Relation.PARENT, frozenset({A.KEEP_REEL}),
         ConsentScope.PARENT_COPY),
    # the goals are the parent's own words: no media, so no consent scope; the codes and
    # counts against them are never a parent's (services/goals.py gives ParentGoal)
    Rule(Purpose.PARENT_GOALS, Relation.PARENT, frozenset({A.SEE_GOALS}), None),
    Rule(Purpose.PROCESS_MEDIA, Relation.WORKER, frozenset({A.PROCESS_CLIP, A.ANALYSE_CLIP}),
         FILMED_UNDER),
    Rule(Purpose.ADMINISTRATION, Relation.ADMIN,
         frozenset({A.SEE_FAMILY, A.RUN_FAMILY}), None),
    # an accreditation portfolio names a family only with both: its work was supervised
    # (supervision) and it is used to train (training); otherwise it is only counted
    Rule(Purpose.SUPERVISED_PRACTICE, Relation.PRACTITIONER,
         frozenset({A.SUPERVISED_CYCLE}), ConsentScope.SUPERVISION),
    Rule(Purpose.SUPERVISED_PRACTICE, Relation.SUPERVISOR,
         frozenset({A.SUPERVISED_CYCLE}), ConsentScope.SUPERVISION),
    Rule(Purpose.ACCREDITATION, Relation.PRACTITIONER,
         frozenset({A.LIST_IN_PORTFOLIO}), ConsentScope.TRAINING),
    Rule(Purpose.ACCREDITATION, Relation.SUPERVISOR,
         frozenset({A.LIST_IN_PORTFOLIO}), ConsentScope.TRAINING),
)

#: The coders a supervisor assigns to a clip, by how they stand to it (a trainee is a
#: second coder of a clip that has a gold coder).
ASSIGNED_AS: dict[Relation, CodingRole] = {Relation.SECOND_CODER: CodingRole.SECOND,
                                           Relation.GOLD_CODER: CodingRole.GOLD,
                                           Relation.TRAINEE: CodingRole.SECOND}


def assignments_ended_by(scope: ConsentScope) -> list[Relation]:
    """The assigned coders a withdrawn ``scope`` stops (their row of the table needs
    it): their assignments end.

    >>> assignments_ended_by(ConsentScope.SECOND_CODER)
    [<Relation.SECOND_CODER: 'second coder'>, <Relation.TRAINEE: 'trainee'>]
    >>> assignments_ended_by(ConsentScope.TRAINING)
    [<Relation.GOLD_CODER: 'gold coder'>, <Relation.TRAINEE: 'trainee'>]
    >>> assignments_ended_by(ConsentScope.RESEARCH)
    []
    """
    return [r.who for r in POLICY if r.who in ASSIGNED_AS and scope in r.scopes(None)]


#: What a missing consent stops, said of the family ("so ... ").
STOPS: dict[Purpose, str] = {
    Purpose.CODE_OWN_FAMILY: "its clips cannot be uploaded, opened or coded",
    Purpose.SHARED_REVIEW: "its clips cannot go into a reel for the parent",
    Purpose.SUPERVISOR_VIEW: "supervisors cannot open its clips",
    Purpose.SECOND_CODING: "a second practitioner cannot code its clips",
    Purpose.GOLD_TRAINING: "its clips cannot be used to train or calibrate coders",
    Purpose.PARENT_VIEW: "the parent cannot watch its reels",
    Purpose.PARENT_COPY: "the parent cannot keep a copy of the reel",
    Purpose.PROCESS_MEDIA: "its clips cannot be processed",
    Purpose.SUPERVISED_PRACTICE: "its work cannot be counted as supervised by name",
    Purpose.ACCREDITATION: "it cannot be named in an accreditation portfolio",
}


@dataclass(frozen=True)
class Facts:
    """What ``decide`` needs to know, read from the database by the caller."""

    active: bool
    relations: frozenset[Relation]
    consents: tuple[ConsentDecision, ...] = ()
    clip_id: int | None = None
    filmed_under: ConsentScope | None = None  # the clip's upload scope (or the one chosen)
    double_coding_open: bool = False  # a second coder assigned and not everyone done


@dataclass(frozen=True)
class Decision:
    allowed: bool
    purpose: Purpose | None = None
    blind: bool = False  # sees only their own events and no moments
    reason: str = ""  # why not, in plain words (empty when allowed)
    missing: ConsentScope | None = None  # the consent that is missing, if that is why


def rules_for(action: Action) -> list[Rule]:
    return [r for r in POLICY if action in r.may]


def consent_problem(consents: Iterable[ConsentDecision], scope: ConsentScope,
                    clip_id: int | None, on: date) -> str | None:
    """None when ``scope`` is in force for the clip (or the family) on ``on``; else how
    it is missing: "not recorded", "declined", "withdrawn on …", "ran out on …".

    >>> d = date(2026, 1, 10)
    >>> family = ConsentDecision(1, ConsentScope.SUPERVISION, True, d)
    >>> clip = ConsentDecision(1, ConsentScope.SUPERVISION, False, d, clip_id=3)
    >>> consent_problem([family, clip], ConsentScope.SUPERVISION, 3, d)
    'declined'
    >>> consent_problem([family, clip], ConsentScope.SUPERVISION, 4, d) is None
    True
    """
    record = deciding_record(consents, scope, clip_id, on)
    if record is None:
        return "not recorded"
    if not record.granted:
        return "declined"
    if record.withdrawn_on is not None and record.withdrawn_on <= on:
        return f"withdrawn on {record.withdrawn_on:%-d %B %Y}"
    if record.retain_until is not None and on > record.retain_until:
        return f"ran out on {record.retain_until:%-d %B %Y}"
    return None


def decide(facts: Facts, action: Action, on: date) -> Decision:
    """Allowed when some row of :data:`POLICY` gives one of ``facts.relations`` the
    ``action`` and its consent is in force (for ``facts.clip_id`` when given; a row
    needing the clip's own upload scope is checked only once there is a clip or a
    chosen scope).

    >>> d = date(2026, 1, 10)
    >>> sup = Facts(True, frozenset({Relation.SUPERVISOR}), clip_id=3)
    >>> print(decide(sup, Action.VIEW_CLIP, d).reason)  # doctest: +NORMALIZE_WHITESPACE
    Supervision consent for this family is not recorded, so supervisors cannot open its
    clips. Record it on the Consent page (or: attune consent record).
    >>> granted = (ConsentDecision(1, ConsentScope.SUPERVISION, True, d),)
    >>> decide(Facts(True, frozenset({Relation.SUPERVISOR}), granted, 3),
    ...        Action.VIEW_CLIP, d).purpose
    <Purpose.SUPERVISOR_VIEW: 'supervisor_view'>
    """
    if not facts.active:
        return Decision(False, reason="This account is switched off.")
    candidates = [r for r in rules_for(action) if r.who in facts.relations]
    if not candidates:
        return Decision(False, reason="")
    refusals: list[Decision] = []
    for rule in candidates:
        refused = None
        for scope in rule.scopes(facts.filmed_under):
            problem = consent_problem(facts.consents, scope, facts.clip_id, on)
            if problem is not None:
                record = deciding_record(facts.consents, scope, facts.clip_id, on)
                clip_level = record is not None and record.clip_id is not None
                refused = Decision(False, rule.purpose, reason=_say(
                    rule.purpose, scope, problem, clip_level), missing=scope)
                break
        if refused is not None:
            refusals.append(refused)
            continue
        blind = _blind(facts)
        if blind and action in REEL_ACTIONS and facts.relations & ASSIGNED_AS.keys():
            return Decision(False, rule.purpose, blind=True, reason=BLIND_REELS)
        return Decision(True, rule.purpose, blind=blind)
    return refusals[0]


#: What a reel of a clip shows: the moments chosen from its practitioner's coding.
REEL_ACTIONS = frozenset({Action.MAKE_REEL, Action.WATCH_REEL, Action.KEEP_REEL})
BLIND_REELS = ("You are coding this clip blind, so its moments and the reels made of them "
               "stay hidden from you until every coder has marked their coding done.")


def _blind(facts: Facts) -> bool:
    coding = {Relation.PRACTITIONER, Relation.SECOND_CODER, Relation.GOLD_CODER,
              Relation.TRAINEE}
    return facts.double_coding_open and bool(coding & facts.relations)


def _say(purpose: Purpose, scope: ConsentScope, problem: str, clip_level: bool) -> str:
    of = "this clip" if clip_level else "this family"
    stops = STOPS.get(purpose, "this is not allowed")
    if clip_level:
        stops = stops.replace("its clips", "this clip").replace("its reels", "this reel")
    verb = {"not recorded": "is not recorded", "declined": "was declined"}.get(
        problem, problem if problem.startswith("ran out") else f"was {problem}")
    return (f"{SCOPE_NAMES[scope]} consent for {of} {verb}, so {stops}. "
            "Record it on the Consent page (or: attune consent record).")
