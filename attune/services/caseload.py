"""A year of a team's work, made up (``attune demo --caseload N``): to see how attune
behaves with a full caseload (``bench/pages.py``) and to test that pages do not slow down
as it grows.

N families, each with 8-12 visits (the first family 12), 1-3 clips a visit, 50-300 events
a clip coded by one of a supervisor's 8 practitioners, a second blind coder on a fifth of
the clips, moments with captions, a reel a family with the parent's reflections, and the
audit log all of this writes. The events are the sample clips' coded events (cue →
response → reaction chains) repeated along the clip with their times shifted a little;
the second coder's are the first's with the differences two people really have (missed,
moved and re-coded events).

The media are real but made once: a sample clip repeated into a 15-minute recording
(copied, not re-encoded), ingested once (proxy, filmstrip, envelope), and every clip row
points at that original, its made files linked into the clip's folder. ``media_cache``
keeps the made files between runs (the ingest takes about a minute).
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from attune.core.accounts import Role
from attune.core.clip import ClipStatus
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.events import Event
from attune.core.pronouns import Pronoun
from attune.core.scheme import EventKind
from attune.fileio import write_bytes_atomic
from attune.media.ingest import ingest_media, sharpen_filmstrip
from attune.media.layout import CLIP_FILES
from attune.media.loop import loop_recording
from attune.services import Context
from attune.services.accounts import hash_password
from attune.services.demo import DEMO_PASSWORD, SAMPLE_CLIPS, ensure_demo_accounts

#: The team: the demo's two practitioners and six more, all supervised by ``sue``.
TEAM = ("pat", "sam", "alex", "bea", "cal", "dee", "eli", "fay")
CLIP_MINUTES = 15
FAMILY_PREFIX = "CL-"
WORKSPACE_EVENTS = 300  # the first family's first clip: a 15-minute clip with 300 events
_BABIES = ("Ava", "Ben", "Cleo", "Dan", "Esme", "Finn", "Gus", "Hana", "Ivo", "Jude", "Kai",
           "Lena", "Milo", "Nia", "Otto", "Pia", "Remy", "Suki", "Theo", "Uma")
_CAPTIONS = ("You waited, and she told you more.", "You smiled back and she lit up.",
             "You named what she saw, and she kept looking.",
             "You gave her a little break, and she came back to you.",
             "Your calm voice helped her settle.")
_REFLECTIONS = ("I didn't know she was asking me to wait.", "She really does look for me.",
                "I can see she likes it when I copy her sounds.")


def family_code(i: int) -> str:
    return f"{FAMILY_PREFIX}{i + 1:03d}"


def load_caseload(ctx: Context, families: int, *, seed: int = 19,
                  media_cache: Path | None = None, media: bool = True) -> dict[str, Any]:
    """Add ``families`` made-up families (codes CL-001…) to this installation; families
    already there are kept (run it again with a larger N to add the rest). With
    ``media=False`` (tests) the clips are marked ready without any made files."""
    if families < 1:
        raise ValueError("a caseload has at least one family")
    ensure_demo_accounts(ctx)
    hashed = hash_password(DEMO_PASSWORD)
    with ctx.db.transaction("system") as tx:
        known = {u.username for u in tx.list_users()}
        for name in TEAM:
            if name not in known:
                tx.add_user(name, f"{name.capitalize()} (practitioner)", Role.PRACTITIONER,
                            hashed, "sue")
        have = {f.code for f in tx.list_families()}
    template = _template_media(ctx, media_cache) if media else _no_media(ctx)
    patterns = _sample_patterns()
    made = {"families": 0, "clips": 0, "events": 0}
    for i in range(families):
        if family_code(i) in have:
            continue
        rng = random.Random(seed * 100_003 + i)
        counts = _add_family(ctx, i, rng, template, patterns)
        for key, value in counts.items():
            made[key] += value
    return {**made, "team": list(TEAM), "password": DEMO_PASSWORD,
            "workspace_clip_events": WORKSPACE_EVENTS}


# ------------------------------------------------------------------ media made once
def _template_media(ctx: Context, cache: Path | None) -> dict[str, Any]:
    """The 15-minute original stored, its made files in a folder; returns where and
    what a clip row keeps about them."""
    import json

    folder = cache if cache is not None else ctx.media.root / "caseload-template"
    folder.mkdir(parents=True, exist_ok=True)
    original = folder / "original.mp4"
    facts = folder / "media.json"
    if not facts.is_file() or not all((folder / name).is_file()
                                      for name in CLIP_FILES.values()):
        source = sorted(SAMPLE_CLIPS.glob("*.mp4"))[0]
        loop_recording(source, original, CLIP_MINUTES * 2)  # the samples are 30 s
        result = ingest_media(original, folder, short_side=360)
        data = result.to_dict()
        if result.filmstrip.coarse:  # every clip links these files: the full strip now
            fine = sharpen_filmstrip(folder, result.proxy_fps, result.proxy_frame_count)
            data["filmstrip"] = fine.to_dict() if fine else data["filmstrip"]
        for key in ("proxy_path", "filmstrip_path", "filmstrip_index_path", "envelope_path"):
            data.pop(key, None)
        write_bytes_atomic(facts, json.dumps(data).encode())
    media = json.loads(facts.read_text())
    sha, size = ctx.media.store_file(original)
    return {"folder": folder, "media": media, "sha": sha, "size": size,
            "duration_ms": int(media["proxy_duration_ms"])}


def _no_media(ctx: Context) -> dict[str, Any]:
    """A sample recording stored as every clip's original, nothing made from it."""
    sha, size = ctx.media.store_file(sorted(SAMPLE_CLIPS.glob("*.mp4"))[0])
    return {"folder": None, "media": {}, "sha": sha, "size": size,
            "duration_ms": CLIP_MINUTES * 60_000}


def _link_clip_files(ctx: Context, clip_id: int, folder: Path | None) -> None:
    if folder is None:
        return
    for kind, name in CLIP_FILES.items():
        dest = ctx.media.clip_file(clip_id, kind)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            continue
        try:
            os.link(folder / name, dest)
        except OSError:  # another file system: a copy
            shutil.copyfile(folder / name, dest)


# ------------------------------------------------------------------ events
def _sample_patterns() -> list[tuple[list[Event], dict[int, int]]]:
    """Each sample clip's true events (and their links, as indexes) as a pattern."""
    from attune.interchange.events_json import read_events_json

    patterns = []
    for video in sorted(SAMPLE_CLIPS.glob("*.mp4")):
        doc = read_events_json(SAMPLE_CLIPS / f"{video.stem}.events.json")
        events = list(doc.events)
        links = {i: e.answers_id - 1 for i, e in enumerate(events) if e.answers_id is not None}
        patterns.append((events, links))
    return patterns


def _clip_events(rng: random.Random, patterns: list[tuple[list[Event], dict[int, int]]],
                 count: int, duration_ms: int) -> tuple[list[Event], dict[int, int]]:
    """About ``count`` events: sample patterns one after another along the clip."""
    events: list[Event] = []
    links: dict[int, int] = {}
    per_block = sum(len(p[0]) for p in patterns) / len(patterns)
    blocks = max(1, round(count / per_block))
    span = 35_000
    step = max(1_000, (duration_ms - span) // blocks)
    for b in range(blocks):
        pattern, plinks = patterns[rng.randrange(len(patterns))]
        base = b * step + rng.randrange(0, 1_500)
        first = len(events)
        for ev in pattern:
            jitter = rng.randrange(-200, 200)
            start = max(0, min(duration_ms - 1, ev.start_ms + base + jitter))
            end = min(duration_ms, max(start, ev.end_ms + base + jitter))
            events.append(replace(ev, start_ms=start, end_ms=end, coder="", answers_id=None))
        links.update({first + i: first + j for i, j in plinks.items()})
    if len(events) > count:  # trim to the count (links into the cut are dropped)
        events = events[:count]
        links = {i: j for i, j in links.items() if i < count and j < count}
    return events, links


def _second_coder(rng: random.Random, events: list[Event], links: dict[int, int]
                  ) -> tuple[list[Event], dict[int, int]]:
    """What a second coder sees: most events, a little moved, some coded otherwise."""
    codes: dict[EventKind, list[str]] = {}
    for ev in events:
        codes.setdefault(ev.kind, []).append(ev.code)
    kept: list[Event] = []
    index: dict[int, int] = {}
    for i, ev in enumerate(events):
        if rng.random() < 0.12:
            continue  # missed
        shift = int(rng.gauss(0, 250))
        start = max(0, ev.start_ms + shift)
        code = rng.choice(codes[ev.kind]) if rng.random() < 0.1 else ev.code
        index[i] = len(kept)
        kept.append(replace(ev, code=code, start_ms=start, end_ms=max(start, ev.end_ms + shift)))
    new_links = {index[i]: index[j] for i, j in links.items() if i in index and j in index}
    return kept, new_links


# ------------------------------------------------------------------ a family
def _add_family(ctx: Context, i: int, rng: random.Random, template: dict[str, Any],
                patterns: list[tuple[list[Event], dict[int, int]]]) -> dict[str, int]:
    code = family_code(i)
    coder = TEAM[i % len(TEAM)]
    second = TEAM[(i + 3) % len(TEAM)]
    visits = 12 if i == 0 else rng.randint(8, 12)
    today = date.today()
    clips = events_added = 0
    with ctx.db.transaction(coder) as tx:
        family = tx.add_family(code, _BABIES[i % len(_BABIES)], f"2026-{1 + i % 12:02d}",
                               list(Pronoun)[i % len(Pronoun)])
        tx.assign_practitioner(code, coder)
        if i == 0:
            tx.link_parent(code, "parent")
        first_visit = today - timedelta(days=7 * visits + 7)
        for scope in ConsentScope:
            tx.record_consent(family.id, scope, True, first_visit,
                              "Made up for the caseload: signed form in the family file")
        chosen: list[int] = []
        for v in range(visits):
            held_on = first_visit + timedelta(days=7 * (v + 1))
            session = tx.add_session(family.id, held_on, coder, f"Home visit {v + 1}")
            for c in range(rng.randint(1, 3)):
                clip = tx.add_clip(session.id, f"visit-{v + 1}-{c + 1}.mp4", template["sha"],
                                   template["size"], ConsentScope.SHARED_REVIEW,
                                   status=ClipStatus.READY, media=template["media"])
                tx.set_clip_media(clip.id, status=ClipStatus.READY,
                                  duration_ms=template["duration_ms"])
                clips += 1
                _link_clip_files(ctx, clip.id, template["folder"])
                count = WORKSPACE_EVENTS if (i == 0 and v == 0 and c == 0) else \
                    rng.randint(50, 300)
                events, links = _clip_events(rng, patterns, count, template["duration_ms"])
                tx.assign_coder(clip.id, coder, CodingRole.PRIMARY)
                events_added += tx.add_events_in_bulk(clip.id, coder, events, links)
                last_visit = v == visits - 1
                if not last_visit:
                    tx.mark_coding_done(clip.id, coder)
                if clips % 5 == 0:  # a fifth of the clips coded blind by a second coder
                    tx.assign_coder(clip.id, second, CodingRole.SECOND)
                    theirs, their_links = _second_coder(rng, events, links)
                    events_added += tx.add_events_in_bulk(clip.id, second, theirs,
                                                          their_links)
                    if not last_visit:
                        tx.mark_coding_done(clip.id, second)
                if c == 0 and v >= visits - 3:
                    cue = next(e for e in events if e.kind == EventKind.CUE)
                    moment = tx.add_moment(clip.id, cue.start_ms, cue.start_ms + 6_000,
                                           rng.choice(_CAPTIONS))
                    chosen.append(moment.id)
        reel = tx.add_reel(family.id, "Our moments together", chosen)
        for moment_id in chosen[:2]:
            tx.add_reflection(moment_id, rng.choice(_REFLECTIONS), reel.id)
    return {"families": 1, "clips": clips, "events": events_added}
