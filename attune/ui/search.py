"""The Search page's parts: the choices its filters offer, the query they make, each hit
as a line with a link to its moment, and a playlist that plays every hit for its span
(through the same media route as the workspace). No Streamlit at import."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from attune.core.scheme import EventKind, Potency, Scheme
from attune.core.spans import format_ms
from attune.services.search import Hit, SearchQuery

KINDS = {"Any kind": None, "Infant cues": EventKind.CUE, "Parent responses": EventKind.RESPONSE,
         "Infant reactions": EventKind.REACTION}
ANSWERED = {"Answered or not": None, "Answered (attuned)": True, "Not answered": False}
PERIODS = ("Any time", "This month", "Last 30 days", "Choose dates")
HITS_A_PAGE = 25


def code_choices(schemes: Sequence[Scheme]) -> dict[str, str]:
    """``"C07 face brightens…" -> "C07"`` for the code picker: every code of the scheme
    versions searched (oldest first; a code's words are its newest version's)."""
    labels: dict[str, str] = {}
    for scheme in reversed(schemes):  # the newest version's order, then older codes
        for c in scheme.codes:
            labels.setdefault(c.id, c.label)
    return {f"{i} {label}": i for i, label in labels.items()}


def modifier_choices(schemes: Sequence[Scheme]) -> dict[str, str]:
    """``"how: voice" -> "modality=voice"`` for the modifier picker: every modifier value
    of the scheme versions searched, once each."""
    out: dict[str, str] = {}
    for scheme in reversed(schemes):  # the newest version's words first
        for m in scheme.modifiers:
            for v in m.values:
                token = f"{m.id}={v.id}"
                if token not in out.values():
                    out[f"{m.label}: {v.label}"] = token
    return out


def band_choices(schemes: Sequence[Scheme]) -> list[str]:
    """The answer-time bands of the scheme versions searched, each name once."""
    return list(dict.fromkeys(b.name for s in reversed(schemes) for b in s.bands))


def period(choice: str, today: date, chosen: Sequence[date] = ()
           ) -> tuple[date | None, date | None]:
    """The date range of a period choice.

    >>> period("This month", date(2026, 11, 29))
    (datetime.date(2026, 11, 1), datetime.date(2026, 11, 29))
    >>> period("Last 30 days", date(2026, 11, 29))
    (datetime.date(2026, 10, 31), datetime.date(2026, 11, 29))
    """
    if choice == "This month":
        return today.replace(day=1), today
    if choice == "Last 30 days":
        return today - timedelta(days=29), today
    if choice == "Choose dates" and chosen:
        return chosen[0], chosen[-1]
    return None, None


def make_query(*, family: str | None, kind: str, codes: Sequence[str],
               modifiers: Sequence[str], subtle: bool, answered: str, bands: Sequence[str],
               note: str, dates: tuple[date | None, date | None]) -> SearchQuery:
    return SearchQuery(codes=frozenset(codes), modifiers=frozenset(modifiers),
                       kind=KINDS[kind], potency=Potency.SUBTLE if subtle else None,
                       answered=ANSWERED[answered], bands=frozenset(bands), note=note,
                       date_from=dates[0], date_to=dates[1], family=family or None)


def hit_words(h: Hit) -> str:
    """A hit in practitioners' words (markdown)."""
    parts = [f"**{h.code}** {h.label}"]
    if h.modifier_words:
        parts.append(f"*{h.modifier_words}*")
    if h.answered is True:
        parts.append(f"answered, {h.band}" + (f" ({h.latency_ms / 1000:.1f} s)"
                                                if h.latency_ms is not None else ""))
    elif h.answered is False:
        parts.append("not answered")
    parts.append(h.coder)
    if h.note:
        parts.append(f"“{h.note}”")
    return " · ".join(parts)


def link_words(h: Hit) -> str:
    return f"{h.family} · {h.clip} · {format_ms(h.start_ms, 1)}"


def hit_link(h: Hit) -> dict[str, str]:
    """The workspace's query parameters for this moment (the timeline seeks there)."""
    return {"clip": str(h.clip_id), "t": str(h.start_ms)}


def playlist_items(hits: Sequence[Hit], url_for: Callable[[int], str | None]
                   ) -> list[dict[str, Any]]:
    """What the playlist plays: each hit's span of its clip's browser copy."""
    out = []
    for h in hits:
        src = url_for(h.clip_id)
        if not src:
            continue
        start, end = h.span_ms
        out.append({"src": src, "from_ms": start, "to_ms": end,
                    "title": f"{h.family} · {h.clip} · {format_ms(h.start_ms, 1)} · {h.code} "
                             f"{h.label}" + (f" · {h.modifier_words}" if h.modifier_words
                                             else "")})
    return out


_CSS = """
.attune-playlist { font: 14px system-ui, sans-serif; }
.attune-playlist video { width: 100%; max-width: 640px; background: #111; border-radius: 6px; }
.attune-playlist .bar { display: flex; gap: 6px; align-items: center; margin: 6px 0;
  flex-wrap: wrap; }
.attune-playlist button { font: inherit; padding: 3px 10px; border-radius: 5px;
  border: 1px solid #c5c9d1; background: #f6f7f9; cursor: pointer; }
.attune-playlist .now { color: #333; }
"""

_JS = """
export default function(component) {
  const { data, parentElement } = component;
  const items = (data && data.items) || [];
  let box = parentElement.querySelector('div.attune-playlist');
  if (!box) {
    box = document.createElement('div');
    box.className = 'attune-playlist';
    box.innerHTML = '<video playsinline preload="metadata" data-testid="attune-playlist"></video>' +
      '<div class="bar"><button type="button" class="prev">Previous</button>' +
      '<button type="button" class="play">Play all</button>' +
      '<button type="button" class="next">Next</button><span class="now"></span></div>';
    parentElement.appendChild(box);
  }
  const video = box.querySelector('video'), now = box.querySelector('.now');
  const S = box.__s || (box.__s = { i: 0, playing: false });
  S.items = items;
  const key = JSON.stringify(items);
  if (key !== S.key) { S.key = key; S.i = 0; S.playing = false; show(false); }
  function show(play) {
    const it = S.items[S.i];
    if (!it) { now.textContent = 'Nothing to play.'; video.removeAttribute('src'); return; }
    now.textContent = (S.i + 1) + ' of ' + S.items.length + ' · ' + it.title;
    const go = () => {
      video.currentTime = it.from_ms / 1000;
      if (play) { const p = video.play(); if (p && p.catch) p.catch(() => {}); }
    };
    if (video.dataset.src !== it.src) {
      video.dataset.src = it.src; video.src = it.src;
      video.addEventListener('loadedmetadata', go, { once: true });
    } else if (video.readyState >= 1) go();
    else video.addEventListener('loadedmetadata', go, { once: true });
    box.dataset.index = String(S.i);
  }
  video.ontimeupdate = () => {
    const it = S.items[S.i];
    if (!it || !S.playing || video.currentTime * 1000 < it.to_ms) return;
    if (S.i + 1 < S.items.length) { S.i += 1; show(true); }
    else { S.playing = false; video.pause(); }
  };
  box.querySelector('.play').onclick = () => { S.playing = true; show(true); };
  box.querySelector('.next').onclick = () => {
    if (S.i + 1 < S.items.length) { S.i += 1; show(S.playing); }
  };
  box.querySelector('.prev').onclick = () => { if (S.i > 0) { S.i -= 1; show(S.playing); } };
}
"""


@functools.cache
def _component() -> Callable[..., Any]:
    """Registered on first use, never at import."""
    import streamlit as st

    return st.components.v2.component(  # type: ignore[no-any-return]
        "attune_search_playlist", css=_CSS, js=_JS)


def playlist(items: list[dict[str, Any]], *, key: str = "search_playlist") -> Any:
    return _component()(key=key, data={"items": items}, height="content")
