"""Looking after an installation: ``backup``, ``backup-key``, ``restore``, ``nightly``,
``audit`` (verify, anchor, list) and ``retention run``."""

from __future__ import annotations

import argparse
from pathlib import Path

from attune.cli.common import (
    Subcommands,
    acting_user,
    acting_username,
    add_command,
    add_group,
    emit,
    open_context,
    parse_date,
    require_admin,
)
from attune.config import Settings


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = add_command(sub, "backup", cmd_backup, "write one archive with the database, coding "
                    "schemes, audit chain and media (admins; .tar.gz to compress)", common)
    p.add_argument("out", help="archive to write, e.g. attune-2026-11-22.tar.gz (or "
                   ".tar.age with --to)")
    p.add_argument("--to", metavar="PUBLIC_KEY", help="encrypt the archive to this age public "
                   "key (age1..., from `attune backup-key`; several separated by commas): "
                   "only the private key opens it")
    p = add_command(sub, "backup-key", cmd_backup_key, "make a key pair for encrypted backups: "
                    "writes the private key to FILE (0600; move it off the server) and prints "
                    "the public key for ATTUNE_BACKUP_RECIPIENTS", common)
    p.add_argument("file", help="new file for the private key, e.g. attune-backup.key")
    add_command(sub, "nightly", cmd_nightly, "run the nightly work now: retention deletions, "
                "then the encrypted backup into ATTUNE_BACKUP_DIR (administrators; the "
                "worker runs it every night at ATTUNE_NIGHTLY_HOUR)", common)
    p = add_command(sub, "restore", cmd_restore, "restore an archive into an EMPTY data folder "
                    "(set ATTUNE_DATA_DIR to a new folder first); checks everything before "
                    "writing; --as names an administrator account in the backup", common)
    p.add_argument("archive")
    p.add_argument("--identity", metavar="FILE", help="the private key file that opens an "
                   "encrypted backup (from `attune backup-key`)")
    p.add_argument("--other-audit-key", action="store_true", help="the old installation's "
                   "audit key is lost: restore anyway, sealing its audit log with this "
                   "installation's key (recorded in the log)")

    aud = add_group(sub, "audit", "the audit log")
    p = add_command(aud, "verify", cmd_audit_verify, "check the audit log's keyed hash chain "
                    "(administrators; exit 1 if damaged)", common)
    p.add_argument("--anchors", help="a file of anchors (attune audit anchor --to): also "
                   "check that every anchored entry is still there, unchanged")
    p = add_command(aud, "anchor", cmd_audit_anchor, "keep the audit log's head outside the "
                    "database: print it as a receipt, or append it to a file (administrators)",
                    common)
    p.add_argument("--to", help="append the head to this file (append-only, mode 0600), "
                   "e.g. on another disk")
    p = add_command(aud, "list", cmd_audit_list, "newest audit entries (administrators)", common)
    p.add_argument("--type", help="only this object type (clip, event, consent, ...)")
    p.add_argument("--limit", type=int, default=50)

    ret = add_group(sub, "retention", "deleting media past its retention date")
    p = add_command(ret, "run", cmd_retention_run, "delete what is past its retention date "
                    "and say what was deleted (administrators; audited in their name)", common)
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.add_argument("--today", type=parse_date, help=argparse.SUPPRESS)


def cmd_backup(args: argparse.Namespace) -> None:
    from attune.services.backup import backup
    from attune.services.backup_keys import parse_recipients

    ctx = open_context()
    actor = require_admin(ctx, args, "back up the installation")
    recipients = parse_recipients(args.to) if args.to else None
    report = backup(ctx, Path(args.out), actor.username, recipients=recipients)
    lines = [f"Wrote {report.path} ({report.size_bytes} bytes, sha256 {report.sha256[:12]}…): "
             f"{sum(report.rows.values())} rows, {report.media_files} media file(s)."]
    lines += [f"warning: {w}" for w in report.warnings]
    emit(args, report, lines)


def cmd_restore(args: argparse.Namespace) -> None:
    from attune.services import Context
    from attune.services.backup import restore
    from attune.services.backup_keys import read_identities

    actor = acting_username(args)  # the folder is empty: checked against the backup's accounts
    identities = read_identities(Path(args.identity)) if args.identity else None
    ctx = Context.open(Settings.from_env())
    report = restore(ctx, Path(args.archive), actor, other_audit_key=args.other_audit_key,
                     as_admin=True, identities=identities)
    lines = [f"Restored {report.archive} into {ctx.settings.data_dir}: "
             f"{sum(report.rows.values())} rows, {report.media_files} media file(s), "
             f"audit chain of {report.audit_entries} entries verified."]
    lines += [f"warning: {w}" for w in report.warnings]
    emit(args, report, lines)


def cmd_backup_key(args: argparse.Namespace) -> None:
    from attune.services.backup_keys import new_key_pair

    public = new_key_pair(Path(args.file))
    emit(args, {"public_key": public, "private_key_file": args.file},
         [f"Private key written to {args.file}. Move it off this server (a password manager "
          "or a safe): it is the only way to open the backups.",
          "Public key, for ATTUNE_BACKUP_RECIPIENTS:", public])


def cmd_nightly(args: argparse.Namespace) -> int:
    from attune.services.nightly import run_nightly_by_hand

    ctx = open_context()
    report = run_nightly_by_hand(ctx, require_admin(ctx, args, "run the nightly work"))
    lines = [f"Retention: {len(report.deleted)} famil"
             f"{'y' if len(report.deleted) == 1 else 'ies'} past the date, media deleted."]
    if report.backup is not None:
        lines.append(f"Backup written: {report.backup.path} ({report.backup.size_bytes} "
                     f"bytes, encrypted); {len(report.removed_backups)} older removed.")
    lines += [f"problem: {p}" for p in report.problems]
    emit(args, report, lines)
    return 0 if report.ok else 1


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from attune.services.audit import verify_audit

    ctx = open_context()
    require_admin(ctx, args, "verify the audit log")
    report = verify_audit(ctx, Path(args.anchors) if args.anchors else None)
    if report.ok:
        emit(args, report, f"Audit log intact: {report.entries} entries, chain verified"
             + (" against the anchors." if args.anchors else "."))
        return 0
    emit(args, report, f"AUDIT LOG DAMAGED at entry {report.entry_id}: {report.problem}. "
         "Keep a copy of the database and tell your data protection lead.")
    return 1


def cmd_audit_anchor(args: argparse.Namespace) -> None:
    from attune.services.audit import anchor_audit

    ctx = open_context()
    require_admin(ctx, args, "anchor the audit log")
    anchor = anchor_audit(ctx, Path(args.to) if args.to else None)
    where = f"Appended to {args.to}." if args.to else "Keep this receipt somewhere else:"
    emit(args, anchor, [f"Audit log head: entry {anchor.entry_id}, {anchor.entries} entries, "
                        f"at {anchor.at:%Y-%m-%d %H:%M:%S} UTC. {where}", anchor.line()])


def cmd_audit_list(args: argparse.Namespace) -> None:
    ctx = open_context()
    actor = require_admin(ctx, args, "read the audit log")
    with ctx.db.transaction(actor.username) as tx:
        entries = tx.audit_entries(object_type=args.type, limit=args.limit)
    emit(args, entries, [f"{e.id:>6} {e.at:%Y-%m-%d %H:%M:%S} {e.actor:<12} {e.action:<20} "
                         f"{e.object_type} {e.object_id}" for e in entries])


def cmd_retention_run(args: argparse.Namespace) -> None:
    from attune.services.retention import run_retention

    ctx = open_context()
    items = run_retention(ctx, acting_user(ctx, args), args.today, dry_run=args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    lines = [f"{verb} family {i.family}: clips {list(i.clip_ids)}, reels {list(i.reel_ids)} "
             f"(kept until {i.delete_after})" for i in items]
    emit(args, items, lines or "Nothing is past its retention date.")
