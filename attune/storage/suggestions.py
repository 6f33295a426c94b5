"""Suggested marks as stored: replaced by each analysis (keeping every decision), decided
one at a time by a practitioner."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select

from attune.core.scheme import EventKind
from attune.core.suggestions import (
    Suggestion,
    SuggestionSource,
    SuggestionStatus,
    already_decided,
)
from attune.errors import NotFoundError, StateError
from attune.storage.coding import Coding
from attune.storage.models import EventRecord, SuggestionRecord, UserRecord
from attune.storage.txbase import utcnow


class Suggestions(Coding):
    def replace_suggestions(self, clip_id: int, new: Sequence[Suggestion]) -> int:
        """The clip's pending suggestions become ``new``, less those at a moment already
        decided in the same signal (a rejected one stays rejected;
        :func:`attune.core.suggestions.already_decided`). Returns how many are pending now."""
        self._clip_rec(clip_id)
        self.orm.execute(delete(SuggestionRecord).where(
            SuggestionRecord.clip_id == clip_id,
            SuggestionRecord.status == str(SuggestionStatus.PENDING)))
        kept = already_decided(new, self.list_suggestions(clip_id))
        now = utcnow()
        for s in kept:
            self.orm.add(SuggestionRecord(
                clip_id=clip_id, kind=str(s.kind), code=s.code, start_ms=s.start_ms,
                end_ms=s.end_ms, confidence=s.confidence, guess=s.guess, basis=s.basis,
                source=str(s.source), status=str(SuggestionStatus.PENDING), created_at=now))
        self.orm.flush()
        self.audit("analyse", "clip", clip_id,
                   {"suggested": len(kept), "left_out_as_decided": len(new) - len(kept)})
        return len(kept)

    def list_suggestions(self, clip_id: int, status: SuggestionStatus | None = None
                         ) -> list[Suggestion]:
        q = (select(SuggestionRecord, UserRecord.username)
             .outerjoin(UserRecord, UserRecord.id == SuggestionRecord.decided_by)
             .where(SuggestionRecord.clip_id == clip_id))
        if status is not None:
            q = q.where(SuggestionRecord.status == str(status))
        rows = self.orm.execute(q.order_by(SuggestionRecord.start_ms, SuggestionRecord.id))
        return [_suggestion(rec, who) for rec, who in rows]

    def get_suggestion(self, suggestion_id: int) -> Suggestion:
        rec = self.orm.get(SuggestionRecord, suggestion_id)
        if rec is None:
            raise NotFoundError(f"There is no suggestion {suggestion_id}.")
        who = self.orm.get(UserRecord, rec.decided_by) if rec.decided_by else None
        return _suggestion(rec, who.username if who else None)

    def decide_suggestion(self, suggestion_id: int, status: SuggestionStatus,
                          event_id: int | None = None) -> Suggestion:
        """Accept (with the event it became) or reject, as the transaction's actor."""
        rec = self.orm.get(SuggestionRecord, suggestion_id)
        if rec is None:
            raise NotFoundError(f"There is no suggestion {suggestion_id}.")
        if rec.status != str(SuggestionStatus.PENDING):
            raise StateError(f"That suggestion was {rec.status} already.")
        rec.status = str(status)
        rec.decided_by = self._user_rec(self.actor).id
        rec.decided_at = utcnow()
        rec.event_id = event_id
        self.orm.flush()
        action = ("accept-suggestion" if status == SuggestionStatus.ACCEPTED
                  else "reject-suggestion")
        self.audit(action, "suggestion", rec.id,
                   {"clip_id": rec.clip_id, "suggested": rec.code, "event_id": event_id})
        return _suggestion(rec, self.actor)

    def accepted_counts(self, clip_id: int) -> dict[str, int]:
        """Per coder, how many of their (not deleted) events came from accepted
        suggestions (for the supervisor's agreement audit)."""
        return self.accepted_counts_of_clips([clip_id])[clip_id]

    def accepted_counts_of_clips(self, clip_ids: Sequence[int]
                                 ) -> dict[int, dict[str, int]]:
        """:meth:`accepted_counts` of each clip, in one query."""
        out: dict[int, dict[str, int]] = {c: {} for c in clip_ids}
        if not clip_ids:
            return out
        rows = self.orm.execute(
            select(SuggestionRecord.clip_id, UserRecord.username,
                   func.count(SuggestionRecord.id))
            .join(UserRecord, UserRecord.id == SuggestionRecord.decided_by)
            .join(EventRecord, EventRecord.id == SuggestionRecord.event_id)
            .where(SuggestionRecord.clip_id.in_(set(clip_ids)),
                   SuggestionRecord.status == str(SuggestionStatus.ACCEPTED),
                   EventRecord.deleted_at.is_(None))
            .group_by(SuggestionRecord.clip_id, UserRecord.username))
        for clip_id, who, n in rows:
            out[int(clip_id)][who] = int(n)
        return out

    def delete_suggestions(self, clip_id: int) -> int:
        result = self.orm.execute(delete(SuggestionRecord)
                                  .where(SuggestionRecord.clip_id == clip_id))
        return int(getattr(result, "rowcount", 0) or 0)


def _suggestion(rec: SuggestionRecord, decided_by: str | None) -> Suggestion:
    return Suggestion(EventKind(rec.kind), rec.code, rec.start_ms, rec.end_ms, rec.confidence,
                      guess=rec.guess, basis=rec.basis, source=SuggestionSource(rec.source),
                      id=rec.id, clip_id=rec.clip_id,
                      status=SuggestionStatus(rec.status), decided_by=decided_by,
                      decided_at=rec.decided_at, event_id=rec.event_id)
