"""ORM records. They never leave ``attune.storage``: the rest of the code gets frozen
dataclasses from ``attune.core`` (see ``attune.storage.store``).

Alembic owns every schema change (``attune/storage/migrations``); a test fails when
these models and the migrations differ. Constraints are named so that migrations can
refer to them on every database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: SQLite AUTOINCREMENT: a deleted row's id never comes back for another row (a deleted
#: reel's id reused for another family's reel would make its audit entries ambiguous).
#: PostgreSQL's sequences never reuse ids anyway.
NO_ID_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UserRecord(Base):
    __tablename__ = "users"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FamilyRecord(Base):
    __tablename__ = "families"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    baby_name: Mapped[str] = mapped_column(String(60))
    birth_month: Mapped[str | None] = mapped_column(String(7), default=None)
    involvement_ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    pronoun: Mapped[str] = mapped_column(String(8), default="they", server_default="they")


class FamilyPractitionerRecord(Base):
    __tablename__ = "family_practitioners"
    family_id: Mapped[int] = mapped_column(
        ForeignKey("families.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class FamilyParentRecord(Base):
    __tablename__ = "family_parents"
    family_id: Mapped[int] = mapped_column(
        ForeignKey("families.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class SessionRecord(Base):
    """A visit to a family (not a database session)."""

    __tablename__ = "sessions"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    held_on: Mapped[date] = mapped_column(Date)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class FamilyGoalRecord(Base):
    """A goal of the family in the parent's words; its wordings are its versions."""

    __tablename__ = "family_goals"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    retired_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FamilyGoalVersionRecord(Base):
    """One wording of a goal: the parent's words, when said, the codes that show it."""

    __tablename__ = "family_goal_versions"
    __table_args__ = (UniqueConstraint("goal_id", "version",
                                       name="uq_family_goal_versions_goal_id_version"),
                      NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("family_goals.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    set_on: Mapped[date] = mapped_column(Date)
    cue_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    response_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class VisitPlanRecord(Base):
    """The plan of one visit of a family's course: number, theme, what is filmed, which
    reel is reviewed."""

    __tablename__ = "visit_plans"
    __table_args__ = (UniqueConstraint("family_id", "number",
                                       name="uq_visit_plans_family_id_number"),
                      NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(Text)
    filmed: Mapped[str] = mapped_column(Text, default="")
    review_reel_id: Mapped[int | None] = mapped_column(
        ForeignKey("reels.id", ondelete="SET NULL"), default=None)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), default=None)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClipRecord(Base):
    __tablename__ = "clips"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"),
                                            index=True)
    original_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    uploaded_under: Mapped[str] = mapped_column(String(20))
    media: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    third_parties_in_frame: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ConsentRecord(Base):
    __tablename__ = "consents"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="CASCADE"), default=None)
    scope: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[str] = mapped_column(Text, default="")
    retain_until: Mapped[date | None] = mapped_column(Date, default=None)
    withdrawn_on: Mapped[date | None] = mapped_column(Date, default=None)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SchemeRecord(Base):
    __tablename__ = "schemes"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_schemes_name_version"),
                      NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ClipSchemeRecord(Base):
    """The coding scheme version a clip is coded with (chosen by its practitioner; a clip
    without one codes with the version its first marks used, else the newest)."""

    __tablename__ = "clip_schemes"
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EventRecord(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_clip_coder", "clip_id", "coder_id"),
                      NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(32))
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    answers_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    modifiers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class EventChangeRecord(Base):
    """Every change of an event: who, when, before and after."""

    __tablename__ = "event_changes"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class MomentRecord(Base):
    __tablename__ = "moments"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    key_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    caption: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    film_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    film_stop_caption: Mapped[str] = mapped_column(Text, default="")
    slow_replay: Mapped[bool] = mapped_column(Boolean, default=False)
    # why the practitioner kept a caption the words check flagged (audited)
    caption_override: Mapped[str] = mapped_column(Text, default="")
    # where the caption sits on the picture ("bottom" or "top": clear of faces)
    caption_position: Mapped[str] = mapped_column(String(10), default="bottom",
                                                  server_default="bottom")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # the part of the picture the moment shows (zoom and pan): {"x", "y", "w", "h"} as
    # fractions of the picture's width and height; None shows the whole picture
    crop: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class ReelRecord(Base):
    __tablename__ = "reels"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    path: Mapped[str | None] = mapped_column(String(500), default=None)
    duration_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    rendered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # what the rendered file shows (title, moments, captions, their places in the reel),
    # taken when the render started: sharing copies it for the parent
    rendered_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # the version the family's parents see, if any: its own copy of the file (relative to
    # the media folder) and its snapshot; editing the reel never changes these
    shared_path: Mapped[str | None] = mapped_column(String(500), default=None)
    shared_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    shared_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    shared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReflectionRecord(Base):
    """What the parent said about a moment in the shared review, typed by the
    practitioner (the review is parent-led)."""

    __tablename__ = "reflections"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moments.id", ondelete="CASCADE"),
                                           index=True)
    reel_id: Mapped[int | None] = mapped_column(ForeignKey("reels.id", ondelete="CASCADE"),
                                                default=None, index=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReelMomentRecord(Base):
    __tablename__ = "reel_moments"
    reel_id: Mapped[int] = mapped_column(ForeignKey("reels.id", ondelete="CASCADE"),
                                         primary_key=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moments.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class JobRecord(Base):
    """A background job's progress, readable by the app while a worker runs it."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_kind_object", "kind", "object_id"), NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(40), default="")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    worker: Mapped[str] = mapped_column(String(120), default="")  # host:pid running it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRecord(Base):
    """Append-only log; each entry's hash covers its content and the previous hash."""

    __tablename__ = "audit_log"
    # an object's history (event history, a clip's audit) without reading the whole log
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"), NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadRecord(Base):
    """One row: the hash of the newest audit entry. Updating it serialises writers, so
    two transactions can never chain to the same predecessor."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class CodingAssignmentRecord(Base):
    """Who codes a clip, in which role (primary, second for blind double-coding, gold
    for an expert's reference coding), and when they marked their coding done."""

    __tablename__ = "coding_assignments"
    __table_args__ = (UniqueConstraint("clip_id", "coder_id",
                                       name="uq_coding_assignments_clip_coder"),
                      NO_ID_REUSE)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    role: Mapped[str] = mapped_column(String(20))
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)


class CalibrationRecord(Base):
    """A calibration session: a set of gold clips that trainees code blind, each code
    scored against the gold coding, passed at the line the supervisor set."""

    __tablename__ = "calibrations"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    pass_line_percent: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalibrationClipRecord(Base):
    """A gold clip of a calibration session (gone with the clip, e.g. when consent is
    withdrawn)."""

    __tablename__ = "calibration_clips"
    calibration_id: Mapped[int] = mapped_column(
        ForeignKey("calibrations.id", ondelete="CASCADE"), primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         primary_key=True)


class CalibrationTraineeRecord(Base):
    """A trainee of a calibration session."""

    __tablename__ = "calibration_trainees"
    calibration_id: Mapped[int] = mapped_column(
        ForeignKey("calibrations.id", ondelete="CASCADE"), primary_key=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          primary_key=True)


class SupervisionSessionRecord(Base):
    """A supervision session a supervisor logged for a practitioner (the accreditation
    portfolio counts them and their minutes)."""

    __tablename__ = "supervision_sessions"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                               index=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                 index=True)
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SupervisionClipRecord(Base):
    """A clip watched in a supervision session (gone with the clip)."""

    __tablename__ = "supervision_session_clips"
    session_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_sessions.id", ondelete="CASCADE"), primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         primary_key=True)


class SupervisionReelRecord(Base):
    """A reel (a shared review's recording) watched in a supervision session."""

    __tablename__ = "supervision_session_reels"
    session_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_sessions.id", ondelete="CASCADE"), primary_key=True)
    reel_id: Mapped[int] = mapped_column(ForeignKey("reels.id", ondelete="CASCADE"),
                                         primary_key=True)


class SignInSessionRecord(Base):
    """A signed-in browser: ends when signed out, idle too long, or the account is
    switched off. Kept in the database so that a server restart signs nobody out and
    several app servers agree. Not part of backups."""

    __tablename__ = "sign_in_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    # "session mode": this browser shows only this reel's shared review until the
    # practitioner's password ends it (kept here, so a restart does not end it)
    review_family: Mapped[str | None] = mapped_column(String(40), default=None)
    review_reel_id: Mapped[int | None] = mapped_column(Integer, default=None)


class SignInThrottleRecord(Base):
    """Wrong passwords counted for throttling sign-in (``attune.services.accounts``):
    per (typed username, client address), per address, and per typed username. Keyed by
    what was typed, not by account, so that an unknown username is throttled exactly
    like a known one. Not part of backups."""

    __tablename__ = "sign_in_throttles"
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # pair/address/account
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SuggestionRecord(Base):
    """A suggested mark from the clip's sound or picture (``attune.detect``): pending until a
    practitioner accepts it (``event_id``: the ordinary event that made) or rejects it.
    Never counted anywhere; gone with the clip."""

    __tablename__ = "suggestions"
    __table_args__ = NO_ID_REUSE
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(32), default="")
    start_ms: Mapped[int] = mapped_column(Integer)
    end_ms: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[int] = mapped_column(Integer)  # 0-100
    guess: Mapped[bool] = mapped_column(Boolean, default=False)  # the code is a best guess
    basis: Mapped[str] = mapped_column(Text, default="")  # what was heard, in plain words
    source: Mapped[str] = mapped_column(String(20), default="sound",
                                        server_default="sound")  # "sound" or "picture"
    status: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
