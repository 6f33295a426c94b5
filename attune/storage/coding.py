"""Coding: schemes, events with their history, and coding assignments."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, insert, null, select, update
from sqlalchemy.exc import IntegrityError

from attune.core.coding import Calibration, CodingAssignment, CodingRole, SupervisionSession
from attune.core.events import Event
from attune.core.scheme import EventKind
from attune.errors import ConflictError, InputError, NotFoundError
from attune.storage.clips import Clips
from attune.storage.models import (
    CalibrationClipRecord,
    CalibrationRecord,
    CalibrationTraineeRecord,
    ClipRecord,
    ClipSchemeRecord,
    CodingAssignmentRecord,
    EventChangeRecord,
    EventRecord,
    SchemeRecord,
    SessionRecord,
    SupervisionClipRecord,
    SupervisionReelRecord,
    SupervisionSessionRecord,
    UserRecord,
)
from attune.storage.txbase import utcnow


@dataclass(frozen=True)
class StoredScheme:
    id: int
    name: str
    version: int
    document: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class EventChange:
    event_id: int
    actor: str
    at: datetime
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Coding(Clips):
    def add_scheme(self, document: dict[str, Any]) -> StoredScheme:
        name, version = document["name"], int(document["version"])
        if self.orm.scalar(select(SchemeRecord.id).where(SchemeRecord.name == name,
                                                         SchemeRecord.version == version)):
            raise ConflictError(f"Coding scheme {name} v{version} already exists; a changed "
                                "scheme is saved as the next version.")
        user = self.orm.scalar(select(UserRecord).where(UserRecord.username == self.actor))
        rec = SchemeRecord(name=name, version=version, document=document,
                           created_by=user.id if user else None, created_at=utcnow())
        self.orm.add(rec)
        try:
            self.orm.flush()
        except IntegrityError as exc:
            raise ConflictError(f"Someone saved {name} v{version} at the same time; "
                                "reload the scheme and save again.") from exc
        self.audit("create", "scheme", rec.id, {"name": name, "version": version})
        return _scheme(rec)

    def get_scheme(self, name: str, version: int | None = None) -> StoredScheme:
        q = select(SchemeRecord).where(SchemeRecord.name == name)
        q = q.where(SchemeRecord.version == version) if version is not None else \
            q.order_by(SchemeRecord.version.desc())
        rec = self.orm.scalars(q).first()
        if rec is None:
            which = f"{name} v{version}" if version else name
            raise NotFoundError(f"There is no coding scheme {which}. "
                                "Run `attune init` to install the default scheme.")
        return _scheme(rec)

    def scheme_by_id(self, scheme_id: int) -> StoredScheme:
        rec = self.orm.get(SchemeRecord, scheme_id)
        if rec is None:
            raise NotFoundError(f"There is no coding scheme with id {scheme_id}.")
        return _scheme(rec)

    def clip_scheme(self, clip_id: int) -> StoredScheme | None:
        """The scheme version chosen for the clip, or None (see ``set_clip_scheme``)."""
        rec = self.orm.get(ClipSchemeRecord, clip_id)
        return None if rec is None else self.scheme_by_id(rec.scheme_id)

    def set_clip_scheme(self, clip_id: int, scheme_id: int) -> None:
        """Code the clip with this scheme version from now on (marks made earlier keep
        theirs)."""
        self._clip_rec(clip_id)
        self.scheme_by_id(scheme_id)
        user = self.orm.scalar(select(UserRecord).where(UserRecord.username == self.actor))
        rec = self.orm.get(ClipSchemeRecord, clip_id)
        if rec is None:
            rec = ClipSchemeRecord(clip_id=clip_id, scheme_id=scheme_id)
            self.orm.add(rec)
        rec.scheme_id = scheme_id
        rec.assigned_by = user.id if user else None
        rec.assigned_at = utcnow()
        self.orm.flush()
        self.audit("set-scheme", "clip", clip_id, {"scheme_id": scheme_id})

    def first_event_scheme(self, clip_id: int) -> StoredScheme | None:
        """The scheme version of the clip's first stored mark (deleted or not), or None."""
        scheme_id = self.orm.scalar(select(EventRecord.scheme_id)
                                    .where(EventRecord.clip_id == clip_id)
                                    .order_by(EventRecord.id).limit(1))
        return None if scheme_id is None else self.scheme_by_id(scheme_id)

    def schemes_used(self, family_ids: Sequence[int], clip_ids: Sequence[int] = ()
                     ) -> list[StoredScheme]:
        """The scheme versions of the events (deleted or not) of the families' clips and
        of ``clip_ids``, by name and version: one query, whatever the caseload."""
        if not family_ids and not clip_ids:
            return []
        in_clips = select(ClipRecord.id).join(
            SessionRecord, SessionRecord.id == ClipRecord.session_id).where(
            SessionRecord.family_id.in_(list(family_ids)))
        used = select(EventRecord.scheme_id).where(
            EventRecord.clip_id.in_(in_clips) | EventRecord.clip_id.in_(list(clip_ids))
        ).distinct()
        return [_scheme(r) for r in self.orm.scalars(
            select(SchemeRecord).where(SchemeRecord.id.in_(used))
            .order_by(SchemeRecord.name, SchemeRecord.version))]

    def list_schemes(self) -> list[StoredScheme]:
        return [_scheme(r) for r in self.orm.scalars(
            select(SchemeRecord).order_by(SchemeRecord.name, SchemeRecord.version))]

    def add_event(self, clip_id: int, event: Event, coder: str | None = None,
                  answers_id: int | None = None, scheme: StoredScheme | None = None) -> Event:
        """``scheme``: the stored scheme version ``event`` names, when the caller has read
        it in this transaction already."""
        self._clip_rec(clip_id)
        coder_rec = self._user_rec(coder or event.coder or self.actor)
        if scheme is None or (scheme.name, scheme.version) != (event.scheme,
                                                                event.scheme_version):
            scheme = self.get_scheme(event.scheme, event.scheme_version)
        if answers_id is not None:
            self._check_link(clip_id, answers_id)
        now = utcnow()
        rec = EventRecord(clip_id=clip_id, coder_id=coder_rec.id, scheme_id=scheme.id,
                          kind=str(event.kind), code=event.code, start_ms=event.start_ms,
                          end_ms=event.end_ms, answers_id=answers_id, note=event.note,
                          modifiers=list(event.modifiers), version=1, created_at=now,
                          updated_at=now)
        self.orm.add(rec)
        self.orm.flush()
        stored = self._event(rec)
        self._history(rec.id, "create", None, _event_dict(stored),
                      actor_id=coder_rec.id if coder_rec.username == self.actor else None)
        self.audit("create", "event", rec.id, {"clip_id": clip_id, "code": event.code})
        return stored

    def add_events(self, clip_id: int, events: Sequence[Event],
                   links: dict[int, int] | None = None) -> list[Event]:
        """Add many events in this transaction. ``links`` maps an index in ``events`` to
        the index of the event it answers (file-local links become database ids)."""
        stored: list[Event] = []
        for ev in events:
            stored.append(self.add_event(clip_id, ev))
        for i, j in (links or {}).items():
            rec = self.orm.get(EventRecord, stored[i].id)
            assert rec is not None
            rec.answers_id = stored[j].id
            stored[i] = self._event(rec)
        return stored

    def add_events_in_bulk(self, clip_id: int, coder: str, events: Sequence[Event],
                           links: dict[int, int] | None = None) -> int:
        """Add one coder's many events to a clip with a few statements (a caseload or an
        import): each event gets its history row like :meth:`add_event`, and the clip one
        audit entry with the count. ``links`` as in :meth:`add_events`. Returns the count."""
        if not events:
            return 0
        self._clip_rec(clip_id)
        coder_id = self._user_rec(coder).id
        actor_id = self._user_rec(self.actor).id
        schemes = {(ev.scheme, ev.scheme_version) for ev in events}
        scheme_ids = {key: self.get_scheme(*key).id for key in schemes}
        now = utcnow()
        rows = [{"clip_id": clip_id, "coder_id": coder_id,
                 "scheme_id": scheme_ids[(ev.scheme, ev.scheme_version)], "kind": str(ev.kind),
                 "code": ev.code, "start_ms": ev.start_ms, "end_ms": ev.end_ms,
                 "answers_id": None, "note": ev.note, "modifiers": list(ev.modifiers),
                 "version": 1, "created_at": now, "updated_at": now} for ev in events]
        ids = list(self.orm.scalars(insert(EventRecord).returning(
            EventRecord.id, sort_by_parameter_order=True), rows))
        if links:
            self.orm.execute(update(EventRecord), [{"id": ids[i], "answers_id": ids[j]}
                                                   for i, j in links.items()])
        self.orm.execute(insert(EventChangeRecord), [
            {"event_id": eid, "actor_id": actor_id, "at": now, "action": "create",
             "before": None,
             "after": {**{k: rows[i][k] for k in ("kind", "code", "start_ms", "end_ms",
                                                  "note", "modifiers", "version")},
                       "answers_id": ids[links[i]] if links and i in links else None,
                       "deleted": False}}
            for i, eid in enumerate(ids)])
        self.audit("create-events", "clip", clip_id, {"coder": coder, "count": len(ids)})
        return len(ids)

    def _check_link(self, clip_id: int, answers_id: int) -> None:
        target = self.orm.get(EventRecord, answers_id)
        if target is None or target.clip_id != clip_id:
            raise InputError(f"Event {answers_id} is not an event of clip {clip_id}; "
                             "a response can only answer a cue of the same clip.")

    def _event_rec(self, event_id: int) -> EventRecord:
        rec = self.orm.get(EventRecord, event_id)
        if rec is None:
            raise NotFoundError(f"There is no event with id {event_id}; it may have been "
                                "purged.")
        return rec

    def _event(self, rec: EventRecord) -> Event:
        coder = self.orm.get(UserRecord, rec.coder_id)
        scheme = self.orm.get(SchemeRecord, rec.scheme_id)
        assert coder is not None and scheme is not None
        return Event(kind=EventKind(rec.kind), code=rec.code, start_ms=rec.start_ms,
                     end_ms=rec.end_ms, coder=coder.username, id=rec.id, clip_id=rec.clip_id,
                     scheme=scheme.name, scheme_version=scheme.version,
                     answers_id=rec.answers_id, note=rec.note,
                     modifiers=tuple(rec.modifiers or ()), version=rec.version,
                     deleted_at=rec.deleted_at, created_at=rec.created_at)

    def get_event(self, event_id: int) -> Event:
        return self._event(self._event_rec(event_id))

    def list_events(self, clip_id: int, coder: str | None = None,
                    include_deleted: bool = False) -> list[Event]:
        return self.events_of_clips([clip_id], coder, include_deleted)[clip_id]

    def events_of_clips(self, clip_ids: Sequence[int], coder: str | None = None,
                        include_deleted: bool = False, *,
                        kinds: Collection[EventKind] | None = None,
                        created: bool = True) -> dict[int, list[Event]]:
        """Each clip's events (by start, then id), as :meth:`list_events`, in three
        queries for all the clips; only events of ``kinds`` when given, and without the
        time each was created when ``created`` is False (a search reads a caseload's
        events and shows no such time)."""
        out: dict[int, list[Event]] = {cid: [] for cid in clip_ids}
        if not clip_ids:
            return out
        # columns, not ORM records: a caseload's clips hold tens of thousands of events;
        # the modifiers as their JSON text, each different text decoded once (most
        # events have none, and the others share a few sets)
        e = EventRecord
        q = select(e.clip_id, e.kind, e.code, e.start_ms, e.end_ms, e.coder_id, e.id,
                   e.scheme_id, e.answers_id, e.note, cast(e.modifiers, String), e.version,
                   e.deleted_at, e.created_at if created else null()
                   ).where(e.clip_id.in_(set(clip_ids)))
        if coder is not None:
            q = q.where(e.coder_id == self._user_rec(coder).id)
        if not include_deleted:
            q = q.where(e.deleted_at.is_(None))
        if kinds is not None:
            q = q.where(e.kind.in_([str(k) for k in kinds]))
        q = q.order_by(e.clip_id, e.start_ms, e.id)
        users = {uid: name for uid, name in self.orm.execute(
            select(UserRecord.id, UserRecord.username))}
        schemes = {s.id: (s.name, s.version) for s in self.orm.scalars(select(SchemeRecord))}
        by_kind = {str(k): k for k in EventKind}
        chosen: dict[str | None, tuple[str, ...]] = {None: (), "[]": (), "null": ()}
        for (clip_id, kind, code, start_ms, end_ms, coder_id, event_id, scheme_id, answers_id,
             note, modifiers, version, deleted_at, created_at) in self.orm.connection().execute(q):
            name, scheme_version = schemes[scheme_id]
            if modifiers not in chosen:  # a few different sets of modifiers: decoded once
                chosen[modifiers] = tuple(json.loads(modifiers) or ())
            out[clip_id].append(Event(
                by_kind[kind], code, start_ms, end_ms, users[coder_id], event_id, clip_id,
                name, scheme_version, answers_id, note, chosen[modifiers], version,
                deleted_at, created_at))
        return out

    def event_counts(self, clip_ids: Sequence[int], coder: str) -> dict[int, int]:
        """How many (not deleted) events ``coder`` has on each clip, in one query."""
        if not clip_ids:
            return {}
        coder_id = self._user_rec(coder).id
        counts = {cid: 0 for cid in clip_ids}
        for clip_id, count in self.orm.execute(
                select(EventRecord.clip_id, func.count()).where(
                    EventRecord.clip_id.in_(list(clip_ids)), EventRecord.coder_id == coder_id,
                    EventRecord.deleted_at.is_(None)).group_by(EventRecord.clip_id)):
            counts[clip_id] = count
        return counts

    def coders_of_clip(self, clip_id: int) -> list[str]:
        return list(self.orm.scalars(
            select(UserRecord.username).join(EventRecord, EventRecord.coder_id == UserRecord.id)
            .where(EventRecord.clip_id == clip_id, EventRecord.deleted_at.is_(None))
            .distinct().order_by(UserRecord.username)))

    def update_event(self, event_id: int, expected_version: int, **changes: Any) -> Event:
        """Change an event if nobody else changed it since ``expected_version`` was read.

        Allowed changes: code, start_ms, end_ms, answers_id, note, modifiers.
        """
        allowed = {"code", "start_ms", "end_ms", "answers_id", "note", "modifiers"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of an event")
        rec = self._event_rec(event_id)
        before = self._event(rec)
        if rec.version != expected_version:
            raise ConflictError(
                f"Event {event_id} was changed by someone else (it is now version "
                f"{rec.version}, you edited version {expected_version}). Reload the clip "
                "to see their change, then make yours again.")
        if changes.get("answers_id") is not None:
            self._check_link(rec.clip_id, changes["answers_id"])
        if "modifiers" in changes:
            changes["modifiers"] = list(changes["modifiers"])
        values = {**changes, "version": expected_version + 1, "updated_at": utcnow()}
        merged = {"start_ms": rec.start_ms, "end_ms": rec.end_ms, **changes}
        Event(before.kind, changes.get("code", rec.code), merged["start_ms"],
              merged["end_ms"])  # validates the new span
        result = self.orm.execute(
            update(EventRecord)
            .where(EventRecord.id == event_id, EventRecord.version == expected_version)
            .values(**values).execution_options(synchronize_session=False))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(f"Event {event_id} was changed by someone else at the same "
                                "moment. Reload the clip, then make your change again.")
        self.orm.refresh(rec)
        after = self._event(rec)
        self._history(event_id, "update", _event_dict(before), _event_dict(after))
        self.audit("update", "event", event_id, {"fields": sorted(changes)})
        return after

    def delete_event(self, event_id: int, expected_version: int) -> Event:
        """Soft-delete: reversible with ``restore_event`` until purged."""
        rec = self._event_rec(event_id)
        before = self._event(rec)
        if rec.deleted_at is not None:
            return before
        if rec.version != expected_version:
            raise ConflictError(f"Event {event_id} was changed by someone else; reload "
                                "before deleting it.")
        rec.deleted_at = utcnow()
        rec.version += 1
        self.orm.flush()
        after = self._event(rec)
        self._history(event_id, "delete", _event_dict(before), _event_dict(after))
        self.audit("delete", "event", event_id, {"clip_id": rec.clip_id})
        return after

    def restore_event(self, event_id: int) -> Event:
        rec = self._event_rec(event_id)
        before = self._event(rec)
        rec.deleted_at = None
        rec.version += 1
        self.orm.flush()
        after = self._event(rec)
        self._history(event_id, "restore", _event_dict(before), _event_dict(after))
        self.audit("restore", "event", event_id, {"clip_id": rec.clip_id})
        return after

    def purge_deleted_events(self, clip_id: int | None = None) -> int:
        q = select(EventRecord.id).where(EventRecord.deleted_at.is_not(None))
        if clip_id is not None:
            q = q.where(EventRecord.clip_id == clip_id)
        ids = list(self.orm.scalars(q))
        if ids:
            self.orm.execute(update(EventRecord).where(EventRecord.answers_id.in_(ids))
                             .values(answers_id=None))
            self.orm.execute(delete(EventChangeRecord)
                             .where(EventChangeRecord.event_id.in_(ids)))
            self.orm.execute(delete(EventRecord).where(EventRecord.id.in_(ids)))
            self.audit("purge", "event", clip_id if clip_id is not None else "*",
                       {"count": len(ids)})
        return len(ids)

    def _history(self, event_id: int, action: str, before: dict[str, Any] | None,
                 after: dict[str, Any] | None, *, actor_id: int | None = None) -> None:
        """``actor_id``: the acting account's id when the caller has read it already."""
        if actor_id is None:
            actor_id = self._user_rec(self.actor).id
        self.orm.add(EventChangeRecord(event_id=event_id, actor_id=actor_id, at=utcnow(),
                                       action=action, before=before, after=after))

    def event_history(self, event_id: int) -> list[EventChange]:
        users = {u.id: u.username for u in self.orm.scalars(select(UserRecord))}
        return [EventChange(r.event_id, users.get(r.actor_id, "?"), r.at, r.action, r.before,
                            r.after)
                for r in self.orm.scalars(select(EventChangeRecord)
                                          .where(EventChangeRecord.event_id == event_id)
                                          .order_by(EventChangeRecord.id))]

    def assign_coder(self, clip_id: int, coder: str, role: CodingRole) -> CodingAssignment:
        self._clip_rec(clip_id)
        user = self._user_rec(coder)
        by = self.orm.scalar(select(UserRecord).where(UserRecord.username == self.actor))
        rec = self.orm.scalar(select(CodingAssignmentRecord).where(
            CodingAssignmentRecord.clip_id == clip_id, CodingAssignmentRecord.coder_id == user.id))
        if rec is None:
            rec = CodingAssignmentRecord(clip_id=clip_id, coder_id=user.id, role=str(role),
                                         assigned_by=by.id if by else None,
                                         assigned_at=utcnow())
            self.orm.add(rec)
        else:
            rec.role = str(role)
        self.orm.flush()
        self.audit("assign-coder", "clip", clip_id, {"coder": coder, "role": str(role)})
        return self._assignment(rec)

    def _assignment(self, rec: CodingAssignmentRecord) -> CodingAssignment:
        coder = self.orm.get(UserRecord, rec.coder_id)
        by = self.orm.get(UserRecord, rec.assigned_by) if rec.assigned_by else None
        return CodingAssignment(rec.clip_id, coder.username if coder else "?",
                                CodingRole(rec.role), rec.assigned_at,
                                by.username if by else "", rec.done_at)

    def assignments(self, *, clip_id: int | None = None,
                    coder: str | None = None) -> list[CodingAssignment]:
        q = select(CodingAssignmentRecord).order_by(CodingAssignmentRecord.id)
        if clip_id is not None:
            q = q.where(CodingAssignmentRecord.clip_id == clip_id)
        if coder is not None:
            q = q.where(CodingAssignmentRecord.coder_id == self._user_rec(coder).id)
        return self._assignments(list(self.orm.scalars(q)))

    def _assignments(self, recs: list[CodingAssignmentRecord]) -> list[CodingAssignment]:
        """The assignments of ``recs``, their people's names read in one query."""
        names = self._usernames({r.coder_id for r in recs} |
                                {r.assigned_by for r in recs if r.assigned_by})
        return [CodingAssignment(rec.clip_id, names.get(rec.coder_id, "?"),
                                 CodingRole(rec.role), rec.assigned_at,
                                 names.get(rec.assigned_by, "") if rec.assigned_by else "",
                                 rec.done_at) for rec in recs]

    def assignments_of_clips(self, clip_ids: Sequence[int]
                             ) -> dict[int, list[CodingAssignment]]:
        """Each clip's coding assignments (oldest first), in two queries."""
        out: dict[int, list[CodingAssignment]] = {cid: [] for cid in clip_ids}
        if not clip_ids:
            return out
        recs = list(self.orm.scalars(
            select(CodingAssignmentRecord)
            .where(CodingAssignmentRecord.clip_id.in_(set(clip_ids)))
            .order_by(CodingAssignmentRecord.id)))
        for a in self._assignments(recs):
            out[a.clip_id].append(a)
        return out

    def end_assignments(self, clip_ids: Sequence[int], role: CodingRole,
                        reason: str) -> list[CodingAssignment]:
        """End the ``role`` assignments of ``clip_ids`` (a consent withdrawn): the rows
        go, and with them the coding those coders made of those clips under it."""
        recs = list(self.orm.scalars(select(CodingAssignmentRecord).where(
            CodingAssignmentRecord.clip_id.in_(list(clip_ids)),
            CodingAssignmentRecord.role == str(role))))
        ended = [self._assignment(r) for r in recs]
        for rec in recs:
            ids = list(self.orm.scalars(select(EventRecord.id).where(
                EventRecord.clip_id == rec.clip_id, EventRecord.coder_id == rec.coder_id)))
            if ids:
                self.orm.execute(update(EventRecord).where(EventRecord.answers_id.in_(ids))
                                 .values(answers_id=None))
                self.orm.execute(delete(EventChangeRecord)
                                 .where(EventChangeRecord.event_id.in_(ids)))
                self.orm.execute(delete(EventRecord).where(EventRecord.id.in_(ids)))
            self.orm.delete(rec)
            self.orm.flush()
            self.audit("assignment-ended", "clip", rec.clip_id,
                       {"role": str(role), "events_deleted": len(ids), "reason": reason})
        return ended

    def mark_coding_done(self, clip_id: int, coder: str, done: bool = True) -> CodingAssignment:
        user = self._user_rec(coder)
        rec = self.orm.scalar(select(CodingAssignmentRecord).where(
            CodingAssignmentRecord.clip_id == clip_id, CodingAssignmentRecord.coder_id == user.id))
        if rec is None:
            self.assign_coder(clip_id, coder, CodingRole.PRIMARY)
            rec = self.orm.scalar(select(CodingAssignmentRecord).where(
                CodingAssignmentRecord.clip_id == clip_id,
                CodingAssignmentRecord.coder_id == user.id))
            assert rec is not None
        rec.done_at = utcnow() if done else None
        self.orm.flush()
        self.audit("coding-done" if done else "coding-reopened", "clip", clip_id,
                   {"coder": coder})
        return self._assignment(rec)

    def add_calibration(self, title: str, pass_line_percent: int, clip_ids: Sequence[int],
                        trainees: Sequence[str]) -> Calibration:
        """A calibration session of the acting supervisor."""
        supervisor = self._user_rec(self.actor)
        rec = CalibrationRecord(title=title, supervisor_id=supervisor.id,
                                pass_line_percent=pass_line_percent, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        for clip_id in sorted(set(clip_ids)):
            self._clip_rec(clip_id)
            self.orm.add(CalibrationClipRecord(calibration_id=rec.id, clip_id=clip_id))
        for coder in sorted(set(trainees)):
            self.orm.add(CalibrationTraineeRecord(calibration_id=rec.id,
                                                  coder_id=self._user_rec(coder).id))
        self.orm.flush()
        self.audit("calibration-created", "calibration", rec.id,
                   {"clips": sorted(set(clip_ids)), "trainees": sorted(set(trainees)),
                    "pass_line_percent": pass_line_percent})
        return self._calibration(rec)

    def calibrations(self, supervisor: str | None = None, *,
                     trainee: str | None = None) -> list[Calibration]:
        """Calibration sessions, oldest first: a supervisor's, or those with ``trainee``
        among their trainees."""
        q = select(CalibrationRecord).order_by(CalibrationRecord.id)
        if supervisor is not None:
            q = q.where(CalibrationRecord.supervisor_id == self._user_rec(supervisor).id)
        if trainee is not None:
            q = q.where(CalibrationRecord.id.in_(
                select(CalibrationTraineeRecord.calibration_id).where(
                    CalibrationTraineeRecord.coder_id == self._user_rec(trainee).id)))
        return [self._calibration(r) for r in self.orm.scalars(q)]

    def add_supervision_session(self, practitioner: str, held_on: date, minutes: int,
                                clip_ids: Sequence[int], reel_ids: Sequence[int],
                                notes: str, actions: str) -> SupervisionSession:
        """A supervision session the acting supervisor held with ``practitioner``."""
        rec = SupervisionSessionRecord(
            supervisor_id=self._user_rec(self.actor).id,
            practitioner_id=self._user_rec(practitioner).id, held_on=held_on,
            minutes=minutes, notes=notes, actions=actions, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        for clip_id in sorted(set(clip_ids)):
            self._clip_rec(clip_id)
            self.orm.add(SupervisionClipRecord(session_id=rec.id, clip_id=clip_id))
        for reel_id in sorted(set(reel_ids)):
            self.orm.add(SupervisionReelRecord(session_id=rec.id, reel_id=reel_id))
        self.orm.flush()
        self.audit("supervision-logged", "supervision", rec.id,
                   {"practitioner": practitioner, "clips": sorted(set(clip_ids)),
                    "reels": sorted(set(reel_ids))})
        return self._supervision(rec)

    def supervision_sessions(self, *, supervisor: str | None = None,
                             practitioner: str | None = None) -> list[SupervisionSession]:
        """Logged supervision sessions, oldest first, of a supervisor or a practitioner."""
        q = select(SupervisionSessionRecord)
        if supervisor is not None:
            q = q.where(SupervisionSessionRecord.supervisor_id ==
                        self._user_rec(supervisor).id)
        if practitioner is not None:
            q = q.where(SupervisionSessionRecord.practitioner_id ==
                        self._user_rec(practitioner).id)
        q = q.order_by(SupervisionSessionRecord.held_on, SupervisionSessionRecord.id)
        return [self._supervision(r) for r in self.orm.scalars(q)]

    def _supervision(self, rec: SupervisionSessionRecord) -> SupervisionSession:
        clips = self.orm.scalars(select(SupervisionClipRecord.clip_id).where(
            SupervisionClipRecord.session_id == rec.id).order_by(SupervisionClipRecord.clip_id))
        reels = self.orm.scalars(select(SupervisionReelRecord.reel_id).where(
            SupervisionReelRecord.session_id == rec.id).order_by(SupervisionReelRecord.reel_id))
        names = {u.id: u.username for u in self.orm.scalars(select(UserRecord).where(
            UserRecord.id.in_([rec.supervisor_id, rec.practitioner_id])))}
        return SupervisionSession(rec.id, names.get(rec.supervisor_id, "?"),
                                  names.get(rec.practitioner_id, "?"), rec.held_on,
                                  rec.minutes, tuple(clips), tuple(reels), rec.notes,
                                  rec.actions, rec.created_at)

    def _calibration(self, rec: CalibrationRecord) -> Calibration:
        clips = self.orm.scalars(select(CalibrationClipRecord.clip_id).where(
            CalibrationClipRecord.calibration_id == rec.id).order_by(
            CalibrationClipRecord.clip_id))
        trainees = self.orm.scalars(select(UserRecord.username).join(
            CalibrationTraineeRecord, CalibrationTraineeRecord.coder_id == UserRecord.id
        ).where(CalibrationTraineeRecord.calibration_id == rec.id).order_by(
            UserRecord.username))
        supervisor = self.orm.get(UserRecord, rec.supervisor_id)
        return Calibration(rec.id, rec.title, supervisor.username if supervisor else "?",
                           rec.pass_line_percent, tuple(clips), tuple(trainees),
                           rec.created_at)


def _scheme(rec: SchemeRecord) -> StoredScheme:
    return StoredScheme(rec.id, rec.name, rec.version, dict(rec.document), rec.created_at)


def _event_dict(ev: Event) -> dict[str, Any]:
    return {"kind": str(ev.kind), "code": ev.code, "start_ms": ev.start_ms,
            "end_ms": ev.end_ms, "answers_id": ev.answers_id, "note": ev.note,
            "modifiers": list(ev.modifiers), "version": ev.version,
            "deleted": ev.deleted_at is not None}

