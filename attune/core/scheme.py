"""Coding schemes: codes for infant cues, parent responses and infant reactions.

A scheme is a versioned JSON document (``schemas/coding_scheme.v1.schema.json``); this
module turns a validated document into frozen dataclasses and checks the rules a JSON
Schema cannot express (unique ids and keys, bands that tile the time line).

Valence (engagement / disengagement / distress) and potency (potent / subtle) follow
Barnard's NCAST infant-cue work (Sumner & Spietz 1994); the response principles are the
six principles of attuned interaction of Video Interaction Guidance (VIG).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from attune.core.modifiers import Modifier, parse_modifiers
from attune.errors import InputError


class EventKind(StrEnum):
    CUE = "cue"
    RESPONSE = "response"
    REACTION = "reaction"


class Valence(StrEnum):
    ENGAGEMENT = "E"
    DISENGAGEMENT = "D"
    DISTRESS = "X"


class Potency(StrEnum):
    POTENT = "P"
    SUBTLE = "S"


#: The kinds of cue and their potency in practitioners' words (the scheme stores letters).
VALENCE_WORDS: Mapping[str, str] = {"E": "engagement", "D": "needs a break",
                                    "X": "distress"}
POTENCY_WORDS: Mapping[str, str] = {"P": "easy to see", "S": "subtle"}

VIG_PRINCIPLES: Mapping[int, str] = {
    1: "being attentive",
    2: "encouraging initiatives",
    3: "receiving initiatives",
    4: "developing attuned interactions",
    5: "guiding",
    6: "deepening discussion",
}


@dataclass(frozen=True)
class Code:
    id: str
    kind: EventKind
    label: str
    key: str | None = None
    valence: Valence | None = None  # cues
    potency: Potency | None = None  # cues
    vocal: bool = False  # cues and responses that are vocalisations (LENA turns)
    principle: int | None = None  # responses: VIG principle 1-6
    fits: frozenset[Valence] = frozenset()  # responses: cue valences it answers well
    positive: bool = False  # reactions: the baby's reaction completes a chain
    practitioner_only: bool = False  # never shown to a parent, never in a reel


@dataclass(frozen=True)
class LatencyBand:
    name: str
    from_ms: int
    to_ms: int | None  # None: open-ended

    def contains(self, latency_ms: int) -> bool:
        return latency_ms >= self.from_ms and (self.to_ms is None or latency_ms < self.to_ms)


@dataclass(frozen=True)
class Scheme:
    name: str
    version: int
    title: str
    codes: tuple[Code, ...]
    windows_ms: Mapping[Valence, int]
    bands: tuple[LatencyBand, ...]
    description: str = ""
    modifiers: tuple[Modifier, ...] = ()  # what a code can carry (core/modifiers.py)

    @property
    def label(self) -> str:
        """The version as reports name it: ``attuned-moments v2``."""
        return f"{self.name} v{self.version}"

    @property
    def windows_by_letter(self) -> dict[str, int]:
        """The latency windows as reports state them: ``{"E": 3000, ...}``."""
        return {v.value: ms for v, ms in self.windows_ms.items()}

    @cached_property
    def _by_id(self) -> dict[str, Code]:
        """The codes by id, made once: ``code`` is asked for every event of a caseload."""
        return {c.id: c for c in self.codes}

    def code(self, code_id: str) -> Code:
        found = self._by_id.get(code_id)
        if found is not None:
            return found
        raise InputError(
            f"Code {code_id!r} is not in coding scheme {self.name} v{self.version}; "
            "use one of its codes or map it to one."
        )

    def has_code(self, code_id: str) -> bool:
        return code_id in self._by_id

    def codes_of(self, kind: EventKind) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.kind == kind)

    def band_for(self, latency_ms: int) -> LatencyBand:
        for band in self.bands:
            if band.contains(latency_ms):
                return band
        return self.bands[-1]

    def with_windows(self, windows_ms: Mapping[Valence, int]) -> Scheme:
        """The same scheme with other latency windows (a supervisor re-scoring at 1 s)."""
        merged = {**self.windows_ms, **windows_ms}
        return Scheme(self.name, self.version, self.title, self.codes, merged, self.bands,
                      self.description, self.modifiers)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Scheme:
        """Build a scheme from a document already valid against the JSON Schema."""
        codes = tuple(_code(c) for c in doc["codes"])
        seen: set[str] = set()
        keys: dict[str, str] = {}
        for code in codes:
            if code.id in seen:
                raise InputError(f"Code id {code.id!r} appears twice; give each code its own id.")
            seen.add(code.id)
            if code.key is not None:
                if code.key in keys:
                    raise InputError(
                        f"Key {code.key!r} is used by both {keys[code.key]} and {code.id}; "
                        "give each code its own key."
                    )
                keys[code.key] = code.id
        bands = tuple(
            LatencyBand(b["name"], int(b["from_ms"]), None if b.get("to_ms") is None
                        else int(b["to_ms"]))
            for b in doc["latency_bands"]
        )
        if bands[0].from_ms != 0 or any(
            a.to_ms != b.from_ms for a, b in itertools.pairwise(bands)
        ) or bands[-1].to_ms is not None:
            raise InputError(
                "Latency bands must start at 0 ms, follow each other without gaps and end "
                "open (the last band has no to_ms)."
            )
        windows = {Valence(k): int(v) for k, v in doc["latency_windows_ms"].items()}
        return cls(
            name=doc["name"], version=int(doc["version"]), title=doc.get("title", doc["name"]),
            codes=codes, windows_ms=windows, bands=bands,
            description=doc.get("description", ""),
            modifiers=parse_modifiers(doc.get("modifiers", ()), (c.id for c in codes)),
        )


def pooled_versions(used: Iterable[tuple[str, Mapping[str, int]]]
                    ) -> tuple[tuple[str, ...], dict[str, int] | None,
                               dict[str, dict[str, int]] | None]:
    """What a report over several clips states about the scheme versions it pools, from
    each clip's ``(label, windows)``: the versions in the order first used, the first
    one's windows, and every version's windows when they differ (else None). A clip is
    always analysed with its own version; this only says which ones were pooled.

    >>> pooled_versions([("s v1", {"E": 3000}), ("s v2", {"E": 2000}), ("s v1", {"E": 3000})])
    (('s v1', 's v2'), {'E': 3000}, {'s v1': {'E': 3000}, 's v2': {'E': 2000}})
    >>> pooled_versions([("s v1", {"E": 3000}), ("s v2", {"E": 3000})])
    (('s v1', 's v2'), {'E': 3000}, None)
    """
    by: dict[str, dict[str, int]] = {}
    for label, windows in used:
        by.setdefault(label, dict(windows))
    first = next(iter(by.values()), None)
    return tuple(by), first, (by if any(w != first for w in by.values()) else None)


def _code(c: Mapping[str, Any]) -> Code:
    return Code(
        id=c["id"],
        kind=EventKind(c["kind"]),
        label=c["label"],
        key=c.get("key"),
        valence=Valence(c["valence"]) if c.get("valence") else None,
        potency=Potency(c["potency"]) if c.get("potency") else None,
        vocal=bool(c.get("vocal", False)),
        principle=c.get("principle"),
        fits=frozenset(Valence(v) for v in c.get("fits", ())),
        positive=bool(c.get("positive", False)),
        practitioner_only=bool(c.get("practitioner_only", False)),
    )
