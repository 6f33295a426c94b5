"""``attune``: every job the app does, from the command line.

Run ``attune --help`` for the list and ``attune COMMAND --help`` for each. Commands act
as the account named by ``--as`` (or ``ATTUNE_USER``), with that account's permissions,
and exit with status 2 and a message saying what to do when the input is wrong.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from attune.config import SETTINGS, Settings
from attune.errors import AttuneError, InputError
from attune.reels.plan import DEFAULT_TITLE

Handler = Callable[[argparse.Namespace], Any]


# ------------------------------------------------------------------ helpers
def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _out(args: argparse.Namespace, data: Any, text: str | Sequence[str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(_jsonable(data), indent=2, ensure_ascii=False))
    else:
        print(text if isinstance(text, str) else "\n".join(text))


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-22") from None


def _context(args: argparse.Namespace, *, migrate: bool = False) -> Any:
    from attune.services import Context
    from attune.storage.db import is_migrated

    ctx = Context.open(Settings.from_env(), migrate=migrate)
    if not migrate and not is_migrated(ctx.db.engine):
        raise InputError(f"The database at {ctx.settings.database_url} is not set up yet. "
                         "Run `attune init` first (or `make run`).")
    return ctx


def _actor(ctx: Any, args: argparse.Namespace) -> Any:
    name = args.as_user or os.environ.get("ATTUNE_USER") or "admin"
    with ctx.db.transaction(name) as tx:
        user = tx.get_user(name)
    return user


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise InputError("The two passwords differ; run the command again.")
        return first
    raise InputError("Give the password on standard input with --password-stdin "
                     "(it is never taken from the command line, where others could see it).")


# ------------------------------------------------------------------ commands
def cmd_init(args: argparse.Namespace) -> None:
    from attune.services.demo import initialise
    from attune.services.permissions import check_permissions, permission_warning

    ctx = _context(args, migrate=True)
    info = initialise(ctx)
    _out(args, info, [f"Data folder: {ctx.settings.data_dir}",
                      f"Database:    {ctx.settings.database_url} (migrated to head)",
                      f"Schemes:     {', '.join(info['schemes'])}"])
    warning = permission_warning(check_permissions(ctx.settings))
    if warning:
        print(f"attune: warning: {warning}", file=sys.stderr)


def cmd_data_fix_permissions(args: argparse.Namespace) -> None:
    from attune.services.permissions import fix_permissions

    settings = Settings.from_env()
    changed = fix_permissions(settings)
    _out(args, {"changed": changed}, f"{changed} file(s) and folder(s) in "
         f"{settings.data_dir} made private to this account (folders 0700, files 0600).")


def cmd_demo(args: argparse.Namespace) -> None:
    from attune.services.demo import load_demo

    ctx = _context(args, migrate=True)
    info = load_demo(ctx, ingest=not args.no_ingest)
    lines = [f"Demo family {info['family']} ({info['baby']}) with {len(info['clips'])} clip(s).",
             "Demo accounts (username / password):"]
    lines += [f"  {a['username']:<10} {a['password']:<14} {a['role']}" for a in info["accounts"]]
    _out(args, info, lines)


def cmd_settings(args: argparse.Namespace) -> None:
    rows = [{"env": s.env, "default": s.default, "help": s.help} for s in SETTINGS]
    _out(args, rows, [f"{s.env}\n    default: {s.default}\n    {s.help}" for s in SETTINGS])


def cmd_user_add(args: argparse.Namespace) -> None:
    from attune.services.accounts import add_user

    ctx = _context(args)
    actor = args.as_user or os.environ.get("ATTUNE_USER") or "admin"
    with ctx.db.transaction(actor) as tx:
        existing = tx.list_users()
    if existing:  # the very first account may be made by anyone at the console
        from attune.core.people import Role
        from attune.services.access import require_role

        require_role(ctx, _actor(ctx, args), {Role.ADMIN}, "add accounts")
    else:
        actor = args.username
    user = add_user(ctx, actor, args.username, args.role, _password(args), args.name or "",
                    args.supervisor)
    _out(args, user, f"Added {user.role} {user.username}.")


def cmd_user_list(args: argparse.Namespace) -> None:
    ctx = _context(args)
    with ctx.db.transaction("cli") as tx:
        users = tx.list_users()
    _out(args, users, [f"{u.username:<16} {u.role:<13} {u.display_name}"
                       + ("" if u.active else "  (switched off)") for u in users]
         or "No accounts yet: add one with `attune user add NAME --role admin`.")


def cmd_user_set_password(args: argparse.Namespace) -> None:
    from attune.core.people import Role
    from attune.services.access import require_role
    from attune.services.accounts import set_password

    ctx = _context(args)
    actor = _actor(ctx, args)
    if actor.username != args.username:
        require_role(ctx, actor, {Role.ADMIN}, "change another account's password")
    set_password(ctx, actor.username, args.username, _password(args))
    _out(args, {"username": args.username}, f"Password of {args.username} changed.")


def cmd_family_add(args: argparse.Namespace) -> None:
    from attune.services.families import add_family, assign_practitioner, link_parent

    ctx = _context(args)
    actor = _actor(ctx, args)
    family = add_family(ctx, actor, args.code, args.baby, args.birth_month, args.pronoun)
    for name in args.practitioner or []:
        assign_practitioner(ctx, actor, args.code, name)
    for name in args.parent or []:
        link_parent(ctx, actor, args.code, name)
    from attune.services.families import get_family

    family = get_family(ctx, actor, args.code)
    _out(args, family, f"Added family {family.code} ({family.baby_name}); practitioners: "
         f"{', '.join(family.practitioners) or 'none yet'}.")


def cmd_family_list(args: argparse.Namespace) -> None:
    from attune.services.families import family_clips, visible_families

    ctx = _context(args)
    actor = _actor(ctx, args)
    families = visible_families(ctx, actor)
    rows: list[dict[str, Any]] = []
    lines = []
    for f in families:
        row: dict[str, Any] = {"family": f}
        lines.append(f"{f.code:<12} {f.baby_name:<12} practitioners: "
                     f"{', '.join(f.practitioners) or '-'}")
        if args.clips:
            clips = family_clips(ctx, actor, f)  # the gate: only clips they may open
            row["clips"] = clips
            lines += [f"    clip {c.id}: {c.original_name} [{c.status}]" for c in clips]
        rows.append(row)
    _out(args, rows, lines or "No families you can see yet. Add one with `attune family add`.")


def cmd_consent_record(args: argparse.Namespace) -> None:
    from attune.services.consent import parse_scope, record_consent

    ctx = _context(args)
    actor = _actor(ctx, args)
    decisions = [record_consent(ctx, actor, args.family, parse_scope(s), not args.declined,
                                args.on or date.today(), args.evidence or "", args.clip,
                                args.retain_until) for s in args.scope]
    word = "declined" if args.declined else "granted"
    _out(args, decisions, [f"Recorded: {d.scope} {word} on {d.decided_on}" for d in decisions])


def cmd_consent_withdraw(args: argparse.Namespace) -> None:
    from attune.services.consent import parse_scope, plan_withdrawal, withdraw_consent

    ctx = _context(args)
    actor = _actor(ctx, args)
    scope = parse_scope(args.scope)
    plan = plan_withdrawal(ctx, actor, args.family, scope, args.clip)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError(plan.describe() + " Add --yes to confirm.")
        print(plan.describe())
        if input("Type WITHDRAW to confirm: ").strip() != "WITHDRAW":
            raise InputError("Nothing was changed.")
    done = withdraw_consent(ctx, actor, args.family, scope, args.on, args.clip)
    _out(args, done, f"Withdrawn '{scope}'. " + done.describe().replace("This deletes",
                                                                         "Deleted"))


def cmd_consent_show(args: argparse.Namespace) -> None:
    from attune.services.consent import consent_summary

    ctx = _context(args)
    actor = _actor(ctx, args)
    states, decisions = consent_summary(ctx, actor, args.family)
    today = date.today()
    rows = []
    lines = [f"Consent of family {args.family} on {today}:"]
    for st in states:
        rows.append({"scope": st.scope.value, "allowed": st.in_force, "meaning": st.meaning})
        lines.append(f"  {'yes' if st.in_force else 'no ':<4}{st.scope.value:<14} {st.meaning}")
    lines.append("History:")
    lines += [f"  #{d.id} {d.decided_on} {d.scope} {'granted' if d.granted else 'declined'}"
              + (f", clip {d.clip_id}" if d.clip_id else "")
              + (f", withdrawn {d.withdrawn_on}" if d.withdrawn_on else "")
              + (f", keep until {d.retain_until}" if d.retain_until else "")
              + f" (recorded by {d.recorded_by})" for d in decisions]
    _out(args, {"scopes": rows, "decisions": decisions}, lines)


def cmd_session_add(args: argparse.Namespace) -> None:
    from attune.services.families import add_session

    ctx = _context(args)
    session = add_session(ctx, _actor(ctx, args), args.family, args.on or date.today(),
                          args.note or "")
    _out(args, session, f"Added session {session.id} on {session.held_on}.")


def cmd_clip_add(args: argparse.Namespace) -> None:
    from attune.services.clips import store_clip
    from attune.services.consent import parse_scope

    ctx = _context(args)
    actor = _actor(ctx, args)
    path = Path(args.path)
    if not path.is_file():
        raise InputError(f"There is no file at {path}; check the path and try again.")
    clip = store_clip(ctx, actor, args.family, path, path.name, held_on=args.on,
                      session_id=args.session, uploaded_under=parse_scope(args.scope),
                      third_parties_in_frame=args.third_parties)
    stored = (f"Stored clip {clip.id} ({clip.original_name}, {clip.size_bytes} bytes, "
              f"sha256 {clip.sha256[:12]}…).")
    if args.no_ingest:
        _out(args, clip, stored)
        return
    if args.queue:
        from attune.services.ingest import queue_ingest

        job = queue_ingest(ctx, clip.id)
        _out(args, {"clip": clip, "job": job}, f"{stored} Queued for processing (job {job.id}); "
             "`attune clip info {clip.id}` shows its progress.")
        return
    _err(stored)
    clip = _ingest_with_progress(ctx, clip.id, quiet=args.json)
    _out(args, clip, f"Clip {clip.id} is ready: {clip.duration_ms} ms, proxy "
         f"{clip.media.get('proxy_width')}x{clip.media.get('proxy_height')} at "
         f"{clip.media.get('proxy_fps')} fps.")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


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


def cmd_clip_retry(args: argparse.Namespace) -> None:
    from attune.services.ingest import retry_ingest

    ctx = _context(args)
    actor = _actor(ctx, args)
    if args.queue:
        job = retry_ingest(ctx, actor, args.clip_id)
        _out(args, job, f"Queued clip {args.clip_id} again (job {job.id}).")
        return
    from attune.services.clips import get_clip
    from attune.services.ingest import retry_check

    retry_check(ctx, actor, get_clip(ctx, actor, args.clip_id))
    clip = _ingest_with_progress(ctx, args.clip_id, quiet=args.json)
    _out(args, clip, f"Clip {clip.id} is ready.")


def cmd_worker(args: argparse.Namespace) -> None:
    from attune.jobs import run_worker

    settings = Settings.from_env()
    _context(args).close()
    print(f"attune worker: {args.workers} worker(s) on "
          f"{'Redis ' + settings.redis_url if settings.redis_url else settings.jobs_db_path}",
          file=sys.stderr)
    run_worker(settings, args.workers)


def cmd_clip_info(args: argparse.Namespace) -> None:
    from attune.services.clips import get_clip

    ctx = _context(args)
    from attune.services.ingest import ingest_job

    clip = get_clip(ctx, _actor(ctx, args), args.clip_id)
    job = ingest_job(ctx, clip.id)
    media = clip.media or {}
    facts = media.get("facts") or media.get("probe") or {}
    lines = [f"clip {clip.id}: {clip.original_name} [{clip.status}]",
             f"  sha256 {clip.sha256}, {clip.size_bytes} bytes, duration {clip.duration_ms} ms"]
    if job is not None and clip.status in ("queued", "ingesting"):
        lines.append(f"  processing: {job.stage} {job.percent}%")
    if clip.failure_reason:
        lines.append(f"  failed: {clip.failure_reason}")
    if "proxy_fps" in media:
        lines.append(f"  proxy: {media['proxy_width']}x{media['proxy_height']} at "
                     f"{media['proxy_fps']} fps, {media['proxy_frame_count']} frames")
    lines += [f"  {k}: {v}" for k, v in sorted(facts.items())]
    _out(args, {**asdict(clip), "job": job}, lines)


def cmd_events_list(args: argparse.Namespace) -> None:
    from attune.core.spans import format_ms
    from attune.services.events import list_events

    ctx = _context(args)
    events = list_events(ctx, _actor(ctx, args), args.clip_id, args.coder,
                         args.include_deleted)
    _out(args, events, [f"#{e.id:<5} {format_ms(e.start_ms):>10} {e.kind:<9} {e.code:<4} "
                        f"{e.coder}" + (f" answers #{e.answers_id}" if e.answers_id else "")
                        + (" (deleted)" if e.deleted_at else "") for e in events]
         or f"Clip {args.clip_id} has no events yet.")


def cmd_events_export(args: argparse.Namespace) -> None:
    from attune.services.exchange import export_clip_events

    ctx = _context(args)
    out = export_clip_events(ctx, _actor(ctx, args), args.clip_id, Path(args.out),
                             coder=args.coder)
    _out(args, {"path": out}, f"Wrote {out}.")


def cmd_events_import(args: argparse.Namespace) -> None:
    from attune.services.exchange import import_clip_events

    ctx = _context(args)
    events = import_clip_events(ctx, _actor(ctx, args), args.clip_id, Path(args.path),
                                mapping_path=Path(args.mapping) if args.mapping else None,
                                coder=args.coder)
    _out(args, {"imported": len(events)}, f"Imported {len(events)} event(s) into clip "
         f"{args.clip_id}.")


def cmd_scheme_list(args: argparse.Namespace) -> None:
    ctx = _context(args)
    with ctx.db.transaction("cli") as tx:
        schemes = tx.list_schemes()
    _out(args, [{"name": s.name, "version": s.version, "codes": len(s.document["codes"])}
                for s in schemes],
         [f"{s.name} v{s.version}: {len(s.document['codes'])} codes" for s in schemes])


def cmd_scheme_show(args: argparse.Namespace) -> None:
    ctx = _context(args)
    with ctx.db.transaction("cli") as tx:
        stored = tx.get_scheme(args.name, args.version)
    doc = stored.document
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    print(f"{doc.get('title', stored.name)} ({stored.name} v{stored.version})")
    print("windows (ms): " + ", ".join(f"{k} {v}" for k, v in
                                       doc["latency_windows_ms"].items()))
    for c in doc["codes"]:
        extra = c.get("valence", "") + c.get("potency", "")
        print(f"  [{c.get('key') or ' '}] {c['id']:<4} {c['kind']:<9} {extra:<3} {c['label']}"
              + ("  (practitioner only)" if c.get("practitioner_only") else ""))


def cmd_scheme_add(args: argparse.Namespace) -> None:
    from attune.services.schemes import save_scheme

    path = Path(args.path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"There is no file at {path}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not a JSON document ({exc}); save the scheme as JSON "
                         "(see schemas/coding_scheme.v1.schema.json).") from None
    ctx = _context(args)
    stored = save_scheme(ctx, _actor(ctx, args), document)
    _out(args, {"name": stored.name, "version": stored.version},
         f"Saved coding scheme {stored.name} v{stored.version}.")


def cmd_convert(args: argparse.Namespace) -> None:
    from attune.interchange import convert

    doc = convert(args.input, args.output, mapping=args.mapping)
    coders = sorted({e.coder for e in doc.events})
    _out(args, {"output": args.output, "events": len(doc.events), "coders": coders},
         f"Wrote {len(doc.events)} event(s) of {', '.join(coders) or 'no coder'} to "
         f"{args.output}.")


def cmd_tally(args: argparse.Namespace) -> None:
    from attune.analysis.tallies import Audience
    from attune.services.analysis import family_tallies

    ctx = _context(args)
    frame = family_tallies(ctx, _actor(ctx, args), args.family, args.session,
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
        ctx = _context(args)
        report = clip_agreement(ctx, _actor(ctx, args), args.clip, a.strip(), b.strip(),
                                tolerance_ms=args.tolerance_ms, step_ms=args.step_ms,
                                matching=args.matching)
    data = report.to_dict()
    if args.json:
        print(json.dumps(_jsonable(data), indent=2, ensure_ascii=False))
        return
    print("\n".join(report.summary_lines()))


def cmd_clip_done(args: argparse.Namespace) -> None:
    from attune.services.supervision import mark_done

    ctx = _context(args)
    a = mark_done(ctx, _actor(ctx, args), args.clip_id, not args.reopen)
    _out(args, a, f"Clip {a.clip_id}: {a.coder}'s coding marked "
         f"{'done' if a.done_at else 'open again'}.")


def cmd_supervise_assign(args: argparse.Namespace) -> None:
    from attune.services.supervision import assign_double_coding

    ctx = _context(args)
    plan = assign_double_coding(ctx, _actor(ctx, args), args.share, args.seed,
                                args.coders.split(",") if args.coders else None, args.family)
    lines = [f"{len(plan.eligible)} coded clip(s) can be double-coded; assigned "
             f"{len(plan.chosen)} (share {args.share:.0%}, seed {args.seed}):"]
    lines += [f"  clip {a.clip_id} -> {a.coder} (blind)" for a in plan.chosen]
    if plan.skipped_no_consent:
        lines.append(f"Not eligible without second_coder consent: clips "
                     f"{list(plan.skipped_no_consent)}")
    _out(args, plan, lines)


def cmd_supervise_gold(args: argparse.Namespace) -> None:
    from attune.services.supervision import set_gold_coder

    ctx = _context(args)
    a = set_gold_coder(ctx, _actor(ctx, args), args.clip_id, args.expert)
    _out(args, a, f"Clip {a.clip_id}: {a.coder}'s coding is the gold standard.")


def cmd_supervise_report(args: argparse.Namespace) -> None:
    from attune.services.supervision import agreement_frame, team_agreement

    ctx = _context(args)
    pairs = team_agreement(ctx, _actor(ctx, args), args.tolerance_ms, args.step_ms)
    frame = agreement_frame(pairs)
    parameters = {"event matching tolerance (ms)": args.tolerance_ms,
                  "time-unit kappa sampling step (ms)": args.step_ms}
    if args.out:
        from attune.interchange.reports import write_agreement_csv

        write_agreement_csv(frame, Path(args.out), parameters)
    if args.pdf:
        from attune.interchange.reports import write_agreement_pdf

        write_agreement_pdf([(f"Clip {p.clip_id}, {p.assigned_on}: {p.coder_a} and {p.coder_b}"
                              f" ({'calibration' if p.role == 'gold' else 'double-coding'})",
                              p.report) for p in pairs], Path(args.pdf))
    if args.json:
        print(json.dumps(_jsonable([{"clip": p.clip_id, "coders": [p.coder_a, p.coder_b],
                                     "kind": str(p.role), "date": p.assigned_on,
                                     "report": p.report.to_dict()} for p in pairs]),
                         indent=2, ensure_ascii=False))
    elif frame.empty:
        print("No double-coded or gold clip has been marked done by both coders yet.")
    else:
        print(f"Parameters: event tolerance {args.tolerance_ms} ms, time-unit sampling step "
              f"{args.step_ms} ms")
        print(frame.to_string(index=False))


def cmd_reel_propose(args: argparse.Namespace) -> None:
    from attune.core.spans import format_ms
    from attune.services.reels import accept_proposal, propose

    ctx = _context(args)
    actor = _actor(ctx, args)
    proposals = propose(ctx, actor, args.clip_id, args.pronoun)
    accepted = [accept_proposal(ctx, actor, args.clip_id, proposals[i - 1])
                for i in args.accept or [] if 1 <= i <= len(proposals)]
    lines = [f"{i}. {format_ms(p.start_ms)}-{format_ms(p.end_ms)} {p.kind}: \"{p.caption}\" "
             f"({p.reason})" for i, p in enumerate(proposals, 1)]
    lines += [f"Accepted as moment {m.id}." for m in accepted]
    _out(args, {"proposals": proposals, "accepted": accepted},
         lines or f"Clip {args.clip_id} has no coded chains to propose yet.")


def cmd_reel_moment(args: argparse.Namespace) -> None:
    from attune.services.reels import add_moment, caption_findings

    ctx = _context(args)
    moment = add_moment(ctx, _actor(ctx, args), args.clip_id, args.start_ms, args.end_ms,
                        args.caption or "", args.key_ms)
    lines = [f"Moment {moment.id}: {moment.start_ms}-{moment.end_ms} ms (snapped to frames)."]
    lines += [f"  caption check: '{f.found}' ({f.rule}); try: {f.suggestion}"
              for f in caption_findings(moment)]
    _out(args, moment, lines)


def cmd_reel_create(args: argparse.Namespace) -> None:
    from attune.services.reels import create_reel, reel_draft

    ctx = _context(args)
    actor = _actor(ctx, args)
    ids = [int(x) for x in args.moments.split(",") if x.strip()]
    reel = create_reel(ctx, actor, args.family, ids, args.title)
    draft = reel_draft(ctx, actor, reel.id)
    lines = [f"Reel {reel.id} with moments {list(reel.moment_ids)}."]
    lines += [f"warning: {w}" for w in draft.warnings]
    lines += [f"caption check, moment {mid}: '{f.found}' ({f.rule}); try: {f.suggestion}"
              for mid, found in draft.findings.items() for f in found]
    _out(args, reel, lines)


def cmd_reel_rename(args: argparse.Namespace) -> None:
    from attune.services.reels import rename_reel

    ctx = _context(args)
    reel = rename_reel(ctx, _actor(ctx, args), args.reel_id, args.title)
    _out(args, reel, f"Reel {reel.id} is now called '{reel.title}' ({reel.status}); render "
                     "it again so the first card shows the new title.")


def cmd_reel_share(args: argparse.Namespace) -> None:
    from attune.services.reels import share_reel

    ctx = _context(args)
    reel = share_reel(ctx, _actor(ctx, args), args.reel_id)
    _out(args, reel, f"Reel {reel.id} is shared: the family's parents see it as it is now, "
                     "until you stop sharing it or share a newer version.")


def cmd_reel_unshare(args: argparse.Namespace) -> None:
    from attune.services.reels import unshare_reel

    ctx = _context(args)
    reel = unshare_reel(ctx, _actor(ctx, args), args.reel_id)
    _out(args, reel, f"Reel {reel.id} is not shared any more: the parents see nothing of it.")


def cmd_reel_render(args: argparse.Namespace) -> None:
    if args.moments_file:
        from attune.reels.render import render_reel_files

        if not args.out:
            raise InputError("Give --out reel.mp4 with --moments.")
        result = render_reel_files(Path(args.moments_file), Path(args.out),
                                   clip=Path(args.clip) if args.clip else None,
                                   override_reason=args.override_reason)
        print(json.dumps(_jsonable(result.to_dict()), indent=2, ensure_ascii=False))
        return
    if args.reel_id is None:
        raise InputError("Give a REEL_ID, or --clip PATH --moments moments.json --out reel.mp4.")
    from attune.services.reels import keep_caption, queue_render, reel_draft, render_now

    ctx = _context(args)
    actor = _actor(ctx, args)
    if args.override_reason:
        for mid in reel_draft(ctx, actor, args.reel_id).findings:
            keep_caption(ctx, actor, mid, args.override_reason)
    if args.queue:
        job = queue_render(ctx, actor, args.reel_id)
        _out(args, job, f"Reel {args.reel_id} queued for the worker (job {job.id}).")
        return
    reel = render_now(ctx, actor, args.reel_id)
    from attune.services.reels import reel_moment_starts

    starts = [{"moment": m.id, "start_ms": s}
              for m, s in reel_moment_starts(ctx, actor, reel.id)]
    data = {"reel": reel.id, "path": str(ctx.media.root / (reel.path or "")),
            "duration_ms": reel.duration_ms, "moments": starts}
    print(json.dumps(data, indent=2) if args.json else
          f"Reel {reel.id} rendered: {data['path']} ({reel.duration_ms} ms).")


def cmd_reel_handout(args: argparse.Namespace) -> None:
    import shutil

    from attune.services.reels import handout

    ctx = _context(args)
    path = handout(ctx, _actor(ctx, args), args.reel_id)
    if args.out:
        shutil.copyfile(path, args.out)
    _out(args, {"path": args.out or path}, f"Wrote {args.out or path}.")


def cmd_backup(args: argparse.Namespace) -> None:
    from attune.core.people import Role
    from attune.services.access import require_role
    from attune.services.backup import backup

    ctx = _context(args)
    actor = _actor(ctx, args)
    require_role(ctx, actor, {Role.ADMIN}, "back up the installation")
    report = backup(ctx, Path(args.out), actor.username)
    lines = [f"Wrote {report.path} ({report.size_bytes} bytes, sha256 {report.sha256[:12]}…): "
             f"{sum(report.rows.values())} rows, {report.media_files} media file(s)."]
    lines += [f"warning: {w}" for w in report.warnings]
    _out(args, report, lines)


def cmd_restore(args: argparse.Namespace) -> None:
    from attune.services import Context
    from attune.services.backup import restore

    ctx = Context.open(Settings.from_env())
    report = restore(ctx, Path(args.archive), args.as_user or os.environ.get("ATTUNE_USER")
                     or "admin", other_audit_key=args.other_audit_key)
    lines = [f"Restored {report.archive} into {ctx.settings.data_dir}: "
             f"{sum(report.rows.values())} rows, {report.media_files} media file(s), "
             f"audit chain of {report.audit_entries} entries verified."]
    lines += [f"warning: {w}" for w in report.warnings]
    _out(args, report, lines)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from attune.services.audit import verify_audit

    ctx = _context(args)
    report = verify_audit(ctx, Path(args.anchors) if args.anchors else None)
    if report.ok:
        _out(args, report, f"Audit log intact: {report.entries} entries, chain verified"
             + (" against the anchors." if args.anchors else "."))
        return 0
    _out(args, report, f"AUDIT LOG DAMAGED at entry {report.entry_id}: {report.problem}. "
         "Keep a copy of the database and tell your data protection lead.")
    return 1


def cmd_audit_anchor(args: argparse.Namespace) -> None:
    from attune.services.audit import anchor_audit

    ctx = _context(args)
    anchor = anchor_audit(ctx, Path(args.to) if args.to else None)
    where = f"Appended to {args.to}." if args.to else "Keep this receipt somewhere else:"
    _out(args, anchor, [f"Audit log head: entry {anchor.entry_id}, {anchor.entries} entries, "
                        f"at {anchor.at:%Y-%m-%d %H:%M:%S} UTC. {where}", anchor.line()])


def cmd_audit_list(args: argparse.Namespace) -> None:
    ctx = _context(args)
    with ctx.db.transaction("audit") as tx:
        entries = tx.audit_entries(object_type=args.type, limit=args.limit)
    _out(args, entries, [f"{e.id:>6} {e.at:%Y-%m-%d %H:%M:%S} {e.actor:<12} {e.action:<20} "
                         f"{e.object_type} {e.object_id}" for e in entries])


def cmd_retention_run(args: argparse.Namespace) -> None:
    from attune.services.retention import run_retention

    ctx = _context(args)
    items = run_retention(ctx, args.today, dry_run=args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    lines = [f"{verb} family {i.family}: clips {list(i.clip_ids)}, reels {list(i.reel_ids)} "
             f"(kept until {i.delete_after})" for i in items]
    _out(args, items, lines or "Nothing is past its retention date.")


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attune",
        description="attune: code attuned moments between parents and babies, make "
        "highlight reels, count tallies and check agreement. Settings come from ATTUNE_* "
        "environment variables (see `attune settings`).")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--as", dest="as_user", metavar="USER",
                        help="act as this account (default: $ATTUNE_USER, else 'admin')")
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(parent: Any, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, parents=[common], help=help_,
                                                       description=help_)
        p.set_defaults(handler=handler)
        return p

    def group(name: str, help_: str) -> Any:
        p = sub.add_parser(name, help=help_, description=help_)
        return p.add_subparsers(dest="action", metavar="ACTION", required=True)

    add(sub, "init", cmd_init, "create the data folder, migrate the database to the newest "
        "schema and install the default coding scheme")
    p = add(sub, "demo", cmd_demo, "load a demo family with consent, the sample clips, two "
            "coders' events and demo accounts (prints the accounts)")
    p.add_argument("--no-ingest", action="store_true",
                   help="store the clips without making proxies (faster)")
    add(sub, "settings", cmd_settings, "list every ATTUNE_* setting, its default and help")

    users = group("user", "accounts")
    p = add(users, "add", cmd_user_add, "add an account (the first account needs no --as)")
    p.add_argument("username")
    p.add_argument("--role", required=True,
                   help="practitioner, supervisor, parent or admin")
    p.add_argument("--name", help="display name")
    p.add_argument("--supervisor", help="username of this practitioner's supervisor")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input")
    add(users, "list", cmd_user_list, "list accounts")
    p = add(users, "set-password", cmd_user_set_password, "set an account's password "
            "(and unlock it)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input")

    fams = group("family", "families (pseudonymous)")
    p = add(fams, "add", cmd_family_add, "add a family: a code and the baby's first name or "
            "nickname only")
    p.add_argument("code", help="family code, e.g. FAM-014 (never a surname)")
    p.add_argument("--baby", required=True, help="baby's first name or nickname")
    p.add_argument("--birth-month", help="YYYY-MM")
    p.add_argument("--pronoun", choices=["she", "he", "they"], default="they",
                   help="how captions and sentences for the parent speak of the baby")
    p.add_argument("--practitioner", action="append", help="assign a practitioner (repeat)")
    p.add_argument("--parent", action="append", help="link a parent account (repeat)")
    p = add(fams, "list", cmd_family_list, "list the families you can see")
    p.add_argument("--clips", action="store_true", help="list each family's clips too")

    cons = group("consent", "consent per family or clip, per scope")
    p = add(cons, "record", cmd_consent_record, "record the family's decision for one or "
            "more scopes")
    p.add_argument("family")
    p.add_argument("scope", nargs="+", help="shared_review, supervision, second_coder, "
                   "training, research, parent_copy")
    p.add_argument("--declined", action="store_true", help="record a refusal (default: granted)")
    p.add_argument("--on", type=_date, help="day of the decision (default today)")
    p.add_argument("--evidence", help="where the signed form is, who witnessed it")
    p.add_argument("--clip", type=int, help="for one clip only (default: the whole family)")
    p.add_argument("--retain-until", type=_date, help="renewed retention date")
    p = add(cons, "withdraw", cmd_consent_withdraw, "withdraw a scope: deletes at once the "
            "media it covered and everything made from it")
    p.add_argument("family")
    p.add_argument("scope")
    p.add_argument("--clip", type=int, help="withdraw for one clip only")
    p.add_argument("--on", type=_date, help="day of the withdrawal (default today)")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p = add(cons, "show", cmd_consent_show, "what each scope allows today, and the history")
    p.add_argument("family")

    sess = group("session", "sessions (visits)")
    p = add(sess, "add", cmd_session_add, "add a session to a family")
    p.add_argument("family")
    p.add_argument("--on", type=_date, help="day of the visit (default today)")
    p.add_argument("--note")

    clips = group("clip", "clips")
    p = add(clips, "add", cmd_clip_add, "store a recording for a family (consent is "
            "checked first; the file is kept by content hash)")
    p.add_argument("family")
    p.add_argument("path")
    p.add_argument("--on", type=_date, help="day it was filmed (default today)")
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
    p = add(clips, "info", cmd_clip_info, "a clip's facts, status and processing progress")
    p.add_argument("clip_id", type=int)
    p = add(clips, "done", cmd_clip_done, "mark your coding of a clip done (a blind second "
            "coder sees the other coding only when both are done)")
    p.add_argument("clip_id", type=int)
    p.add_argument("--reopen", action="store_true", help="mark it not done again")
    p = add(clips, "retry", cmd_clip_retry, "process a clip whose processing failed again")
    p.add_argument("clip_id", type=int)
    p.add_argument("--queue", action="store_true", help="hand it to the worker")

    evs = group("events", "coded events")
    p = add(evs, "list", cmd_events_list, "list a clip's events")
    p.add_argument("clip_id", type=int)
    p.add_argument("--coder")
    p.add_argument("--include-deleted", action="store_true")
    p = add(evs, "export", cmd_events_export, "export a clip's events (format from the "
            "file name: .json, .csv, .xlsx, .eaf, .tsv)")
    p.add_argument("clip_id", type=int)
    p.add_argument("out")
    p.add_argument("--coder", help="only this coder's events")
    p = add(evs, "import", cmd_events_import, "import events into a clip, all or nothing "
            "(.json, .csv, .xlsx, .eaf, .tsv, .boris)")
    p.add_argument("clip_id", type=int)
    p.add_argument("path")
    p.add_argument("--mapping", help="JSON file mapping tiers/behaviours to codes")
    p.add_argument("--coder", help="store every event as coded by this account")

    p = add(sub, "worker", cmd_worker, "run the background job worker (ingest, reels) until "
            "Ctrl+C; uses Redis when ATTUNE_REDIS_URL is set")
    p.add_argument("--workers", type=int, default=2, help="jobs run at once (default 2)")

    sch = group("scheme", "coding schemes (every saved edit is a new version)")
    add(sch, "list", cmd_scheme_list, "list coding schemes and their versions")
    p = add(sch, "show", cmd_scheme_show, "show a scheme's codes, keys and windows")
    p.add_argument("name", nargs="?", default="attuned-moments")
    p.add_argument("--version", type=int, help="default: the newest")
    p = add(sch, "add", cmd_scheme_add, "save a scheme document (JSON) as the next version "
            "of its scheme")
    p.add_argument("path")

    p = add(sub, "convert", cmd_convert, "convert an events file between ELAN (.eaf), BORIS "
            "(.boris in, .tsv in and out), CSV, XLSX and attune JSON, without the database")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--mapping", help="JSON file: which ELAN tiers / BORIS subjects become "
                   "cues, responses and reactions, and their codes")

    p = add(sub, "tally", cmd_tally, "sensitivity tallies of a family, one row per session")
    p.add_argument("--family", required=True)
    p.add_argument("--session", type=int, help="only this session")
    p.add_argument("--audience", choices=["practitioner", "parent"], default="practitioner",
                   help="parent: only the figures a parent may see")
    p.add_argument("--window-ms", type=int, help="re-score with this latency window (ms)")
    p.add_argument("--out", help="also write the table (.csv or .xlsx)")

    p = add(sub, "agreement", cmd_agreement, "agreement between two coders: event kappa "
            "(onset tolerance), time-unit kappa (sampling step), alpha, flags")
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

    sup = group("supervise", "blind double-coding, gold standards and agreement over time")
    p = add(sup, "assign", cmd_supervise_assign, "assign a share of your team's coded clips "
            "to a second practitioner, blind (only with second_coder consent)")
    p.add_argument("--share", type=float, default=0.2, help="share of clips (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="for a reproducible choice")
    p.add_argument("--coders", help="second coders to use, a,b (default: your team)")
    p.add_argument("--family", help="only this family's clips")
    p = add(sup, "gold", cmd_supervise_gold, "make an expert's coding of a clip the gold "
            "standard for calibration")
    p.add_argument("clip_id", type=int)
    p.add_argument("expert")
    p = add(sup, "report", cmd_supervise_report, "agreement on every double-coded or gold "
            "clip, oldest first (drift over time)")
    p.add_argument("--tolerance-ms", type=int, default=1000,
                   help="event matching tolerance (default 1000)")
    p.add_argument("--step-ms", type=int, default=1000,
                   help="time-unit kappa sampling step (default 1000)")
    p.add_argument("--out", help="also write the table as CSV")

    reels = group("reel", "highlight reels for the shared review")
    p = add(reels, "propose", cmd_reel_propose, "candidate moments of a clip, best first "
            "(complete chains, subtle cues answered, breaks given, turns)")
    p.add_argument("clip_id", type=int)
    p.add_argument("--pronoun", choices=["she", "he", "they"], default=None,
                   help="how captions speak of the baby (default: as the family's record "
                   "says)")
    p.add_argument("--accept", type=int, action="append", help="keep proposal N as a moment")
    p = add(reels, "moment", cmd_reel_moment, "choose a moment by hand (snapped to frames)")
    p.add_argument("clip_id", type=int)
    p.add_argument("start_ms", type=int)
    p.add_argument("end_ms", type=int)
    p.add_argument("--caption")
    p.add_argument("--key-ms", type=int, help="the frame to film-stop on")
    p = add(reels, "create", cmd_reel_create, "make a reel of moments (1-4 is the VIG norm)")
    p.add_argument("family")
    p.add_argument("--moments", required=True, help="moment ids in order, e.g. 3,1,2")
    p.add_argument("--title", default=DEFAULT_TITLE)
    p = add(reels, "rename", cmd_reel_rename, "change the title on a reel's first card (the "
            "reel goes back to draft: render it again)")
    p.add_argument("reel_id", type=int)
    p.add_argument("title")
    p = add(reels, "share", cmd_reel_share, "show the family's parents a rendered reel, "
            "as it is now (after you have watched it)")
    p.add_argument("reel_id", type=int)
    p = add(reels, "unshare", cmd_reel_unshare, "stop showing a reel to the family's parents")
    p.add_argument("reel_id", type=int)
    p = add(reels, "render", cmd_reel_render, "render a reel (needs shared_review consent), "
            "or from files: --clip PATH --moments moments.json --out reel.mp4 (prints JSON)")
    p.add_argument("reel_id", type=int, nargs="?")
    p.add_argument("--queue", action="store_true", help="hand it to the worker")
    p.add_argument("--clip", help="the proxy the moments file's moments come from")
    p.add_argument("--moments", dest="moments_file",
                   help="moments file (schemas/moments.v1.schema.json)")
    p.add_argument("--out", help="the reel to write (with --moments)")
    p.add_argument("--override-reason", help="keep captions the words check flags, saying "
                   "why (audited)")
    p = add(reels, "handout", cmd_reel_handout, "the printable A4 stills handout of a reel")
    p.add_argument("reel_id", type=int)
    p.add_argument("--out", help="copy it here")

    p = add(sub, "backup", cmd_backup, "write one archive with the database, coding schemes, "
            "audit chain and media (admins; .tar.gz to compress)")
    p.add_argument("out", help="archive to write, e.g. attune-2026-11-22.tar.gz")
    p = add(sub, "restore", cmd_restore, "restore an archive into an EMPTY data folder "
            "(set ATTUNE_DATA_DIR to a new folder first); checks everything before writing")
    p.add_argument("archive")
    p.add_argument("--other-audit-key", action="store_true", help="the old installation's "
                   "audit key is lost: restore anyway, sealing its audit log with this "
                   "installation's key (recorded in the log)")

    aud = group("audit", "the audit log")
    p = add(aud, "verify", cmd_audit_verify, "check the audit log's keyed hash chain (exit 1 "
            "if damaged)")
    p.add_argument("--anchors", help="a file of anchors (attune audit anchor --to): also "
                   "check that every anchored entry is still there, unchanged")
    p = add(aud, "anchor", cmd_audit_anchor, "keep the audit log's head outside the "
            "database: print it as a receipt, or append it to a file")
    p.add_argument("--to", help="append the head to this file (append-only, mode 0600), "
                   "e.g. on another disk")
    p = add(aud, "list", cmd_audit_list, "newest audit entries")
    p.add_argument("--type", help="only this object type (clip, event, consent, ...)")
    p.add_argument("--limit", type=int, default=50)

    dat = group("data", "the data folder")
    add(dat, "fix-permissions", cmd_data_fix_permissions, "make the data folder, database, "
        "media and keys readable by this account only (folders 0700, files 0600)")

    ret = group("retention", "deleting media past its retention date")
    p = add(ret, "run", cmd_retention_run, "delete what is past its retention date and say "
            "what was deleted")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.handler(args)
    except AttuneError as exc:
        print(f"attune: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("attune: interrupted; nothing half-done was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return int(result) if isinstance(result, int) else 0
