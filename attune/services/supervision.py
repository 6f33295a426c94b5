"""Supervision: blind double-coding assignments, gold-standard clips, coding marked
done, and agreement over time (docs/practice.md §8)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from attune.analysis.agreement import (
    AgreementReport,
    ClipPair,
    GroupAgreement,
    TallyICC,
    agreement_report_clips,
    group_agreement,
    pair_sentences,
    pair_tally_icc,
    scheme_parameters,
    stated_versions,
)
from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus, clip_label
from attune.core.coding import CODING_ROLE_WORDS, Calibration, CodingAssignment, CodingRole
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.access import (
    Action,
    Decision,
    decide_access,
    decide_many,
    family_ids_for,
    refusal,
    require_access,
    require_assignable,
    require_role,
)
from attune.services.analysis import (
    Parsed,
    _scheme_of,
    clip_agreement,
    clip_pair,
    pair_to_compare,
    primary_coder,
)
from attune.storage.store import Tx

DEFAULT_SHARE = 0.2


@dataclass(frozen=True)
class DoubleCodingPlan:
    eligible: tuple[int, ...]  # clips that could be double-coded
    chosen: tuple[CodingAssignment, ...]  # the second coders assigned now
    skipped_no_consent: tuple[int, ...]  # coded clips without second_coder consent


def assign_double_coding(ctx: Context, supervisor: User, share: float = DEFAULT_SHARE,
                         seed: int = 0, coders: list[str] | None = None,
                         family: str | None = None) -> DoubleCodingPlan:
    """Assign a share of the team's coded clips to a second practitioner, blind.

    Only clips whose family gave ``second_coder`` consent; never a clip already
    double-coded; never to its own primary coder. The choice is reproducible: the same
    seed and the same clips give the same assignments.
    """
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "assign double-coding")
    if not 0 < share <= 1:
        raise InputError(f"The share must be between 0 and 1 (e.g. 0.2 for 20%), not {share}.")
    with ctx.db.transaction(supervisor.username) as tx:
        team = coders or [u.username for u in tx.team_of(supervisor.username)
                          if u.role == Role.PRACTITIONER and u.active]
        members = {u.username for u in tx.team_of(supervisor.username) if u.active} | \
            {supervisor.username}
        outside = sorted(set(team) - members)
        if outside:
            raise NotAllowedError(
                f"Not allowed: {', '.join(outside)} is not a practitioner of your team, so "
                "you cannot give them clips to code. Choose coders from your team.",
                "assign double-coding", {"coders": outside})
        if len(team) < 2 and not coders:
            raise InputError("Double-coding needs at least two practitioners in your team; "
                             "name the coders with --coders.")
        eligible: list[tuple[Clip, str]] = []
        no_consent: list[int] = []
        for family_id in sorted(family_ids_for(tx, supervisor)):
            fam = tx.family_by_id(family_id)
            if family is not None and fam.code != family:
                continue
            for clip in tx.clips_for_family(family_id):
                if clip.status != ClipStatus.READY:
                    continue
                if any(a.role == CodingRole.SECOND for a in tx.assignments(clip_id=clip.id)):
                    continue
                events = tx.list_events(clip.id)
                first = primary_coder(tx, clip, events)
                if first is None:
                    continue  # nothing coded yet
                if not decide_access(tx, supervisor, Action.ASSIGN_CODERS, fam, clip).allowed:
                    continue  # no supervision consent: not the supervisor's to give
                someone = tx.get_user(next(c for c in sorted(team) if c != first)) \
                    if any(c != first for c in team) else None
                if someone is not None and not _assignable(tx, supervisor, clip, someone):
                    no_consent.append(clip.id)
                    continue
                eligible.append((clip, first))
        k = min(len(eligible), max(1, round(share * len(eligible)))) if eligible else 0
        rng = random.Random(seed)
        picked = sorted(rng.sample(eligible, k), key=lambda cf: cf[0].id)
        chosen = []
        for i, (clip, first) in enumerate(picked):
            candidates = [c for c in sorted(team) if c != first]
            if not candidates:
                raise InputError(f"No practitioner other than {first} can second-code clip "
                                 f"{clip.id}; name more coders.")
            second = candidates[i % len(candidates)]
            tx.assign_coder(clip.id, first, CodingRole.PRIMARY)
            chosen.append(tx.assign_coder(clip.id, second, CodingRole.SECOND))
    return DoubleCodingPlan(tuple(c.id for c, _ in eligible), tuple(chosen), tuple(no_consent))


def set_gold_coder(ctx: Context, supervisor: User, clip_id: int, expert: str) -> CodingAssignment:
    """Mark ``expert``'s coding of a clip as the gold standard for calibration."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "choose gold-standard clips")
    with ctx.db.transaction(supervisor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_assignable(tx, supervisor, clip, tx.get_user(expert), CodingRole.GOLD,
                           f"make {expert}'s coding of clip {clip_id} the gold standard")
        return tx.assign_coder(clip_id, expert, CodingRole.GOLD)


def mark_done(ctx: Context, actor: User, clip_id: int, done: bool = True) -> CodingAssignment:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"mark clip {clip_id} done")
        return tx.mark_coding_done(clip_id, actor.username, done)


def my_assignments(ctx: Context, actor: User) -> list[CodingAssignment]:
    """The clips given to ``actor`` to code that they may still code (a withdrawn or
    expired consent ends the assignment)."""
    with ctx.db.transaction(actor.username) as tx:
        return _my_assignments(tx, actor)


def _my_assignments(tx: Tx, actor: User) -> list[CodingAssignment]:
    assigned = tx.assignments(coder=actor.username)
    clips = tx.get_clips([a.clip_id for a in assigned])
    decisions = decide_many(tx, actor, Action.CODE_CLIP,
                            [(clips[a.clip_id].family_id, clips[a.clip_id]) for a in assigned])
    return [a for a, d in zip(assigned, decisions, strict=True) if d.allowed]


def team_names(ctx: Context, supervisor: User) -> list[str]:
    """The supervisor's active practitioners, then the supervisor (a possible expert)."""
    with ctx.db.transaction(supervisor.username) as tx:
        team = [u.username for u in tx.team_of(supervisor.username)
                if u.role == Role.PRACTITIONER and u.active]
    return [*sorted(team), supervisor.username]


def _assignable(tx: Tx, supervisor: User, clip: Clip, coder: User) -> bool:
    try:
        require_assignable(tx, supervisor, clip, coder, CodingRole.SECOND, "")
    except NotAllowedError:
        return False
    return True


@dataclass(frozen=True)
class PairAgreement:
    clip_id: int
    coder_a: str
    coder_b: str
    role: CodingRole  # second (double-coding) or gold (calibration)
    assigned_on: date
    report: AgreementReport
    #: Each coder's marks on the clip (A, B), and how many of them were accepted from
    #: suggested marks: the agreement audit's context (agreement itself is always between
    #: the two coders' marks, never against the suggestions).
    marks: tuple[int, int] = (0, 0)
    from_suggestions: tuple[int, int] = (0, 0)


def team_agreement(ctx: Context, supervisor: User, tolerance_ms: int = MATCH_TOLERANCE_MS,
                   step_ms: int = SAMPLING_STEP_MS, audit: bool = True) -> list[PairAgreement]:
    """Agreement on every double-coded clip (its coder and the second coder) and every
    gold clip (each of its coders against the gold coding) both marked done, oldest first
    (one audit entry for the whole report, none with ``audit=False``); supervisors
    only, like the Supervision page."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "see the team's agreement")
    out = []
    with ctx.db.transaction(supervisor.username) as tx:
        # what clip_agreement reads and checks for each pair, read once for them all
        done = _done_pairs(tx, supervisor)
        events = tx.events_of_clips([clip.id for clip, *_ in done])
        accepted = tx.accepted_counts_of_clips([clip.id for clip, *_ in done])
        parsed: Parsed = {}
        pairs = []
        for clip, coder_a, coder_b, role, at, decision in done:
            a = [e for e in events[clip.id] if e.coder == coder_a]
            b = [e for e in events[clip.id] if e.coder == coder_b]
            pair = pair_to_compare(tx, clip, decision, coder_a, a, coder_b, b, parsed)
            counts = accepted[clip.id]
            pairs.append((clip, coder_a, coder_b, role, at, pair, (len(a), len(b)),
                          (counts.get(coder_a, 0), counts.get(coder_b, 0))))
    for clip, coder_a, coder_b, role, at, pair, marks, from_suggestions in pairs:
        report = agreement_report_clips([pair], tolerance_ms=tolerance_ms, step_ms=step_ms,
                                        matching="onset", coder_a=coder_a, coder_b=coder_b)
        out.append(PairAgreement(clip.id, coder_a, coder_b, role, at.date(), report,
                                 marks, from_suggestions))
    if audit and out:
        record_agreement_view(ctx, supervisor, [p.clip_id for p in out], tolerance_ms,
                              step_ms)
    return sorted(out, key=lambda p: (p.assigned_on, p.clip_id))


def _done_pairs(tx: Tx, supervisor: User
                ) -> list[tuple[Clip, str, str, CodingRole, datetime, Decision]]:
    """Every compared pair the supervisor may see, both marked done: on a double-coded
    clip its coder and the second coder, on a gold clip each coder and the gold coder
    (clip, coder A, coder B, second or gold, when it was assigned, the gate's answer on
    opening the clip)."""
    ids = sorted(family_ids_for(tx, supervisor))
    of_families = tx.clips_of_families(ids)
    every = [(f, c) for f in ids for c in of_families[f]]
    decisions = decide_many(tx, supervisor, Action.VIEW_CLIP, every)
    return _pairs_on(tx, [(c, d) for (_, c), d in zip(every, decisions, strict=True)
                          if d.allowed])


def _own_done_pairs(tx: Tx, practitioner: User
                    ) -> list[tuple[Clip, str, str, CodingRole, datetime, Decision]]:
    """The compared pairs a practitioner is one of, both marked done, on the clips the
    gate lets them open with every coder's events (not blind)."""
    ids = sorted({a.clip_id for a in tx.assignments(coder=practitioner.username)})
    every = [(c.family_id, c) for c in sorted(tx.get_clips(ids).values(), key=lambda c: c.id)]
    decisions = decide_many(tx, practitioner, Action.VIEW_CLIP, every)
    clips = [(c, d) for (_, c), d in zip(every, decisions, strict=True)
             if d.allowed and not d.blind]
    return [p for p in _pairs_on(tx, clips) if practitioner.username in (p[1], p[2])]


def _pairs_on(tx: Tx, clips: list[tuple[Clip, Decision]]
              ) -> list[tuple[Clip, str, str, CodingRole, datetime, Decision]]:
    """The compared pairs on these clips (each with the gate's answer), both marked done."""
    of_clips = tx.assignments_of_clips([c.id for c, _ in clips])
    pairs = []
    for clip, decision in clips:
        assignments = of_clips[clip.id]
        golds = [a for a in assignments if a.role == CodingRole.GOLD]
        firsts = [a for a in assignments if a.role == CodingRole.PRIMARY]
        for other in assignments:
            if other.role == CodingRole.GOLD:
                continue
            if golds:  # a gold clip: every coder against the gold coding
                x, y, role, at = golds[0], other, CodingRole.GOLD, golds[0].assigned_at
            elif other.role == CodingRole.SECOND and firsts:
                x, y, role, at = firsts[0], other, other.role, other.assigned_at
            else:
                continue
            if x.done_at is None or y.done_at is None:
                continue
            pairs.append((clip, x.coder, y.coder, role, at, decision))
    return pairs


@dataclass(frozen=True)
class PairTallyICC:
    """A double-coding pair's ICC of per-clip tallies over every clip both coded."""

    coder_a: str
    coder_b: str
    clip_ids: tuple[int, ...]
    measures: tuple[TallyICC, ...]


def my_agreement(ctx: Context, practitioner: User, tolerance_ms: int = MATCH_TOLERANCE_MS,
                 step_ms: int = SAMPLING_STEP_MS) -> list[PairAgreement]:
    """A practitioner's own agreement, oldest first: every double-coded or gold clip
    they coded that both coders marked done and the gate lets them open (one audit
    entry, like the team's report)."""
    require_role(ctx, practitioner, {Role.PRACTITIONER}, "see your own agreement")
    with ctx.db.transaction(practitioner.username) as tx:
        pairs = [(clip.id, a, b, role, at)
                 for clip, a, b, role, at, _ in _own_done_pairs(tx, practitioner)]
    out = [PairAgreement(clip_id, a, b, role, at.date(),
                         clip_agreement(ctx, practitioner, [clip_id], a, b,
                                        tolerance_ms=tolerance_ms, step_ms=step_ms,
                                        audit=False))
           for clip_id, a, b, role, at in pairs]
    if out:
        with ctx.db.transaction(practitioner.username) as tx:
            tx.audit("agreement-report", "user", practitioner.username,
                     {"clips": [p.clip_id for p in out], "tolerance_ms": tolerance_ms,
                      "step_ms": step_ms})
    return sorted(out, key=lambda p: (p.assigned_on, p.clip_id))


def pair_icc(ctx: Context, supervisor: User) -> list[PairTallyICC]:
    """For each pair of coders, the ICC of the tallies that go into reports (cues and
    attuned responses per minute, median latency) over all the clips they double-coded
    (both marked done; the gate decides on each clip), or how many more clips it needs.
    Supervisors only."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "see the team's agreement")
    by_pair: dict[tuple[str, str], list[ClipPair]] = {}
    parsed: Parsed = {}
    with ctx.db.transaction(supervisor.username) as tx:
        done = [p for p in _done_pairs(tx, supervisor) if p[3] == CodingRole.SECOND]
        events = tx.events_of_clips([clip.id for clip, *_ in done])
        for clip, x, y, *_ in done:
            a, b = sorted((x, y))  # the same two columns whoever coded first
            ea = [e for e in events[clip.id] if e.coder == a]
            eb = [e for e in events[clip.id] if e.coder == b]
            by_pair.setdefault((a, b), []).append(clip_pair(tx, clip, ea, eb, parsed))
    return [PairTallyICC(a, b, tuple(int(c.clip_id) for c in clips),
                         tuple(pair_tally_icc(clips)))
            for (a, b), clips in sorted(by_pair.items())]


def record_agreement_view(ctx: Context, supervisor: User, clip_ids: list[int],
                          tolerance_ms: int, step_ms: int) -> None:
    """The audit entry of a supervisor seeing the team's agreement (written by
    :func:`team_agreement`, or by a page that shows a result it computed before)."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "see the team's agreement")
    if not clip_ids:
        return
    with ctx.db.transaction(supervisor.username) as tx:
        tx.audit("agreement-report", "team", supervisor.username,
                 {"clips": clip_ids, "tolerance_ms": tolerance_ms, "step_ms": step_ms})


def agreement_frame(pairs: list[PairAgreement]) -> pd.DataFrame:
    """One row per coded pair: the statistics and flags a supervisor tracks over time."""
    rows = []
    for p in pairs:
        r = p.report
        rows.append({"clip": p.clip_id, "date": p.assigned_on, "coder_a": p.coder_a,
                     "coder_b": p.coder_b, "kind": "calibration" if p.role == CodingRole.GOLD
                     else "double-coding",
                     "event_kappa": r.event_kappa.value, "time_unit_kappa":
                     r.time_unit_kappa.value, "alpha": r.alpha.value,
                     "detection": r.detection.agreement,
                     "mean_onset_diff_ms": r.mean_abs_onset_diff_ms,
                     "flag": r.flag.value if r.flag else None,
                     "disagreements": len(r.disagreements),
                     "marks_a": p.marks[0], "suggested_a": p.from_suggestions[0],
                     "marks_b": p.marks[1], "suggested_b": p.from_suggestions[1]})
    return pd.DataFrame(rows)


#: The agreement table's columns in words (the CSV and the pages), in the order shown.
AGREEMENT_COLUMNS = {
    "clip": "clip", "date": "date", "coder_a": "coder A", "coder_b": "coder B",
    "kind": "kind", "event_kappa": "event kappa", "time_unit_kappa": "time-unit kappa",
    "alpha": "Krippendorff's alpha", "detection": "events both marked (share)",
    "mean_onset_diff_ms": "mean onset difference (s)", "flag": "flag",
    "disagreements": "disagreements",
    "marks_a": "coder A's marks", "suggested_a": "of them accepted from suggestions (A)",
    "marks_b": "coder B's marks", "suggested_b": "of them accepted from suggestions (B)",
}


def agreement_table(pairs: list[PairAgreement]) -> pd.DataFrame:
    """:func:`agreement_frame` for reading: columns in words, three decimals, onset
    differences in seconds, "none" for a pair without a flag."""
    frame = agreement_frame(pairs)
    if frame.empty:
        return pd.DataFrame(columns=list(AGREEMENT_COLUMNS.values()))
    for col in ("event_kappa", "time_unit_kappa", "alpha", "detection"):
        frame[col] = frame[col].astype(float).round(3)
    frame["mean_onset_diff_ms"] = (frame["mean_onset_diff_ms"].astype(float) / 1000).round(2)
    frame["flag"] = frame["flag"].fillna("none")
    return frame[list(AGREEMENT_COLUMNS)].rename(columns=AGREEMENT_COLUMNS)


def report_parameters(pairs: list[PairAgreement], tolerance_ms: int, step_ms: int
                      ) -> dict[str, object]:
    """The parameters a report states first (from the reports themselves when any); give
    them to :func:`~attune.analysis.agreement.parameter_sentences` for words."""
    params: dict[str, object] = {"tolerance_ms": tolerance_ms, "step_ms": step_ms,
                                 "step_is": "a sampling step for time-unit kappa, not a "
                                            "tolerance"}
    if pairs:
        first = pairs[0].report.parameters
        for key in ("matching", "flags"):
            if key in first:
                params[key] = first[key]
        # every version the pairs were coded with, not the first pair's only
        params.update(scheme_parameters(
            v for p in pairs for v in stated_versions(p.report.parameters)))
    params["pairs"] = len(pairs)
    return params


def coders_over_time(pairs: list[PairAgreement]) -> pd.DataFrame:
    """Each coder's agreement over time, one row per coder and compared clip: on a
    double-coded clip both coders get the pair's event kappa, on a gold clip the coder
    compared with the gold coding does (the gold coder is the yardstick)."""
    rows = []
    for p in pairs:
        kappa = p.report.event_kappa.value
        flag = p.report.flag.value if p.report.flag else "none"
        gold = p.role == CodingRole.GOLD
        kind = "against the gold coding" if gold else "double-coding"
        mine = [(p.coder_b, p.coder_a)] if gold else [(p.coder_a, p.coder_b),
                                                       (p.coder_b, p.coder_a)]
        for coder, other in mine:
            rows.append({"date": p.assigned_on, "coder": coder, "compared with": other,
                         "kind": kind, "clip": p.clip_id, "event kappa": kappa,
                         "flag": flag})
    frame = pd.DataFrame(rows, columns=["date", "coder", "compared with", "kind", "clip",
                                        "event kappa", "flag"])
    return frame.sort_values(["coder", "date", "clip"], ignore_index=True)


def pair_heading(p: PairAgreement) -> str:
    """A compared pair as a report names it."""
    kind = "calibration" if p.role == CodingRole.GOLD else "double-coding"
    return f"Clip {p.clip_id}: {p.coder_a} and {p.coder_b} ({kind}, {p.assigned_on})"


def suggestion_line(p: PairAgreement) -> str:
    """How many of each coder's marks were accepted from suggested marks, in words.

    >>> p = PairAgreement(3, "pat", "sam", CodingRole.SECOND, date(2026, 1, 5),
    ...                   None, (20, 18), (6, 0))  # type: ignore[arg-type]
    >>> suggestion_line(p)
    'Marks accepted from suggested marks: pat 6 of 20, sam none of 18.
    Agreement compares the two coders; suggestions are never counted as a coder.'
    """
    def one(who: str, marks: int, accepted: int) -> str:
        return f"{who} {accepted or 'none'} of {marks}"

    return ("Marks accepted from suggested marks: "
            f"{one(p.coder_a, p.marks[0], p.from_suggestions[0])}, "
            f"{one(p.coder_b, p.marks[1], p.from_suggestions[1])}. Agreement compares the "
            "two coders; suggestions are never counted as a coder.")


def icc_lines(pairs: list[PairTallyICC]) -> list[str]:
    """What each pair's ICC across their clips says, one line per pair."""
    return [f"{p.coder_a} and {p.coder_b}: " + " ".join(pair_sentences(p.measures))
            for p in pairs]


def write_agreement_report(pairs: list[PairAgreement], path: Path, *,
                           title: str = "Inter-coder agreement",
                           groups: list[tuple[int, GroupAgreement]] | None = None,
                           tallies: list[PairTallyICC] | None = None) -> Path:
    """The agreement report PDF the page and the command line both write: the
    parameters, each coder's agreement over time (a chart), the ICC across each pair's
    clips, then one section per compared pair and per group of coders on a clip."""
    from attune.interchange.reports import write_agreement_pdf

    return write_agreement_pdf(
        [(pair_heading(p), p.report) for p in pairs], path, title,
        [(f"Clip {clip_id}: a group of {len(g.coders)} coders", g)
         for clip_id, g in groups or []],
        notes=[[suggestion_line(p)] for p in pairs],
        over_time=coders_over_time(pairs) if len(pairs) > 0 else None,
        tallies=icc_lines(tallies or []))


def clip_group_agreement(ctx: Context, supervisor: User, clip_id: int,
                         tolerance_ms: int = MATCH_TOLERANCE_MS, step_ms: int = SAMPLING_STEP_MS,
                         audit: bool = True) -> GroupAgreement:
    """Every coder who marked their coding of a clip done, compared at once (Fleiss'
    kappa, Krippendorff's alpha) and, when the clip has a gold coder who marked done,
    each of them against the gold coding: a training group calibrating on one gold
    clip, or three-way reliability. Supervisors only; the gate decides on the clip."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "compare a group of coders")
    with ctx.db.transaction(supervisor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, supervisor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see agreement on clip {clip_id}")
        if decision.blind:
            raise refusal(f"compare coders on clip {clip_id} before they marked it done",
                          {"clip_id": clip_id})
        done = [a for a in tx.assignments(clip_id=clip_id) if a.done_at is not None]
        if len(done) < 2:
            raise InputError(
                f"Comparing a group needs two coders or more who marked their coding of "
                f"clip {clip_id} done; {len(done)} did so far.")
        gold = next((a.coder for a in done if a.role == CodingRole.GOLD), None)
        events = {a.coder: tx.list_events(clip_id, a.coder) for a in done}
        coded = [e for evs in events.values() for e in evs]
        scheme = _scheme_of(tx, coded)
        duration_ms = clip.duration_ms
        if audit:
            tx.audit("agreement-group", "clip", clip_id,
                     {"coders": sorted(events), "gold": gold, "tolerance_ms": tolerance_ms,
                      "step_ms": step_ms})
    return group_agreement(events, gold=gold, tolerance_ms=tolerance_ms, step_ms=step_ms,
                           clip_duration_ms=duration_ms, scheme=scheme)


def create_calibration(ctx: Context, supervisor: User, title: str, clip_ids: list[int],
                       trainees: list[str], pass_line_percent: int = 80) -> Calibration:
    """A calibration session: each trainee is given every gold clip to code blind. Each
    clip needs a gold coder already, and its family's consent to a second coder (the
    trainee codes blind) and to training (the clip trains coders); the gate decides both."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "set up a calibration session")
    if not title.strip():
        raise InputError("Give the calibration session a title, e.g. 'Spring calibration'.")
    if not clip_ids or not trainees:
        raise InputError("Choose at least one gold clip and one trainee.")
    if not 0 < pass_line_percent <= 100:
        raise InputError(f"The pass line is a percentage between 1 and 100, not "
                         f"{pass_line_percent}.")
    with ctx.db.transaction(supervisor.username) as tx:
        for clip_id in clip_ids:
            clip = tx.get_clip(clip_id)
            golds = [a.coder for a in tx.assignments(clip_id=clip_id)
                     if a.role == CodingRole.GOLD]
            if not golds:
                raise InputError(f"Clip {clip_id} has no gold coding yet: choose its expert "
                                 "coder first, then set up the calibration.")
            for trainee in trainees:
                if trainee in golds:
                    raise InputError(f"{trainee} made the gold coding of clip {clip_id}, so "
                                     "they cannot calibrate on it.")
                coder = tx.get_user(trainee)
                what = f"give clip {clip_id} to {trainee} for calibration"
                require_assignable(tx, supervisor, clip, coder, CodingRole.SECOND, what)
                require_assignable(tx, supervisor, clip, coder, CodingRole.GOLD, what)
                tx.assign_coder(clip_id, trainee, CodingRole.SECOND)
        return tx.add_calibration(title.strip(), pass_line_percent, clip_ids, trainees)


def calibrations(ctx: Context, supervisor: User) -> list[Calibration]:
    """The supervisor's calibration sessions, oldest first."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "see calibration sessions")
    with ctx.db.transaction(supervisor.username) as tx:
        return tx.calibrations(supervisor.username)


@dataclass(frozen=True)
class CalibrationResult:
    """One trainee's calibration: clips done, and each code's specific agreement with the
    gold coding pooled over those clips (None until a clip is done)."""

    trainee: str
    clips_done: int
    clips: int
    pass_line_percent: int
    report: AgreementReport | None

    @property
    def per_code(self) -> pd.DataFrame:
        if self.report is None:
            return pd.DataFrame(columns=["code", "coder A", "coder B", "both", "agreement",
                                         "passed"])
        frame = self.report.per_code.copy()
        frame["passed"] = frame["agreement"] * 100 >= self.pass_line_percent
        return frame

    @property
    def passed(self) -> bool | None:
        """Every code at or above the pass line on every clip of the session; None until
        all the clips are done."""
        if self.report is None or self.clips_done < self.clips:
            return None
        return bool(self.per_code["passed"].all())


def calibration_results(ctx: Context, supervisor: User, calibration_id: int,
                        tolerance_ms: int = MATCH_TOLERANCE_MS) -> list[CalibrationResult]:
    """Each trainee's score per code against the gold coding, on the clips of the session
    that both the gold coder and the trainee marked done (and the gate still shows)."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "see calibration results")
    with ctx.db.transaction(supervisor.username) as tx:
        found = [c for c in tx.calibrations(supervisor.username) if c.id == calibration_id]
        if not found:
            raise InputError(f"There is no calibration session {calibration_id} of yours.")
        return _calibration_results(tx, supervisor, found[0], found[0].trainees,
                                    tolerance_ms)


def my_calibration_results(ctx: Context, trainee: User,
                           tolerance_ms: int = MATCH_TOLERANCE_MS
                           ) -> list[tuple[Calibration, CalibrationResult]]:
    """A practitioner's own result in each calibration session they are a trainee of,
    oldest first. A clip counts once the gate lets them open it with the gold coding:
    while any trainee of it still codes blind, it is not counted (nor shown) yet."""
    require_role(ctx, trainee, {Role.PRACTITIONER}, "see your calibration results")
    with ctx.db.transaction(trainee.username) as tx:
        return [(c, _calibration_results(tx, trainee, c, (trainee.username,),
                                         tolerance_ms)[0])
                for c in tx.calibrations(trainee=trainee.username)]


def _calibration_results(tx: Tx, viewer: User, session: Calibration,
                         trainees: tuple[str, ...], tolerance_ms: int
                         ) -> list[CalibrationResult]:
    pairs: dict[str, list[ClipPair]] = {t: [] for t in trainees}
    visible = 0
    parsed: Parsed = {}
    for clip_id in session.clip_ids:
        clip = tx.get_clip(clip_id)
        decision = decide_access(tx, viewer, Action.VIEW_CLIP, clip.family_id, clip)
        if not decision.allowed:
            continue
        visible += 1
        if decision.blind:  # a trainee before every coder of the clip is done
            continue
        done = {a.coder: a for a in tx.assignments(clip_id=clip_id)
                if a.done_at is not None}
        gold = next((c for c, a in done.items() if a.role == CodingRole.GOLD), None)
        if gold is None:
            continue
        gold_events = tx.list_events(clip_id, gold)
        for trainee in trainees:
            if trainee in done:
                mine = tx.list_events(clip_id, trainee)
                pairs[trainee].append(clip_pair(tx, clip, gold_events, mine, parsed))
    return [CalibrationResult(
        t, len(p), visible, session.pass_line_percent,
        agreement_report_clips(p, tolerance_ms=tolerance_ms, coder_a="gold", coder_b=t)
        if p else None)
        for t, p in pairs.items()]


@dataclass(frozen=True)
class WorkRow:
    family: str
    clip_id: int
    label: str
    status: ClipStatus
    my_events: int
    assignment: str  # "" (the family's practitioner), or the coding role assigned
    done: bool

    @property
    def openable(self) -> bool:
        return self.status == ClipStatus.READY


def my_work(ctx: Context, user: User) -> list[WorkRow]:
    """'My work': the clips of the families the user codes, and the clips assigned to
    them, with how many marks they made on each."""
    rows: dict[int, WorkRow] = {}
    found: dict[int, tuple[str, Clip]] = {}
    with ctx.db.transaction(user.username) as tx:
        # only the assignments the gate still allows (a withdrawn consent ends them)
        assigned = {a.clip_id: a for a in _my_assignments(tx, user)}
        ids = family_ids_for(tx, user)
        families = [f for f in tx.list_families() if f.id in ids]
        clips = tx.clips_of_families([f.id for f in families])
        items = [(f, c) for f in families for c in clips[f.id]]
        for (family, clip), decision in zip(
                items, decide_many(tx, user, Action.CODE_CLIP, items), strict=True):
            if decision.allowed:
                found[clip.id] = (family.code, clip)
        others = tx.get_clips([cid for cid in assigned if cid not in found])
        codes = {f.id: f.code for f in tx.families_by_ids(
            [c.family_id for c in others.values()]).values()}
        for clip_id in assigned:
            if clip_id not in found:
                clip = others[clip_id]
                found[clip_id] = (codes[clip.family_id], clip)
        counts = tx.event_counts(list(found), user.username)  # one query, not one a clip
    for clip_id, (code, clip) in found.items():
        rows[clip_id] = _work_row(user, code, clip, assigned.get(clip_id), counts[clip_id])
    return sorted(rows.values(), key=lambda r: (r.family, r.clip_id))


def _work_row(user: User, code: str, clip: Clip, assignment: CodingAssignment | None,
              my_events: int) -> WorkRow:
    return WorkRow(
        family=code, clip_id=clip.id, label=clip_label(clip), status=clip.status,
        my_events=my_events,
        assignment=CODING_ROLE_WORDS[assignment.role] if assignment else "",
        done=bool(assignment and assignment.done_at))
