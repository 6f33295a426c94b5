"""Setting up and running an installation: ``init``, ``demo``, ``settings``, ``worker``
and ``data fix-permissions``."""

from __future__ import annotations

import argparse
import sys

from attune.cli.common import Subcommands, add_command, add_group, emit, open_context
from attune.config import SETTINGS, Settings


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    add_command(sub, "init", cmd_init, "create the data folder, migrate the database to the "
                "newest schema and install the default coding scheme (run by the account attune "
                "runs as; needs no --as)", common)
    p = add_command(sub, "demo", cmd_demo, "load a demo family with consent, the sample clips, "
                    "two coders' events and demo accounts (prints the accounts; needs no --as)",
                    common)
    p.add_argument("--no-ingest", action="store_true",
                   help="store the clips without making proxies (faster)")
    p.add_argument("--caseload", type=int, metavar="N", default=None,
                   help="instead: a made-up year of a team's work, N families (CL-001…) "
                   "with 8-12 visits, 15-minute clips, 50-300 events each, a second coder "
                   "on a fifth, reels and reflections; 8 practitioners supervised by sue "
                   "(for benches: bench/pages.py)")
    p.add_argument("--media-cache", metavar="DIR", default=None,
                   help="with --caseload: keep the clips' made files here between runs")
    add_command(sub, "settings", cmd_settings, "list every ATTUNE_* setting, its default and "
                "help (needs no --as)", common)
    p = add_command(sub, "worker", cmd_worker, "run the background job worker (ingest, reels, "
                    "and every night the retention and the encrypted backup) until Ctrl+C; "
                    "uses Redis when ATTUNE_REDIS_URL is set (needs no --as: each "
                    "job acts for the account that asked for it)", common)
    p.add_argument("--workers", type=int, default=2, help="jobs run at once (default 2)")

    dat = add_group(sub, "data", "the data folder")
    add_command(dat, "fix-permissions", cmd_data_fix_permissions, "make the data folder, "
                "database, media and keys readable by this account only (folders 0700, "
                "files 0600; run by the account attune runs as, needs no --as)", common)


def cmd_init(args: argparse.Namespace) -> None:
    from attune.services.demo import initialise
    from attune.services.permissions import check_permissions, permission_warning

    ctx = open_context(migrate=True)
    info = initialise(ctx)
    emit(args, info, [f"Data folder: {ctx.settings.data_dir}",
                      f"Database:    {ctx.settings.database_url} (migrated to head)",
                      f"Schemes:     {', '.join(info['schemes'])}"])
    warning = permission_warning(check_permissions(ctx.settings))
    if warning:
        print(f"attune: warning: {warning}", file=sys.stderr)


def cmd_data_fix_permissions(args: argparse.Namespace) -> None:
    from attune.services.permissions import fix_permissions

    settings = Settings.from_env()
    changed = fix_permissions(settings)
    emit(args, {"changed": changed}, f"{changed} file(s) and folder(s) in "
         f"{settings.data_dir} made private to this account (folders 0700, files 0600).")


def cmd_demo(args: argparse.Namespace) -> None:
    from attune.services.demo import load_demo

    ctx = open_context(migrate=True)
    if args.caseload is not None:
        from pathlib import Path

        from attune.services.caseload import load_caseload

        if args.caseload < 1:
            raise SystemExit("attune: --caseload needs a number of families of 1 or more")
        made = load_caseload(ctx, args.caseload, media_cache=Path(args.media_cache)
                             if args.media_cache else None)
        emit(args, made, [f"Caseload: {made['families']} family(ies), {made['clips']} "
                          f"clip(s), {made['events']} event(s) added.",
                          f"Practitioners {', '.join(made['team'])}, supervisor sue, "
                          f"password {made['password']}."])
        return
    info = load_demo(ctx, ingest=not args.no_ingest)
    lines = [f"Demo family {info['family']} ({info['baby']}) with {len(info['clips'])} clip(s).",
             "Demo accounts (username / password):"]
    lines += [f"  {a['username']:<10} {a['password']:<14} {a['role']}" for a in info["accounts"]]
    emit(args, info, lines)


def cmd_settings(args: argparse.Namespace) -> None:
    rows = [{"env": s.env, "default": s.default, "help": s.help} for s in SETTINGS]
    emit(args, rows, [f"{s.env}\n    default: {s.default}\n    {s.help}" for s in SETTINGS])


def cmd_worker(args: argparse.Namespace) -> None:
    from attune.jobs import run_worker

    settings = Settings.from_env()
    open_context().close()
    print(f"attune worker: {args.workers} worker(s) on "
          f"{'Redis ' + settings.redis_url if settings.redis_url else settings.jobs_db_path}",
          file=sys.stderr)
    run_worker(settings, args.workers)
