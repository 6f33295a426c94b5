"""Clips: storing an upload (by content hash, after checking consent) and deleting a
clip with everything made from it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from attune.core.accounts import User
from attune.core.clip import Clip, ClipStatus
from attune.core.consent import ConsentScope
from attune.errors import InputError, MediaError
from attune.media.probe import probe
from attune.services import Context
from attune.services.access import Action, require_access
from attune.storage.store import Tx


def store_clip(ctx: Context, actor: User, code: str, source: BinaryIO | Path,
               original_name: str, *, held_on: date | None = None,
               session_id: int | None = None,
               uploaded_under: ConsentScope = ConsentScope.SHARED_REVIEW,
               third_parties_in_frame: bool = False) -> Clip:
    """Check consent, copy the file into the media folder by content hash, check that it
    is a playable video (probe), add the clip row (and the day's session if there is
    none). The file is streamed, never read whole. What is not a playable video is
    refused with a message, leaving no file and no row.

    If the database change fails, an original stored only for this clip is removed again.
    """
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.UPLOAD, family, what=f"upload clips for family {code}",
                       filmed_under=uploaded_under)
    if isinstance(source, Path):
        sha, size = ctx.media.store_file(source)
    else:
        sha, size = ctx.media.store_stream(source)
    if size == 0:
        _forget_original(ctx, sha)
        raise InputError(f"{original_name} is empty (0 bytes); choose the recording itself.")
    stored = ctx.media.original_path(sha)
    try:
        facts = probe(stored)
    except MediaError as exc:
        _forget_original(ctx, sha)
        # the message names the stored copy; the practitioner knows the file by its name
        message = str(exc).replace(str(stored), original_name).replace(sha, original_name)
        raise MediaError(message) from None
    try:
        with ctx.db.transaction(actor.username) as tx:
            if session_id is None:
                day = held_on or date.today()
                session = tx.find_session(family.id, day) or \
                    tx.add_session(family.id, day, actor.username)
                session_id = session.id
            elif tx.get_session(session_id).family_id != family.id:
                raise InputError(f"Session {session_id} is not a session of family {code}.")
            clip = tx.add_clip(session_id, original_name[:300], sha, size, uploaded_under,
                               third_parties_in_frame=third_parties_in_frame,
                               media={"probe": facts.to_dict()})
            return tx.set_clip_media(clip.id, status=ClipStatus.STORED, media=clip.media,
                                     duration_ms=facts.duration_ms)
    except BaseException:
        _forget_original(ctx, sha)
        raise


def _forget_original(ctx: Context, sha: str) -> None:
    with ctx.db.transaction("system") as tx:
        if tx.clips_with_sha(sha):
            return
    ctx.media.original_path(sha).unlink(missing_ok=True)


def get_clip(ctx: Context, actor: User, clip_id: int) -> Clip:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                       what=f"open clip {clip_id}")
        return clip


def clip_files(ctx: Context, tx: Tx, clip: Clip,
               same_content: dict[str, list[int]] | None = None) -> list[Path]:
    """Every file of a clip: what was made from it, and the original unless another clip
    has the same content (``same_content``: the clips of each content, read before)."""
    files = ctx.media.derived_files(clip.id)
    with_sha = same_content[clip.sha256] if same_content is not None else \
        tx.clips_with_sha(clip.sha256)
    others = [c for c in with_sha if c != clip.id]
    original = ctx.media.original_path(clip.sha256)
    if not others and original.exists():
        files.append(original)
    return files


def delete_clips(ctx: Context, actor: str, clip_ids: Iterable[int], *,
                 reel_ids: Iterable[int] = (), reason: str,
                 also: Callable[[Tx], None] | None = None) -> list[Clip]:
    """Delete clips (rows and files) and reels in one step. Files are moved aside first
    and removed only once the database change has committed (put back if it fails)."""
    clip_ids, reel_ids = list(clip_ids), list(reel_ids)
    with ctx.db.transaction(actor) as tx:
        clips = [tx.get_clip(i) for i in clip_ids]
        paths: list[Path] = []
        shas = {c.sha256 for c in clips}
        for c in clips:
            paths.append(ctx.media.clip_dir(c.id))
        for sha in shas:
            if not set(tx.clips_with_sha(sha)) - set(clip_ids):
                paths.append(ctx.media.original_path(sha))
        all_reels = set(reel_ids)
        for c in clips:
            all_reels |= {r.id for r in tx.reels_for_clip(c.id)}
        paths += [ctx.media.reel_dir(r) for r in sorted(all_reels)]
    with ctx.media.deleting(paths), ctx.db.transaction(actor) as tx:
        if also is not None:
            also(tx)
        for r in sorted(all_reels):
            tx.delete_reel(r, reason)
        for c in clips:
            tx.delete_clip(c.id, reason)
    return clips


def delete_clip(ctx: Context, actor: User, clip_id: int) -> Clip:
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.MANAGE_RECORD, clip.family_id,
                       what=f"delete clip {clip_id}")
    return delete_clips(ctx, actor.username, [clip_id], reason="deleted by practitioner")[0]
