"""URLs of media for the browser: each carries a short-lived token signed with the
secret key, bound to the user and to the file (kind + object id + file name). The
``/api/media/...`` route (``attune.ui.routes``) checks the token and the user's access
again when the file is asked for.

Kinds and their object ids (see ``attune.services.tokens``):

- clip files, ``object_id`` = clip id: ``proxy``, ``filmstrip``, ``filmstrip_index``,
  ``envelope`` (one file each), ``still`` (a file name in the clip's stills folder);
- reel files, ``object_id`` = reel id: ``reel``, ``vtt``, ``handout`` (a file name in
  the reel's folder; without one, the practitioner's version).

The names are the media store's (:meth:`attune.services.mediastore.MediaStore.default_name`).
"""

from __future__ import annotations

from urllib.parse import quote

from attune.core.accounts import User
from attune.services import Context
from attune.services.tokens import MEDIA_KINDS, media_token

MEDIA_PREFIX = "/api/media"



def current_session_id() -> str:
    """The sign-in session of this browser (``attune.ui.session``)."""
    import streamlit as st

    from attune.ui.session import SESSION_KEY

    sid = st.session_state.get(SESSION_KEY)
    if not isinstance(sid, str) or not sid:
        raise ValueError("media URLs are made only for a signed-in browser")
    return sid


def media_url(ctx: Context, user: User, kind: str, object_id: int,
              name: str | None = None, *, session_id: str | None = None) -> str:
    """A same-origin URL (``/api/media/<kind>/<id>/<name>?t=<token>``) for ``user`` in
    the sign-in session ``session_id`` (by default this browser's): it opens only with
    that sign-in's cookie, while it is live.

    The same URL comes back for repeated calls within about 15 minutes, so a rerun does
    not reload a playing video; it stays valid for at least two hours (or until that
    sign-in ends).
    """
    if kind not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {kind!r}; use one of {sorted(MEDIA_KINDS)}")
    if name is None:
        # the file's own name, as the media store gives it (so ``vtt`` is ``reel.vtt``)
        name = ctx.media.default_name(kind)
        if name is None:
            raise ValueError(f"media kind {kind!r} needs a file name")
    sid = session_id or current_session_id()
    token = media_token(ctx.settings.secret_key, user.id, sid, kind, int(object_id), name)
    return f"{MEDIA_PREFIX}/{kind}/{int(object_id)}/{quote(name, safe='')}?t={token}"
