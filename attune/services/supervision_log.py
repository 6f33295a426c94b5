"""The supervision log and a practitioner's accreditation portfolio (docs/practice.md §8).

A supervisor logs each supervision session held with a practitioner of their team: the
day, how long, the clips and reels (recordings of shared reviews) watched, their notes
and the next steps agreed. Each clip or reel named must be one the supervisor may open
(the gate: the family's supervision consent).

The portfolio gathers, for an accreditation meeting, a practitioner's supervised cycles
(families with their filmed visits and shared reviews), the supervision sessions and
hours, their agreement over time and their calibration results. Consent decides what is
named: a family appears by its code only when its consent covers supervision (its work
was supervised) and training (a portfolio is for training); any other family is counted
together with the rest, never named, and no clip or reel of it is listed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from attune.core.accounts import Role, User
from attune.core.coding import SupervisionSession
from attune.core.policy import Action
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.access import decide_access, require_access, require_role
from attune.services.supervision import (
    CalibrationResult,
    calibration_results,
    calibrations,
    coders_over_time,
    team_agreement,
)
from attune.storage.store import Tx

MAX_MINUTES = 8 * 60  # a supervision session is a few hours at most


def _team(tx: Tx, supervisor: User) -> set[str]:
    return {u.username for u in tx.team_of(supervisor.username)
            if u.role == Role.PRACTITIONER and u.active}


def log_supervision(ctx: Context, supervisor: User, practitioner: str, held_on: date,
                    minutes: int, clip_ids: list[int] | None = None,
                    reel_ids: list[int] | None = None, notes: str = "",
                    actions: str = "") -> SupervisionSession:
    """Log a supervision session held with ``practitioner`` (of the supervisor's team).
    Nothing is saved when any part is wrong: a day in the future, a length that is not
    between 1 minute and 8 hours, or a clip or reel the supervisor may not open."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "log a supervision session")
    if held_on > date.today():
        raise InputError(f"The session's day ({held_on:%-d %B %Y}) is in the future; log a "
                         "session once it was held.")
    if not 0 < minutes <= MAX_MINUTES:
        raise InputError(f"How long the session lasted must be between 1 and {MAX_MINUTES} "
                         f"minutes, not {minutes}.")
    with ctx.db.transaction(supervisor.username) as tx:
        if practitioner not in _team(tx, supervisor):
            raise NotAllowedError(
                f"Not allowed: {practitioner} is not a practitioner of your team, so you "
                "cannot log their supervision. Choose someone from your team.",
                "log a supervision session", {"practitioner": practitioner})
        for clip_id in clip_ids or []:
            clip = tx.get_clip(clip_id)
            require_access(tx, supervisor, Action.VIEW_CLIP, clip.family_id, clip,
                           what=f"name clip {clip_id} in a supervision session")
        for reel_id in reel_ids or []:
            reel = tx.get_reel(reel_id)
            require_access(tx, supervisor, Action.WATCH_REEL, reel.family_id,
                           what=f"name reel {reel_id} in a supervision session")
        return tx.add_supervision_session(practitioner, held_on, minutes, clip_ids or [],
                                          reel_ids or [], notes.strip(), actions.strip())


def supervision_log(ctx: Context, user: User, practitioner: str | None = None
                    ) -> list[SupervisionSession]:
    """Logged sessions, oldest first: a supervisor sees those they held (with one
    practitioner when named); a practitioner sees their own."""
    with ctx.db.transaction(user.username) as tx:
        if user.active and user.role == Role.SUPERVISOR:
            return tx.supervision_sessions(supervisor=user.username,
                                           practitioner=practitioner)
        if user.active and user.role == Role.PRACTITIONER and practitioner in (
                None, user.username):
            return tx.supervision_sessions(practitioner=user.username)
    raise NotAllowedError("Not allowed: only a supervisor or the practitioner supervised "
                          "may read a supervision log.", "read the supervision log", {})


@dataclass(frozen=True)
class PortfolioFamily:
    """A family the practitioner worked with, named (its consent allows it)."""

    code: str
    visits: int  # filmed visits: sessions with a clip
    clips: int
    shared_reviews: int  # reels shared with the parents
    first_visit: date | None
    last_visit: date | None


@dataclass(frozen=True)
class Portfolio:
    practitioner: str
    supervisor: str
    made_on: date
    families: tuple[PortfolioFamily, ...]
    unnamed_families: int  # counted, not named: their consent does not cover it
    unnamed_visits: int
    unnamed_shared_reviews: int
    sessions: tuple[SupervisionSession, ...]  # clips and reels of named families only
    unnamed_items: int  # clips and reels watched of families not named
    agreement: pd.DataFrame = field(repr=False)  # date, compared with, kind, event kappa
    calibrations: tuple[tuple[str, CalibrationResult], ...] = ()

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    def consent_sentence(self) -> str:
        """What the consent rule did, in words."""
        base = ("A family is named here only when its consent covers supervision and "
                "training (this portfolio is for training).")
        if not self.unnamed_families:
            return base + " Every family of this practitioner's allows it."
        n = self.unnamed_families
        return (base + f" {n} other {'family is' if n == 1 else 'families are'} counted in "
                "the totals but not named, and none of their clips or reels is listed.")


def portfolio(ctx: Context, supervisor: User, practitioner: str,
              tolerance_ms: int = MATCH_TOLERANCE_MS,
              step_ms: int = SAMPLING_STEP_MS) -> Portfolio:
    """A practitioner's accreditation portfolio, made by their supervisor."""
    require_role(ctx, supervisor, {Role.SUPERVISOR}, "make an accreditation portfolio")
    named: list[PortfolioFamily] = []
    hidden_families = hidden_visits = hidden_reviews = 0
    named_ids: set[int] = set()
    with ctx.db.transaction(supervisor.username) as tx:
        if practitioner not in _team(tx, supervisor):
            raise NotAllowedError(
                f"Not allowed: {practitioner} is not a practitioner of your team, so you "
                "cannot make their portfolio.", "make an accreditation portfolio",
                {"practitioner": practitioner})
        for family in tx.list_families():
            if practitioner not in family.practitioners:
                continue
            clips = tx.clips_for_family(family.id)
            filmed = {c.session_id for c in clips}
            visits = [s for s in tx.sessions_for_family(family.id) if s.id in filmed]
            shared = sum(1 for r in tx.reels_for_family(family.id) if r.shared)
            if not visits and not shared:
                continue  # no filmed work with this family yet
            cleared = all(decide_access(tx, supervisor, action, family).allowed
                          for action in (Action.SUPERVISED_CYCLE, Action.LIST_IN_PORTFOLIO))
            if not cleared:
                hidden_families += 1
                hidden_visits += len(visits)
                hidden_reviews += shared
                continue
            named_ids.add(family.id)
            days = sorted(s.held_on for s in visits)
            named.append(PortfolioFamily(family.code, len(visits), len(clips), shared,
                                         days[0] if days else None,
                                         days[-1] if days else None))
        logged = tx.supervision_sessions(supervisor=supervisor.username,
                                         practitioner=practitioner)
        clip_family = {c: tx.get_clip(c).family_id for s in logged for c in s.clip_ids}
        reel_family = {r: tx.get_reel(r).family_id for s in logged for r in s.reel_ids}
    sessions, hidden_items = [], 0
    for s in logged:
        shown_clips = tuple(c for c in s.clip_ids if clip_family[c] in named_ids)
        shown_reels = tuple(r for r in s.reel_ids if reel_family[r] in named_ids)
        hidden_items += (len(s.clip_ids) - len(shown_clips) + len(s.reel_ids)
                         - len(shown_reels))
        sessions.append(SupervisionSession(s.id, s.supervisor, s.practitioner, s.held_on,
                                           s.minutes, shown_clips, shown_reels, s.notes,
                                           s.actions, s.created_at))
    pairs = team_agreement(ctx, supervisor, tolerance_ms, step_ms, audit=False)
    over_time = coders_over_time(pairs)
    mine = over_time[over_time["coder"] == practitioner].drop(columns=["clip"])
    results = []
    for c in calibrations(ctx, supervisor):
        if practitioner in c.trainees:
            for r in calibration_results(ctx, supervisor, c.id, tolerance_ms):
                if r.trainee == practitioner:
                    results.append((c.title, r))
    with ctx.db.transaction(supervisor.username) as tx:
        tx.audit("portfolio-made", "user", practitioner,
                 {"families_named": len(named), "families_counted": hidden_families})
    return Portfolio(practitioner, supervisor.username, date.today(), tuple(named),
                     hidden_families, hidden_visits, hidden_reviews, tuple(sessions),
                     hidden_items, mine.reset_index(drop=True), tuple(results))


def _hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min"


def _day(d: date | None) -> str:
    return "-" if d is None else f"{d.day} {d:%b %Y}"


def portfolio_document(made: Portfolio) -> tuple[str, list[str],
                                                 list[tuple[str, list[str] | pd.DataFrame]]]:
    """The portfolio as a title, opening sentences and sections (sentences or tables)."""
    title = f"Accreditation portfolio: {made.practitioner}"
    families = pd.DataFrame(
        [{"family": f.code, "filmed visits": f.visits, "clips": f.clips,
          "shared reviews": f.shared_reviews, "first visit": _day(f.first_visit),
          "last visit": _day(f.last_visit)} for f in made.families],
        columns=["family", "filmed visits", "clips", "shared reviews", "first visit",
                 "last visit"])
    cycles = [made.consent_sentence()]
    if made.unnamed_families:
        cycles.append(f"Not named: {made.unnamed_families} "
                      f"{'family' if made.unnamed_families == 1 else 'families'}, "
                      f"{made.unnamed_visits} filmed visits and "
                      f"{made.unnamed_shared_reviews} shared reviews in all.")
    total_visits = sum(f.visits for f in made.families) + made.unnamed_visits
    total_reviews = sum(f.shared_reviews for f in made.families) + \
        made.unnamed_shared_reviews
    cycles.append(f"In all: {len(made.families) + made.unnamed_families} families, "
                  f"{total_visits} filmed visits, {total_reviews} shared reviews.")
    log = pd.DataFrame(
        [{"day": _day(s.held_on), "length": _hours(s.minutes),
          "watched": ", ".join([f"clip {c}" for c in s.clip_ids]
                               + [f"reel {r}" for r in s.reel_ids]) or "-",
          "notes": s.notes or "-", "next steps agreed": s.actions or "-"}
         for s in made.sessions],
        columns=["day", "length", "watched", "notes", "next steps agreed"])
    n = len(made.sessions)
    hours = [f"{n} supervision {'session' if n == 1 else 'sessions'} with {made.supervisor}, "
             f"{_hours(made.minutes)} in all."]
    if made.unnamed_items:
        hours.append(f"{made.unnamed_items} clips or reels watched in these sessions belong "
                     "to families not named here, so they are not listed.")
    if made.agreement.empty:
        agreement: list[str] | pd.DataFrame = [
            "No double-coded or gold clip of this practitioner has been marked done yet."]
    else:
        frame = made.agreement.copy()
        frame["date"] = [_day(d) for d in frame["date"]]
        frame["event kappa"] = [("-" if pd.isna(v) else f"{v:.2f}")
                                for v in frame["event kappa"]]
        agreement = frame[["date", "compared with", "kind", "event kappa", "flag"]]
    calib = pd.DataFrame(
        [{"calibration": t, "clips done": f"{r.clips_done} of {r.clips}",
          "pass line": f"{r.pass_line_percent}%",
          "result": {True: "passed", False: "not yet passed", None: "not finished"}[r.passed],
          "codes under the line": ", ".join(
              r.per_code.loc[~r.per_code["passed"], "code"].astype(str)) or "-"}
         for t, r in made.calibrations],
        columns=["calibration", "clips done", "pass line", "result", "codes under the line"])
    intro = [f"Made by attune on {_day(made.made_on)} by {made.supervisor} for an "
             "accreditation meeting. Descriptive figures only; no licensed measure is "
             "scored."]
    return title, intro, [
        ("Supervised cycles (families, filmed visits, shared reviews)", cycles),
        ("Families named", families),
        ("Supervision sessions", hours), ("Supervision log", log),
        ("Agreement with other coders (event kappa; green .80 and above, amber .60 to "
         ".80)", agreement),
        ("Calibration results", calib)]


def portfolio_pdf(ctx: Context, supervisor: User, practitioner: str, path: Path | None = None,
                  tolerance_ms: int = MATCH_TOLERANCE_MS) -> bytes:
    """The portfolio as a PDF (written to ``path`` when given; the bytes are returned)."""
    from attune.interchange.reports import write_portfolio_pdf

    made = portfolio(ctx, supervisor, practitioner, tolerance_ms)
    title, intro, sections = portfolio_document(made)
    chart = made.agreement.assign(coder=practitioner) if not made.agreement.empty else None
    with tempfile.TemporaryDirectory() as folder:
        out = write_portfolio_pdf(Path(folder) / "portfolio.pdf", title, intro, sections,
                                  over_time=chart, chart_after=4)
        data = out.read_bytes()
    if path is not None:
        from attune.fileio import write_bytes_atomic

        write_bytes_atomic(path, data)
    return data
