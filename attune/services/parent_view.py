"""What a parent may see (docs/practice.md §1, §7): the one place that decides it, for the parent's
page, session mode, the parent branch of the media route and the parent's handout.

A parent sees a reel only when the practitioner has shared it on purpose
(:func:`attune.services.reels.share_reel`), and then only the version that was shared: its
own copy of the rendered file and a snapshot of its title, moments and captions as they
were. Editing the reel afterwards makes a new draft that the parent does not see until it
is rendered, watched and shared in turn. Consent is asked at read time: once shared
review is withdrawn or has expired for any clip of the reel, the parent sees nothing of
it, at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from attune.core.accounts import Role, User
from attune.core.clip import Clip
from attune.core.family import Family
from attune.core.policy import Action
from attune.core.reel import Moment, Reel
from attune.errors import NotFoundError
from attune.services import Context
from attune.services.access import decide_access, require_access
from attune.services.mediastore import MediaStore
from attune.storage.store import Tx

#: A rendered snapshot's ``captions`` when the film's picture carries no captions and its
#: WebVTT track shows them (the smart-cut film, :mod:`attune.reels.smartcut`). A film
#: rendered before carries them burned in; its players must add no track.
CAPTIONS_ON_TRACK = "track"


def captions_on_track(snapshot: dict[str, Any] | None) -> bool:
    """Whether the film a snapshot describes shows its captions as a WebVTT track (and
    so needs one), rather than in its picture."""
    return bool(snapshot) and (snapshot or {}).get("captions") == CAPTIONS_ON_TRACK


@dataclass(frozen=True)
class SharedReel:
    """A reel as its shared version stands: what the parent's page lists and plays."""

    id: int
    family_id: int
    title: str
    duration_ms: int | None
    shared_at: datetime
    file_name: str  # the shared copy of the film, in the reel's folder
    moments: tuple[Moment, ...]
    starts_ms: tuple[int, ...]  # where each moment starts in the film
    end_card_ms: int = 0
    #: the film shows its captions as a WebVTT track (its picture carries none)
    captions_track: bool = False

    @property
    def clip_ids(self) -> set[int]:
        return {m.clip_id for m in self.moments}

    @property
    def vtt_name(self) -> str:
        return MediaStore.shared_names(self.file_name)[1]

    @property
    def handout_name(self) -> str:
        return MediaStore.shared_names(self.file_name)[2]


def snapshot_moment(m: Moment, reel_start_ms: int) -> dict[str, Any]:
    """A moment as a snapshot keeps it (JSON)."""
    return {"id": m.id, "clip_id": m.clip_id, "start_ms": m.start_ms, "end_ms": m.end_ms,
            "key_ms": m.key_ms, "caption": m.caption, "film_stop": m.film_stop,
            "film_stop_caption": m.film_stop_caption, "slow_replay": m.slow_replay,
            "caption_position": m.caption_position, "reel_start_ms": reel_start_ms,
            **({"crop": m.crop} if m.crop else {})}


def _moment(d: dict[str, Any]) -> Moment:
    return Moment(int(d["id"]), int(d["clip_id"]), int(d["start_ms"]), int(d["end_ms"]),
                  str(d.get("caption", "")), d.get("key_ms"), 0, bool(d.get("film_stop")),
                  str(d.get("film_stop_caption", "")), bool(d.get("slow_replay")), "",
                  str(d.get("caption_position", "bottom")), d.get("crop"))


def _clips(tx: Tx, moments: tuple[Moment, ...]) -> list[Clip] | None:
    """The clips the moments come from; None when one is gone (consent withdrawn)."""
    try:
        return [tx.get_clip(c) for c in dict.fromkeys(m.clip_id for m in moments)]
    except NotFoundError:
        return None


def _shared(tx: Tx, user: User, reel: Reel) -> SharedReel | None:
    """The reel's shared version if ``user`` may watch it today: the gate (role, family,
    shared-review consent for every clip in it)."""
    snap = tx.shared_snapshot(reel.id)
    if snap is None or reel.shared_at is None or not reel.shared_path:
        return None
    moments = tuple(_moment(d) for d in snap.get("moments", []))
    clips = _clips(tx, moments)
    if not moments or clips is None or not all(
            decide_access(tx, user, Action.WATCH_REEL, reel.family_id, c).allowed
            for c in clips):
        return None
    return SharedReel(reel.id, reel.family_id, str(snap.get("title", reel.title)),
                      snap.get("duration_ms"), reel.shared_at, Path(reel.shared_path).name,
                      moments, tuple(int(d["reel_start_ms"]) for d in snap["moments"]),
                      int(snap.get("end_card_ms", 0)), captions_on_track(snap))


def shared_reels(ctx: Context, actor: User, family_code: str | None = None
                 ) -> list[SharedReel]:
    """The shared reels ``actor`` may watch, newest share first: a parent's own families',
    or (session mode: a practitioner's screen handed to the parent) ``family_code``'s."""
    with ctx.db.transaction(actor.username) as tx:
        if actor.role == Role.PARENT:
            families = [f for f in tx.list_families() if actor.username in f.parents]
        else:
            family = tx.get_family(family_code or "")
            require_access(tx, actor, Action.WATCH_REEL, family,
                           what=f"show family {family_code}'s shared reels")
            families = [family]
        found = [_shared(tx, actor, r) for f in families for r in tx.reels_for_family(f.id)]
    return sorted((s for s in found if s is not None), key=lambda s: s.shared_at,
                  reverse=True)


def shared_reel(ctx: Context, actor: User, reel_id: int) -> SharedReel:
    """One shared reel ``actor`` may watch; :class:`NotFoundError` when it is not (or no
    longer) shared, or consent no longer covers it."""
    with ctx.db.transaction(actor.username) as tx:
        return _watchable(tx, actor, reel_id)


def _watchable(tx: Tx, actor: User, reel_id: int) -> SharedReel:
    """The gate for watching, then the shared version (or :class:`NotFoundError`)."""
    reel = tx.get_reel(reel_id)
    require_access(tx, actor, Action.WATCH_REEL, reel.family_id, what=f"watch reel {reel_id}")
    shared = _shared(tx, actor, reel)
    if shared is None:
        raise NotFoundError("This film is not shared with the family just now; the "
                            "practitioner can share it again.")
    return shared


def shared_reel_family(ctx: Context, actor: User, shared: SharedReel) -> Family:
    """The family of a shared reel that ``actor`` may already watch (``shared_reels``
    let it through the gate): its record, for the baby's name."""
    with ctx.db.transaction(actor.username) as tx:
        return tx.family_by_id(shared.family_id)


def may_open(tx: Tx, user: User, reel_id: int, name: str) -> bool:
    """The media route's parent branch: only the shared version's own files, while it is
    shared and consent covers it (checked on every request)."""
    try:
        reel = tx.get_reel(reel_id)
    except NotFoundError:
        return False
    shared = _shared(tx, user, reel)
    if shared is None or name not in MediaStore.shared_names(shared.file_name):
        return False
    # the stills handout is a copy the parent keeps: parent-copy consent too
    return name != shared.handout_name or _may_keep(tx, user, shared)


def _may_keep(tx: Tx, user: User, shared: SharedReel) -> bool:
    clips = _clips(tx, shared.moments)
    return bool(clips) and all(
        decide_access(tx, user, Action.KEEP_REEL, shared.family_id, c).allowed
        for c in clips or [])


def shared_to_keep(ctx: Context, actor: User, reel_id: int) -> SharedReel:
    """The shared version, for the parent to keep (the stills handout on paper or as a
    file): parent-copy consent for every clip in it, as for keeping the film; a refusal
    is audited and names the consent."""
    with ctx.db.transaction(actor.username) as tx:
        shared = _watchable(tx, actor, reel_id)
        for clip in _clips(tx, shared.moments) or []:
            require_access(tx, actor, Action.KEEP_REEL, shared.family_id, clip,
                           what=f"keep a copy of reel {reel_id}")
    return shared


def shared_file(ctx: Context, actor: User, reel_id: int, *, download: bool = False) -> Path:
    """The shared film, to watch or (with parent_copy consent) to keep; audited. The copy
    to keep has its captions burned in: for a film that shows them as a track, the copy
    beside it, which may not be made yet (:func:`attune.services.reels.reel_file` makes
    it when it is missing: download through that)."""
    with ctx.db.transaction(actor.username) as tx:
        shared = _watchable(tx, actor, reel_id)
        if download:
            for clip in _clips(tx, shared.moments) or []:
                require_access(tx, actor, Action.KEEP_REEL, shared.family_id, clip,
                               what=f"keep a copy of reel {reel_id}")
        tx.audit("download" if download else "view", "reel", reel_id, {"shared": True})
    film = ctx.media.reel_path(reel_id, shared.file_name)
    return ctx.media.captioned_of(film) if download and shared.captions_track else film


def may_keep_copy(ctx: Context, user: User, shared: SharedReel) -> bool:
    """Whether ``user`` may download the shared film: the gate for keeping a copy (the
    parent's own family, parent-copy consent for every clip in it), checked without
    auditing; :func:`shared_file` checks again and audits."""
    with ctx.db.transaction(user.username) as tx:
        return _may_keep(tx, user, shared)
