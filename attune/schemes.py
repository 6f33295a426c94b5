"""The coding schemes attune ships with, and reading scheme documents."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from attune.core.scheme import Scheme
from attune.schemas import validate

DEFAULT_SCHEME_PATH = Path(__file__).resolve().parent / "data" / "schemes" / \
    "attuned-moments.v1.json"


def default_scheme_document() -> dict[str, Any]:
    return json.loads(DEFAULT_SCHEME_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def default_scheme() -> Scheme:
    """The default ``attuned-moments`` v1 scheme of docs/practice.md §4."""
    return parse_scheme(default_scheme_document())


def parse_scheme(document: Any) -> Scheme:
    """Validate a scheme document (JSON Schema, then the rules it cannot say) and parse it."""
    validate(document, "coding_scheme.v1", "coding scheme")
    return Scheme.from_document(document)
