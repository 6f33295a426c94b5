"""Clips: ``clip add``, ``clip info``, ``clip done``, ``clip retry``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from attune.cli.common import (
    Subcommands,
    acting_user,
    add_command,
    add_group,
    emit,
    open_context,
    parse_date,
)
from attune.core.clip import ClipStatus
from attune.errors import InputError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    clips = add_group(sub, "clip", "clips")
    p = add_command(clips, "add", cmd_clip_add, "store a recording for a family (consent is "
                    "checked first; the file is kept by content hash)", common)
    p.add_argument("family")
    p.add_argument("path")
    p.add_argument("--on", type=parse_date, help="day it was filmed (default today)")
    p.add_argument("--session", type=int, help="add to this session")
    p.add_argument("--scope", default="shared_review",
                   help="consent scope it is uploaded under (default shared_review)")
    p.add_argument("--third-parties", action="store_true",
                   help="flag that other people (siblings, visitors) are in frame")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--queue", action="store_true",
                     help="hand the processing to the worker (`attune worker`) and return")
    how.add_argument("--no-ingest", action="store_true",
                     help="only store the original; make no proxy")
    p = add_command(clips, "info", cmd_clip_info, "a clip's facts, status and processing "
                    "progress", common)
    p.add_argument("clip_id", type=int)
    p = add_command(clips, "done", cmd_clip_done, "mark your coding of a clip done (a blind "
                    "second coder sees the other coding only when both are done)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--reopen", action="store_true", help="mark it not done again")
    p = add_command(clips, "retry", cmd_clip_retry, "process a clip whose processing failed "
                    "again", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--queue", action="store_true", help="hand it to the worker")


def cmd_clip_add(args: argparse.Namespace) -> None:
    from attune.services.clips import store_clip
    from attune.services.consent import parse_scope

    ctx = open_context()
    actor = acting_user(ctx, args)
    path = Path(args.path)
    if not path.is_file():
        raise InputError(f"There is no file at {path}; check the path and try again.")
    clip = store_clip(ctx, actor, args.family, path, path.name, held_on=args.on,
                      session_id=args.session, uploaded_under=parse_scope(args.scope),
                      third_parties_in_frame=args.third_parties)
    stored = (f"Stored clip {clip.id} ({clip.original_name}, {clip.size_bytes} bytes, "
              f"sha256 {clip.sha256[:12]}…).")
    if args.no_ingest:
        emit(args, clip, stored)
        return
    if args.queue:
        from attune.services.ingest import queue_ingest

        job = queue_ingest(ctx, clip.id)
        emit(args, {"clip": clip, "job": job}, f"{stored} Queued for processing (job {job.id}); "
             f"`attune clip info {clip.id}` shows its progress.")
        return
    print(stored, file=sys.stderr)
    clip = _ingest_with_progress(ctx, clip.id, quiet=args.json)
    emit(args, clip, f"Clip {clip.id} is ready: {clip.duration_ms} ms, proxy "
         f"{clip.media.get('proxy_width')}x{clip.media.get('proxy_height')} at "
         f"{clip.media.get('proxy_fps')} fps.")


def _ingest_with_progress(ctx: Any, clip_id: int, quiet: bool = False) -> Any:
    """Run the ingest here, with a progress line on a terminal."""
    from attune.services.ingest import ingest_now

    tty = sys.stderr.isatty() and not quiet
    last: list[str] = [""]

    def progress(stage: str, fraction: float) -> None:
        line = f"  {stage:<10} {'#' * int(fraction * 30):<30} {fraction * 100:5.1f}%"
        if tty and line != last[0]:
            print("\r" + line, end="", file=sys.stderr, flush=True)
            last[0] = line

    try:
        return ingest_now(ctx, clip_id, progress)
    finally:
        if tty:
            print(file=sys.stderr)


def cmd_clip_info(args: argparse.Namespace) -> None:
    from attune.services.clips import get_clip
    from attune.services.ingest import ingest_job
    from attune.services.suggestions import events_from_suggestions

    ctx = open_context()
    actor = acting_user(ctx, args)
    clip = get_clip(ctx, actor, args.clip_id)
    job = ingest_job(ctx, clip.id)
    media = clip.media or {}
    facts = media.get("facts") or media.get("probe") or {}
    lines = [f"clip {clip.id}: {clip.original_name} [{clip.status}]",
             f"  sha256 {clip.sha256}, {clip.size_bytes} bytes, duration {clip.duration_ms} ms"]
    if job is not None and clip.status in (ClipStatus.QUEUED, ClipStatus.INGESTING):
        lines.append(f"  processing: {job.stage} {job.percent}%")
    if clip.failure_reason:
        lines.append(f"  failed: {clip.failure_reason}")
    if "proxy_fps" in media:
        lines.append(f"  proxy: {media['proxy_width']}x{media['proxy_height']} at "
                     f"{media['proxy_fps']} fps, {media['proxy_frame_count']} frames")
    lines += [f"  {k}: {v}" for k, v in sorted(facts.items())]
    from_suggestions = events_from_suggestions(ctx, actor, clip.id)
    if from_suggestions:  # for agreement audits: marks a coder accepted, not found
        lines.append("  marks accepted from suggestions: " + ", ".join(
            f"{who} {n}" for who, n in sorted(from_suggestions.items())))
    emit(args, {**asdict(clip), "job": job, "from_suggestions": from_suggestions}, lines)


def cmd_clip_done(args: argparse.Namespace) -> None:
    from attune.services.supervision import mark_done

    ctx = open_context()
    a = mark_done(ctx, acting_user(ctx, args), args.clip_id, not args.reopen)
    emit(args, a, f"Clip {a.clip_id}: {a.coder}'s coding marked "
         f"{'done' if a.done_at else 'open again'}.")


def cmd_clip_retry(args: argparse.Namespace) -> None:
    from attune.services.ingest import retry_ingest

    ctx = open_context()
    actor = acting_user(ctx, args)
    if args.queue:
        job = retry_ingest(ctx, actor, args.clip_id)
        emit(args, job, f"Queued clip {args.clip_id} again (job {job.id}).")
        return
    from attune.services.clips import get_clip
    from attune.services.ingest import retry_check

    retry_check(ctx, actor, get_clip(ctx, actor, args.clip_id))
    clip = _ingest_with_progress(ctx, args.clip_id, quiet=args.json)
    emit(args, clip, f"Clip {clip.id} is ready.")
