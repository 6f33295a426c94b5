"""How tiers (ELAN) and subjects (BORIS) become attune event kinds, codes and coders.

A mapping file is JSON, given with ``attune convert … --mapping FILE`` or chosen in the
app::

    {
      "coder": "anna",
      "tiers": {
        "CHI":      {"kind": "cue", "code": "C03"},
        "FA*":      {"kind": "response", "code_from": "value",
                     "values": {"hi baby": "R03", "0.": "R05"}},
        "vcm@*":    {"skip": true},
        "Gesture":  {"kind": "cue", "code_from": "cve_id"},
        "Speech":   {"kind": "cue", "code": "C03", "note_from": "value"}
      },
      "default":  {"kind": "cue", "code_from": "value"},
      "subjects": {"Baby": "infant", "Mother": "parent", "*": "infant"},
      "codes":    {"smile": "C02", "look": "C01"},
      "observation": "observation #1",
      "unpaired": "error"
    }

* ``tiers`` keys are tier names or shell patterns (``*``, ``?``); the first key that
  matches, in file order, wins; exact names win over patterns.
* A rule's code is fixed (``code``) or comes from the annotation (``code_from``):
  ``value`` (the annotation text), ``cve_id`` (its controlled-vocabulary entry id) or
  ``cve_value`` (the entry's value in the CV, from the file or a local ``.ecv``).
  ``values`` maps what was read to a code; ``codes`` does the same for every rule. With
  ``strict: true`` in a rule, a value missing from ``values`` is an error, else it is kept.
* ``coder`` in a rule or at the top fixes the coder; otherwise a tier's ANNOTATOR, then
  ``"imported"``.
* ``default`` is the rule for tiers no key matches; without it such tiers are skipped.
* ``subjects`` (BORIS) maps subject names to ``infant`` (cue), ``parent`` (response) or a
  kind (``cue``, ``response``, ``reaction``); BORIS behaviours map through ``codes``.
* ``observation`` picks one BORIS observation; ``unpaired`` is ``error`` (default: an
  unpaired state event fails the import and is named) or ``skip`` (it is left out and
  named in the warnings).
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from attune.core.scheme import EventKind
from attune.errors import InputError
from attune.interchange.model import decode_text, read_limited

CodeSource = Literal["fixed", "value", "cve_id", "cve_value"]
_CODE_SOURCES = ("value", "cve_id", "cve_value")
_SUBJECT_KINDS = {"infant": EventKind.CUE, "parent": EventKind.RESPONSE,
                  "cue": EventKind.CUE, "response": EventKind.RESPONSE,
                  "reaction": EventKind.REACTION}


@dataclass(frozen=True)
class TierRule:
    """What one tier's annotations become."""

    kind: EventKind = EventKind.CUE
    code: str | None = None  # a fixed code
    code_from: CodeSource = "value"
    values: AbcMapping[str, str] = field(default_factory=dict)
    strict: bool = False
    coder: str | None = None
    note_from: Literal["value"] | None = None
    skip: bool = False

    def code_for(self, read: str, where: str, codes: AbcMapping[str, str]) -> str:
        if self.code is not None:
            return self.code
        if read in self.values:
            return self.values[read]
        if read in codes:
            return codes[read]
        if self.strict:
            raise InputError(f"{where}: {read!r} is not in the mapping's values; add it to the "
                             "mapping or drop \"strict\".")
        return read


@dataclass(frozen=True)
class Mapping:
    """Tier, subject and code mapping for imports (see the module docstring)."""

    tiers: tuple[tuple[str, TierRule], ...] = ()
    default: TierRule | None = None
    subjects: tuple[tuple[str, EventKind], ...] = ()
    codes: AbcMapping[str, str] = field(default_factory=dict)
    coder: str | None = None
    observation: str | None = None
    unpaired: Literal["error", "skip"] = "error"

    def rule_for(self, tier: str) -> TierRule | None:
        for pattern, rule in self.tiers:
            if pattern == tier:
                return rule
        for pattern, rule in self.tiers:
            if fnmatch.fnmatchcase(tier, pattern):
                return rule
        return self.default

    def kind_for_subject(self, subject: str) -> EventKind | None:
        for pattern, kind in self.subjects:
            if pattern == subject:
                return kind
        for pattern, kind in self.subjects:
            if fnmatch.fnmatchcase(subject, pattern):
                return kind
        return None

    def map_code(self, code: str) -> str:
        return self.codes.get(code, code)


GENERIC_MAPPING = Mapping(default=TierRule(kind=EventKind.CUE, code_from="value"))
"""Every tier imported, each annotation's value as its code, kind ``cue``."""


def _rule(raw: Any, where: str) -> TierRule:
    if not isinstance(raw, dict):
        raise InputError(f"Mapping, at {where}: a rule must be an object such as "
                         "{\"kind\": \"cue\", \"code_from\": \"value\"}.")
    known = {"kind", "code", "code_from", "values", "strict", "coder", "note_from", "skip"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(f"Mapping, at {where}: unknown key(s) {unknown}; use {sorted(known)}.")
    if raw.get("skip") is True:
        return TierRule(skip=True)
    kind_raw = raw.get("kind", "cue")
    if kind_raw not in _SUBJECT_KINDS:
        raise InputError(f"Mapping, at {where}/kind: {kind_raw!r} is not cue, response, "
                         "reaction, infant or parent.")
    code = raw.get("code")
    if code is not None and (not isinstance(code, str) or not code):
        raise InputError(f"Mapping, at {where}/code: give a non-empty code string.")
    code_from = raw.get("code_from", "fixed" if code is not None else "value")
    if code is None and code_from not in _CODE_SOURCES:
        raise InputError(f"Mapping, at {where}/code_from: {code_from!r} is not one of "
                         f"{list(_CODE_SOURCES)}.")
    values = raw.get("values", {})
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in values.items()
    ):
        raise InputError(f"Mapping, at {where}/values: give an object of text to code.")
    coder = raw.get("coder")
    if coder is not None and (not isinstance(coder, str) or not coder):
        raise InputError(f"Mapping, at {where}/coder: give a coder name.")
    note_from = raw.get("note_from")
    if note_from not in (None, "value"):
        raise InputError(f"Mapping, at {where}/note_from: only \"value\" is supported.")
    strict = raw.get("strict", False)
    if not isinstance(strict, bool):
        raise InputError(f"Mapping, at {where}/strict: give true or false.")
    return TierRule(kind=_SUBJECT_KINDS[kind_raw], code=code, code_from=code_from,
                    values=dict(values), strict=strict, coder=coder, note_from=note_from)


def parse_mapping(doc: Any) -> Mapping:
    """A :class:`Mapping` from its JSON object; errors name the key that is wrong."""
    if not isinstance(doc, dict):
        raise InputError("A mapping must be a JSON object; see `attune convert --help`.")
    known = {"tiers", "default", "subjects", "codes", "coder", "observation", "unpaired"}
    unknown = sorted(set(doc) - known)
    if unknown:
        raise InputError(f"Mapping: unknown key(s) {unknown}; use {sorted(known)}.")
    tiers_raw = doc.get("tiers", {})
    if not isinstance(tiers_raw, dict):
        raise InputError("Mapping, at tiers: give an object of tier name to rule.")
    tiers = tuple((name, _rule(r, f"tiers/{name}")) for name, r in tiers_raw.items())
    default = _rule(doc["default"], "default") if doc.get("default") is not None else None
    subjects_raw = doc.get("subjects", {})
    if not isinstance(subjects_raw, dict):
        raise InputError("Mapping, at subjects: give an object of subject name to kind.")
    subjects = []
    for name, kind in subjects_raw.items():
        if kind not in _SUBJECT_KINDS:
            raise InputError(f"Mapping, at subjects/{name}: {kind!r} is not infant, parent, "
                             "cue, response or reaction.")
        subjects.append((name, _SUBJECT_KINDS[kind]))
    codes = doc.get("codes", {})
    if not isinstance(codes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in codes.items()
    ):
        raise InputError("Mapping, at codes: give an object of text to code.")
    for key in ("coder", "observation"):
        if doc.get(key) is not None and not isinstance(doc[key], str):
            raise InputError(f"Mapping, at {key}: give a string.")
    unpaired = doc.get("unpaired", "error")
    if unpaired not in ("error", "skip"):
        raise InputError("Mapping, at unpaired: give \"error\" or \"skip\".")
    return Mapping(tiers=tiers, default=default, subjects=tuple(subjects), codes=dict(codes),
                   coder=doc.get("coder"), observation=doc.get("observation"),
                   unpaired=unpaired)


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read a mapping file (JSON, see the module docstring)."""
    name = os.path.basename(os.fspath(path))
    text = decode_text(read_limited(path, 1024 * 1024), name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"Mapping {name}, line {err.lineno}: not valid JSON ({err.msg}).") \
            from None
    return parse_mapping(doc)
