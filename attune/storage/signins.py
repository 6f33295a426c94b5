"""Sign-in sessions (kept in the database so that app servers agree and a restart
signs nobody out) and the shared review a browser is in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from attune.errors import NotFoundError
from attune.storage.audit import AuditLog
from attune.storage.models import (
    SignInSessionRecord,
)
from attune.storage.txbase import utcnow


class SignIns(AuditLog):
    def start_sign_in(self, session_id: str, user_id: int) -> None:
        now = utcnow()
        self.orm.add(SignInSessionRecord(id=session_id, user_id=user_id, started_at=now,
                                         last_seen_at=now))
        self.orm.flush()

    def touch_sign_in(self, session_id: str, user_id: int, idle: timedelta,
                      write_every: timedelta) -> bool:
        """True (and the activity noted, at most every ``write_every``) if the session
        is live for ``user_id``; a session idle for longer than ``idle`` is ended."""
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None or rec.user_id != user_id or rec.ended_at is not None:
            return False
        now = utcnow()
        if now - rec.last_seen_at > idle:
            rec.ended_at = now
            self.audit("sign-out-idle", "user", user_id)
            return False
        if now - rec.last_seen_at >= write_every:
            rec.last_seen_at = now
        return True

    def sign_in_is_live(self, session_id: str, idle: timedelta) -> bool:
        rec = self.orm.get(SignInSessionRecord, session_id)
        return rec is not None and rec.ended_at is None and \
            utcnow() - rec.last_seen_at <= idle

    def set_review(self, session_id: str, family_code: str | None,
                   reel_id: int | None) -> None:
        """Put a signed-in browser into the shared review of a reel (None: leave it)."""
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None:
            raise NotFoundError("That sign-in session has ended; sign in again.")
        rec.review_family, rec.review_reel_id = family_code, reel_id
        self.audit("review-start" if reel_id else "review-end", "user", rec.user_id,
                   {"reel_id": reel_id})

    def review_of(self, session_id: str) -> tuple[str, int] | None:
        rec = self.orm.get(SignInSessionRecord, session_id)
        if rec is None or rec.ended_at is not None or rec.review_reel_id is None \
                or rec.review_family is None:
            return None
        return rec.review_family, rec.review_reel_id

    def end_sign_in(self, session_id: str | None = None, user_id: int | None = None) -> None:
        """End one session, or every session of a user."""
        q = update(SignInSessionRecord).where(SignInSessionRecord.ended_at.is_(None))
        if session_id is not None:
            q = q.where(SignInSessionRecord.id == session_id)
        if user_id is not None:
            q = q.where(SignInSessionRecord.user_id == user_id)
        self.orm.execute(q.values(ended_at=utcnow()))

