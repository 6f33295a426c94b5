"""The coding schemes attune ships with, and reading scheme documents.

A shipped version never changes once released: a scheme with more in it is a new version
(old coding keeps its version, and a template exported from one service matches the same
version at another). ``attuned-moments`` v1 is the scheme as first shipped; v2 is v1 with
modifiers (how a response is made, how strongly a cue shows, who started). Both are
installed (``services/schemes.install_default_scheme``); new clips code with the newest.
``tests/core/test_shipped_schemes.py`` pins each file's checksum.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from attune.core.scheme import Scheme
from attune.schemas import validate

SCHEMES_DIR = Path(__file__).resolve().parent / "data" / "schemes"
#: every shipped version, oldest first (the last is the default for new clips)
SHIPPED_SCHEME_PATHS = (SCHEMES_DIR / "attuned-moments.v1.json",
                        SCHEMES_DIR / "attuned-moments.v2.json")
DEFAULT_SCHEME_PATH = SHIPPED_SCHEME_PATHS[-1]


def shipped_scheme_documents() -> list[dict[str, Any]]:
    """Every shipped scheme version's document, oldest first."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in SHIPPED_SCHEME_PATHS]


def default_scheme_document() -> dict[str, Any]:
    return json.loads(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def default_scheme() -> Scheme:
    """The newest shipped ``attuned-moments`` scheme (v2: v1 of docs/practice.md §4 with
    its modifiers)."""
    return parse_scheme(default_scheme_document())


def parse_scheme(document: Any) -> Scheme:
    """Validate a scheme document (JSON Schema, then the rules it cannot say) and parse it."""
    validate(document, "coding_scheme.v1", "coding scheme")
    return Scheme.from_document(document)
