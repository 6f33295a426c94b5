"""URLs of media for the browser: each carries a short-lived token signed with the
secret key, bound to the user and to the file (kind + object id + file name). The
``/api/media/...`` route (``attune.ui.routes``) checks the token and the user's access
again when the file is asked for.

Kinds and their object ids (see ``attune.services.tokens``):

- clip files, ``object_id`` = clip id: ``proxy`` (name ``proxy.mp4``), ``filmstrip``
  (``filmstrip.jpg``), ``filmstrip_index`` (``filmstrip.json``), ``envelope``
  (``envelope.json``), ``still`` (a file name in the clip's ``stills/`` folder);
- reel files, ``object_id`` = reel id: ``reel``, ``vtt``, ``handout`` (a file name in
  the reel's folder).
"""

from __future__ import annotations

from urllib.parse import quote

from attune.core.people import User
from attune.services import Context
from attune.services.tokens import MEDIA_KINDS, media_token

MEDIA_PREFIX = "/api/media"

#: The usual file name of each single-file kind (``media_url(..., name=None)``).
DEFAULT_NAMES: dict[str, str] = {
    "proxy": "proxy.mp4", "filmstrip": "filmstrip.jpg", "filmstrip_index": "filmstrip.json",
    "envelope": "envelope.json", "reel": "reel.mp4", "vtt": "captions.vtt",
    "handout": "handout.pdf",
}


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
        if kind not in DEFAULT_NAMES:
            raise ValueError(f"media kind {kind!r} needs a file name")
        name = DEFAULT_NAMES[kind]
    sid = session_id or current_session_id()
    token = media_token(ctx.settings.secret_key, user.id, sid, kind, int(object_id), name)
    return f"{MEDIA_PREFIX}/{kind}/{int(object_id)}/{quote(name, safe='')}?t={token}"
