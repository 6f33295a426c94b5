"""``attune``: every job the app does, from the command line.

Run ``attune --help`` for the list and ``attune COMMAND --help`` for each. Commands act
as the account named by ``--as`` (or ``ATTUNE_USER``), with that account's permissions,
and exit with status 2 and a message saying what to do when the input is wrong.

One module a command group, each with its options beside its handlers; ``common`` holds
what they share. The order of ``GROUPS`` is the order of ``attune --help``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from attune.cli import (
    accounts,
    admin,
    analysis,
    clips,
    coding,
    families,
    reels,
    setup,
    suggest,
    supervise,
    words,
)
from attune.cli.common import common_options
from attune.errors import AttuneError

GROUPS = (setup, accounts, families, clips, coding, suggest, analysis, supervise, reels,
          words, admin)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attune",
        description="attune: code attuned moments between parents and babies, make "
        "highlight reels, count tallies and check agreement. Settings come from ATTUNE_* "
        "environment variables (see `attune settings`).")
    common = common_options()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(sub, common)
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


__all__ = ["build_parser", "main"]
