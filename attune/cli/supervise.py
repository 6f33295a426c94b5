"""Supervision: ``supervise assign`` (blind double-coding), ``supervise gold``,
``supervise report`` (agreement over time, as a table, CSV or PDF), ``supervise log`` and
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


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    sup = add_group(sub, "supervise", "blind double-coding, gold standards and agreement over "
                    "time")
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
    p.add_argument("--tolerance-ms", type=int, default=MATCH_TOLERANCE_MS,
                   help=f"event matching tolerance (default {MATCH_TOLERANCE_MS})")
    p.add_argument("--step-ms", type=int, default=SAMPLING_STEP_MS,
                   help=f"time-unit kappa sampling step (default {SAMPLING_STEP_MS})")
    p.add_argument("--out", help="also write the table as CSV")
    p.add_argument("--pdf", metavar="PATH", help="also write the report as PDF")
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
                    "its consent covers supervision and training", common)
    p.add_argument("practitioner")
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
    if pdf_path is not None:  # the same report as the Supervision page offers
        write_agreement_report(pairs, pdf_path, tallies=pair_icc(ctx, supervisor))
    if args.json:
        print_json([{"clip": p.clip_id, "coders": [p.coder_a, p.coder_b], "kind": str(p.role),
                     "date": p.assigned_on, "report": p.report.to_dict()} for p in pairs])
    elif frame.empty:
        print("No double-coded or gold clip has been marked done by both coders yet.")
    else:
        print(f"Parameters: event tolerance {args.tolerance_ms} ms, time-unit sampling step "
              f"{args.step_ms} ms")
        print(agreement_table(pairs).to_string(index=False))


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
    from attune.services.supervision_log import supervision_log

    ctx = open_context()
    sessions = supervision_log(ctx, acting_user(ctx, args), args.practitioner)
    lines = []
    for s in sessions:
        watched = [f"clip {c}" for c in s.clip_ids] + [f"reel {r}" for r in s.reel_ids]
        lines.append(f"{s.held_on}  {s.supervisor} with {s.practitioner}, {s.minutes} min; "
                     f"watched {', '.join(watched) or 'nothing'}"
                     + (f"; notes: {s.notes}" if s.notes else "")
                     + (f"; next steps: {s.actions}" if s.actions else ""))
    emit(args, sessions, lines or ["No supervision session logged yet."])


def cmd_supervise_portfolio(args: argparse.Namespace) -> None:
    from attune.services.supervision_log import portfolio_pdf

    path = _report_path(args.pdf)
    assert path is not None
    ctx = open_context()
    portfolio_pdf(ctx, acting_user(ctx, args), args.practitioner, path)
    print(f"Wrote {args.practitioner}'s accreditation portfolio to {path}.")
