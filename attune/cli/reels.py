"""Highlight reels: ``reel propose``, ``moment``, ``create``, ``rename``, ``share``,
``unshare``, ``render``, ``handout``."""

from __future__ import annotations

import argparse
import json
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
from attune.core.practice import MAX_MOMENTS
from attune.errors import InputError
from attune.reels.plan import DEFAULT_TITLE


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    reels = add_group(sub, "reel", "highlight reels for the shared review")
    p = add_command(reels, "propose", cmd_reel_propose, "candidate moments of a clip, best "
                    "first (complete chains, subtle cues answered, breaks given, turns)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--pronoun", choices=["she", "he", "they"], default=None,
                   help="how captions speak of the baby (default: as the family's record "
                   "says)")
    p.add_argument("--accept", type=int, action="append", help="keep proposal N as a moment")
    p = add_command(reels, "moment", cmd_reel_moment, "choose a moment by hand (snapped to "
                    "frames)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("start_ms", type=int)
    p.add_argument("end_ms", type=int)
    p.add_argument("--caption")
    p.add_argument("--key-ms", type=int, help="the frame to film-stop on")
    p = add_command(reels, "create", cmd_reel_create, "make a reel of moments (1-"
                    f"{MAX_MOMENTS} is the VIG norm)", common)
    p.add_argument("family")
    p.add_argument("--moments", required=True, help="moment ids in order, e.g. 3,1,2")
    p.add_argument("--title", default=DEFAULT_TITLE)
    p = add_command(reels, "rename", cmd_reel_rename, "change the title on a reel's first card "
                    "(the reel goes back to draft: render it again)", common)
    p.add_argument("reel_id", type=int)
    p.add_argument("title")
    p = add_command(reels, "share", cmd_reel_share, "show the family's parents a rendered "
                    "reel, as it is now (after you have watched it)", common)
    p.add_argument("reel_id", type=int)
    p = add_command(reels, "unshare", cmd_reel_unshare, "stop showing a reel to the family's "
                    "parents", common)
    p.add_argument("reel_id", type=int)
    p = add_command(reels, "render", cmd_reel_render, "render a reel (needs shared_review "
                    "consent): the app's film, its captions a WebVTT track, and a copy with "
                    "them in the picture; or from files: --clip PATH --moments moments.json "
                    "--out reel.mp4, captions in the picture (prints JSON)", common)
    p.add_argument("reel_id", type=int, nargs="?")
    p.add_argument("--queue", action="store_true", help="hand it to the worker")
    p.add_argument("--clip", help="the proxy the moments file's moments come from")
    p.add_argument("--moments", dest="moments_file",
                   help="moments file (schemas/moments.v1.schema.json)")
    p.add_argument("--out", help="the reel to write (with --moments)")
    p.add_argument("--override-reason", help="keep captions the words check flags, saying "
                   "why (audited)")
    p = add_command(reels, "handout", cmd_reel_handout, "the printable A4 stills handout of a "
                    "reel", common)
    p.add_argument("reel_id", type=int)
    p.add_argument("--out", help="copy it here")


def cmd_reel_propose(args: argparse.Namespace) -> None:
    from attune.core.spans import format_ms
    from attune.services.reels import accept_proposal, propose

    ctx = open_context()
    actor = acting_user(ctx, args)
    proposals = propose(ctx, actor, args.clip_id, args.pronoun)
    accepted = [accept_proposal(ctx, actor, args.clip_id, proposals[i - 1])
                for i in args.accept or [] if 1 <= i <= len(proposals)]
    lines = [f"{i}. {format_ms(p.start_ms)}-{format_ms(p.end_ms)} {p.kind}: \"{p.caption}\" "
             f"({p.reason})" for i, p in enumerate(proposals, 1)]
    lines += [f"Accepted as moment {m.id}." for m in accepted]
    emit(args, {"proposals": proposals, "accepted": accepted},
         lines or f"Clip {args.clip_id} has no coded chains to propose yet.")


def cmd_reel_moment(args: argparse.Namespace) -> None:
    from attune.services.reels import add_moment, caption_findings

    ctx = open_context()
    moment = add_moment(ctx, acting_user(ctx, args), args.clip_id, args.start_ms, args.end_ms,
                        args.caption or "", args.key_ms)
    lines = [f"Moment {moment.id}: {moment.start_ms}-{moment.end_ms} ms (snapped to frames)."]
    lines += [f"  caption check: '{f.found}' ({f.rule}); try: {f.suggestion}"
              for f in caption_findings(moment)]
    emit(args, moment, lines)


def cmd_reel_create(args: argparse.Namespace) -> None:
    from attune.services.reels import create_reel, reel_draft

    ctx = open_context()
    actor = acting_user(ctx, args)
    ids = [int(x) for x in args.moments.split(",") if x.strip()]
    reel = create_reel(ctx, actor, args.family, ids, args.title)
    draft = reel_draft(ctx, actor, reel.id)
    lines = [f"Reel {reel.id} with moments {list(reel.moment_ids)}."]
    lines += [f"warning: {w}" for w in draft.warnings]
    lines += [f"caption check, moment {mid}: '{f.found}' ({f.rule}); try: {f.suggestion}"
              for mid, found in draft.findings.items() for f in found]
    emit(args, reel, lines)


def cmd_reel_rename(args: argparse.Namespace) -> None:
    from attune.services.reels import rename_reel

    ctx = open_context()
    reel = rename_reel(ctx, acting_user(ctx, args), args.reel_id, args.title)
    emit(args, reel, f"Reel {reel.id} is now called '{reel.title}' ({reel.status}); render "
                     "it again so the first card shows the new title.")


def cmd_reel_share(args: argparse.Namespace) -> None:
    from attune.services.reels import share_reel

    ctx = open_context()
    reel = share_reel(ctx, acting_user(ctx, args), args.reel_id)
    emit(args, reel, f"Reel {reel.id} is shared: the family's parents see it as it is now, "
                     "until you stop sharing it or share a newer version.")


def cmd_reel_unshare(args: argparse.Namespace) -> None:
    from attune.services.reels import unshare_reel

    ctx = open_context()
    reel = unshare_reel(ctx, acting_user(ctx, args), args.reel_id)
    emit(args, reel, f"Reel {reel.id} is not shared any more: the parents see nothing of it.")


def cmd_reel_render(args: argparse.Namespace) -> None:
    if args.moments_file:
        from attune.reels.render import render_reel_files

        if not args.out:
            raise InputError("Give --out reel.mp4 with --moments.")
        result = render_reel_files(Path(args.moments_file), Path(args.out),
                                   clip=Path(args.clip) if args.clip else None,
                                   override_reason=args.override_reason)
        print_json(result.to_dict())
        return
    if args.reel_id is None:
        raise InputError("Give a REEL_ID, or --clip PATH --moments moments.json --out reel.mp4.")
    from attune.services.reels import (
        keep_caption,
        queue_render,
        reel_draft,
        reel_moment_starts,
        render_now,
    )

    ctx = open_context()
    actor = acting_user(ctx, args)
    if args.override_reason:
        for mid in reel_draft(ctx, actor, args.reel_id).findings:
            keep_caption(ctx, actor, mid, args.override_reason)
    if args.queue:
        job = queue_render(ctx, actor, args.reel_id)
        emit(args, job, f"Reel {args.reel_id} queued for the worker (job {job.id}).")
        return
    reel = render_now(ctx, actor, args.reel_id)
    starts = [{"moment": m.id, "start_ms": s}
              for m, s in reel_moment_starts(ctx, actor, reel.id)]
    captioned = ctx.media.reel_captioned(reel.id)
    data = {"reel": reel.id, "path": str(ctx.media.root / (reel.path or "")),
            "captioned_path": str(captioned) if captioned.is_file() else None,
            "duration_ms": reel.duration_ms, "moments": starts}
    print(json.dumps(data, indent=2) if args.json else
          f"Reel {reel.id} rendered: {data['path']} ({reel.duration_ms} ms; captions as "
          f"its WebVTT track), with captions in the picture: {data['captioned_path']}.")


def cmd_reel_handout(args: argparse.Namespace) -> None:
    import shutil

    from attune.services.reels import handout

    ctx = open_context()
    path = handout(ctx, acting_user(ctx, args), args.reel_id)
    if args.out:
        shutil.copyfile(path, args.out)
    emit(args, {"path": args.out or path}, f"Wrote {args.out or path}.")
