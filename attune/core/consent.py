"""Consent rules (docs/practice.md §7): which recorded decision governs a scope, on which day.
Who may use what under which scope is :mod:`attune.core.policy` (the one table).

Consent is recorded per family (applying to all its clips) or per clip, one decision per
scope. The most specific decision wins (a clip's own record over the family's), and
within the same level the latest decision wins. A decision allows use only when it was
granted, has not been withdrawn, was made on or before the day, and its retention date
(if any) has not passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ConsentScope(StrEnum):
    SHARED_REVIEW = "shared_review"
    SUPERVISION = "supervision"
    SECOND_CODER = "second_coder"
    TRAINING = "training"
    RESEARCH = "research"
    PARENT_COPY = "parent_copy"


#: Consent scopes by the names practitioners and parents use.
SCOPE_NAMES: dict[ConsentScope, str] = {
    ConsentScope.SHARED_REVIEW: "Shared review",
    ConsentScope.SUPERVISION: "Supervision",
    ConsentScope.SECOND_CODER: "Second coder",
    ConsentScope.TRAINING: "Training",
    ConsentScope.RESEARCH: "Research",
    ConsentScope.PARENT_COPY: "Parent's copy",
}

SCOPE_DESCRIPTIONS: dict[ConsentScope, str] = {
    ConsentScope.SHARED_REVIEW: "film the family, code the clip and watch a reel of it "
    "together with the parent",
    ConsentScope.SUPERVISION: "the practitioner's supervisor may view the clip and its coding",
    ConsentScope.SECOND_CODER: "a second practitioner may code the clip blind (double-coding)",
    ConsentScope.TRAINING: "the clip may be shown when training practitioners",
    ConsentScope.RESEARCH: "the coded events (not the video) may be used for research",
    ConsentScope.PARENT_COPY: "the parent may download their own copy of the reel",
}


@dataclass(frozen=True)
class ConsentDecision:
    family_id: int
    scope: ConsentScope
    granted: bool
    decided_on: date
    clip_id: int | None = None
    retain_until: date | None = None
    withdrawn_on: date | None = None
    id: int | None = None
    recorded_by: str = ""
    evidence: str = ""

    def in_force(self, on: date) -> bool:
        return (
            self.granted
            and self.decided_on <= on
            and (self.withdrawn_on is None or self.withdrawn_on > on)
            and (self.retain_until is None or on <= self.retain_until)
        )


def deciding_record(
    consents: Iterable[ConsentDecision], scope: ConsentScope, clip_id: int | None, on: date
) -> ConsentDecision | None:
    """The decision that governs ``scope`` for ``clip_id`` (or the family) on ``on``."""
    relevant = [
        c for c in consents
        if c.scope == scope and c.decided_on <= on and (c.clip_id is None or c.clip_id == clip_id)
    ]
    if not relevant:
        return None
    # Clip-level beats family-level; then the latest decision; then the latest record.
    return max(relevant, key=lambda c: (c.clip_id is not None, c.decided_on, c.id or 0))


def scope_allows(consents: Iterable[ConsentDecision], scope: ConsentScope, on: date,
                 clip_id: int | None = None) -> bool:
    """Whether the decision governing ``scope`` is in force on ``on``."""
    record = deciding_record(consents, scope, clip_id, on)
    return record is not None and record.in_force(on)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end.

    >>> add_months(date(2026, 12, 31), 2)
    datetime.date(2027, 2, 28)
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retention_date(involvement_ended_on: date | None, months: int,
                   consents: Iterable[ConsentDecision]) -> date | None:
    """When a family's media must be deleted: ``months`` after involvement ends, unless a
    consent was renewed (``retain_until``) to a later date. None while involvement goes on.
    """
    if involvement_ended_on is None:
        return None
    default = add_months(involvement_ended_on, months)
    renewals = [c.retain_until for c in consents
                if c.retain_until is not None and c.granted and c.withdrawn_on is None]
    return max([default, *renewals])
