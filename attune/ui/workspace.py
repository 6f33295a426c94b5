"""The logic behind the timeline workspace: what the timeline component is given, how
its change messages are applied through the services, and undo/redo.

The component never writes anything itself. Each change a coder makes (a key press, a
drag, a new code, a note, a deletion, undo, redo) becomes a *message* with a
client-generated id (``cid``) in an outbox that the browser keeps until Python
acknowledges it (see ``attune/ui/timeline/timeline.js``). The browser POSTs its outbox
to ``/api/outbox`` (:mod:`attune.ui.outbox`; through a Streamlit rerun when that route
cannot be reached). Python applies each ``cid`` once (:meth:`Workspace.apply`),
remembers the result, and sends the results back (in the route's answer, or in the
component's data); the browser then drops the acknowledged messages. A message sent
twice (an answer that was lost, a resend that crossed the acknowledgement, or the
browser's saved outbox replayed after a refresh or a server restart) is therefore never
applied twice.

Undo and redo are server-side: every applied change is kept as (before, after, the
event version it produced); undoing it is the inverse change through the same services,
expecting that version, so an undo never overwrites somebody else's later edit (the
service raises :class:`~attune.errors.ConflictError` and the workspace says so).

Nothing here imports Streamlit: the workspaces of a server process are kept by clip,
coder and browser tab (:mod:`attune.ui.outbox`), reached both by the ``/api/outbox``
route and by the page's fragment; the tests drive them directly.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from attune.core import modifiers as mods
from attune.core.accounts import User
from attune.core.attunement import assess_response, find_answered_cue
from attune.core.clip import Clip
from attune.core.events import Event
from attune.core.scheme import EventKind, Scheme
from attune.core.suggestions import SuggestionStatus
from attune.core.timebase import FrameGrid
from attune.errors import AttuneError, ConflictError, InputError, NotFoundError
from attune.services import Context
from attune.services.clips import get_clip
from attune.services.events import (
    add_event,
    coders_to_compare,
    delete_event,
    list_events,
    may_code,
    own_event,
    restore_event,
    update_event,
)
from attune.services.reels import clip_moments, update_moment
from attune.services.schemes import clip_scheme, load_scheme
from attune.services.suggestions import (
    accept_suggestion,
    list_suggestions,
    may_use_suggestions,
    reject_suggestion,
)

#: How many message results a workspace remembers (for acknowledgements and resends).
REMEMBERED_RESULTS = 2000
#: How many recent results go back to the browser with each rerun (besides the results
#: of every message still in its outbox).
ACKS_SENT = 20
#: Operations a message may carry.
OPS = frozenset({"create", "move", "recode", "note", "modifiers", "delete", "undo", "redo",
                 "accept", "reject", "crop"})
EDITABLE_FIELDS = ("code", "start_ms", "end_ms", "note", "answers_id")
#: The workspace keeps the coder's events in memory between reruns (a key press then
#: costs one database write, not a reload of thousands of events) and reads them all
#: again after this long, after a conflict or an error, so that changes made elsewhere
#: (another browser) show up.
RELOAD_AFTER_S = 60.0
LANE_KINDS = ("cue", "response", "reaction", "moment")
LANE_TITLES = {"cue": "Infant cues", "response": "Parent responses",
               "reaction": "Infant reactions", "moment": "Moments",
               "suggested": "Suggested"}


@dataclass
class Change:
    """One applied change, as undo and redo see it."""

    action: str  # "create" | "update" | "delete"
    event_id: int
    before: dict[str, Any] = field(default_factory=dict)  # fields before (update)
    after: dict[str, Any] = field(default_factory=dict)  # fields after (update)
    version: int = 0  # the event's version right after this change (or its undo/redo)


@dataclass
class Workspace:
    """The server-side state of one coder's workspace on one clip."""

    clip_id: int
    coder: str
    undo_stack: list[Change] = field(default_factory=list)
    redo_stack: list[Change] = field(default_factory=list)
    #: cid -> result of that message, oldest first
    results: OrderedDict[str, dict[str, Any]] = field(default_factory=OrderedDict)
    #: cid of a create -> the event it made (so later messages may refer to it by ``ref``)
    made: dict[str, int] = field(default_factory=dict)
    #: event id -> the version our own last change left it at
    own_versions: dict[int, int] = field(default_factory=dict)
    #: conflicts and errors not yet shown to the coder
    notices: list[dict[str, Any]] = field(default_factory=list)
    #: bumped whenever the events may have changed (the browser redraws the lanes then)
    revision: int = 0
    #: the coder's events as last read or changed here (see ``RELOAD_AFTER_S``)
    events: dict[int, Event] | None = None
    loaded_at: float = 0.0
    stale: bool = False
    #: the clip's scheme (name, version), read with the events (see ``scheme``)
    scheme_key: tuple[str, int] | None = None
    #: the browser is sent only the events changed since the revision it has (of this
    #: epoch: a new workspace, e.g. after a server restart, is a new epoch)
    epoch: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    changed: dict[int, int] = field(default_factory=dict)  # event id -> revision
    #: held while a message exchange reads or changes this workspace: the outbox route
    #: and the page's fragment may both reach it (``attune.ui.outbox.exchange``)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False,
                                  compare=False)

    # ------------------------------------------------------------------ events cache
    def own_events(self, ctx: Context, actor: User) -> dict[int, Event]:
        """The coder's events: from memory, read again when stale (see RELOAD_AFTER_S)."""
        if (self.events is None or self.stale
                or time.monotonic() - self.loaded_at > RELOAD_AFTER_S):
            fresh = {int(e.id or 0): e for e in
                     list_events(ctx, actor, self.clip_id, coder=self.coder)}
            old = self.events or {}
            if self.events is not None:
                for event_id in set(old) | set(fresh):
                    if old.get(event_id) != fresh.get(event_id):
                        self._bump(event_id)
            self.events, self.stale = fresh, False
            self.loaded_at = time.monotonic()
            self.scheme_key = None  # chosen again with the events (another tab may change it)
        return self.events

    def scheme(self, ctx: Context) -> tuple[str, int]:
        """The scheme version this clip is coded with (``clip_scheme``), read with the
        events rather than at each key press."""
        if self.scheme_key is None:
            stored, _ = clip_scheme(ctx, self.clip_id)
            self.scheme_key = (stored.name, stored.version)
        return self.scheme_key

    def forget_events(self) -> None:
        """Read the events again before the next use (after a conflict or an error)."""
        self.stale = True

    def _bump(self, event_id: int) -> None:
        self.revision += 1
        self.changed[event_id] = self.revision

    def _note(self, event: Event) -> None:
        if event.coder != self.coder:
            return
        event_id = int(event.id or 0)
        self._bump(event_id)
        if self.events is None:
            return
        if event.deleted_at is None:
            self.events[event_id] = event
        else:
            self.events.pop(event_id, None)

    def event_payload(self, ctx: Context, actor: User,
                      have: Mapping[str, Any] | None) -> dict[str, Any]:
        """The coder's events for the browser: all of them (``events``), or only what
        changed since the revision the browser says it has (``events_delta``)."""
        events = self.own_events(ctx, actor)
        stamp = {"epoch": self.epoch, "rev": self.revision}
        since = _int(have.get("rev"), -1) if isinstance(have, Mapping) else -1
        if (not isinstance(have, Mapping) or have.get("epoch") != self.epoch or since < 0
                or since > self.revision):
            ordered = sorted(events.values(), key=lambda e: (e.start_ms, e.id or 0))
            return {"events": event_rows(ctx, ordered), "events_rev": stamp}
        ids = {i for i, rev in self.changed.items() if rev > since}
        # a changed cue changes the latency shown on the responses that answer it
        ids |= {i for i, e in events.items() if e.answers_id is not None and e.answers_id in ids}
        rows = event_rows(ctx, [events[i] for i in sorted(ids) if i in events], lookup=events)
        return {"events_delta": {**stamp, "from": since, "rows": rows,
                                 "removed": sorted(i for i in ids if i not in events)}}

    # ------------------------------------------------------------------ messages
    def apply(self, ctx: Context, actor: User,
              messages: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
        """Apply the messages not applied before, in sequence order; return their results.

        Each result is ``{"cid", "ok", "event_id"?, "version"?, "error"?, "conflict"?}``
        (``moment_id`` for a ``crop``: a moment's zoom and pan).
        A message whose ``cid`` was applied already is skipped (its result is kept).
        """
        fresh = []
        for message in messages or ():
            if not isinstance(message, Mapping):
                continue
            cid = str(message.get("cid") or "")
            if not cid or cid in self.results:
                continue
            fresh.append(message)
        fresh.sort(key=lambda m: (str(m.get("page") or ""), _int(m.get("seq"), 0)))
        out = []
        for message in fresh:
            result = self._apply_one(ctx, actor, message)
            self._remember(str(message["cid"]), result)
            out.append(result)
        return out

    def acks(self, messages: Iterable[Mapping[str, Any]] | None = None
             ) -> dict[str, dict[str, Any]]:
        """The results of ``messages`` (the browser's outbox) that are known here, and
        the most recent ones: the browser drops from its outbox what was stored."""
        out = dict(list(self.results.items())[-ACKS_SENT:])
        for message in messages or ():
            cid = str(message.get("cid") or "") if isinstance(message, Mapping) else ""
            if cid in self.results:
                out[cid] = self.results[cid]
        return out

    def take_notices(self) -> list[dict[str, Any]]:
        notices, self.notices = self.notices, []
        return notices

    def _remember(self, cid: str, result: dict[str, Any]) -> None:
        self.results[cid] = result
        while len(self.results) > REMEMBERED_RESULTS:
            self.results.popitem(last=False)

    def _apply_one(self, ctx: Context, actor: User, m: Mapping[str, Any]) -> dict[str, Any]:
        cid = str(m["cid"])
        op = str(m.get("op") or "")
        result: dict[str, Any] = {"cid": cid, "op": op, "ok": False}
        try:
            if actor.username != self.coder:
                raise InputError("This workspace belongs to another coder; open your own.")
            if op not in OPS:
                raise ValueError(f"unknown operation {op!r}")
            if op == "reject":
                result.update(ok=True, sid=self._reject(ctx, actor, m))
                return result
            if op == "crop":  # a moment's zoom and pan (zoom.js): not an event
                moment = update_moment(ctx, actor, _int(m.get("moment_id"), 0),
                                       crop=m.get("crop") or None)
                result.update(ok=True, moment_id=moment.id)
                return result
            if op in ("create", "accept"):
                event = (self._create(ctx, actor, m) if op == "create"
                         else self._accept(ctx, actor, m))
                self.made[cid] = int(event.id or 0)
            elif op in ("undo", "redo"):
                undone = self._undo(ctx, actor) if op == "undo" else self._redo(ctx, actor)
                if undone is None:
                    result.update(ok=True, empty=True)
                    return result
                event = undone
            elif op == "delete":
                event = self._delete(ctx, actor, m)
            else:
                event = self._update(ctx, actor, m, op)
        except ConflictError as exc:
            result.update(error=str(exc), conflict=True)
            self.notices.append({"cid": cid, "kind": "conflict", "text": str(exc)})
            self.forget_events()  # the browser is sent the other person's version
            return result
        except (AttuneError, ValueError, TypeError, KeyError) as exc:
            result.update(error=str(exc))
            self.notices.append({"cid": cid, "kind": "error", "text": str(exc)})
            self.forget_events()
            return result
        self.own_versions[int(event.id or 0)] = event.version
        self._note(event)
        result.update(ok=True, event_id=event.id, version=event.version)
        if op == "accept":
            result["sid"] = _int(m.get("sid"), 0)
        return result

    # ------------------------------------------------------------------ operations
    def _create(self, ctx: Context, actor: User, m: Mapping[str, Any]) -> Event:
        code = str(m.get("code") or "")
        start_ms = _int(m.get("start_ms"), -1)
        end_ms = _int(m.get("end_ms"), start_ms)
        if start_ms < 0:
            raise InputError("A mark needs a time at or after the start of the clip.")
        if m.get("replay"):
            # sent before (to a server that may have died before answering, or from the
            # browser's saved outbox after a refresh): the first send may have been stored
            # already, and this workspace (a new process) does not remember it
            self.forget_events()
            for ev in self.own_events(ctx, actor).values():
                if (ev.code, ev.start_ms, ev.end_ms) == (code, start_ms, end_ms):
                    return ev
        # the link to "the most recent open cue within the window" (as add_event would
        # find it) from the events in memory, so a key press reads nothing back
        self.own_events(ctx, actor)
        name, version = self.scheme(ctx)
        scheme = scheme_of(ctx, name, version)
        answers_id = None
        if scheme.has_code(code) and scheme.code(code).kind == EventKind.RESPONSE:
            probe = Event(EventKind.RESPONSE, code, start_ms, max(start_ms, end_ms))
            answers_id = _answered(ctx, probe, self.own_events(ctx, actor).values())
        event = add_event(ctx, actor, self.clip_id, code, start_ms, max(start_ms, end_ms),
                          note=str(m.get("note") or ""), answers_id=answers_id,
                          scheme_name=name, scheme_version=version, auto_link=False)
        self._push(Change("create", int(event.id or 0), version=event.version))
        return event

    # suggested marks: accepting one makes an event of the coder (undo deletes it); a
    # resend of a decision already stored answers with what it made
    def _accept(self, ctx: Context, actor: User, m: Mapping[str, Any]) -> Event:
        sid = _int(m.get("sid"), 0)
        if m.get("replay"):
            for done in list_suggestions(ctx, actor, self.clip_id, None):
                if done.id == sid and done.event_id is not None \
                        and done.decided_by == actor.username:
                    return _get_event(ctx, actor, done.event_id)
        code = str(m.get("code") or "") or None
        event = accept_suggestion(ctx, actor, sid, code)
        self._push(Change("create", int(event.id or 0), version=event.version))
        return event

    def _reject(self, ctx: Context, actor: User, m: Mapping[str, Any]) -> int:
        sid = _int(m.get("sid"), 0)
        if m.get("replay"):
            for done in list_suggestions(ctx, actor, self.clip_id, None):
                if done.id == sid and done.status == SuggestionStatus.REJECTED:
                    return sid
        reject_suggestion(ctx, actor, sid)
        return sid

    def _target(self, m: Mapping[str, Any]) -> int:
        if m.get("id") is not None:
            return _int(m.get("id"), 0)
        ref = str(m.get("ref") or "")
        if ref in self.made:
            return self.made[ref]
        failed = self.results.get(ref)
        if failed is not None and not failed.get("ok"):
            raise InputError("That mark was not stored, so it cannot be changed.")
        raise NotFoundError("The mark this change refers to is not known here (the server "
                            "may have restarted); reload the page and make the change again.")

    def _expected(self, event_id: int, m: Mapping[str, Any], current: Event) -> int:
        """The version the coder's change was made on.

        The browser may not yet have seen the version our own previous change produced;
        that is not a conflict. A version that someone else produced is.
        """
        own = self.own_versions.get(event_id)
        seen = _int(m.get("version"), 0) if m.get("version") is not None else None
        if seen is None:
            return own if own is not None else current.version
        if own is not None and seen < own:
            return own
        return seen

    def _update(self, ctx: Context, actor: User, m: Mapping[str, Any], op: str) -> Event:
        event_id = self._target(m)
        current = _get_event(ctx, actor, event_id)
        changes: dict[str, Any] = {}
        if op == "move":
            start_ms = _int(m.get("start_ms"), current.start_ms)
            end_ms = _int(m.get("end_ms"), current.end_ms)
            changes = {"start_ms": start_ms, "end_ms": max(start_ms, end_ms)}
            if current.kind == EventKind.RESPONSE and start_ms != current.start_ms:
                moved = current.moved(start_ms, max(start_ms, end_ms))
                changes["answers_id"] = _answered(ctx, moved,
                                                  self.own_events(ctx, actor).values())
        elif op == "recode":
            changes = {"code": str(m.get("code") or "")}
            scheme = scheme_of(ctx, current.scheme, current.scheme_version)
            kept = mods.keep_fitting(scheme.modifiers, changes["code"], current.modifiers)
            if kept != current.modifiers:
                changes["modifiers"] = kept
        elif op == "modifiers":
            raw = m.get("modifiers")
            changes = {"modifiers": tuple(str(x) for x in raw) if isinstance(raw, list)
                       else ()}
        elif op == "note":
            changes = {"note": str(m.get("note") or "")}
        before = {k: getattr(current, k) for k in changes}
        if before == changes:  # nothing to do (or a resend of a change already stored)
            return current
        if current.deleted_at is not None:
            raise InputError("That mark was deleted; undo the deletion first.")
        expected = self._expected(event_id, m, current)
        event = update_event(ctx, actor, event_id, expected, **changes)
        self._push(Change("update", event_id, before, dict(changes), event.version))
        return event

    def _delete(self, ctx: Context, actor: User, m: Mapping[str, Any]) -> Event:
        event_id = self._target(m)
        current = _get_event(ctx, actor, event_id, include_deleted=True)
        if current.deleted_at is not None:
            return current
        event = delete_event(ctx, actor, event_id, self._expected(event_id, m, current))
        self._push(Change("delete", event_id, version=event.version))
        return event

    def _push(self, change: Change) -> None:
        self.undo_stack.append(change)
        self.redo_stack.clear()

    # ------------------------------------------------------------------ undo / redo
    def _undo(self, ctx: Context, actor: User) -> Event | None:
        if not self.undo_stack:
            return None
        change = self.undo_stack.pop()
        event = self._invert(ctx, actor, change, undo=True)
        change.version = event.version
        self.redo_stack.append(change)
        return event

    def _redo(self, ctx: Context, actor: User) -> Event | None:
        if not self.redo_stack:
            return None
        change = self.redo_stack.pop()
        event = self._invert(ctx, actor, change, undo=False)
        change.version = event.version
        self.undo_stack.append(change)
        return event

    def _invert(self, ctx: Context, actor: User, change: Change, *, undo: bool) -> Event:
        """Undo (or redo) ``change``, expecting the event to be as the change left it."""
        current = _get_event(ctx, actor, change.event_id, include_deleted=True)
        # our own later changes (and undos) moved the version on; anyone else's did not
        # leave it where this workspace last left it
        if current.version != self.own_versions.get(change.event_id, change.version):
            raise ConflictError(
                f"Mark {change.event_id} was changed by someone else after your change, so "
                "it was not undone; the timeline now shows their version.")
        removes = (change.action == "create") == undo  # undo create / redo delete
        if change.action in ("create", "delete"):
            if removes:
                return delete_event(ctx, actor, change.event_id, current.version)
            return restore_event(ctx, actor, change.event_id)
        values = change.before if undo else change.after
        return update_event(ctx, actor, change.event_id, current.version, **values)

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)


# ---------------------------------------------------------------------- reading
def _int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value:  # not NaN
        return round(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


def _get_event(ctx: Context, actor: User, event_id: int, include_deleted: bool = False) -> Event:
    """The coder's own event: anyone else's is refused before anything of it is compared
    or answered (blind double-coding: a guess at another coder's code learns nothing)."""
    event = own_event(ctx, actor, event_id)
    if event.deleted_at is not None and not include_deleted:
        raise InputError("That mark was deleted; undo the deletion first.")
    return event


def _answered(ctx: Context, response: Event, events: Iterable[Event]) -> int | None:
    """The cue ``response`` answers: the most recent open cue within its window
    (:func:`attune.core.attunement.find_answered_cue`, as ``add_event`` links)."""
    scheme = scheme_of(ctx, response.scheme, response.scheme_version)
    cues = [e for e in events if e.kind == EventKind.CUE]
    cue = find_answered_cue(response, cues, scheme)
    return cue.id if cue else None


_SCHEMES: dict[tuple[str, str, int], Scheme] = {}


def scheme_of(ctx: Context, name: str, version: int | None) -> Scheme:
    """A scheme version, parsed once per process (a version never changes once saved)."""
    if version is None:
        stored, scheme = load_scheme(ctx, name)  # the latest version (parsed once there)
        return _SCHEMES.setdefault((ctx.settings.database_url, name, stored.version), scheme)
    key = (ctx.settings.database_url, name, version)
    if key not in _SCHEMES:
        _SCHEMES[key] = load_scheme(ctx, name, version)[1]
    return _SCHEMES[key]


def can_edit(ctx: Context, user: User, clip: Clip) -> bool:
    """Whether ``user`` codes this clip (practitioners of the family); others only look."""
    return may_code(ctx, user, clip)


def open_clip(ctx: Context, user: User, clip_id: int) -> Clip:
    """The clip, if ``user`` may see it (a refusal is audited and raised)."""
    return get_clip(ctx, user, clip_id)


def coders_of(ctx: Context, user: User, clip: Clip) -> list[str]:
    return coders_to_compare(ctx, user, clip)


def coders_from_query(raw: str | None, everyone: list[str]) -> list[str]:
    """The coders a link asks for (``?coders=a,b``) among those the user may see; else
    the first two (a supervisor's default comparison).

    >>> coders_from_query("sam,pat,eve", ["pat", "sam"]), coders_from_query(None, ["a"])
    (['sam', 'pat'], ['a'])
    """
    asked = [c.strip() for c in (raw or "").split(",") if c.strip()]
    chosen = [c for c in dict.fromkeys(asked) if c in everyone]
    return chosen or everyone[:2]


def seek_from_query(raw: str | None, clip: Clip, coders: list[str]) -> dict[str, Any] | None:
    """Where a link opens the timeline (``?t=`` ms), for the component's ``seek``: the
    time clamped into the clip, and a key that changes with the link (the browser seeks
    once per key, so playing on afterwards is not undone by the next rerun).

    >>> from attune.core.clip import ClipStatus
    >>> c = Clip(1, 1, 1, "a.mp4", "", 0, ClipStatus.READY, duration_ms=30_000)
    >>> seek_from_query("5900", c, ["pat", "sam"])
    {'ms': 5900, 'key': '1:5900:pat,sam'}
    >>> seek_from_query("x", c, []) is None, seek_from_query("99999", c, [])["ms"]
    (True, 29999)
    """
    text = (raw or "").strip()
    if not text.isdigit():
        return None
    ms = int(text)
    if clip.duration_ms:
        ms = min(ms, clip.duration_ms - 1)
    return {"ms": ms, "key": f"{clip.id}:{ms}:{','.join(coders)}"}


def clip_timing(clip: Clip) -> dict[str, Any]:
    """Frame rate and length of the proxy, as the player needs them."""
    media = clip.media or {}
    fps = Fraction(str(media.get("proxy_fps") or "25/1"))
    duration_ms = int(media.get("proxy_duration_ms") or clip.duration_ms or 0)
    frames = int(media.get("proxy_frame_count") or FrameGrid(fps).frames_in(duration_ms))
    return {"fps_num": fps.numerator, "fps_den": fps.denominator, "frame_count": frames,
            "duration_ms": duration_ms, "width": int(media.get("proxy_width") or 0),
            "height": int(media.get("proxy_height") or 0)}


def _schemes_for(ctx: Context, events: Iterable[Event]) -> dict[tuple[str, int], Scheme]:
    out: dict[tuple[str, int], Scheme] = {}
    for ev in events:
        key = (ev.scheme, ev.scheme_version)
        if key not in out:
            out[key] = scheme_of(ctx, *key)
    return out


def event_rows(ctx: Context, events: list[Event],
               lookup: Mapping[int, Event] | None = None) -> list[dict[str, Any]]:
    """Events as the component draws them, responses with their latency and band
    (:func:`attune.core.attunement.assess_response` against the cue they answer, found
    in ``lookup`` or else among ``events``)."""
    schemes = _schemes_for(ctx, events)
    by_id: Mapping[int | None, Event] = (
        {e.id: e for e in events} if lookup is None else lookup)  # type: ignore[assignment]
    rows = []
    for ev in events:
        row: dict[str, Any] = {"id": ev.id, "k": str(ev.kind), "c": ev.code, "s": ev.start_ms,
                               "e": ev.end_ms, "o": ev.coder, "v": ev.version}
        if ev.note:
            row["n"] = ev.note
        if ev.modifiers:
            row["m"] = list(ev.modifiers)
        cue = by_id.get(ev.answers_id) if ev.answers_id is not None else None
        if ev.kind == EventKind.RESPONSE and cue is not None and cue.kind == EventKind.CUE:
            row["a"] = cue.id
            try:
                assessment = assess_response(cue, ev, schemes[(ev.scheme, ev.scheme_version)])
            except (AttuneError, ValueError):
                pass
            else:
                row.update(lat=assessment.latency_ms, band=assessment.band,
                           att=assessment.attuned)
        rows.append(row)
    return rows


def scheme_codes(scheme: Scheme) -> list[dict[str, Any]]:
    return [{"id": c.id, "kind": str(c.kind), "label": c.label, "key": c.key,
             "valence": str(c.valence) if c.valence else None,
             "potency": str(c.potency) if c.potency else None,
             "po": c.practitioner_only} for c in scheme.codes]


def scheme_modifiers(scheme: Scheme) -> list[dict[str, Any]]:
    """The scheme's modifiers for the timeline: the keys chosen after a code key."""
    return [{"id": m.id, "label": m.label, "codes": sorted(m.codes),
             "values": [{"id": v.id, "label": v.label, "key": v.key} for v in m.values]}
            for m in scheme.modifiers]


def build_view(ctx: Context, user: User, clip: Clip, *, read_only: bool,
               coders: list[str], urls: Mapping[str, str | None] | None = None,
               exchanged: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Everything the timeline component draws, for ``coders``' lanes on ``clip``.

    With ``exchanged`` (the answer of :func:`attune.ui.outbox.exchange` for the coder's
    own workspace: acknowledgements, notices and the events changed since the browser's
    revision), the events come from there rather than from the database. Not blind-safe
    by itself: the page decides which coders a user may see.
    """
    stored, _ = clip_scheme(ctx, clip.id)  # the version the clip is coded with
    scheme = scheme_of(ctx, stored.name, stored.version)
    payload: dict[str, Any]
    if exchanged is not None:
        payload = dict(exchanged)
    else:
        events: list[Event] = []
        for coder in coders:
            events.extend(list_events(ctx, user, clip.id, coder=coder))
        payload = {"events": event_rows(ctx, events), "events_rev": None}
    moments = clip_moments(ctx, user, clip)  # none under blind double-coding
    suggested = suggestion_rows(ctx, user, clip) if not read_only else None
    lanes = []
    for kind in LANE_KINDS:
        if kind == "reaction" and suggested:  # under the lanes it fills, while any wait
            lanes.append({"id": "suggested", "kind": "suggested", "coder": "",
                          "title": LANE_TITLES["suggested"]})
        if kind == "moment":
            lanes.append({"id": "moment", "kind": kind, "coder": "", "title": LANE_TITLES[kind]})
            continue
        for coder in coders:
            title = LANE_TITLES[kind] + (f" · {coder}" if len(coders) > 1 or read_only else "")
            lanes.append({"id": f"{kind}:{coder}", "kind": kind, "coder": coder, "title": title})
    return {
        "clip": {"id": clip.id, "name": clip.original_name, **clip_timing(clip)},
        "urls": dict(urls or {}),
        "scheme": {"name": scheme.name, "version": scheme.version,
                   "codes": scheme_codes(scheme),
                   "modifiers": scheme_modifiers(scheme),
                   "windows_ms": {str(k): v for k, v in scheme.windows_ms.items()}},
        "lanes": lanes,
        **payload,
        "moments": [{"id": m.id, "s": m.start_ms, "e": m.end_ms, "cap": m.caption,
                     "crop": m.crop} for m in moments],
        "read_only": read_only,
        "coder": user.username,
        "suggestions": suggested or [],
    }


def suggestion_rows(ctx: Context, user: User, clip: Clip) -> list[dict[str, Any]] | None:
    """The clip's pending suggestions as the Suggested lane draws them, or None when the
    user may not see suggestions (only the family's practitioners do: never a second
    coder, a supervisor or a parent)."""
    if not may_use_suggestions(ctx, user, clip):
        return None
    return [{"id": s.id, "k": str(s.kind), "c": s.code, "s": s.start_ms, "e": s.end_ms,
             "p": s.confidence, "g": s.guess, "b": s.basis}
            for s in list_suggestions(ctx, user, clip.id)]


MediaUrl = Callable[[str], "str | None"]


def media_urls(url_for: MediaUrl | None) -> dict[str, str | None]:
    """The proxy, filmstrip, filmstrip index and envelope URLs (None when not served)."""
    kinds = {"proxy": "proxy", "filmstrip": "filmstrip", "filmstrip_index": "filmstrip_index",
             "envelope": "envelope"}
    return {k: (url_for(kind) if url_for else None) for k, kind in kinds.items()}
