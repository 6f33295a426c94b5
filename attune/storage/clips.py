"""Clips: one recording of a visit, its media facts and its deletion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, true, update

from attune.core.clip import Clip, ClipStatus
from attune.core.consent import ConsentScope
from attune.core.jobs import CLIP_JOBS
from attune.errors import NotFoundError
from attune.storage.families import Families
from attune.storage.models import (
    ClipRecord,
    ConsentRecord,
    EventChangeRecord,
    EventRecord,
    JobRecord,
    MomentRecord,
    ReelMomentRecord,
    ReelRecord,
    SessionRecord,
    SuggestionRecord,
)
from attune.storage.txbase import utcnow


class Clips(Families):
    def add_clip(self, session_id: int, original_name: str, sha256: str, size_bytes: int,
                 uploaded_under: ConsentScope, status: ClipStatus = ClipStatus.STORED,
                 media: dict[str, Any] | None = None,
                 third_parties_in_frame: bool = False) -> Clip:
        creator = self._user_rec(self.actor)
        rec = ClipRecord(session_id=session_id, original_name=original_name, sha256=sha256,
                         size_bytes=size_bytes, status=str(status),
                         uploaded_under=str(uploaded_under), media=media or {},
                         third_parties_in_frame=third_parties_in_frame,
                         created_by=creator.id, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "clip", rec.id, {"session_id": session_id, "sha256": sha256,
                                              "size_bytes": size_bytes})
        return self._clip(rec)

    def _clip_rec(self, clip_id: int) -> ClipRecord:
        rec = self.orm.get(ClipRecord, clip_id)
        if rec is None:
            raise NotFoundError(f"There is no clip with id {clip_id}. "
                                "List a family's clips with `attune family list --clips`.")
        return rec

    def _clip(self, rec: ClipRecord, family_id: int | None = None) -> Clip:
        if family_id is None:
            session = self.orm.get(SessionRecord, rec.session_id)
            assert session is not None  # foreign key
            family_id = session.family_id
        return Clip(rec.id, rec.session_id, family_id, rec.original_name, rec.sha256,
                    rec.size_bytes, ClipStatus(rec.status), ConsentScope(rec.uploaded_under),
                    dict(rec.media or {}), rec.failure_reason, rec.third_parties_in_frame,
                    rec.duration_ms, rec.created_at)

    def _clips_with_family(self, where: Any) -> list[Clip]:
        """Clips (by id) with their family read in the same query."""
        return [self._clip(rec, family_id) for rec, family_id in self.orm.execute(
            select(ClipRecord, SessionRecord.family_id)
            .join(SessionRecord, SessionRecord.id == ClipRecord.session_id)
            .where(where).order_by(ClipRecord.id))]

    def get_clip(self, clip_id: int) -> Clip:
        found = self._clips_with_family(ClipRecord.id == clip_id)  # one query
        if not found:
            self._clip_rec(clip_id)  # raises NotFoundError
        return found[0]

    def get_clips(self, clip_ids: Sequence[int]) -> dict[int, Clip]:
        """The clips of ``clip_ids`` that exist, by id, in one query."""
        if not clip_ids:
            return {}
        return {c.id: c for c in self._clips_with_family(ClipRecord.id.in_(set(clip_ids)))}

    def clips_for_family(self, family_id: int) -> list[Clip]:
        return self._clips_with_family(SessionRecord.family_id == family_id)

    def clips_of_families(self, family_ids: Sequence[int]) -> dict[int, list[Clip]]:
        """Each family's clips (oldest first), in one query."""
        out: dict[int, list[Clip]] = {fid: [] for fid in family_ids}
        if family_ids:
            for clip in self._clips_with_family(SessionRecord.family_id.in_(set(family_ids))):
                out[clip.family_id].append(clip)
        return out

    def all_clips(self) -> list[Clip]:
        return self._clips_with_family(true())

    def clips_with_sha(self, sha256: str) -> list[int]:
        return list(self.orm.scalars(select(ClipRecord.id).where(ClipRecord.sha256 == sha256)))

    def clips_with_shas(self, shas: Sequence[str]) -> dict[str, list[int]]:
        """:meth:`clips_with_sha` of each of ``shas``, in one query."""
        out: dict[str, list[int]] = {sha: [] for sha in shas}
        if shas:
            for clip_id, sha in self.orm.execute(select(ClipRecord.id, ClipRecord.sha256)
                                                 .where(ClipRecord.sha256.in_(set(shas)))):
                out[sha].append(clip_id)
        return out

    def set_clip_media(self, clip_id: int, *, status: ClipStatus,
                       media: dict[str, Any] | None = None, duration_ms: int | None = None,
                       failure_reason: str = "") -> Clip:
        rec = self._clip_rec(clip_id)
        rec.status = str(status)
        if media is not None:
            rec.media = media
        if duration_ms is not None:
            rec.duration_ms = duration_ms
        rec.failure_reason = failure_reason
        self.audit("set-status", "clip", clip_id,
                   {"status": str(status), "failure_reason": failure_reason})
        return self._clip(rec)

    def set_third_parties(self, clip_id: int, flagged: bool) -> None:
        rec = self._clip_rec(clip_id)
        rec.third_parties_in_frame = flagged
        self.audit("flag-third-parties", "clip", clip_id, {"flagged": flagged})

    def delete_clip(self, clip_id: int, reason: str) -> Clip:
        """Delete the clip's row and every row made from it; audit a tombstone that keeps
        ids, the hash and who did it, nothing of the content."""
        rec = self._clip_rec(clip_id)
        clip = self._clip(rec)
        reel_ids = list(self.orm.scalars(
            select(ReelMomentRecord.reel_id).join(
                MomentRecord, MomentRecord.id == ReelMomentRecord.moment_id)
            .where(MomentRecord.clip_id == clip_id).distinct()))
        for reel_id in reel_ids:
            reel = self.orm.get(ReelRecord, reel_id)
            if reel is not None:
                self.orm.delete(reel)
        self.orm.execute(delete(SuggestionRecord).where(SuggestionRecord.clip_id == clip_id))
        event_ids = list(self.orm.scalars(select(EventRecord.id)
                                          .where(EventRecord.clip_id == clip_id)))
        if event_ids:
            self.orm.execute(delete(EventChangeRecord)
                             .where(EventChangeRecord.event_id.in_(event_ids)))
            self.orm.execute(update(EventRecord).where(EventRecord.clip_id == clip_id)
                             .values(answers_id=None))
            self.orm.execute(delete(EventRecord).where(EventRecord.clip_id == clip_id))
        self.orm.execute(delete(MomentRecord).where(MomentRecord.clip_id == clip_id))
        self.orm.execute(delete(ConsentRecord).where(ConsentRecord.clip_id == clip_id))
        self.orm.execute(delete(JobRecord).where(JobRecord.kind.in_([str(k) for k in CLIP_JOBS]),
                                                 JobRecord.object_id == clip_id))
        self.orm.delete(rec)
        self.orm.flush()
        self.audit("delete", "clip", clip_id,
                   {"tombstone": True, "reason": reason, "family_id": clip.family_id,
                    "session_id": clip.session_id, "sha256": clip.sha256,
                    "events_deleted": len(event_ids), "reels_deleted": reel_ids})
        return clip

