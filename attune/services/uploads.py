"""Before an upload starts: may this user upload for this family, and is the consent
that an upload needs on record? (``clips.store_clip`` checks both again.)"""

from __future__ import annotations

from typing import BinaryIO

from attune.core.accounts import User
from attune.core.consent import ConsentScope
from attune.errors import InputError
from attune.services import Context
from attune.services.access import Action, require_access


def check_upload(ctx: Context, actor: User, code: str,
                 scope: ConsentScope = ConsentScope.SHARED_REVIEW) -> None:
    """Raise :class:`NotAllowedError` (audited) or :class:`ConsentError` (saying what to
    record) unless ``actor`` may upload clips for family ``code`` now."""
    with ctx.db.transaction(actor.username) as tx:
        family = tx.get_family(code)
        require_access(tx, actor, Action.UPLOAD, family, what=f"upload clips for family {code}",
                       filmed_under=scope)


class UploadTooLarge(InputError):
    """An upload is over ``ATTUNE_UPLOAD_LIMIT_MB``."""


def too_large(limit_bytes: int) -> UploadTooLarge:
    gib = limit_bytes / (1 << 30)
    size = f"{gib:.0f} GB" if gib >= 1 else f"{limit_bytes >> 20} MB"
    return UploadTooLarge(
        f"The recording is larger than the {size} an upload may be. Trim it on the phone "
        "or computer (or split it into shorter parts) and upload again; an administrator "
        "can raise the limit with ATTUNE_UPLOAD_LIMIT_MB.")


def check_declared_size(content_length: str | None, limit_bytes: int) -> None:
    """Refuse an upload whose declared size (``Content-Length``) is over the limit, before
    a byte is read."""
    if content_length is None or not content_length.strip().isdigit():
        return  # unknown: the bytes are counted as they arrive (LimitedReader)
    digits = content_length.strip().lstrip("0") or "0"
    if len(digits) > 19 or int(digits) > limit_bytes:
        raise too_large(limit_bytes)


class LimitedReader:
    """``read(n)`` of another reader that raises :class:`UploadTooLarge` as soon as more
    than ``limit_bytes`` have arrived (the media store then removes its partial file)."""

    def __init__(self, source: BinaryIO, limit_bytes: int) -> None:
        self.source = source
        self.limit_bytes = limit_bytes
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.source.read(n)
        self.count += len(chunk)
        if self.count > self.limit_bytes:
            raise too_large(self.limit_bytes)
        return chunk
