"""What every command module shares: the ``--as``/``--json`` options, adding a command to
the parser, printing a result (text or JSON), dates, the context and the acting account."""

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
from typing import Any, TypeAlias

from attune.config import Settings
from attune.errors import InputError

Handler = Callable[[argparse.Namespace], Any]
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# ------------------------------------------------------------------ parser
def common_options() -> argparse.ArgumentParser:
    """The options every command takes (a parent parser)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--as", dest="as_user", metavar="USER",
                        help="act as this account, with its permissions (else $ATTUNE_USER; "
                        "there is no default account)")
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    return common


def add_command(parent: Subcommands, name: str, handler: Handler, help_: str,
                common: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """A command (or a group's action) run by ``handler``, with the common options."""
    p = parent.add_parser(name, parents=[common], help=help_, description=help_)
    p.set_defaults(handler=handler)
    return p


def add_group(sub: Subcommands, name: str, help_: str) -> Subcommands:
    """A command group (``attune NAME ACTION``); add its actions with ``add_command``."""
    p = sub.add_parser(name, help=help_, description=help_)
    return p.add_subparsers(dest="action", metavar="ACTION", required=True)


def parse_date(value: str) -> date:
    """An argparse ``type``: an ISO day."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-22") from None


# ------------------------------------------------------------------ output
def jsonable(value: Any) -> Any:
    """``value`` made of what ``json.dumps`` takes (dataclasses, enums, dates, paths)."""
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def print_json(data: Any) -> None:
    print(json.dumps(jsonable(data), indent=2, ensure_ascii=False))


def emit(args: argparse.Namespace, data: Any, text: str | Sequence[str]) -> None:
    """Print ``data`` as JSON with ``--json``, else ``text`` (lines joined)."""
    if getattr(args, "json", False):
        print_json(data)
    else:
        print(text if isinstance(text, str) else "\n".join(text))


# ------------------------------------------------------------------ context and account
def open_context(*, migrate: bool = False) -> Any:
    """The services' context from the ATTUNE_* settings; without ``migrate``, an
    uninitialised database is an input error that says to run ``attune init``."""
    from attune.jobs import open_context as open_with_queue
    from attune.storage.db import is_migrated

    ctx = open_with_queue(Settings.from_env(), migrate=migrate)  # the CLI can queue jobs
    if not migrate and not is_migrated(ctx.db.engine):
        raise InputError(f"The database at {ctx.settings.database_url} is not set up yet. "
                         "Run `attune init` first (or `make run`).")
    return ctx


class NoAccountError(InputError):
    """A command that acts on the installation's data was given no account."""


def acting_username(args: argparse.Namespace) -> str:
    """The account named by ``--as``, else ``$ATTUNE_USER``. There is no default: an
    account chosen for the user would act, and be audited, in the name of someone who
    never asked (the issue "CLI with roles")."""
    name = args.as_user or os.environ.get("ATTUNE_USER")
    if not name:
        raise NoAccountError("Give --as NAME (or set ATTUNE_USER): this command acts as an "
                             "account, with that account's permissions, and there is no "
                             "default account.")
    return str(name)


def acting_user(ctx: Any, args: argparse.Namespace) -> Any:
    """The acting account (an input error if none is named or there is no such account);
    what it may do is checked by the services it is handed to."""
    name = acting_username(args)
    with ctx.db.transaction(name) as tx:
        user = tx.get_user(name)
    return user


def require_admin(ctx: Any, args: argparse.Namespace, what: str) -> Any:
    """The acting account, refused (audited) unless it is an active administrator: for
    looking after the installation as a whole, which no family's consent covers."""
    from attune.core.accounts import Role
    from attune.services.access import require_role

    actor = acting_user(ctx, args)
    require_role(ctx, actor, {Role.ADMIN}, what)
    return actor


def read_password(args: argparse.Namespace) -> str:
    """From standard input with ``--password-stdin``, else asked twice on a terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise InputError("The two passwords differ; run the command again.")
        return first
    raise InputError("Give the password on standard input with --password-stdin "
                     "(it is never taken from the command line, where others could see it).")
