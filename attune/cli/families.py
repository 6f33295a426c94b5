"""Families and what belongs to a family as a whole: ``family``, ``consent``, ``session``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
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
from attune.errors import InputError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    fams = add_group(sub, "family", "families (pseudonymous)")
    p = add_command(fams, "add", cmd_family_add, "add a family: a code and the baby's first "
                    "name or nickname only", common)
    p.add_argument("code", help="family code, e.g. FAM-014 (never a surname)")
    p.add_argument("--baby", required=True, help="baby's first name or nickname")
    p.add_argument("--birth-month", help="YYYY-MM")
    p.add_argument("--pronoun", choices=["she", "he", "they"], default="they",
                   help="how captions and sentences for the parent speak of the baby")
    p.add_argument("--practitioner", action="append", help="assign a practitioner (repeat)")
    p.add_argument("--parent", action="append", help="link a parent account (repeat)")
    p = add_command(fams, "list", cmd_family_list, "list the families you can see", common)
    p.add_argument("--clips", action="store_true", help="list each family's clips too")

    cons = add_group(sub, "consent", "consent per family or clip, per scope")
    p = add_command(cons, "record", cmd_consent_record, "record the family's decision for one "
                    "or more scopes", common)
    p.add_argument("family")
    p.add_argument("scope", nargs="+", help="shared_review, supervision, second_coder, "
                   "training, research, parent_copy")
    p.add_argument("--declined", action="store_true", help="record a refusal (default: granted)")
    p.add_argument("--on", type=parse_date, help="day of the decision (default today)")
    p.add_argument("--evidence", help="where the signed form is, who witnessed it")
    p.add_argument("--clip", type=int, help="for one clip only (default: the whole family)")
    p.add_argument("--retain-until", type=parse_date, help="renewed retention date")
    p = add_command(cons, "withdraw", cmd_consent_withdraw, "withdraw a scope: deletes at once "
                    "the media it covered and everything made from it", common)
    p.add_argument("family")
    p.add_argument("scope")
    p.add_argument("--clip", type=int, help="withdraw for one clip only")
    p.add_argument("--on", type=parse_date, help="day of the withdrawal (default today)")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p = add_command(cons, "show", cmd_consent_show, "what each scope allows today, and the "
                    "history", common)
    p.add_argument("family")

    sess = add_group(sub, "session", "sessions (visits)")
    p = add_command(sess, "add", cmd_session_add, "add a session to a family", common)
    p.add_argument("family")
    p.add_argument("--on", type=parse_date, help="day of the visit (default today)")
    p.add_argument("--note")


def cmd_family_add(args: argparse.Namespace) -> None:
    from attune.services.families import (
        add_family,
        assign_practitioner,
        get_family,
        link_parent,
    )

    ctx = open_context()
    actor = acting_user(ctx, args)
    family = add_family(ctx, actor, args.code, args.baby, args.birth_month, args.pronoun)
    for name in args.practitioner or []:
        assign_practitioner(ctx, actor, args.code, name)
    for name in args.parent or []:
        link_parent(ctx, actor, args.code, name)
    if args.practitioner or args.parent:  # (a supervisor may add a family it cannot open)
        family = get_family(ctx, actor, args.code)
    emit(args, family, f"Added family {family.code} ({family.baby_name}); practitioners: "
         f"{', '.join(family.practitioners) or 'none yet'}.")


def cmd_family_list(args: argparse.Namespace) -> None:
    from attune.services.families import family_clips, visible_families

    ctx = open_context()
    actor = acting_user(ctx, args)
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
    emit(args, rows, lines or "No families you can see yet. Add one with `attune family add`.")


def cmd_consent_record(args: argparse.Namespace) -> None:
    from attune.services.consent import parse_scope, record_consent

    ctx = open_context()
    actor = acting_user(ctx, args)
    decisions = [record_consent(ctx, actor, args.family, parse_scope(s), not args.declined,
                                args.on or date.today(), args.evidence or "", args.clip,
                                args.retain_until) for s in args.scope]
    word = "declined" if args.declined else "granted"
    emit(args, decisions, [f"Recorded: {d.scope} {word} on {d.decided_on}" for d in decisions])


def cmd_consent_withdraw(args: argparse.Namespace) -> None:
    from attune.services.consent import parse_scope, plan_withdrawal, withdraw_consent

    ctx = open_context()
    actor = acting_user(ctx, args)
    scope = parse_scope(args.scope)
    plan = plan_withdrawal(ctx, actor, args.family, scope, args.clip)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError(plan.describe() + " Add --yes to confirm.")
        print(plan.describe())
        if input("Type WITHDRAW to confirm: ").strip() != "WITHDRAW":
            raise InputError("Nothing was changed.")
    done = withdraw_consent(ctx, actor, args.family, scope, args.on, args.clip)
    emit(args, done, f"Withdrawn '{scope}'. " + done.describe().replace("This deletes",
                                                                         "Deleted"))


def cmd_consent_show(args: argparse.Namespace) -> None:
    from attune.services.consent import consent_summary

    ctx = open_context()
    actor = acting_user(ctx, args)
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
    emit(args, {"scopes": rows, "decisions": decisions}, lines)


def cmd_session_add(args: argparse.Namespace) -> None:
    from attune.services.families import add_session

    ctx = open_context()
    session = add_session(ctx, acting_user(ctx, args), args.family, args.on or date.today(),
                          args.note or "")
    emit(args, session, f"Added session {session.id} on {session.held_on}.")
