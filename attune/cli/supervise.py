"""Supervision: ``supervise assign`` (blind double-coding), ``supervise gold`` and
``supervise report`` (agreement over time, as a table, CSV or PDF)."""

from __future__ import annotations

import argparse
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
    p.add_argument("--tolerance-ms", type=int, default=1000,
                   help="event matching tolerance (default 1000)")
    p.add_argument("--step-ms", type=int, default=1000,
                   help="time-unit kappa sampling step (default 1000)")
    p.add_argument("--out", help="also write the table as CSV")
    p.add_argument("--pdf", metavar="PATH", help="also write the report as PDF")


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
    from attune.core.coding import CodingRole
    from attune.services.supervision import agreement_frame, team_agreement

    pdf_path = _report_path(args.pdf)
    ctx = open_context()
    pairs = team_agreement(ctx, acting_user(ctx, args), args.tolerance_ms, args.step_ms)
    frame = agreement_frame(pairs)
    parameters = {"event matching tolerance (ms)": args.tolerance_ms,
                  "time-unit kappa sampling step (ms)": args.step_ms}
    if args.out:
        from attune.interchange.reports import write_agreement_csv

        write_agreement_csv(frame, Path(args.out), parameters)
    if pdf_path is not None:
        from attune.interchange.reports import write_agreement_pdf

        # the same headings as the PDF the Supervision page offers
        write_agreement_pdf([(f"Clip {p.clip_id}: {p.coder_a} and {p.coder_b} "
                              f"({'calibration' if p.role == CodingRole.GOLD else 'double-coding'}"
                              f", {p.assigned_on})", p.report) for p in pairs], pdf_path)
    if args.json:
        print_json([{"clip": p.clip_id, "coders": [p.coder_a, p.coder_b], "kind": str(p.role),
                     "date": p.assigned_on, "report": p.report.to_dict()} for p in pairs])
    elif frame.empty:
        print("No double-coded or gold clip has been marked done by both coders yet.")
    else:
        print(f"Parameters: event tolerance {args.tolerance_ms} ms, time-unit sampling step "
              f"{args.step_ms} ms")
        print(frame.to_string(index=False))
