"""BORIS: ``.boris`` projects and tabular event exports in, both out.

A ``.boris`` project (JSON, project format 7) holds an ethogram (``behaviors_conf``:
the codes), subjects (``subjects_conf``) and observations, each a list of events
``[time_s, subject, behaviour, modifiers, comment]``. A *state* behaviour is coded as a
START event followed by a STOP event of the same subject and behaviour; a *point*
behaviour is one event. attune reads each observation as one clip's events:

* the subject decides the kind through the mapping's ``subjects`` (``infant`` → cue,
  ``parent`` → response); a subject written by attune as ``<kind>@<coder>`` carries both;
  without either the event is a cue;
* the behaviour code maps through the mapping's ``codes``;
* an unpaired state event (a START without its STOP) fails the whole import with a
  message naming each one (behaviour, subject, time), unless the mapping says
  ``"unpaired": "skip"``: then each is left out and named in :attr:`BorisProject.warnings`.

The tabular export that BORIS writes (one observation: a preamble, then ``Time, Media
file path, Total length, FPS, Subject, Behavior, Behavioral category, Comment, Status``)
is read and written by :func:`read_boris_tabular` and :func:`write_boris_tabular`, a
project by :func:`read_boris_project` and :func:`write_boris_project` (the ethogram with
each code's modifier sets); the aggregated export (``Start (s)``/``Stop (s)`` per row)
is read too. attune keeps the event's id, link, note and modifiers in the comment as
``attune:{json} note``.

BORIS keeps an event's modifiers as its values, one per modifier set of the behaviour,
joined with ``|`` (``voice|2``; ``None`` for a set left unchosen). Read with a scheme, a
value becomes the scheme's modifier (``modality=voice``) when the set's name is the
modifier's id or label and the value one of its values (id or label), or, without a set
name (tabular exports), when exactly one of the code's modifiers has that value; any other
value is kept as it came.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from attune.core import modifiers as mods
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.errors import InputError
from attune.interchange.mapping import Mapping
from attune.interchange.model import (
    DEFAULT_MAX_BYTES,
    ClipInfo,
    EventDraft,
    EventsDocument,
    build_document,
    decode_text,
    read_limited,
    write_atomic,
)
from attune.interchange.tables import neutralise_cell, restore_cell

TABULAR_HEADER = ("Time", "Media file path", "Total length", "FPS", "Subject", "Behavior",
                  "Behavioral category", "Comment", "Status")
AGGREGATED_REQUIRED = ("Observation id", "Subject", "Behavior", "Behavior type", "Start (s)",
                       "Stop (s)")
TAG = "attune:"
NO_SUBJECT = "No focal subject"


@dataclass(frozen=True)
class BorisObservation:
    id: str
    document: EventsDocument


@dataclass(frozen=True)
class BorisProject:
    """A .boris project's observations as documents, its ethogram, and any warnings."""

    observations: tuple[BorisObservation, ...]
    behaviours: tuple[tuple[str, str, str], ...]  # (code, "point"|"state", description)
    subjects: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def observation(self, observation_id: str) -> EventsDocument:
        for o in self.observations:
            if o.id == observation_id:
                return o.document
        raise InputError(f"The project has no observation {observation_id!r}; it has "
                         f"{[o.id for o in self.observations]}.")


def seconds_to_ms(value: Any, where: str) -> int:
    """Seconds (number or text, e.g. ``3.300``) to integer ms, rounded half up."""
    if isinstance(value, bool) or value is None:
        raise InputError(f"{where}: {value!r} is not a time in seconds.")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(f"{where}: {value!r} is not a time in seconds; give a number such "
                         "as 3.300.") from None
    if not d.is_finite() or abs(d) > Decimal(10) ** 9:
        raise InputError(f"{where}: {value!r} is not a usable time in seconds.")
    return int((d * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_seconds(ms: int) -> str:
    """``3300`` → ``"3.300"``, exact (BORIS writes three decimals)."""
    return f"{ms // 1000}.{ms % 1000:03d}"


def _split_tag(comment: str) -> tuple[dict[str, Any], str]:
    if not comment.startswith(TAG):
        return {}, comment
    try:
        obj, end = json.JSONDecoder().raw_decode(comment, len(TAG))
    except (json.JSONDecodeError, RecursionError):
        return {}, comment
    if not isinstance(obj, dict):
        return {}, comment
    return obj, comment[end:].removeprefix(" ")


def _kind_and_coder(subject: str, mapping: Mapping | None) -> tuple[EventKind, str | None]:
    if mapping is not None:
        kind = mapping.kind_for_subject(subject)
        if kind is not None:
            return kind, None
    head, sep, coder = subject.partition("@")
    if sep and head in {k.value for k in EventKind} and coder:
        return EventKind(head), coder
    return EventKind.CUE, None


@dataclass
class _Raw:
    where: str
    time_ms: int
    subject: str
    behaviour: str
    modifiers: str
    comment: str
    status: str  # "POINT", "START", "STOP" or "" (decide from the ethogram)


def _pair(raws: Sequence[_Raw], state_codes: set[str], observation: str,
          unpaired: list[str]) -> list[tuple[_Raw, int]]:
    """(start event, end ms) for each event: points as points, states from pairs."""
    out: list[tuple[_Raw, int]] = []
    open_: dict[tuple[str, str], _Raw] = {}
    for r in sorted(raws, key=lambda r: r.time_ms):
        status = r.status or ("STATE" if r.behaviour in state_codes else "POINT")
        if status == "POINT":
            out.append((r, r.time_ms))
            continue
        key = (r.subject, r.behaviour)
        if status == "START" and key in open_:
            unpaired.append(_name_unpaired(open_[key], observation, "START"))
            open_[key] = r  # the earlier START has no STOP; this one may have
            continue
        if status == "STOP" and key not in open_:
            unpaired.append(_name_unpaired(r, observation, "STOP"))
            continue
        if key in open_:
            start = open_.pop(key)
            out.append((start, r.time_ms))
        else:
            open_[key] = r
    for r in open_.values():
        unpaired.append(_name_unpaired(r, observation, "START"))
    return out


def _name_unpaired(r: _Raw, observation: str, status: str) -> str:
    subject = r.subject or NO_SUBJECT
    return (f"observation {observation!r}: {status} of behaviour {r.behaviour!r}, subject "
            f"{subject!r}, at {format_seconds(r.time_ms)} s ({r.where}) has no "
            f"{'STOP' if status == 'START' else 'START'}")


def _resolve(values: list[str], set_names: Sequence[str], code: str,
             scheme: Scheme | None) -> list[str]:
    """BORIS modifier values as the scheme's ``name=value`` where they can be told."""
    if scheme is None or not scheme.modifiers:
        return values
    mine = mods.for_code(scheme.modifiers, code)
    out = []
    for i, value in enumerate(values):
        fold = value.casefold()

        def has(m: mods.Modifier, fold: str = fold) -> str | None:
            return next((v.id for v in m.values
                         if fold in (v.id.casefold(), v.label.casefold())), None)

        set_name = set_names[i].casefold() if i < len(set_names) else ""
        named = [m for m in mine if set_name in (m.id.casefold(), m.label.casefold())]
        candidates = named or ([] if set_name and any(
            set_name in (m.id.casefold(), m.label.casefold()) for m in scheme.modifiers)
            else [m for m in mine if has(m)])
        hits = [(m, has(m)) for m in candidates if has(m)]
        out.append(mods.token(hits[0][0].id, str(hits[0][1])) if len(hits) == 1 else value)
    return out


def _drafts(pairs: list[tuple[_Raw, int]], mapping: Mapping | None,
            scheme: Scheme | None = None,
            sets: dict[str, list[str]] | None = None) -> list[EventDraft]:
    drafts = []
    for r, end in sorted(pairs, key=lambda p: (p[0].time_ms, p[1])):
        kind, coder = _kind_and_coder(r.subject, mapping)
        tag, note = _split_tag(r.comment)
        code = mapping.map_code(r.behaviour) if mapping is not None else r.behaviour
        parts = r.modifiers.split("|") if r.modifiers else []
        names = (sets or {}).get(r.behaviour, [])
        chosen = [(names[i] if i < len(names) else "", p) for i, p in enumerate(parts)
                  if p and p != "None"]
        found = _resolve([p for _, p in chosen], [n for n, _ in chosen], code, scheme)
        if isinstance(tag.get("modifiers"), list):
            found = [str(m) for m in tag["modifiers"]]
        drafts.append(EventDraft(
            where=r.where, kind=kind, code=code, start_ms=r.time_ms, end_ms=end,
            coder=coder or (mapping.coder if mapping and mapping.coder else "boris"),
            local_id=tag.get("id") if isinstance(tag.get("id"), str) else None,
            answers=tag.get("answers") if isinstance(tag.get("answers"), str) else None,
            note=note, modifiers=tuple(found)))
    return drafts


def _finish(unpaired: list[str], mapping: Mapping | None, warnings: list[str]) -> None:
    if not unpaired:
        return
    if mapping is not None and mapping.unpaired == "skip":
        warnings.extend(f"left out: {u}" for u in unpaired)
        return
    raise InputError(
        f"{len(unpaired)} unpaired state event(s), so nothing was imported:\n- "
        + "\n- ".join(unpaired)
        + "\nAdd the missing START/STOP in BORIS, or import with a mapping that says "
          "\"unpaired\": \"skip\" to leave them out."
    )


# --- .boris projects ---------------------------------------------------------------------

def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object in a .boris project.")
    return value


def parse_boris_project(doc: Any, name: str, mapping: Mapping | None = None,
                        scheme: Scheme | None = None) -> BorisProject:
    """Observations of a parsed .boris project; all or nothing."""
    root = _obj(doc, f"{name}: the top level")
    if "observations" not in root or "behaviors_conf" not in root:
        raise InputError(f"{name}: no observations or behaviors_conf; this is not a BORIS "
                         "project file.")
    behaviours = []
    modifier_sets: dict[str, list[str]] = {}
    state_codes: set[str] = set()
    for key, b in _obj(root["behaviors_conf"], f"{name}: behaviors_conf").items():
        b = _obj(b, f"{name}: behaviors_conf/{key}")
        code = b.get("code")
        if not isinstance(code, str) or not code:
            raise InputError(f"{name}: behaviors_conf/{key} has no code.")
        kind = "state" if "state" in str(b.get("type", "")).lower() else "point"
        if kind == "state":
            state_codes.add(code)
        behaviours.append((code, kind, str(b.get("description", ""))))
        sets = b.get("modifiers")
        if isinstance(sets, dict):
            ordered = sorted(sets.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit()
                             else 0)
            modifier_sets[code] = [str(v.get("name", "")) if isinstance(v, dict) else ""
                                   for _, v in ordered]
    subjects = tuple(
        str(_obj(s, f"{name}: subjects_conf/{k}").get("name", ""))
        for k, s in _obj(root.get("subjects_conf", {}), f"{name}: subjects_conf").items())
    chosen = mapping.observation if mapping is not None else None
    observations = _obj(root["observations"], f"{name}: observations")
    if chosen is not None and chosen not in observations:
        raise InputError(f"{name}: no observation {chosen!r}; the project has "
                         f"{list(observations)}.")
    unpaired: list[str] = []
    warnings: list[str] = []
    out: list[tuple[str, list[tuple[_Raw, int]], ClipInfo]] = []
    for obs_id, obs in observations.items():
        if chosen is not None and obs_id != chosen:
            continue
        obs = _obj(obs, f"{name}: observations/{obs_id}")
        events = obs.get("events", [])
        if not isinstance(events, list):
            raise InputError(f"{name}: observations/{obs_id}/events must be a list.")
        offset_ms = seconds_to_ms(obs.get("time offset", 0) or 0,
                                  f"{name}: observations/{obs_id}/time offset")
        raws = []
        for i, ev in enumerate(events):
            where = f"{name}: observations/{obs_id}/events/{i}"
            if not isinstance(ev, list) or len(ev) < 3:
                raise InputError(f"{where}: an event must be [time, subject, behaviour, "
                                 "modifiers, comment].")
            t = _nonnegative(seconds_to_ms(ev[0], where) - offset_ms, where)
            behaviour = str(ev[2])
            if behaviour not in {b[0] for b in behaviours}:
                raise InputError(f"{where}: behaviour {behaviour!r} is not in the ethogram.")
            raws.append(_Raw(where, t, str(ev[1] or ""), behaviour,
                             str(ev[3]) if len(ev) > 3 and ev[3] is not None else "",
                             str(ev[4]) if len(ev) > 4 and ev[4] is not None else "", ""))
        pairs = _pair(raws, state_codes, obs_id, unpaired)
        media = _media(obs)
        clip = ClipInfo(name=media[0] if media else "",
                        duration_ms=_media_length(obs, media), fps=_media_fps(obs, media))
        out.append((obs_id, pairs, clip))
    _finish(unpaired, mapping, warnings)
    result = []
    for obs_id, pairs, clip in out:
        document = build_document(_drafts(pairs, mapping, scheme, modifier_sets),
                                  scheme_name=scheme.name if scheme else "boris",
                                  scheme_version=scheme.version if scheme else 1,
                                  clip=clip, scheme=scheme)
        result.append(BorisObservation(obs_id, document))
    return BorisProject(tuple(result), tuple(behaviours), subjects, tuple(warnings))


def _media(obs: dict[str, Any]) -> list[str]:
    files = obs.get("file")
    if isinstance(files, dict):
        first = files.get("1")
        if isinstance(first, list):
            return [os.path.basename(str(f)) for f in first]
    return []


def _media_length(obs: dict[str, Any], media: list[str]) -> int | None:
    info = obs.get("media_info")
    if not media or not isinstance(info, dict) or not isinstance(info.get("length"), dict):
        return None
    total = 0
    for full in (obs.get("file") or {}).get("1", []):
        length = info["length"].get(full)
        if isinstance(length, bool) or not isinstance(length, int | float):
            return None
        total += seconds_to_ms(length, "media_info")
    return total


def _media_fps(obs: dict[str, Any], media: list[str]) -> str | None:
    info = obs.get("media_info")
    if not media or not isinstance(info, dict) or not isinstance(info.get("fps"), dict):
        return None
    full = ((obs.get("file") or {}).get("1") or [None])[0]
    fps = info["fps"].get(full)
    if isinstance(fps, bool) or not isinstance(fps, int | float) or fps <= 0 or fps > 10000:
        return None
    return f"{Decimal(str(fps)).as_integer_ratio()[0]}/{Decimal(str(fps)).as_integer_ratio()[1]}"


def read_boris_project(path: str | os.PathLike[str], mapping: Mapping | None = None,
                       scheme: Scheme | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> BorisProject:
    """Import a .boris project: every observation (or ``mapping.observation``)."""
    name = os.path.basename(os.fspath(path))
    text = decode_text(read_limited(path, max_bytes), name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}, line {err.lineno} column {err.colno}: not valid JSON "
                         f"({err.msg}); the project file may be damaged.") from None
    except RecursionError:
        raise InputError(f"{name}: the JSON is nested too deeply.") from None
    return parse_boris_project(doc, name, mapping, scheme)


def _modifier_sets(code: str, scheme: Scheme | None) -> list[mods.Modifier]:
    return list(mods.for_code(scheme.modifiers, code)) if scheme is not None else []


def _refuse_overlap(document: EventsDocument,
                    last_end: dict[tuple[str, str], tuple[int, str]], e: Event) -> None:
    """Refuse an interval that starts before the last one of its subject and code ended.

    BORIS cannot tell two overlapping state events of one subject and behaviour apart;
    ``last_end`` carries, per (subject, code), where the previous one ended and its id.
    Events come in order of start.
    """
    assert e.id is not None
    key = (f"{e.kind}@{e.coder}", e.code)
    if key in last_end and last_end[key][0] > e.start_ms:
        raise InputError(f"Events {last_end[key][1]} and {document.local_id(e.id)} "
                         f"({e.code}, {e.coder}) overlap; BORIS cannot hold overlapping "
                         "state events of one subject and behaviour.")
    last_end[key] = (e.end_ms, document.local_id(e.id))


def _comment(document: EventsDocument, e: Event) -> str:
    """What BORIS keeps of an event that it has no field for (its id, the cue it answers,
    its modifiers' keys) as a tagged JSON comment, then the practitioner's note."""
    assert e.id is not None  # a document's events are numbered
    tag: dict[str, Any] = {"id": document.local_id(e.id)}
    if e.answers_id is not None:
        tag["answers"] = document.local_id(e.answers_id)
    if e.modifiers:
        tag["modifiers"] = list(e.modifiers)
    comment = TAG + json.dumps(tag, ensure_ascii=False, separators=(",", ":"))
    return comment + " " + e.note if e.note else comment


def boris_project(document: EventsDocument, observation_id: str = "attune",
                  scheme: Scheme | None = None) -> dict[str, Any]:
    """A .boris project (format 7) of one clip's events, as a dict ready for JSON.

    The ethogram (``behaviors_conf``) has the scheme's codes (or, without a scheme, the
    codes used), each with its **modifier sets**: one single-choice set per modifier the
    scheme gives that code, named by the modifier's id, its values by their ids. An
    event's modifiers are its value of each set, in order, joined by ``|`` (``None`` where
    none was chosen), as BORIS writes them; free modifiers (not the scheme's) travel in
    the comment's tag only. A code with any interval event is a state behaviour (a point
    event of it is a START and a STOP at the same time); the subject is
    ``<kind>@<coder>``. Two overlapping events of one subject and code are refused, as
    in the tabular export.
    """
    codes: list[str] = [c.id for c in scheme.codes] if scheme is not None else []
    for e in document.events:
        if e.code not in codes:
            codes.append(e.code)
    state = {e.code for e in document.events if not e.is_point}
    behaviours: dict[str, Any] = {}
    for i, code in enumerate(codes):
        known = scheme.code(code) if scheme is not None and scheme.has_code(code) else None
        behaviours[str(i)] = {
            "type": "State event" if code in state else "Point event",
            "key": (known.key or "") if known is not None else "",
            "code": code,
            "description": known.label if known is not None else "",
            "category": str(known.kind) if known is not None else "",
            "modifiers": {str(j): {"name": m.id, "description": m.label, "type": 0,
                                   "values": [v.id for v in m.values]}
                          for j, m in enumerate(_modifier_sets(code, scheme))},
            "excluded": "",
            "coding map": "",
        }
    subjects = sorted({f"{e.kind}@{e.coder}" for e in document.events})
    # (time, order at that time, event, its row): at one time earlier intervals stop (0),
    # then events start (1), a point of a state code stopping right after its start
    rows: list[tuple[int, int, int, int, list[Any]]] = []
    last_end: dict[tuple[str, str], tuple[int, str]] = {}
    for n, e in enumerate(sorted(document.events, key=lambda e: (e.start_ms, e.end_ms))):
        subject = f"{e.kind}@{e.coder}"
        chosen = mods.named(e.modifiers)
        values = "|".join(chosen.get(m.id, "None") for m in _modifier_sets(e.code, scheme))
        comment = _comment(document, e)
        start = [e.start_ms / 1000, subject, e.code, values, comment]
        if e.code not in state:
            rows.append((e.start_ms, 1, n, 0, start))
            continue
        _refuse_overlap(document, last_end, e)
        rows.append((e.start_ms, 1, n, 0, start))
        rows.append((e.end_ms, 1 if e.is_point else 0, n, 1,
                     [e.end_ms / 1000, subject, e.code, values, ""]))
    rows.sort(key=lambda r: r[:4])
    clip = document.clip
    media = clip.name or "clip"
    info: dict[str, Any] = {"length": {}, "fps": {}, "hasVideo": {media: True},
                            "hasAudio": {media: True}, "offset": {"1": 0.0}}
    if clip.duration_ms is not None:
        info["length"][media] = clip.duration_ms / 1000
    if clip.fps:
        num, _, den = clip.fps.partition("/")
        if den and int(den):
            info["fps"][media] = round(int(num) / int(den), 3)
    observation = {"file": {"1": [media]}, "type": "MEDIA", "date": "", "description": "",
                   "time offset": 0.0, "events": [r[4] for r in rows],
                   "media_info": info, "independent_variables": {},
                   "close_behaviors_between_videos": False, "visualize_spectrogram": False}
    return {
        "project_format_version": "7.0",
        "project_name": observation_id,
        "project_date": "",
        "project_description": f"Exported by attune from {document.scheme_name} "
                               f"v{document.scheme_version}",
        "time_format": "s",
        "subjects_conf": {str(i): {"key": "", "name": name, "description": ""}
                          for i, name in enumerate(subjects)},
        "behaviors_conf": behaviours,
        "behavioral_categories": [str(k) for k in EventKind],
        "coding_map": {},
        "independent_variables": {},
        "converters": {},
        "observations": {observation_id: observation},
    }


def dumps_boris_project(document: EventsDocument, observation_id: str = "attune",
                        scheme: Scheme | None = None) -> str:
    return json.dumps(boris_project(document, observation_id, scheme), ensure_ascii=False,
                      indent=1) + "\n"


def write_boris_project(document: EventsDocument, path: str | os.PathLike[str],
                        observation_id: str = "attune", scheme: Scheme | None = None) -> None:
    write_atomic(path, dumps_boris_project(document, observation_id, scheme).encode("utf-8"))


# --- tabular exports ---------------------------------------------------------------------

def _rows(text: str, name: str) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", strict=True))
    except csv.Error as err:
        raise InputError(f"{name}: the TSV is malformed ({err}).") from None
    # attune's own exports neutralise formula prefixes (dumps_boris_tabular): undo it.
    return [[restore_cell(c) for c in row] for row in rows]


def loads_boris_tabular(text: str, name: str = "BORIS TSV", mapping: Mapping | None = None,
                        scheme: Scheme | None = None) -> EventsDocument:
    """One observation from BORIS's tabular (START/STOP rows) or aggregated export."""
    rows = _rows(text, name)
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row]
        if cells[:2] == ["Time", "Media file path"] or ("Status" in cells and "Time" in cells):
            return _tabular(rows, i, name, mapping, scheme)
        if all(c in cells for c in AGGREGATED_REQUIRED):
            return _aggregated(rows, i, name, mapping, scheme)
    raise InputError(f"{name}: no BORIS header row found (expected one starting with "
                     f"{TABULAR_HEADER[:2]} or an aggregated export with "
                     f"{list(AGGREGATED_REQUIRED)}).")


def _preamble(rows: list[list[str]], header_at: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in rows[:header_at]:
        if len(row) >= 2 and row[0].strip():
            out.setdefault(row[0].strip(), row[1].strip())
    return out


def _tabular(rows: list[list[str]], at: int, name: str, mapping: Mapping | None,
             scheme: Scheme | None) -> EventsDocument:
    header = [c.strip() for c in rows[at]]
    need = ("Time", "Subject", "Behavior", "Status")
    missing = [c for c in need if c not in header]
    if missing:
        raise InputError(f"{name}, line {at + 1}: missing column(s) {missing}.")
    col = {h: i for i, h in enumerate(header)}
    raws = []
    clip_name, length, fps = "", None, None
    for n, row in enumerate(rows[at + 1:], start=at + 2):
        if not any(c.strip() for c in row):
            continue
        where = f"{name}, line {n}"
        if len(row) < len(header) - 2:
            raise InputError(f"{where}: {len(row)} cells, expected {len(header)}.")

        def cell(h: str, row: list[str] = row) -> str:
            i = col.get(h)
            return row[i] if i is not None and i < len(row) else ""

        status = cell("Status").strip().upper()
        if status not in ("START", "STOP", "POINT"):
            raise InputError(f"{where}, column Status: {status!r} is not START, STOP or POINT.")
        raws.append(_Raw(where, _nonnegative(seconds_to_ms(cell("Time"), f"{where}, column "
                                                           "Time"), where),
                         cell("Subject").strip(), cell("Behavior").strip(),
                         cell("Modifiers").strip(), cell("Comment"), status))
        clip_name = clip_name or os.path.basename(cell("Media file path").strip())
        if length is None and cell("Total length").strip():
            try:
                length = seconds_to_ms(cell("Total length"), where)
            except InputError:
                length = None
        fps = fps or _fps_text(cell("FPS"))
    for r in raws:
        if not r.behaviour:
            raise InputError(f"{r.where}, column Behavior: the behaviour is empty.")
    pre = _preamble(rows, at)
    unpaired: list[str] = []
    warnings: list[str] = []
    pairs = _pair(raws, set(), pre.get("Observation id", name), unpaired)
    _finish(unpaired, mapping, warnings)
    return build_document(_drafts(pairs, mapping, scheme),
                          scheme_name=scheme.name if scheme else "boris",
                          scheme_version=scheme.version if scheme else 1,
                          clip=ClipInfo(name=clip_name or pre.get("Player #1", ""),
                                        duration_ms=length if length and length > 0 else None,
                                        fps=fps),
                          scheme=scheme)


def _nonnegative(ms: int, where: str) -> int:
    if ms < 0:
        raise InputError(f"{where}: time {ms} ms is negative.")
    return ms


def _fps_text(text: str) -> str | None:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not d.is_finite() or d <= 0 or d > 10000:
        return None
    num, den = d.as_integer_ratio()
    return f"{num}/{den}"


def _aggregated(rows: list[list[str]], at: int, name: str, mapping: Mapping | None,
                scheme: Scheme | None) -> EventsDocument:
    header = [c.strip() for c in rows[at]]
    col = {h: i for i, h in enumerate(header)}
    body = [(n, r) for n, r in enumerate(rows[at + 1:], start=at + 2) if any(c.strip() for c in r)]

    def cell(row: list[str], h: str) -> str:
        i = col.get(h)
        return row[i] if i is not None and i < len(row) else ""

    ids = list(dict.fromkeys(cell(r, "Observation id") for _, r in body))
    chosen = mapping.observation if mapping is not None else None
    if chosen is None and len(ids) > 1:
        raise InputError(f"{name} holds {len(ids)} observations {ids}; choose one with "
                         "\"observation\" in the mapping.")
    if chosen is not None and chosen not in ids:
        raise InputError(f"{name}: no observation {chosen!r}; it holds {ids}.")
    target = chosen if chosen is not None else (ids[0] if ids else "")
    pairs: list[tuple[_Raw, int]] = []
    clip_name, length, fps = "", None, None
    for n, row in body:
        if cell(row, "Observation id") != target:
            continue
        where = f"{name}, line {n}"
        btype = cell(row, "Behavior type").strip().upper()
        start = _nonnegative(seconds_to_ms(cell(row, "Start (s)"), f"{where}, column Start (s)"),
                             where)
        if btype == "POINT":
            end = start
        elif btype == "STATE":
            end = seconds_to_ms(cell(row, "Stop (s)"), f"{where}, column Stop (s)")
        else:
            raise InputError(f"{where}, column Behavior type: {btype!r} is not STATE or POINT.")
        subject = cell(row, "Subject").strip()
        subject = "" if subject == NO_SUBJECT else subject
        behaviour = cell(row, "Behavior").strip()
        if not behaviour:
            raise InputError(f"{where}, column Behavior: the behaviour is empty.")
        pairs.append((_Raw(where, start, subject, behaviour, cell(row, "Modifiers"),
                           cell(row, "Comment start"), btype), end))
        clip_name = clip_name or os.path.basename(cell(row, "Media file").strip())
        if length is None:
            try:
                length = seconds_to_ms(cell(row, "Total length"), where)
            except InputError:
                length = None
        fps = fps or _fps_text(cell(row, "FPS"))
    return build_document(_drafts(pairs, mapping, scheme),
                          scheme_name=scheme.name if scheme else "boris",
                          scheme_version=scheme.version if scheme else 1,
                          clip=ClipInfo(name=clip_name,
                                        duration_ms=length if length and length > 0 else None,
                                        fps=fps),
                          scheme=scheme)


def read_boris_tabular(path: str | os.PathLike[str], mapping: Mapping | None = None,
                       scheme: Scheme | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES) -> EventsDocument:
    name = os.path.basename(os.fspath(path))
    return loads_boris_tabular(decode_text(read_limited(path, max_bytes), name), name,
                               mapping, scheme)


def dumps_boris_tabular(document: EventsDocument, observation_id: str = "attune",
                        scheme: Scheme | None = None) -> str:
    """BORIS's tabular export layout: preamble, header, START/STOP and POINT rows.

    The subject is ``<kind>@<coder>``; the behaviour is the code. Two events of the same
    subject and code that overlap cannot be told apart in this layout and are refused.
    """
    clip = document.clip
    length = format_seconds(clip.duration_ms) if clip.duration_ms is not None else "NA"
    fps = "NA"
    if clip.fps:
        num, _, den = clip.fps.partition("/")
        fps = str(round(int(num) / int(den), 3)) if den and int(den) else "NA"
    pad = [""] * (len(TABULAR_HEADER) - 2)
    pre: list[list[str]] = [
        ["Observation id", observation_id, *pad], [""] * len(TABULAR_HEADER),
        ["Media file(s)", "", *pad], [""] * len(TABULAR_HEADER),
        ["Player #1", clip.name, *pad], [""] * len(TABULAR_HEADER),
        ["Observation date", "", *pad], [""] * len(TABULAR_HEADER),
        ["Description", "", *pad], [""] * len(TABULAR_HEADER),
        ["Time offset (s)", "0.0", *pad], [""] * len(TABULAR_HEADER),
        [""] * len(TABULAR_HEADER),
        list(TABULAR_HEADER),
    ]
    rows: list[tuple[int, int, list[str]]] = []
    last_end: dict[tuple[str, str], tuple[int, str]] = {}
    for e in sorted(document.events, key=lambda e: (e.start_ms, e.end_ms)):
        subject = f"{e.kind}@{e.coder}"
        category = ""
        if scheme is not None and scheme.has_code(e.code):
            category = str(scheme.code(e.code).kind)
        comment = _comment(document, e)
        base = [clip.name, length, fps, subject, e.code, category]
        if e.is_point:
            rows.append((e.start_ms, 1, [format_seconds(e.start_ms), *base, comment, "POINT"]))
            continue
        _refuse_overlap(document, last_end, e)
        rows.append((e.start_ms, 2, [format_seconds(e.start_ms), *base, comment, "START"]))
        rows.append((e.end_ms, 0, [format_seconds(e.end_ms), *base, "", "STOP"]))
    rows.sort(key=lambda r: (r[0], r[1]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    # No cell a spreadsheet would run as a formula (a clip named "=HYPERLINK(...)").
    writer.writerows([neutralise_cell(c) for c in row] for row in pre)
    writer.writerows([neutralise_cell(c) for c in r[2]] for r in rows)
    return buf.getvalue()


def write_boris_tabular(document: EventsDocument, path: str | os.PathLike[str],
                        observation_id: str = "attune", scheme: Scheme | None = None) -> None:
    write_atomic(path, dumps_boris_tabular(document, observation_id, scheme).encode("utf-8"))
