"""Accounts: ``user add``, ``user list``, ``user set-password``."""

from __future__ import annotations

import argparse

from attune.cli.common import (
    Subcommands,
    acting_user,
    add_command,
    add_group,
    emit,
    open_context,
    read_password,
    require_admin,
)


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    users = add_group(sub, "user", "accounts")
    p = add_command(users, "add", cmd_user_add, "add an account (administrators; the first "
                    "account needs no --as)", common)
    p.add_argument("username")
    p.add_argument("--role", required=True,
                   help="practitioner, supervisor, parent or admin")
    p.add_argument("--name", help="display name")
    p.add_argument("--supervisor", help="username of this practitioner's supervisor")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input")
    add_command(users, "list", cmd_user_list, "list accounts (administrators)", common)
    p = add_command(users, "set-password", cmd_user_set_password, "set your own password, or "
                    "(administrators) another account's, and unlock it", common)
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input")


def cmd_user_add(args: argparse.Namespace) -> None:
    from attune.services.accounts import add_user

    ctx = open_context()
    with ctx.db.transaction(args.username) as tx:
        existing = tx.list_users()
    # the very first account is made at the console by whoever installed attune
    actor = require_admin(ctx, args, "add accounts").username if existing else args.username
    user = add_user(ctx, actor, args.username, args.role, read_password(args), args.name or "",
                    args.supervisor)
    emit(args, user, f"Added {user.role} {user.username}.")


def cmd_user_list(args: argparse.Namespace) -> None:
    from attune.services.admin import list_accounts

    ctx = open_context()
    users = list_accounts(ctx, acting_user(ctx, args))
    emit(args, users, [f"{u.username:<16} {u.role:<13} {u.display_name}"
                       + ("" if u.active else "  (switched off)") for u in users]
         or "No accounts yet: add one with `attune user add NAME --role admin`.")


def cmd_user_set_password(args: argparse.Namespace) -> None:
    from attune.core.accounts import Role
    from attune.services.access import require_role
    from attune.services.accounts import set_password

    ctx = open_context()
    actor = acting_user(ctx, args)
    if actor.username != args.username:
        require_role(ctx, actor, {Role.ADMIN}, "change another account's password")
    set_password(ctx, actor.username, args.username, read_password(args))
    emit(args, {"username": args.username}, f"Password of {args.username} changed.")
