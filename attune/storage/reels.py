"""Moments chosen for reels, reels, and the parent's reflections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select

from attune.core.events import Event
from attune.core.reel import Moment, Reel, ReelStatus, Reflection
from attune.core.scheme import EventKind
from attune.errors import NotFoundError
from attune.storage.coding import Coding
from attune.storage.models import (
    MomentRecord,
    ReelMomentRecord,
    ReelRecord,
    ReflectionRecord,
    UserRecord,
)
from attune.storage.txbase import utcnow

#: Moment fields that the rendered picture shows: changing one makes the reels that show
#: the moment drafts again (their file no longer shows what the page lists).
RENDERED_FIELDS = frozenset({"start_ms", "end_ms", "key_ms", "caption", "film_stop",
                             "film_stop_caption", "slow_replay", "caption_position", "crop"})
#: Reel statuses whose file (or the file being made) shows the moments as they were.
_RENDERED = (str(ReelStatus.READY), str(ReelStatus.QUEUED), str(ReelStatus.RENDERING),
             str(ReelStatus.FAILED))


class Reels(Coding):
    def add_moment(self, clip_id: int, start_ms: int, end_ms: int, caption: str = "",
                   key_ms: int | None = None, position: int | None = None) -> Moment:
        """A new moment; a moment on exactly these bounds already chosen in the clip is
        returned instead (accepting a proposal twice never makes a duplicate)."""
        self._clip_rec(clip_id)
        same = self.orm.scalar(select(MomentRecord).where(
            MomentRecord.clip_id == clip_id, MomentRecord.start_ms == start_ms,
            MomentRecord.end_ms == end_ms).order_by(MomentRecord.id).limit(1))
        if same is not None:
            return _moment(same)
        Event(EventKind.CUE, "-", start_ms, end_ms)  # validates the span
        creator = self._user_rec(self.actor)
        if position is None:
            position = (self.orm.scalar(select(func.max(MomentRecord.position))
                                        .where(MomentRecord.clip_id == clip_id)) or 0) + 1
        rec = MomentRecord(clip_id=clip_id, start_ms=start_ms, end_ms=end_ms, key_ms=key_ms,
                           caption=caption, position=position, created_by=creator.id,
                           created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "moment", rec.id, {"clip_id": clip_id})
        return _moment(rec)

    def get_moment(self, moment_id: int) -> Moment:
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is None:
            raise NotFoundError(f"There is no moment {moment_id}.")
        return _moment(rec)

    def update_moment(self, moment_id: int, **changes: Any) -> Moment:
        allowed = {"start_ms", "end_ms", "key_ms", "caption", "position", "film_stop",
                   "film_stop_caption", "slow_replay", "caption_override", "caption_position",
                   "crop"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)} of a moment")
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is None:
            raise NotFoundError(f"There is no moment {moment_id}.")
        start = changes.get("start_ms", rec.start_ms)
        end = changes.get("end_ms", rec.end_ms)
        Event(EventKind.CUE, "-", start, end)  # validates the span
        changed = {k for k, v in changes.items() if getattr(rec, k) != v}
        for key, value in changes.items():
            setattr(rec, key, value)
        self.orm.flush()
        if changed & RENDERED_FIELDS:
            self._reels_stale(moment_id)
        detail: dict[str, Any] = {"fields": sorted(changes)}
        if changes.get("caption_override"):
            detail["override_reason"] = changes["caption_override"]
        self.audit("update", "moment", moment_id, detail)
        return _moment(rec)

    def delete_moment(self, moment_id: int) -> None:
        rec = self.orm.get(MomentRecord, moment_id)
        if rec is not None:
            self._reels_stale(moment_id)
            self.orm.delete(rec)
            self.audit("delete", "moment", moment_id, {"clip_id": rec.clip_id})

    def _reels_stale(self, moment_id: int) -> None:
        """The reels showing this moment go back to draft: their file no longer shows what
        the moment says. (A shared version keeps its own file and snapshot.)"""
        for rec in self.orm.scalars(
                select(ReelRecord).join(ReelMomentRecord,
                                        ReelMomentRecord.reel_id == ReelRecord.id)
                .where(ReelMomentRecord.moment_id == moment_id,
                       ReelRecord.status.in_(_RENDERED))):
            rec.status = str(ReelStatus.DRAFT)
            self.audit("set-status", "reel", rec.id, {"status": str(ReelStatus.DRAFT),
                                                      "moment_changed": moment_id})
        self.orm.flush()

    def moments_for_clip(self, clip_id: int) -> list[Moment]:
        return self.moments_of_clips([clip_id])[clip_id]

    def moments_of_clips(self, clip_ids: Sequence[int]) -> dict[int, list[Moment]]:
        """Each clip's chosen moments (by position, then id), in one query."""
        out: dict[int, list[Moment]] = {cid: [] for cid in clip_ids}
        if clip_ids:
            for r in self.orm.scalars(
                    select(MomentRecord).where(MomentRecord.clip_id.in_(set(clip_ids)))
                    .order_by(MomentRecord.position, MomentRecord.id)):
                out[r.clip_id].append(_moment(r))
        return out

    def add_reel(self, family_id: int, title: str, moment_ids: Sequence[int]) -> Reel:
        creator = self._user_rec(self.actor)
        rec = ReelRecord(family_id=family_id, title=title, status=str(ReelStatus.DRAFT),
                         created_by=creator.id, created_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        for pos, mid in enumerate(moment_ids):
            self.orm.add(ReelMomentRecord(reel_id=rec.id, moment_id=mid, position=pos))
        self.orm.flush()
        self.audit("create", "reel", rec.id, {"family_id": family_id,
                                              "moments": list(moment_ids)})
        return self._reel(rec)

    def _reel(self, rec: ReelRecord, moment_ids: tuple[int, ...] | None = None) -> Reel:
        ids = moment_ids if moment_ids is not None else tuple(self.orm.scalars(
            select(ReelMomentRecord.moment_id).where(ReelMomentRecord.reel_id == rec.id)
            .order_by(ReelMomentRecord.position)))
        return Reel(rec.id, rec.family_id, rec.title, ReelStatus(rec.status), ids, rec.path,
                    rec.duration_ms, rec.error, rec.rendered_at, rec.created_at,
                    rec.shared_at, rec.shared_path)

    def delete_reel(self, reel_id: int, reason: str) -> None:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            return
        self.orm.delete(rec)
        self.orm.flush()
        self.audit("delete", "reel", reel_id, {"tombstone": True, "reason": reason,
                                               "family_id": rec.family_id})

    def get_reel(self, reel_id: int) -> Reel:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}; it may have been deleted when "
                                "consent was withdrawn.")
        return self._reel(rec)

    def set_reel_moments(self, reel_id: int, moment_ids: Sequence[int]) -> Reel:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        self.orm.execute(delete(ReelMomentRecord).where(ReelMomentRecord.reel_id == reel_id))
        for pos, mid in enumerate(moment_ids):
            self.orm.add(ReelMomentRecord(reel_id=reel_id, moment_id=mid, position=pos))
        rec.status = str(ReelStatus.DRAFT)
        self.orm.flush()
        self.audit("set-moments", "reel", reel_id, {"moments": list(moment_ids)})
        return self._reel(rec)

    def set_reel_title(self, reel_id: int, title: str) -> Reel:
        """A new title goes on the first card, so the reel goes back to draft."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        if rec.title != title:
            rec.title = title
            rec.status = str(ReelStatus.DRAFT)
            self.orm.flush()
            self.audit("rename", "reel", reel_id, {"status": str(ReelStatus.DRAFT)})
        return self._reel(rec)

    def set_reel_status(self, reel_id: int, status: ReelStatus, *, path: str | None = None,
                        duration_ms: int | None = None, error: str = "",
                        snapshot: dict[str, Any] | None = None) -> Reel:
        """``snapshot`` (with READY): what the rendered file shows, for sharing."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        rec.status = str(status)
        rec.error = error
        if status == ReelStatus.READY:
            rec.path, rec.duration_ms, rec.rendered_at = path, duration_ms, utcnow()
            rec.rendered_snapshot = snapshot
        self.audit("set-status", "reel", reel_id, {"status": str(status), "error": error})
        return self._reel(rec)

    def rendered_snapshot(self, reel_id: int) -> dict[str, Any] | None:
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        return rec.rendered_snapshot

    def shared_snapshot(self, reel_id: int) -> dict[str, Any] | None:
        """What the family's parents see of the reel (``None``: it is not shared)."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        return rec.shared_snapshot if rec.shared_at is not None else None

    def share_reel(self, reel_id: int, shared_path: str, snapshot: dict[str, Any]) -> Reel:
        """Show the parents this version: its own file and snapshot (audited)."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        rec.shared_path, rec.shared_snapshot = shared_path, snapshot
        rec.shared_at, rec.shared_by = utcnow(), self._user_rec(self.actor).id
        self.orm.flush()
        self.audit("share", "reel", reel_id, {"family_id": rec.family_id,
                                              "moments": [m["id"] for m in
                                                          snapshot.get("moments", [])]})
        return self._reel(rec)

    def unshare_reel(self, reel_id: int, reason: str = "") -> str | None:
        """Hide the reel from the parents at once; the shared file's path (to delete)."""
        rec = self.orm.get(ReelRecord, reel_id)
        if rec is None:
            raise NotFoundError(f"There is no reel {reel_id}.")
        old = rec.shared_path
        if rec.shared_at is not None:
            rec.shared_path, rec.shared_snapshot, rec.shared_at, rec.shared_by = \
                None, None, None, None
            self.orm.flush()
            self.audit("unshare", "reel", reel_id, {"family_id": rec.family_id,
                                                    "reason": reason})
        return old

    def add_reflection(self, moment_id: int, text: str, reel_id: int | None = None,
                       ) -> Reflection:
        by = self._user_rec(self.actor)
        rec = ReflectionRecord(moment_id=moment_id, reel_id=reel_id, text=text,
                               recorded_by=by.id, recorded_at=utcnow())
        self.orm.add(rec)
        self.orm.flush()
        self.audit("create", "reflection", rec.id, {"moment_id": moment_id,
                                                    "reel_id": reel_id})
        return Reflection(rec.id, moment_id, reel_id, text, by.username, rec.recorded_at)

    def reflections(self, moment_ids: Sequence[int]) -> list[Reflection]:
        users = {u.id: u.username for u in self.orm.scalars(select(UserRecord))}
        return [Reflection(r.id, r.moment_id, r.reel_id, r.text, users.get(r.recorded_by, "?"),
                           r.recorded_at)
                for r in self.orm.scalars(select(ReflectionRecord)
                                          .where(ReflectionRecord.moment_id.in_(list(moment_ids)))
                                          .order_by(ReflectionRecord.id))]

    def reels_for_family(self, family_id: int) -> list[Reel]:
        recs = list(self.orm.scalars(select(ReelRecord).where(ReelRecord.family_id ==
                                                              family_id)
                                     .order_by(ReelRecord.id)))
        moments: dict[int, list[int]] = {r.id: [] for r in recs}
        if recs:
            for reel_id, moment_id in self.orm.execute(
                    select(ReelMomentRecord.reel_id, ReelMomentRecord.moment_id)
                    .where(ReelMomentRecord.reel_id.in_(list(moments)))
                    .order_by(ReelMomentRecord.position)):
                moments[reel_id].append(moment_id)
        return [self._reel(r, tuple(moments[r.id])) for r in recs]

    def reel_ids_of_clips(self, clip_ids: Sequence[int]) -> set[int]:
        """The ids of the reels that show a moment of any of ``clip_ids``, in one query."""
        if not clip_ids:
            return set()
        return set(self.orm.scalars(
            select(ReelMomentRecord.reel_id).join(
                MomentRecord, MomentRecord.id == ReelMomentRecord.moment_id)
            .where(MomentRecord.clip_id.in_(set(clip_ids))).distinct()))

    def reels_for_clip(self, clip_id: int) -> list[Reel]:
        ids = self.orm.scalars(
            select(ReelMomentRecord.reel_id).join(
                MomentRecord, MomentRecord.id == ReelMomentRecord.moment_id)
            .where(MomentRecord.clip_id == clip_id).distinct())
        return [self._reel(r) for r in
                self.orm.scalars(select(ReelRecord).where(ReelRecord.id.in_(list(ids))))]


def _moment(rec: MomentRecord) -> Moment:
    return Moment(rec.id, rec.clip_id, rec.start_ms, rec.end_ms, rec.caption, rec.key_ms,
                  rec.position, rec.film_stop, rec.film_stop_caption, rec.slow_replay,
                  rec.caption_override, rec.caption_position,
                  dict(rec.crop) if rec.crop else None)

