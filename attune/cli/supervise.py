"""Supervision: ``supervise assign`` (blind double-coding), ``supervise gold``,
``supervise report`` (agreement over time, as a table, CSV or PDF), ``supervise group`` (a
group of coders on one clip), ``supervise calibrate`` and ``supervise calibrations``
(calibration sessions and their results), ``supervise log`` and
``supervise sessions`` (the supervision log) and ``supervise portfolio`` (a practitioner's
accreditation portfolio as PDF)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from attune.cli.common import (
    Subcommands,
    acting_user,
    add_command,
    add_group,
    emit,
    open_context,
    print_json,
)
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
from attune.errors import InputError


def _matching_options(p: argparse.ArgumentParser, step: bool = True) -> None:
    """The agreement parameters a command takes (defaults: the practice's)."""
    p.add_argument("--tolerance-ms", type=int, default=MATCH_TOLERANCE_MS,
                   help=f"event matching tolerance (default {MATCH_TOLERANCE_MS})")
    if step:
        p.add_argument("--step-ms", type=int, default=SAMPLING_STEP_MS,
                       help=f"time-unit kappa sampling step (default {SAMPLING_STEP_MS})")


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    sup = add_group(sub, "supervise", "blind double-coding, gold standards, groups of "
                    "coders, calibration, agreement over time, the supervision log and "
                    "accreditation portfolios")
    p = add_command(sup, "assign", cmd_supervise_assign, "assign a share of your team's coded "
                    "clips to a second practitioner, blind (only with second_coder consent)",
                    common)
    p.add_argument("--share", type=float, default=0.2, help="share of clips (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="for a reproducible choice")
    p.add_argument("--coders", help="second coders to use, a,b (default: your team)")
    p.add_argument("--family", help="only this family's clips")
    p = add_command(sup, "gold", cmd_supervise_gold, "make an expert's coding of a clip the "
                    "gold standard for calibration", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("expert")
    p = add_command(sup, "report", cmd_supervise_report, "agreement on every double-coded or "
                    "gold clip, oldest first (drift over time)", common)
    _matching_options(p)
    p.add_argument("--out", help="also write the table as CSV")
    p.add_argument("--pdf", metavar="PATH", help="also write the report as PDF")
    p = add_command(sup, "group", cmd_supervise_group, "every coder who marked a clip done "
                    "compared at once (Fleiss' kappa, Krippendorff's alpha, each lane) and "
                    "each against the gold coding: a training group on one gold clip",
                    common)
    p.add_argument("clip_id", type=int)
    _matching_options(p)
    p.add_argument("--pdf", metavar="PATH", help="also write the group's report as PDF")
    p = add_command(sup, "calibrate", cmd_supervise_calibrate, "start a calibration "
                    "session: gold clips each trainee codes blind, a code passing at the "
                    "pass line (needs second_coder and training consent)", common)
    p.add_argument("title")
    p.add_argument("--clips", required=True, help="gold clips, e.g. 3,5")
    p.add_argument("--trainees", required=True, help="trainees of your team, e.g. pat,sam")
    p.add_argument("--pass-line", type=int, default=80,
                   help="percentage a code must reach (default 80)")
    p = add_command(sup, "calibrations", cmd_supervise_calibrations, "calibration results: "
                    "each trainee of your sessions (supervisors), or your own (practitioners)",
                    common)
    _matching_options(p, step=False)
    p = add_command(sup, "log", cmd_supervise_log, "log a supervision session held with a "
                    "practitioner of your team (clips and reels watched, notes, next steps)",
                    common)
    p.add_argument("practitioner")
    p.add_argument("--on", type=date.fromisoformat, default=None,
                   help="day it was held, YYYY-MM-DD (default today)")
    p.add_argument("--minutes", type=int, required=True, help="how long it lasted")
    p.add_argument("--clips", default="", help="clips watched, e.g. 3,5")
    p.add_argument("--reels", default="", help="reels (shared reviews) watched, e.g. 2")
    p.add_argument("--notes", default="", help="the supervisor's notes")
    p.add_argument("--actions", default="", help="the next steps agreed")
    p = add_command(sup, "sessions", cmd_supervise_sessions, "the supervision log: the "
                    "sessions you held (supervisors) or had (practitioners), oldest first",
                    common)
    p.add_argument("--practitioner", help="only this practitioner's (supervisors)")
    p = add_command(sup, "portfolio", cmd_supervise_portfolio, "a practitioner's "
                    "accreditation portfolio as PDF: supervised cycles, sessions and hours, "
                    "agreement over time, calibration results; a family is named only when "
                    "its consent covers supervision and training. A supervisor makes it for "
                    "a practitioner of their team; a practitioner makes their own", common)
    p.add_argument("practitioner", nargs="?",
                   help="whose portfolio (a practitioner: their own, the default)")
    p.add_argument("--pdf", metavar="PATH", required=True, help="where to write the PDF")


def cmd_supervise_assign(args: argparse.Namespace) -> None:
    from attune.services.supervision import assign_double_coding

    ctx = open_context()
    plan = assign_double_coding(ctx, acting_user(ctx, args), args.share, args.seed,
                                args.coders.split(",") if args.coders else None, args.family)
    lines = [f"{len(plan.eligible)} coded clip(s) can be double-coded; assigned "
             f"{len(plan.chosen)} (share {args.share:.0%}, seed {args.seed}):"]
    lines += [f"  clip {a.clip_id} -> {a.coder} (blind)" for a in plan.chosen]
    if plan.skipped_no_consent:
        lines.append(f"Not eligible without second_coder consent: clips "
                     f"{list(plan.skipped_no_consent)}")
    emit(args, plan, lines)


def cmd_supervise_gold(args: argparse.Namespace) -> None:
    from attune.services.supervision import set_gold_coder

    ctx = open_context()
    a = set_gold_coder(ctx, acting_user(ctx, args), args.clip_id, args.expert)
    emit(args, a, f"Clip {a.clip_id}: {a.coder}'s coding is the gold standard.")


def _report_path(value: str | None) -> Path | None:
    """Where a report goes, checked before any work is done (the atomic writer would
    otherwise make missing folders, or fail on a folder's name with a traceback)."""
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name, e.g. {path / 'agreement.pdf'}.")
    if not path.parent.is_dir():
        raise InputError(f"The folder {path.parent} does not exist; create it or choose "
                         "another place for the report.")
    return path


def cmd_supervise_report(args: argparse.Namespace) -> None:
    from attune.analysis.agreement import parameter_sentences
    from attune.services.supervision import (
        agreement_frame,
        agreement_table,
        icc_lines,
        pair_icc,
        report_parameters,
        team_agreement,
        write_agreement_report,
    )

    pdf_path = _report_path(args.pdf)
    ctx = open_context()
    supervisor = acting_user(ctx, args)
    pairs = team_agreement(ctx, supervisor, args.tolerance_ms, args.step_ms)
    frame = agreement_frame(pairs)
    if args.out:
        from attune.interchange.reports import write_agreement_csv

        sentences = parameter_sentences(report_parameters(pairs, args.tolerance_ms,
                                                          args.step_ms))
        write_agreement_csv(agreement_table(pairs), Path(args.out), sentences)
    tallies = pair_icc(ctx, supervisor)
    if pdf_path is not None:  # the same report as the Supervision page offers
        write_agreement_report(pairs, pdf_path, tallies=tallies)
    if args.json:
        print_json([{"clip": p.clip_id, "coders": [p.coder_a, p.coder_b], "kind": str(p.role),
                     "date": p.assigned_on, "report": p.report.to_dict()} for p in pairs])
    elif frame.empty:
        print("No double-coded or gold clip has been marked done by both coders yet.")
    else:
        print(f"Parameters: event tolerance {args.tolerance_ms} ms, time-unit sampling step "
              f"{args.step_ms} ms")
        versions = report_parameters(pairs, args.tolerance_ms, args.step_ms).get("schemes")
        if isinstance(versions, list) and len(versions) > 1:
            print(f"Coding scheme versions (each clip compared with its own): "
                  f"{', '.join(versions)}")
        print(agreement_table(pairs).to_string(index=False))
        lines = icc_lines(tallies)
        if lines:  # the ICC across each pair's clips, as on the page and in the PDF
            print("Tallies across each pair's clips (ICC):")
            print("\n".join(f"  {line}" for line in lines))


def cmd_supervise_group(args: argparse.Namespace) -> None:
    from attune.services.supervision import clip_group_agreement, write_agreement_report

    pdf_path = _report_path(args.pdf)
    ctx = open_context()
    group = clip_group_agreement(ctx, acting_user(ctx, args), args.clip_id,
                                 args.tolerance_ms, args.step_ms)
    if pdf_path is not None:
        write_agreement_report([], pdf_path, title="Agreement of a group of coders",
                               groups=[(args.clip_id, group)])
    emit(args, group.to_dict(), [f"Clip {args.clip_id}: a group of {len(group.coders)} "
                                 "coders", *group.summary_lines()])


def cmd_supervise_calibrate(args: argparse.Namespace) -> None:
    from attune.services.supervision import create_calibration

    clips = _ids(args.clips, "clips")
    trainees = [t.strip() for t in args.trainees.split(",") if t.strip()]
    ctx = open_context()
    made = create_calibration(ctx, acting_user(ctx, args), args.title, clips, trainees,
                              args.pass_line)
    emit(args, made, f"'{made.title}' is ready (pass line {made.pass_line_percent}%): "
                     f"{', '.join(made.trainees)} now "
                     f"{'has' if len(made.trainees) == 1 else 'have'} "
                     f"{len(made.clip_ids)} clip(s) to code blind.")


def cmd_supervise_calibrations(args: argparse.Namespace) -> None:
    from attune.core.accounts import Role
    from attune.services.supervision import (
        calibration_results,
        calibrations,
        my_calibration_results,
    )

    ctx = open_context()
    user = acting_user(ctx, args)
    if user.role == Role.SUPERVISOR:
        found = [(c, r) for c in calibrations(ctx, user)
                 for r in calibration_results(ctx, user, c.id, args.tolerance_ms)]
    else:
        found = my_calibration_results(ctx, user, args.tolerance_ms)
    lines = []
    for c, r in found:
        result = {True: "passed", False: "below the pass line on some codes",
                  None: "not finished"}[r.passed]
        under = r.per_code.loc[~r.per_code["passed"], "code"].astype(str).tolist() \
            if len(r.per_code) else []
        lines.append(f"{c.title} (pass line {c.pass_line_percent}%): {r.trainee}, "
                     f"{r.clips_done} of {r.clips} clips done, {result}"
                     + (f"; under the line: {', '.join(under)}" if under else ""))
    emit(args, [{"calibration": c.title, "trainee": r.trainee, "clips_done": r.clips_done,
                 "clips": r.clips, "pass_line_percent": r.pass_line_percent,
                 "passed": r.passed, "per_code": r.per_code.to_dict("records")}
                for c, r in found], lines or ["No calibration session yet."])


def _ids(value: str, what: str) -> list[int]:
    try:
        return [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"Give the {what} as numbers separated by commas, e.g. 3,5; "
                         f"not {value!r}.") from None


def cmd_supervise_log(args: argparse.Namespace) -> None:
    from attune.services.supervision_log import log_supervision

    clips, reels = _ids(args.clips, "clips"), _ids(args.reels, "reels")
    ctx = open_context()
    s = log_supervision(ctx, acting_user(ctx, args), args.practitioner,
                        args.on or date.today(), args.minutes, clips, reels, args.notes,
                        args.actions)
    emit(args, s, f"Logged: supervision of {s.practitioner} on {s.held_on}, {s.minutes} "
                  f"minutes, {len(s.clip_ids)} clip(s) and {len(s.reel_ids)} reel(s) watched.")


def cmd_supervise_sessions(args: argparse.Namespace) -> None:
    from attune.services.supervision_log import supervision_log_entries

    ctx = open_context()
    entries = supervision_log_entries(ctx, acting_user(ctx, args), args.practitioner)
    lines = []
    for e in entries:
        s = e.session
        lines.append(f"{s.held_on}  {s.supervisor} with {s.practitioner}, {s.minutes} min; "
                     f"watched {'; '.join(e.watched) or 'nothing'}"
                     + (f"; notes: {s.notes}" if s.notes else "")
                     + (f"; next steps: {s.actions}" if s.actions else ""))
    emit(args, [e.session for e in entries], lines or ["No supervision session logged yet."])


def cmd_supervise_portfolio(args: argparse.Namespace) -> None:
    from attune.core.accounts import Role
    from attune.services.supervision_log import portfolio, portfolio_summary, write_portfolio

    path = _report_path(args.pdf)
    if path is None:
        raise InputError("Give where to write the portfolio with --pdf PATH.")
    ctx = open_context()
    user = acting_user(ctx, args)
    who = args.practitioner or (None if user.role == Role.SUPERVISOR else user.username)
    if who is None:
        raise InputError("Name the practitioner whose portfolio to make, e.g. "
                         "`attune supervise portfolio pat --pdf pat.pdf`.")
    made = portfolio(ctx, user, who)
    write_portfolio(made, path)
    n, hidden = len(made.families), made.unnamed_families
    emit(args, portfolio_summary(made),
         f"Wrote {who}'s accreditation portfolio to {path}: {n} "
         f"{'family' if n == 1 else 'families'} named, {hidden} counted but not named "
         f"(their consent does not cover supervision and training), {len(made.sessions)} "
         f"supervision session(s).")
