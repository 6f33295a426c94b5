"""Modifiers: what a scheme lets a coder add to a code (how, how strongly, who started).

A scheme defines each modifier once (``modality``: voice, touch, face; ``intensity``:
1-3; ``initiated``: baby, parent) and the codes it applies to. An event keeps the values
chosen as ``name=value`` strings in :attr:`attune.core.events.Event.modifiers`; a string
without ``=`` is a free modifier read from another tool's file and kept as it came.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attune.errors import InputError

SEPARATOR = "="


@dataclass(frozen=True)
class ModifierValue:
    id: str
    label: str
    key: str | None = None


@dataclass(frozen=True)
class Modifier:
    """One modifier of a scheme: its values (one chosen at a time) and its codes."""

    id: str
    label: str
    values: tuple[ModifierValue, ...]
    codes: frozenset[str]

    def value(self, value_id: str) -> ModifierValue | None:
        return next((v for v in self.values if v.id == value_id), None)


def pair(token: str) -> tuple[str, str] | None:
    """``("modality", "voice")`` of ``"modality=voice"``; None for a free modifier."""
    name, sep, value = token.partition(SEPARATOR)
    return (name, value) if sep and name and value else None


def token(modifier_id: str, value_id: str) -> str:
    return f"{modifier_id}{SEPARATOR}{value_id}"


def named(modifiers: Iterable[str]) -> dict[str, str]:
    """The ``name -> value`` of an event's modifiers (free ones left out)."""
    out: dict[str, str] = {}
    for m in modifiers:
        p = pair(m)
        if p is not None:
            out[p[0]] = p[1]
    return out


def free(modifiers: Iterable[str]) -> tuple[str, ...]:
    return tuple(m for m in modifiers if pair(m) is None)


def parse_modifiers(doc: Sequence[Mapping[str, Any]], code_ids: Iterable[str]
                    ) -> tuple[Modifier, ...]:
    """The modifiers of a scheme document, checked: unique ids, known codes, and one key
    for one value among all the modifiers of a code (the key after the code key)."""
    known = set(code_ids)
    out: list[Modifier] = []
    for m in doc:
        values = tuple(ModifierValue(str(v["id"]), str(v.get("label") or v["id"]),
                                     v.get("key")) for v in m["values"])
        if len({v.id for v in values}) != len(values):
            raise InputError(f"Modifier {m['id']!r} lists a value twice; give each value "
                             "its own id.")
        codes = frozenset(str(c) for c in m["codes"])
        unknown = sorted(codes - known)
        if unknown:
            raise InputError(f"Modifier {m['id']!r} names codes the scheme does not have "
                             f"({', '.join(unknown)}); use the scheme's codes.")
        out.append(Modifier(str(m["id"]), str(m.get("label") or m["id"]), values, codes))
    if len({m.id for m in out}) != len(out):
        raise InputError("Two modifiers have the same id; give each modifier its own id.")
    for code in known:
        keys: dict[str, str] = {}
        for mod in out:
            if code not in mod.codes:
                continue
            for v in mod.values:
                if v.key is None:
                    continue
                if v.key in keys:
                    raise InputError(
                        f"Key {v.key!r} chooses both {keys[v.key]} and {mod.id} {v.id} after "
                        f"code {code}; give each value of a code's modifiers its own key.")
                keys[v.key] = f"{mod.id} {v.id}"
    return tuple(out)


def for_code(modifiers: Iterable[Modifier], code_id: str) -> tuple[Modifier, ...]:
    return tuple(m for m in modifiers if code_id in m.codes)


def check(modifiers: Sequence[Modifier], code_id: str, chosen: Iterable[str]
          ) -> tuple[str, ...]:
    """``chosen`` as stored: the code's modifiers in the scheme's order (one value each),
    then free modifiers. A named modifier the code does not have is refused."""
    mine = {m.id: m for m in for_code(modifiers, code_id)}
    values: dict[str, str] = {}
    loose: list[str] = []
    for t in chosen:
        t = str(t).strip()
        p = pair(t)
        if p is None:
            if t and t not in loose:
                loose.append(t)
            continue
        m = mine.get(p[0])
        if m is None or m.value(p[1]) is None:
            raise InputError(f"{code_id} has no modifier {p[0]} {p[1]}; choose one of the "
                             "modifiers the scheme gives that code.")
        values[p[0]] = p[1]
    return tuple(token(i, values[i]) for i in mine if i in values) + tuple(loose)


def keep_fitting(modifiers: Sequence[Modifier], code_id: str, chosen: Iterable[str]
                 ) -> tuple[str, ...]:
    """The chosen modifiers that still fit after a recode to ``code_id``."""
    mine = {m.id: m for m in for_code(modifiers, code_id)}
    return tuple(t for t in chosen
                 if (p := pair(t)) is None or (p[0] in mine and mine[p[0]].value(p[1])))


def words(modifiers: Sequence[Modifier], chosen: Iterable[str]) -> str:
    """The chosen modifiers in the practitioner's words: ``"how: voice, strength: 2"``."""
    by_id = {m.id: m for m in modifiers}
    parts = []
    for t in chosen:
        p = pair(t)
        if p is None:
            parts.append(t)
            continue
        m = by_id.get(p[0])
        v = m.value(p[1]) if m else None
        parts.append(f"{m.label if m else p[0]}: {v.label if v else p[1]}")
    return ", ".join(parts)
