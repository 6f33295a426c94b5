"""Figures: ``tally`` (sensitivity tallies of a family) and ``agreement`` (two coders)."""

from __future__ import annotations

import argparse
from pathlib import Path

from attune.cli.common import (
    Subcommands,
    acting_user,
    add_command,
    open_context,
    parse_date,
    print_json,
)
from attune.core.practice import MATCH_TOLERANCE_MS, SAMPLING_STEP_MS
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
    p.add_argument("--by-modifier", action="store_true",
                   help="count each code's modifiers instead (how, how strongly, who "
                   "started): events per visit, code and value, and how many were attuned "
                   "or answered; practitioner figures")

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
    p.add_argument("--tolerance-ms", type=int, default=MATCH_TOLERANCE_MS,
                   help="event matching: onsets at most this far apart pair up "
                   f"(default {MATCH_TOLERANCE_MS})")
    p.add_argument("--step-ms", type=int, default=SAMPLING_STEP_MS,
                   help="time-unit kappa: sample both timelines every this many ms (a "
                   f"sampling step, not a tolerance; default {SAMPLING_STEP_MS})")
    p.add_argument("--matching", choices=["onset", "overlap"], default="onset",
                   help="pair by onset (default) or by ELAN-style 60%% overlap")
    register_search(sub, common)


def register_search(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "search", cmd_search, "find coded events across your caseload (a "
                    "supervisor: the team's) by code, modifier, kind, answered or not, "
                    "latency band, note words and visit dates", common)
    p.add_argument("--family", help="only this family")
    p.add_argument("--code", action="append", default=[], help="a code (repeat for several)")
    p.add_argument("--modifier", action="append", default=[], metavar="NAME=VALUE",
                   help="a modifier the event carries, e.g. modality=voice (repeat: all)")
    p.add_argument("--kind", choices=["cue", "response", "reaction"])
    p.add_argument("--subtle", action="store_true", help="only subtle cues")
    p.add_argument("--answered", choices=["yes", "no"],
                   help="cues answered (or not) with an attuned response; responses that "
                   "are (or are not) attuned")
    p.add_argument("--band", action="append", default=[],
                   help="latency band of the answer, e.g. prompt (repeat for several)")
    p.add_argument("--note", default="", help="words in the note")
    p.add_argument("--from", dest="date_from", type=parse_date, metavar="DATE",
                   help="visits on or after "
                   "this date (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=parse_date, metavar="DATE",
                   help="visits on or before this date")
    p.add_argument("--this-month", action="store_true", help="visits of this month")
    p.add_argument("--limit", type=int, default=500, help="at most this many (default 500)")


def cmd_search(args: argparse.Namespace) -> None:
    from datetime import date

    from attune.core.scheme import EventKind, Potency
    from attune.services.search import SearchQuery, search_events

    date_from, date_to = args.date_from, args.date_to
    if args.this_month:
        today = date.today()
        date_from = today.replace(day=1)
        date_to = date_to or today
    if args.limit < 1:
        raise InputError("--limit must be 1 or more.")
    query = SearchQuery(
        codes=frozenset(args.code), modifiers=frozenset(args.modifier),
        kind=EventKind(args.kind) if args.kind else None,
        potency=Potency.SUBTLE if args.subtle else None,
        answered=None if args.answered is None else args.answered == "yes",
        bands=frozenset(args.band), note=args.note, date_from=date_from, date_to=date_to,
        family=args.family, limit=args.limit)
    ctx = open_context()
    result = search_events(ctx, acting_user(ctx, args), query)
    if args.json:
        print_json({"clips_searched": result.clips_searched, "more": result.more,
                    "hits": [{"family": h.family, "clip": h.clip_id, "date": str(h.held_on),
                              "coder": h.coder, "event": h.event_id, "kind": str(h.kind),
                              "code": h.code, "start_ms": h.start_ms, "end_ms": h.end_ms,
                              "modifiers": list(h.modifiers), "note": h.note,
                              "answered": h.answered, "band": h.band,
                              "latency_ms": h.latency_ms} for h in result.hits]})
        return
    for h in result.hits:
        answer = ("" if h.answered is None else
                  f"answered {h.band} ({(h.latency_ms or 0) / 1000:.1f} s)" if h.answered
                  else "not answered")
        parts = [str(h.held_on), h.family, f"clip {h.clip_id} at {h.start_ms / 1000:.3f} s",
                 f"{h.code} {h.label}", h.modifier_words, answer, h.coder, h.note]
        print("  ".join(p for p in parts if p))
    print(f"{len(result.hits)} found{' (more: narrow the search)' if result.more else ''} "
          f"in {result.clips_searched} clip(s).")


def cmd_tally(args: argparse.Namespace) -> None:
    from attune.analysis.tallies import Audience
    from attune.services.analysis import family_tallies

    ctx = open_context()
    if args.by_modifier:
        from attune.services.analysis import family_modifier_tallies

        if args.audience == "parent":
            raise InputError("Counts by modifier are for practitioners; leave out "
                             "--audience parent.")
        frame = family_modifier_tallies(ctx, acting_user(ctx, args), args.family,
                                        args.session)
        if frame.empty:
            raise InputError(f"No event of family {args.family} carries a modifier yet.")
    else:
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
    elif args.by_modifier:
        print(frame.to_string(index=False))
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
