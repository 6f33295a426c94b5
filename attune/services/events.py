"""Coding a clip: events added, changed and deleted with their history, and conflicts
reported instead of overwritten."""

from __future__ import annotations

from contextlib import AbstractContextManager

from attune.core import modifiers as mods
from attune.core.accounts import Role, User
from attune.core.attunement import find_answered_cue
from attune.core.clip import Clip, ClipStatus
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.errors import InputError, NotAllowedError, StateError
from attune.services import Context
from attune.services.access import (
    Action,
    decide_access,
    decisions_remembered,
    refusal,
    require_access,
)
from attune.services.schemes import clip_scheme_in, load_scheme, scheme_in

#: Who codes (supervisors and administrators look; parents see only their reels).
CODER_ROLES = frozenset({Role.PRACTITIONER})


def gate_once_per_request() -> AbstractContextManager[None]:
    """Within the block (one save of the timeline's outbox), the gate is asked each
    question once, however many marks the outbox carries
    (:func:`attune.services.access.decisions_remembered`)."""
    return decisions_remembered()


def list_events(ctx: Context, actor: User, clip_id: int, coder: str | None = None,
                include_deleted: bool = False) -> list[Event]:
    """A clip's events that ``actor`` may see (blind double-coding hides the other
    coder's events until both have marked the clip done)."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see the coding of clip {clip_id}")
        events = tx.list_events(clip_id, coder, include_deleted)
    return [e for e in events if e.coder == actor.username] if decision.blind else events


def add_event(ctx: Context, actor: User, clip_id: int, code: str, start_ms: int,
              end_ms: int | None = None, *, answers_id: int | None = None, note: str = "",
              scheme_name: str | None = None, scheme_version: int | None = None,
              auto_link: bool = True) -> Event:
    """Mark an event with ``actor`` as coder, under the clip's scheme version
    (:func:`attune.services.schemes.clip_scheme`) unless ``scheme_name`` names another.
    A response with no ``answers_id`` is linked to the most recent cue of the same coder
    whose latency window covers it."""
    with ctx.db.transaction(actor.username) as tx:  # one transaction, scheme included
        clip = tx.get_clip(clip_id)
        # the gate first: someone refused learns nothing of the clip's scheme or codes
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"code clip {clip_id}")
        stored, scheme = (clip_scheme_in(ctx, tx, clip_id) if scheme_name is None
                          else scheme_in(ctx, tx, scheme_name, scheme_version))
        kind = scheme.code(code).kind
        event = Event(kind, code, start_ms, start_ms if end_ms is None else end_ms,
                      coder=actor.username, scheme=stored.name,
                      scheme_version=stored.version, note=note)
        if clip.duration_ms is not None and event.start_ms > clip.duration_ms:
            raise InputError(f"{start_ms} ms is after the end of the clip "
                             f"({clip.duration_ms} ms).")
        if clip.status != ClipStatus.READY and clip.duration_ms is None:
            raise StateError(f"Clip {clip_id} is not processed yet ({clip.status}); code it "
                             "once it is ready.")
        if answers_id is None and auto_link and kind == EventKind.RESPONSE:
            cues = [e for e in tx.list_events(clip_id, actor.username) if e.kind == EventKind.CUE]
            cue = find_answered_cue(event, cues, scheme)
            answers_id = cue.id if cue else None
        return tx.add_event(clip_id, event, answers_id=answers_id, scheme=stored)


def update_event(ctx: Context, actor: User, event_id: int, expected_version: int,
                 **changes: object) -> Event:
    scheme = None
    if "code" in changes or "modifiers" in changes:
        # read the scheme before the write transaction: on SQLite a second transaction
        # opened inside it waits for the first one's lock and fails ("database is locked")
        with ctx.db.transaction(actor.username) as tx:
            found = tx.get_event(event_id)
        _, scheme = load_scheme(ctx, found.scheme, found.scheme_version)
    with ctx.db.transaction(actor.username) as tx:
        event = tx.get_event(event_id)
        clip = tx.get_clip(event.clip_id or 0)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"change event {event_id}")
        _own(actor, event)
        if scheme is not None and "code" in changes and \
                scheme.code(str(changes["code"])).kind != event.kind:
            raise InputError(f"{changes['code']} is not a {event.kind} code.")
        if scheme is not None and "modifiers" in changes:
            code = str(changes.get("code", event.code))
            changes["modifiers"] = mods.check(scheme.modifiers, code,
                                              changes["modifiers"])  # type: ignore[arg-type]
        return tx.update_event(event_id, expected_version, **changes)


def delete_event(ctx: Context, actor: User, event_id: int, expected_version: int) -> Event:
    with ctx.db.transaction(actor.username) as tx:
        event = tx.get_event(event_id)
        clip = tx.get_clip(event.clip_id or 0)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"delete event {event_id}")
        _own(actor, event)
        return tx.delete_event(event_id, expected_version)


def restore_event(ctx: Context, actor: User, event_id: int) -> Event:
    with ctx.db.transaction(actor.username) as tx:
        event = tx.get_event(event_id)
        clip = tx.get_clip(event.clip_id or 0)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"restore event {event_id}")
        _own(actor, event)
        return tx.restore_event(event_id)


def _own(actor: User, event: Event) -> None:
    """Each coder changes only their own events; the refusal says nothing of the other
    coder's event (blind double-coding)."""
    if event.coder != actor.username:
        raise NotAllowedError("Not allowed: that mark is another coder's; each coder "
                              "changes only their own marks.", f"change event {event.id}",
                              {"event_id": event.id})


def own_event(ctx: Context, actor: User, event_id: int) -> Event:
    """The coder's own event: anyone else's is refused before anything of it is compared
    or answered (blind double-coding: a guess at another coder's code learns nothing)."""
    with ctx.db.transaction(actor.username) as tx:
        event = tx.get_event(event_id)
        clip = tx.get_clip(event.clip_id or 0)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"change event {event_id}")
        if event.coder != actor.username:
            raise NotAllowedError("Not allowed: that mark is another coder's; each coder "
                                  "changes only their own marks.", f"change event {event_id}",
                                  {"event_id": event_id})
    return event


def may_code(ctx: Context, user: User, clip: Clip) -> bool:
    """Whether ``user`` codes this clip (practitioners of the family, and assigned
    coders); others only look."""
    if user.role not in CODER_ROLES:
        return False
    with ctx.db.transaction(user.username) as tx:
        return decide_access(tx, user, Action.CODE_CLIP, clip.family_id, clip).allowed


def clip_to_code(ctx: Context, user: User, clip_id: int) -> Clip:
    """The clip ``user`` is about to change the coding of: :func:`may_code`'s question,
    a refusal raised (and audited) before anything is applied."""
    what = f"code clip {clip_id}"
    with ctx.db.transaction(user.username) as tx:
        clip = tx.get_clip(clip_id)
        if user.role not in CODER_ROLES:
            raise refusal(what, {"clip_id": clip_id, "action": Action.CODE_CLIP.name})
        require_access(tx, user, Action.CODE_CLIP, clip.family_id, clip, what=what)
    return clip


def coders_to_compare(ctx: Context, user: User, clip: Clip) -> list[str]:
    """The coders whose marks on ``clip`` ``user`` may see side by side: a practitioner
    who does not code it sees only their own lane (blind), as does anyone under blind
    double-coding."""
    with ctx.db.transaction(user.username) as tx:
        decision = require_access(tx, user, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"see the coders of clip {clip.id}")
        coders = tx.coders_of_clip(clip.id)
    if user.role == Role.PRACTITIONER:
        return [user.username]
    return [c for c in coders if c == user.username] if decision.blind else coders
