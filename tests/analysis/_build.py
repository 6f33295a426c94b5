"""Builders for the analysis tests: events of the default scheme by code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from attune.core.events import Event
from attune.core.scheme import EventKind

AGREEMENT_DATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "agreement"
if not AGREEMENT_DATA.is_dir():  # the repo may be checked out elsewhere
    AGREEMENT_DATA = Path("/work/shared/realdata/agreement")

_KINDS = {"C": EventKind.CUE, "R": EventKind.RESPONSE, "N": EventKind.RESPONSE,
          "A": EventKind.REACTION}


def ev(code: str, start_ms: int, end_ms: int | None = None, **kw: Any) -> Event:
    """An event of the default scheme, its kind read from the code's letter."""
    return Event(_KINDS[code[0]], code, start_ms, start_ms if end_ms is None else end_ms, **kw)


def published(name: str) -> dict[str, Any]:
    return json.loads((AGREEMENT_DATA / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
