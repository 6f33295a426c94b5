"""``words check``: the words-for-parents check on captions, titles or any text, one line
at a time (docs/practice.md §6). It reads no family's data, so it needs no account."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from attune.cli.common import Subcommands, add_command, add_group
from attune.core.words import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    UNCHECKED_SUGGESTION,
    Verdict,
    check_lines,
    json_lines,
)
from attune.errors import InputError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    words = add_group(sub, "words", "the words-for-parents check")
    p = add_command(words, "check", cmd_words_check, "check each line of a file (or of the "
                    "standard input, '-') for words to avoid with parents; exit 0 when every "
                    "line is fine, 1 when a line is flagged or could not be checked (needs "
                    "no account)", common)
    p.add_argument("file", nargs="?", default="-", help="a text file, one caption a line "
                   "(default: the standard input)")
    p.add_argument("--language", default=DEFAULT_LANGUAGE,
                   help=f"the language the lines are expected in ({', '.join(LANGUAGES)} "
                   "have rules; a line clearly in another language is found anyway and "
                   "comes back 'unchecked'; default: %(default)s)")


def cmd_words_check(args: argparse.Namespace) -> int:
    lines = _read(args.file)
    if args.json:
        for line in json_lines(lines, args.language):
            print(line)
        results = list(check_lines(lines, args.language))
    else:
        results = list(check_lines(lines, args.language))
        for r in results:
            print(f"{r['line']}: {r['verdict']}: {r['text']}")
            if r["verdict"] == Verdict.UNCHECKED:
                print(f"    not checked ({r['language']}): {UNCHECKED_SUGGESTION}")
            for f in r["findings"]:  # type: ignore[attr-defined]
                print(f"    '{f['phrase']}': {f['why']}. Try: {f['suggestion']}")
    return 0 if all(r["verdict"] == "ok" for r in results) else 1


def _read(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    path = Path(name)
    if not path.is_file():
        raise InputError(f"There is no file at {path}; give a text file with one caption a "
                         "line, or '-' to read the standard input.")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; save it as plain text (UTF-8) and try "
                         "again.") from None
