"""Signed tokens: media URLs, uploads, saving coding (the timeline's outbox) and
sign-in sessions.

A token is ``<payload>.<signature>``: the payload is URL-safe base64 of compact JSON,
the signature URL-safe base64 of HMAC-SHA256 over ``purpose + "." + payload`` with the
installation's secret key (``Settings.secret_key``). The purpose ("media", "upload",
"outbox", "session") is part of what is signed, so a token made for one job never passes
for another. Every token carries the user id it was made for; media, upload and outbox
tokens also carry the object they open (for the outbox: the clip being coded), an expiry
time and the sign-in session they were made in: the routes open them only for a request
whose HttpOnly sign-in cookie names that same, still live session (``attune.ui.routes``),
so a copied link is no bearer token.

Media tokens are stable for a while (the issue time is rounded down to
``MEDIA_BUCKET_S``), so that a page rerun gives the same URL and a playing video is
not reloaded.

Sign-in sessions: the token names the user and a random session id; each session and
its last activity is kept in the database (:class:`SessionRegistry`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from attune.errors import AttuneError
from attune.media import layout

if TYPE_CHECKING:
    from attune.core.accounts import User
    from attune.services import Context

#: Media URLs are valid for at least this long after they are made ...
MEDIA_TTL_S = 2 * 60 * 60
#: ... and the same URL is handed out for this long (so reruns do not reload a video).
MEDIA_BUCKET_S = 15 * 60
UPLOAD_TTL_S = 60 * 60

#: What can be served, and which object id each names (a clip's or a reel's): the kinds of
#: file of the media layout, and a clip's stills (a folder of them).
STILL = "still"
CLIP_KINDS = frozenset({*layout.CLIP_FILES, STILL})
REEL_KINDS = frozenset(layout.REEL_FILES)
MEDIA_KINDS = CLIP_KINDS | REEL_KINDS


class TokenError(AttuneError):
    """A token is missing, malformed, forged, expired or for something else."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, payload: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{purpose}.{payload}".encode(),
                      hashlib.sha256).digest()
    return _b64(digest)


def sign(secret: str, purpose: str, claims: dict[str, Any]) -> str:
    if not secret:
        raise ValueError("an empty secret key cannot sign tokens")
    payload = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_mac(secret, purpose, payload)}"


def verify(secret: str, purpose: str, token: str | None, *, now: float | None = None
           ) -> dict[str, Any]:
    """The claims of a genuine, unexpired ``purpose`` token; else :class:`TokenError`."""
    if not token or token.count(".") != 1:
        raise TokenError("This link has no valid access token; open it from the app again.")
    payload, signature = token.split(".")
    if not hmac.compare_digest(_mac(secret, purpose, payload).encode(), signature.encode()):
        raise TokenError("This link's access token is not genuine; open it from the app "
                         "again.")
    try:
        claims = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        raise TokenError("This link's access token is damaged; open it from the app again.") \
            from None
    if not isinstance(claims, dict):
        raise TokenError("This link's access token is damaged; open it from the app again.")
    expires = claims.get("exp")
    if expires is not None and (now if now is not None else time.time()) >= float(expires):
        raise TokenError("This link has expired; open it from the app again.")
    return claims


# ------------------------------------------------------------------ media
@dataclass(frozen=True)
class MediaGrant:
    user_id: int
    kind: str
    object_id: int
    name: str
    expires_at: float
    session_id: str

    @property
    def key(self) -> str:
        """Identifies the grant (for auditing a served file once per token)."""
        return (f"{self.user_id}:{self.session_id}:{self.kind}:{self.object_id}:{self.name}:"
                f"{self.expires_at:.0f}")


def _session_of(claims: dict[str, Any]) -> str:
    sid = claims.get("s")
    if not isinstance(sid, str) or not sid:
        raise TokenError("This link is not tied to a sign-in; open it from the app again.")
    return sid


def media_token(secret: str, user_id: int, session_id: str, kind: str, object_id: int,
                name: str, *, now: float | None = None, ttl_s: int = MEDIA_TTL_S,
                bucket_s: int = MEDIA_BUCKET_S) -> str:
    """A media token for ``user_id`` in the sign-in session ``session_id``."""
    if kind not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {kind!r}")
    if not session_id:
        raise ValueError("a media token needs the sign-in session it is made for")
    t = time.time() if now is None else now
    issued = int(t // bucket_s * bucket_s) if bucket_s > 0 else int(t)
    return sign(secret, "media", {"u": user_id, "s": session_id, "k": kind, "o": object_id,
                                  "n": name, "exp": issued + ttl_s + bucket_s})


def check_media_token(secret: str, token: str | None, kind: str, object_id: int, name: str,
                      *, now: float | None = None) -> MediaGrant:
    """The grant of a genuine token for exactly this kind, object and file name."""
    claims = verify(secret, "media", token, now=now)
    if (claims.get("k"), claims.get("o"), claims.get("n")) != (kind, object_id, name):
        raise TokenError("This link's access token is for another file; open it from the "
                         "app again.")
    user_id = claims.get("u")
    if not isinstance(user_id, int):
        raise TokenError("This link's access token is damaged; open it from the app again.")
    return MediaGrant(user_id, kind, object_id, name, float(claims["exp"]), _session_of(claims))


# ------------------------------------------------------------------ upload
@dataclass(frozen=True)
class UploadGrant:
    user_id: int
    family_code: str
    session_id: str


def upload_token(secret: str, user_id: int, session_id: str, family_code: str, *,
                 now: float | None = None, ttl_s: int = UPLOAD_TTL_S) -> str:
    if not session_id:
        raise ValueError("an upload token needs the sign-in session it is made for")
    t = time.time() if now is None else now
    return sign(secret, "upload", {"u": user_id, "s": session_id, "f": family_code,
                                   "exp": int(t) + ttl_s})


def check_upload_token(secret: str, token: str | None, *, now: float | None = None
                       ) -> UploadGrant:
    """The grant of a genuine upload token."""
    claims = verify(secret, "upload", token, now=now)
    user_id, code = claims.get("u"), claims.get("f")
    if not isinstance(user_id, int) or not isinstance(code, str):
        raise TokenError("This upload's access token is damaged; open the Upload page again.")
    return UploadGrant(user_id, code, _session_of(claims))


# ------------------------------------------------------------------ outbox
@dataclass(frozen=True)
class OutboxGrant:
    user_id: int
    clip_id: int
    session_id: str


def outbox_token(secret: str, user_id: int, session_id: str, clip_id: int, *,
                 now: float | None = None, ttl_s: int = MEDIA_TTL_S,
                 bucket_s: int = MEDIA_BUCKET_S) -> str:
    """A token for saving ``user_id``'s coding of ``clip_id`` from the sign-in session
    ``session_id`` (``POST /api/outbox``); stable within a bucket, like media tokens."""
    if not session_id:
        raise ValueError("an outbox token needs the sign-in session it is made for")
    t = time.time() if now is None else now
    issued = int(t // bucket_s * bucket_s) if bucket_s > 0 else int(t)
    return sign(secret, "outbox", {"u": user_id, "s": session_id, "c": int(clip_id),
                                   "exp": issued + ttl_s + bucket_s})


def check_outbox_token(secret: str, token: str | None, *, now: float | None = None
                       ) -> OutboxGrant:
    """The grant of a genuine, unexpired outbox token."""
    claims = verify(secret, "outbox", token, now=now)
    user_id, clip_id = claims.get("u"), claims.get("c")
    if not isinstance(user_id, int) or not isinstance(clip_id, int):
        raise TokenError("This page's saving token is damaged; reload the page.")
    return OutboxGrant(user_id, clip_id, _session_of(claims))


# ------------------------------------------------------------------ sessions
@dataclass(frozen=True)
class SessionClaim:
    user_id: int
    session_id: str
    issued_at: float


def session_token(secret: str, user_id: int, session_id: str, *,
                  now: float | None = None) -> str:
    t = time.time() if now is None else now
    return sign(secret, "session", {"u": user_id, "s": session_id, "iat": int(t)})


def read_session_token(secret: str, token: str | None) -> SessionClaim:
    claims = verify(secret, "session", token)
    user_id, sid, iat = claims.get("u"), claims.get("s"), claims.get("iat")
    if not isinstance(user_id, int) or not isinstance(sid, str) or not isinstance(iat, int):
        raise TokenError("The sign-in cookie is damaged; sign in again.")
    return SessionClaim(user_id, sid, float(iat))


class SessionRegistry:
    """Live sign-in sessions, kept in the database (``sign_in_sessions``): a server
    restart signs nobody out, several app servers agree, and a session idle for longer
    than the limit, signed out, or of a switched-off account is over."""

    #: Last activity is written at most this often (every script run touches it).
    WRITE_EVERY = timedelta(seconds=30)

    def start(self, ctx: Context, user_id: int) -> str:
        sid = secrets.token_urlsafe(18)
        with ctx.db.transaction("system") as tx:
            tx.start_sign_in(sid, user_id)
        return sid

    def touch(self, ctx: Context, session_id: str, user_id: int, idle_s: float) -> bool:
        """True (and the activity noted) if the session is live for ``user_id``."""
        with ctx.db.transaction("system") as tx:
            return tx.touch_sign_in(session_id, user_id, timedelta(seconds=idle_s),
                                    self.WRITE_EVERY)

    def account_if_live(self, ctx: Context, session_id: str | None, user_id: int,
                        idle_s: float, *, activity: bool = False) -> tuple[User, bool]:
        """The account ``user_id`` as it is now, and whether ``session_id`` (None: no
        session) is a live sign-in of it (with ``activity``, noted as :meth:`touch`
        does), read in one transaction: a request's sign-in check."""
        idle = timedelta(seconds=idle_s)
        with ctx.db.transaction("system") as tx:
            user = tx.user_by_id(user_id)
            if session_id is None:
                return user, False
            live = (tx.touch_sign_in(session_id, user_id, idle, self.WRITE_EVERY) if activity
                    else tx.sign_in_is_live(session_id, idle))
            return user, live

    def is_live(self, ctx: Context, session_id: str, idle_s: float) -> bool:
        with ctx.db.transaction("system") as tx:
            return tx.sign_in_is_live(session_id, timedelta(seconds=idle_s))

    def end(self, ctx: Context, session_id: str) -> None:
        with ctx.db.transaction("system") as tx:
            tx.end_sign_in(session_id=session_id)

    def set_review(self, ctx: Context, session_id: str, family_code: str | None,
                   reel_id: int | None) -> None:
        with ctx.db.transaction("system") as tx:
            tx.set_review(session_id, family_code, reel_id)

    def review_of(self, ctx: Context, session_id: str) -> tuple[str, int] | None:
        with ctx.db.transaction("system") as tx:
            return tx.review_of(session_id)

    def end_user(self, ctx: Context, user_id: int) -> None:
        """Sign a user out everywhere."""
        with ctx.db.transaction("system") as tx:
            tx.end_sign_in(user_id=user_id)


SESSIONS = SessionRegistry()
