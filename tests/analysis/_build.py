"""Builders for the analysis tests: events of the default scheme by code."""

from __future__ import annotations

import json
from typing import Any

from attune.core.events import Event
from attune.core.scheme import EventKind
from tests.paths import TEST_DATA

AGREEMENT_DATA = TEST_DATA / "agreement"

_KINDS = {"C": EventKind.CUE, "R": EventKind.RESPONSE, "N": EventKind.RESPONSE,
          "A": EventKind.REACTION}


def ev(code: str, start_ms: int, end_ms: int | None = None, **kw: Any) -> Event:
    """An event of the default scheme, its kind read from the code's letter."""
    return Event(_KINDS[code[0]], code, start_ms, start_ms if end_ms is None else end_ms, **kw)


def published(name: str) -> dict[str, Any]:
    return json.loads((AGREEMENT_DATA / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
