"""Tallies by modifier: how often each code was marked with each modifier value, per
visit (practitioner figures, never a parent's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from attune.analysis.tallies import SessionClip, link_responses, sortable_date
from attune.core import modifiers as mods
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme

COLUMNS = ["session", "date", "kind", "code", "label", "modifier", "value", "events",
           "attuned"]


def _attuned_ids(events: Sequence[Event], scheme: Scheme) -> set[int]:
    """Responses that are attuned, and the cues they answer."""
    out: set[int] = set()
    for link in link_responses(events, scheme):
        if link.attuned and link.cue is not None:
            out.add(link.response.id or 0)
            out.add(link.cue.id or 0)
    return out


def modifier_frame(items: Sequence[SessionClip], scheme: Scheme) -> pd.DataFrame:
    """One row per visit, code, modifier and value: the events so marked and how many
    of them were attuned (a response) or answered with an attuned response (a cue).

    >>> from attune.schemes import default_scheme
    >>> from datetime import date
    >>> ev = [Event(EventKind.CUE, "C03", 1000, 1000, id=1, modifiers=("intensity=2",)),
    ...       Event(EventKind.RESPONSE, "R05", 1800, 1800, id=2, answers_id=1,
    ...             modifiers=("modality=voice",))]
    >>> f = modifier_frame([SessionClip(1, date(2026, 11, 2), 60_000, ev)], default_scheme())
    >>> f[["code", "modifier", "value", "events", "attuned"]].values.tolist()
    [['C03', 'how strongly', 'clearly', 1, 1], ['R05', 'how', 'voice', 1, 1]]
    """
    by_id = {m.id: m for m in scheme.modifiers}
    Key = tuple[Any, datetime, str, str, str, str]
    counts: Counter[Key] = Counter()
    attuned: Counter[Key] = Counter()
    for item in items:
        live = [e for e in item.events if e.deleted_at is None]
        good = _attuned_ids(live, scheme)
        for e in live:
            for name, value in mods.named(e.modifiers).items():
                m = by_id.get(name)
                v = m.value(value) if m else None
                key = (item.session_id, sortable_date(item.session_date), str(e.kind), e.code,
                       m.label if m else name, v.label if v else value)
                counts[key] += 1
                if e.id in good:
                    attuned[key] += 1
    labels = {c.id: c.label for c in scheme.codes}
    rows = [[s, d.date(), kind, code, labels.get(code, code), m, v, n, attuned[k]]
            for k, n in counts.items() for (s, d, kind, code, m, v) in [k]]
    rows.sort(key=lambda r: (r[1], r[0], r[2] != EventKind.CUE, r[3], r[5], r[6]))
    return pd.DataFrame(rows, columns=COLUMNS)
