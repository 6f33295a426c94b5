"""Figures: ``tally`` (sensitivity tallies of a family) and ``agreement`` (two coders)."""

from __future__ import annotations

import argparse
from pathlib import Path

from attune.cli.common import Subcommands, acting_user, add_command, open_context, print_json
from attune.errors import InputError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "tally", cmd_tally, "sensitivity tallies of a family, one row per "
                    "session", common)
    p.add_argument("--family", required=True)
    p.add_argument("--session", type=int, help="only this session")
    p.add_argument("--audience", choices=["practitioner", "parent"], default="practitioner",
                   help="parent: only the figures a parent may see")
    p.add_argument("--window-ms", type=int, help="re-score with this latency window (ms)")
    p.add_argument("--out", help="also write the table (.csv or .xlsx)")

    p = add_command(sub, "contingency", cmd_contingency, "responsiveness beyond chance "
                    "(practitioner-only): responses within the window after a cue against "
                    "the base rate at other times, Yule's Q, Fisher and shift-test p-values, "
                    "per group of cues (E, D, X, all); per visit with --family", common)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--clip", type=int, help="one clip")
    which.add_argument("--family", help="each visit of the family, then every visit pooled")
    p.add_argument("--step-ms", type=int, default=1000,
                   help="the time unit the clip is cut into (default 1000)")
    p.add_argument("--window-ms", type=int,
                   help="one window for every kind of cue instead of the scheme's (ms)")

    p = add_command(sub, "agreement", cmd_agreement, "agreement between two coders: event "
                    "kappa (onset tolerance), time-unit kappa (sampling step), alpha, flags",
                    common)
    p.add_argument("--clip", type=int, action="append", help="clip id (repeat for several)")
    p.add_argument("--coders", help="the two coders, A,B")
    p.add_argument("--files", nargs=2, metavar=("A", "B"),
                   help="two events files instead of the database")
    p.add_argument("--tolerance-ms", type=int, default=1000,
                   help="event matching: onsets at most this far apart pair up (default 1000)")
    p.add_argument("--step-ms", type=int, default=1000,
                   help="time-unit kappa: sample both timelines every this many ms (a "
                   "sampling step, not a tolerance; default 1000)")
    p.add_argument("--matching", choices=["onset", "overlap"], default="onset",
                   help="pair by onset (default) or by ELAN-style 60%% overlap")


def cmd_tally(args: argparse.Namespace) -> None:
    from attune.analysis.tallies import Audience
    from attune.services.analysis import family_tallies

    ctx = open_context()
    frame = family_tallies(ctx, acting_user(ctx, args), args.family, args.session,
                           Audience(args.audience), args.window_ms)
    if frame.empty:
        raise InputError(f"Family {args.family} has no processed clips to count yet.")
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() == ".xlsx":
            frame.to_excel(out, index=False)
        else:
            from attune.interchange.tables import neutralise_frame

            neutralise_frame(frame).to_csv(out, index=False)
    if args.json:
        print(frame.to_json(orient="records", date_format="iso", indent=2))
    else:
        print(frame.T.to_string(header=False))


def cmd_contingency(args: argparse.Namespace) -> None:
    from attune.services.analysis import clip_contingency, family_contingency

    ctx = open_context()
    user = acting_user(ctx, args)
    if args.clip is not None:
        report = clip_contingency(ctx, user, args.clip, step_ms=args.step_ms,
                                  window_ms=args.window_ms)
        if args.json:
            print_json(report.to_dict())
        else:
            print("\n".join(report.summary_lines()))
        return
    visits, overall = family_contingency(ctx, user, args.family, step_ms=args.step_ms,
                                         window_ms=args.window_ms)
    if args.json:
        print_json({"visits": [{"session": v.session_id, "date": str(v.session_date),
                                **v.report.to_dict()} for v in visits],
                    "all_visits": overall.to_dict()})
        return
    for v in visits:
        print(f"Visit of {v.session_date} (session {v.session_id})")
        print("\n".join(v.report.summary_lines()))
        print()
    print("Every visit together")
    print("\n".join(overall.summary_lines()))


def cmd_agreement(args: argparse.Namespace) -> None:
    from attune.analysis.agreement import agreement_report

    if args.files:
        from attune.interchange import read_events_file

        docs = [read_events_file(Path(p)) for p in args.files]
        report = agreement_report(list(docs[0].events), list(docs[1].events),
                                  tolerance_ms=args.tolerance_ms, step_ms=args.step_ms,
                                  clip_duration_ms=docs[0].clip.duration_ms,
                                  matching=args.matching)
    else:
        from attune.services.analysis import clip_agreement

        if not args.clip or not args.coders or len(args.coders.split(",")) != 2:
            raise InputError("Give --clip ID (repeat for several) and --coders A,B, or "
                             "--files a.json b.json.")
        a, b = args.coders.split(",")
        ctx = open_context()
        report = clip_agreement(ctx, acting_user(ctx, args), args.clip, a.strip(), b.strip(),
                                tolerance_ms=args.tolerance_ms, step_ms=args.step_ms,
                                matching=args.matching)
    if args.json:
        print_json(report.to_dict())
        return
    print("\n".join(report.summary_lines()))
