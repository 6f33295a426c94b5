"""Suggested marks: ``detect`` (listen to a clip) and ``suggestions list|accept|reject``."""

from __future__ import annotations

import argparse
import sys

from attune.cli.common import Subcommands, acting_user, add_command, add_group, emit, open_context
from attune.core.suggestions import Suggestion, SuggestionStatus


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "detect", cmd_detect, "listen to a ready clip's sound and watch its "
                    "picture, and suggest marks (the baby's vocalisations, fussing and "
                    "crying, adult answers as guesses, clear movements toward or away as "
                    "guesses); run again to refresh: rejected suggestions stay rejected",
                    common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--queue", action="store_true",
                   help="hand it to the worker (`attune worker`) and return")
    group = add_group(sub, "suggestions", "a clip's suggested marks: list them, accept "
                      "(they become your marks) or reject them")
    p = add_command(group, "list", cmd_list, "the clip's suggestions waiting for a decision",
                    common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--all", action="store_true", help="also those accepted or rejected")
    p.add_argument("--min-confidence", type=int, default=0, metavar="PERCENT",
                   help="only those at least this sure (0-100)")
    p = add_command(group, "accept", cmd_accept, "accept suggestions: each becomes your mark",
                    common)
    p.add_argument("suggestion_ids", type=int, nargs="+", metavar="SUGGESTION")
    p.add_argument("--code", help="accept under this code instead (same kind: cue or "
                   "response)")
    p = add_command(group, "reject", cmd_reject, "reject suggestions (they stay rejected "
                    "when the clip is analysed again)", common)
    p.add_argument("suggestion_ids", type=int, nargs="+", metavar="SUGGESTION")


def _line(s: Suggestion) -> str:
    code = (s.code or "?") + (" (guess)" if s.guess else "")
    status = "" if s.status == SuggestionStatus.PENDING else f"  [{s.status}]"
    return (f"  {s.id:>5}  {s.start_ms / 1000:7.1f}-{s.end_ms / 1000:<7.1f} s  {s.kind:<8} "
            f"{code:<12} {s.confidence:3d}%  {s.basis}{status}")


def cmd_detect(args: argparse.Namespace) -> None:
    from attune.services.suggestions import analyse_clip, queue_detection

    ctx = open_context()
    actor = acting_user(ctx, args)
    if args.queue:
        job = queue_detection(ctx, args.clip_id, actor)
        emit(args, job, f"Queued the analysis of clip {args.clip_id} (job {job.id}).")
        return
    tty = sys.stderr.isatty() and not args.json
    last = [""]

    def progress(stage: str, fraction: float) -> None:
        line = f"  {stage:<18} {'#' * int(fraction * 30):<30} {fraction * 100:5.1f}%"
        if tty and line != last[0]:
            print("\r" + line, end="", file=sys.stderr, flush=True)
            last[0] = line

    try:
        result = analyse_clip(ctx, actor, args.clip_id, progress)
    finally:
        if tty:
            print(file=sys.stderr)
    text = (f"Clip {args.clip_id}: {result.pending} suggestions wait for a decision "
            f"(`attune suggestions list {args.clip_id}`).") if result.pending else ""
    text = " ".join(t for t in (result.note, text) if t) or \
        f"Clip {args.clip_id}: nothing is suggested."
    emit(args, result, text)


def cmd_list(args: argparse.Namespace) -> None:
    from attune.core.suggestions import SuggestionStatus
    from attune.services.suggestions import list_suggestions

    ctx = open_context()
    found = list_suggestions(ctx, acting_user(ctx, args), args.clip_id,
                             None if args.all else SuggestionStatus.PENDING)
    found = [s for s in found if s.confidence >= args.min_confidence]
    lines = [f"clip {args.clip_id}: {len(found)} suggestions"] + [_line(s) for s in found]
    if not found:
        lines.append(f"  none (run `attune detect {args.clip_id}` to listen to the clip)")
    emit(args, found, lines)


def cmd_accept(args: argparse.Namespace) -> None:
    from attune.services.suggestions import accept_suggestion

    ctx = open_context()
    actor = acting_user(ctx, args)
    made = [accept_suggestion(ctx, actor, sid, args.code) for sid in args.suggestion_ids]
    emit(args, made, [f"Accepted: mark {e.id} {e.code} at {e.start_ms / 1000:.1f} s."
                      for e in made])


def cmd_reject(args: argparse.Namespace) -> None:
    from attune.services.suggestions import reject_suggestion

    ctx = open_context()
    actor = acting_user(ctx, args)
    done = [reject_suggestion(ctx, actor, sid) for sid in args.suggestion_ids]
    emit(args, done, [f"Rejected suggestion {s.id}." for s in done])
