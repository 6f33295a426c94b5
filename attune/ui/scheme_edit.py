"""The coding-scheme editor: a scheme document as table rows and back."""

from __future__ import annotations

import copy
from typing import Any

from attune.core.scheme import VALENCE_WORDS
from attune.errors import InputError

#: The table's columns: the scheme's field -> the column's name on screen.
COLUMNS = {"id": "Code", "kind": "Kind", "label": "What it is", "key": "Key",
           "valence": "Kind of cue", "potency": "Easy to see or subtle",
           "principle": "VIG principle", "fits": "Answers cues of kind", "vocal": "A sound",
           "positive": "A good reply", "practitioner_only": "Practitioners only"}
KINDS = ("cue", "response", "reaction")
VALENCES = ("E", "D", "X")


def code_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One row a code, keyed by the column names on screen; ``fits`` as text like
    ``E D X``."""
    rows = []
    for code in document.get("codes", []):
        rows.append(_on_screen({
            "id": code.get("id", ""), "kind": code.get("kind", ""),
            "label": code.get("label", ""), "key": code.get("key") or "",
            "valence": code.get("valence") or "", "potency": code.get("potency") or "",
            "principle": code.get("principle"),
            "fits": " ".join(code.get("fits", [])),
            "vocal": bool(code.get("vocal", False)),
            "positive": bool(code.get("positive", False)),
            "practitioner_only": bool(code.get("practitioner_only", False)),
        }))
    return rows


def _on_screen(row: dict[str, Any]) -> dict[str, Any]:
    return {COLUMNS[k]: v for k, v in row.items()}


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    """A table row back in the scheme's field names."""
    names = {v: k for k, v in COLUMNS.items()}
    return {names.get(k, k): v for k, v in row.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from an empty table cell
        return ""
    return str(value).strip()


#: The latency bands table's columns on screen (seconds; the last band has no end).
BAND_COLUMNS = {"name": "Band", "from": "From (s)", "to": "Up to (s)"}


def band_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The scheme's latency bands as table rows, in seconds (an open end as None)."""
    return [{BAND_COLUMNS["name"]: b.get("name", ""),
             BAND_COLUMNS["from"]: b.get("from_ms", 0) / 1000,
             BAND_COLUMNS["to"]: None if b.get("to_ms") is None else b["to_ms"] / 1000}
            for b in document.get("latency_bands", [])]


def bands_from_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Table rows (seconds) back as the scheme's ``latency_bands`` (ms), in order of
    their start; the scheme's own check says when they leave a gap or overlap."""
    bands = []
    for i, row in enumerate(rows, start=1):
        name = _text(row.get(BAND_COLUMNS["name"]))
        start, end = (_text(row.get(BAND_COLUMNS[k])) for k in ("from", "to"))
        if not (name or start or end):
            continue  # an empty row the table editor added
        if not name:
            raise InputError(f"Band {i} has no name; name it, e.g. prompt.")
        try:
            from_ms = round(float(start or 0) * 1000)
            to_ms = None if not end else round(float(end) * 1000)
        except ValueError:
            raise InputError(f"Band {name}: the times are seconds, e.g. 1 or 2.5.") from None
        bands.append({"name": name, "from_ms": from_ms, "to_ms": to_ms})
    if not bands:
        raise InputError("Keep at least one latency band (from 0 seconds, with no end).")
    return sorted(bands, key=lambda b: b["from_ms"])


def document_from_rows(base: dict[str, Any], rows: list[dict[str, Any]],
                       windows_s: dict[str, float],
                       bands: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``base`` with its codes replaced by ``rows``, its windows by ``windows_s``
    (seconds, per valence) and, given ``bands`` (rows of :func:`band_rows`), its latency
    bands. ``save_scheme`` validates the result and numbers it."""
    doc = copy.deepcopy(base)
    if bands is not None:
        doc["latency_bands"] = bands_from_rows(bands)
    codes = []
    for i, shown in enumerate(rows, start=1):
        row = _fields(shown)
        code_id = _text(row.get("id"))
        if not code_id:
            if not any(_text(row.get(c)) for c in ("kind", "label", "key")):
                continue  # an empty row the table editor added
            raise InputError(f"Row {i} has no code id; give it one, e.g. C17.")
        code: dict[str, Any] = {"id": code_id, "kind": _text(row.get("kind")),
                                "label": _text(row.get("label")),
                                "key": _text(row.get("key")) or None}
        if code["key"] is None:
            del code["key"]
        for name in ("valence", "potency"):
            if _text(row.get(name)):
                code[name] = _text(row.get(name))
        principle = _text(row.get("principle"))
        if principle:
            try:
                code["principle"] = int(float(principle))
            except ValueError:
                raise InputError(f"Code {code_id}: the principle must be a number 1-6.") \
                    from None
        fits = _text(row.get("fits")).replace(",", " ").split()
        if fits or code["kind"] == "response":
            code["fits"] = fits
        for flag in ("vocal", "positive", "practitioner_only"):
            if row.get(flag) is True:
                code[flag] = True
        if code["kind"] == "reaction":
            code["positive"] = row.get("positive") is True
        codes.append(code)
    doc["codes"] = codes
    windows = {}
    for valence in VALENCES:
        seconds = windows_s.get(valence)
        if seconds is None or seconds <= 0:
            raise InputError(f"The answer window for {VALENCE_WORDS[valence]} cues must be "
                             "more than 0 seconds.")
        windows[valence] = round(seconds * 1000)
    doc["latency_windows_ms"] = windows
    return doc
