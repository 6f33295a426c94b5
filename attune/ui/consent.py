"""What the Consent page shows: each scope, what it allows, and its current decision."""

from __future__ import annotations

from datetime import date

from attune.core.consent import (
    SCOPE_DESCRIPTIONS,
    SCOPE_NAMES,
    ConsentDecision,
    ConsentScope,
    deciding_record,
)


def scope_state(decision: ConsentDecision | None, on: date) -> str:
    if decision is None:
        return "not recorded"
    if not decision.granted:
        return "declined"
    if decision.withdrawn_on is not None and decision.withdrawn_on <= on:
        return "withdrawn"
    if decision.retain_until is not None and on > decision.retain_until:
        return "ran out"
    return "granted"


def consent_rows(decisions: list[ConsentDecision], on: date) -> list[dict[str, object]]:
    """One row a scope (family-wide decisions): state, date, evidence, what it allows."""
    rows: list[dict[str, object]] = []
    for scope in ConsentScope:
        d = deciding_record([c for c in decisions if c.clip_id is None], scope, None, on)
        rows.append({
            "consent for": SCOPE_NAMES[scope],
            "state": scope_state(d, on),
            "decided on": d.decided_on.isoformat() if d else "",
            "withdrawn on": d.withdrawn_on.isoformat() if d and d.withdrawn_on else "",
            "keep until": d.retain_until.isoformat() if d and d.retain_until else "",
            "evidence": d.evidence if d else "",
            "recorded by": d.recorded_by if d else "",
            "what it allows": SCOPE_DESCRIPTIONS[scope],
        })
    return rows


def withdrawable(decisions: list[ConsentDecision], on: date) -> list[ConsentScope]:
    """Scopes with a family-wide consent in force (the ones that can be withdrawn)."""
    family_wide = [c for c in decisions if c.clip_id is None]
    return [s for s in ConsentScope
            if scope_state(deciding_record(family_wide, s, None, on), on) == "granted"]


def scope_label(scope: ConsentScope | str) -> str:
    scope = ConsentScope(scope)
    return f"{SCOPE_NAMES[scope]}: {SCOPE_DESCRIPTIONS[scope]}"
