"""The app's own HTTP routes, mounted by ``st.App`` in ``streamlit_app.py``.

- ``GET|HEAD /api/media/{kind}/{object_id}/{name}?t=TOKEN``: a clip's or reel's file,
  streamed in chunks with HTTP Range (206, 416). The token (``attune.ui.media``) must be
  genuine, unexpired and for exactly this file; the request's sign-in cookie must name
  the very sign-in session the token was made in, still live (not signed out, not idle,
  the password not changed since, the account not switched off: :func:`signed_in_user`);
  the user must still be allowed to see it (``attune.services.access``). Each file is
  audited once per token. Browsers send the SameSite=Strict cookie with same-origin
  ``<video src>`` and ``fetch`` requests, so playing and seeking work as before.
- ``POST /api/upload?t=TOKEN&name=FILE``: the same sign-in check; then the body is
  streamed into the media folder (never held whole in memory), checked (consent,
  access, playable video) and queued for ingest. Answers JSON ``{"clip_id", "job_id"}``
  or ``{"error"}``.
- ``POST /api/outbox?t=TOKEN``: the timeline's changes (JSON ``{"tab", "items",
  "have"}``, sent with ``Content-Type: application/json`` from the same origin only);
  the token (``attune.ui.outbox``) names the user, the clip and the sign-in session, and
  the same sign-in check is made at each call; then the gate is asked whether this user
  codes this clip (:func:`attune.services.events.clip_to_code`, refusals audited) and
  the messages are applied through the events services (:func:`attune.ui.outbox.exchange`,
  which ask the gate again for each change). Answers JSON ``{"acks", "notices",
  "events_delta" | "events"}``, or 403 ``{"error"}`` with nothing stored; each answer
  closes its connection (``OUTBOX_HEADERS``: why).
- ``POST /api/session``: body ``{"token": ...}``; sets the HttpOnly, SameSite=Strict
  sign-in cookie so that a browser refresh keeps the user signed in.
- ``POST /api/signout``: clears that cookie and ends the session.

Streamlit reserves ``/media/``, ``/_stcore/``, ``/component/`` and ``/static/``; ours
live under ``/api/``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from attune.core.accounts import User
from attune.errors import AttuneError, NotAllowedError, NotFoundError
from attune.services import Context
from attune.services.clips import store_clip
from attune.services.events import clip_to_code, gate_once_per_request
from attune.services.ingest import queue_ingest
from attune.services.serving import media_folder, record_outside_sign_in, record_served
from attune.services.tokens import (
    SESSIONS,
    MediaGrant,
    TokenError,
    check_media_token,
    check_outbox_token,
    check_upload_token,
    read_session_token,
)
from attune.services.uploads import LimitedReader, UploadTooLarge, check_declared_size
from attune.ui.outbox import (
    MAX_BODY_BYTES,
    OUTBOX_PATH,
    exchange,
    have_in,
    items_of,
    tab_in,
    tab_workspace,
)

SESSION_COOKIE = "attune_session"
CHUNK = 256 * 1024
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

ContextProvider = Callable[[], Context]


# ------------------------------------------------------------------ media
class _ServedOnce:
    """Which grants were already audited (one audit entry per file per token)."""

    def __init__(self, limit: int = 50_000) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._limit = limit

    def first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._seen:
                return False
            if len(self._seen) >= self._limit:
                self._seen.clear()
            self._seen.add(key)
            return True


SERVED = _ServedOnce()


def media_file(ctx: Context, user: User, kind: str, object_id: int, name: str) -> Path:
    """The file ``user`` asks for, after checking that they may still see it.

    Raises :class:`NotAllowedError` (audited) or :class:`NotFoundError`.
    """
    if not SAFE_NAME.match(name) or ".." in name:
        raise NotFoundError("There is no such file.")
    folder = media_folder(ctx, user, kind, object_id, name)  # the gate, at serve time
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise NotFoundError("That file is not there (yet): it may still be processing.")
    return path


def audit_served(ctx: Context, user: User, grant: MediaGrant) -> None:
    if SERVED.first_time(f"{ctx.settings.database_url}|{grant.key}"):
        record_served(ctx, user, grant.kind, grant.object_id, grant.name)


#: Digits of a byte position we read; more is beyond any file (and ``int()`` of thousands
#: of digits is refused by Python), so such a number counts as "past the end".
MAX_RANGE_DIGITS = 18
_BEYOND = 10 ** MAX_RANGE_DIGITS


def _position(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return _BEYOND if len(digits) > MAX_RANGE_DIGITS else int(digits)


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """``(start, end_inclusive)`` of a single byte range, ``None`` for the whole file
    (no header, or one we do not handle: several ranges or a malformed one), or
    ``"unsatisfiable"``. Never raises, whatever the header."""
    if not header or len(header) > 200:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*", header, re.ASCII)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    first, last = m.group(1), m.group(2)
    if first:
        start = _position(first)
        if last and _position(last) < start:
            return None
        if start >= size:
            return "unsatisfiable"
        end = min(_position(last), size - 1) if last else size - 1
        return start, end
    suffix = _position(last)
    if suffix == 0 or size == 0:
        return "unsatisfiable"
    return max(0, size - suffix), size - 1


async def _chunks(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as fh:
        await fh.seek(start)
        remaining = length
        while remaining > 0:
            chunk = await fh.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def _denied(message: str = "Not allowed.") -> Response:
    return PlainTextResponse(message, status_code=403, headers=PRIVATE_HEADERS)


def signed_in_user(ctx: Context, cookie: str | None, user_id: int, session_id: str,
                   what: str, *, activity: bool = False) -> User:
    """The user a media or upload token was made for, if ``cookie`` (the request's
    sign-in cookie) names the same sign-in session and that session is still live.

    A link opened without that sign-in (copied to another browser, or after signing
    out) raises :class:`NotAllowedError`, audited; a switched-off account too. With
    ``activity`` the request counts as the person's activity (saving marks from the
    timeline is work done without a page rerun: it keeps the sign-in from going idle).
    """
    try:
        claim = read_session_token(ctx.settings.secret_key, cookie)
    except TokenError:
        claim = None
    same = claim is not None and claim.session_id == session_id and claim.user_id == user_id
    user, live = SESSIONS.account_if_live(ctx, session_id if same else None, user_id,
                                          ctx.settings.idle_minutes * 60, activity=activity)
    if not live or not user.active:
        why = ("switched off" if not user.active else
               "no sign-in" if claim is None else "another sign-in" if not same else "ended")
        record_outside_sign_in(ctx, user, what, why)
        if not user.active:
            raise NotAllowedError("Not allowed: this account is switched off.", audited=True)
        raise NotAllowedError("Not allowed: this link works only in the browser that is "
                              "signed in to attune, until it signs out. Open it from the app.",
                              audited=True)
    return user


def make_media_endpoint(context: ContextProvider) -> Callable[[Request], Any]:
    async def serve_media(request: Request) -> Response:
        ctx = context()
        kind = request.path_params["kind"]
        object_id = request.path_params["object_id"]
        name = request.path_params["name"]
        try:
            grant = check_media_token(ctx.settings.secret_key, request.query_params.get("t"),
                                      kind, object_id, name)
            user = await run_in_threadpool(signed_in_user, ctx,
                                           request.cookies.get(SESSION_COOKIE),
                                           grant.user_id, grant.session_id, "open media")
            path = await run_in_threadpool(media_file, ctx, user, kind, object_id, name)
            await run_in_threadpool(audit_served, ctx, user, grant)
        except (TokenError, NotAllowedError) as exc:
            return _denied(str(exc))
        except NotFoundError as exc:
            return PlainTextResponse(str(exc), status_code=404, headers=PRIVATE_HEADERS)
        size = path.stat().st_size
        headers = {**PRIVATE_HEADERS, "Accept-Ranges": "bytes"}
        media_type = ctx.media.content_type(path.name)
        wanted = parse_range(request.headers.get("range"), size)
        if wanted == "unsatisfiable":
            return Response(status_code=416, headers={**headers,
                                                      "Content-Range": f"bytes */{size}"})
        if isinstance(wanted, tuple):
            (start, end), status = wanted, 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        else:
            start, end, status = 0, size - 1, 200
        length = max(0, end - start + 1)
        headers["Content-Length"] = str(length)
        if request.method == "HEAD":
            return Response(status_code=status, headers=headers, media_type=media_type)
        return StreamingResponse(_chunks(path, start, length), status_code=status,
                                 headers=headers, media_type=media_type)

    return serve_media


# ------------------------------------------------------------------ upload
class _BodyReader:
    """A blocking ``read(n)`` over the request's async body, for a worker thread."""

    def __init__(self, stream: AsyncIterator[bytes]) -> None:
        self._stream = stream
        self._buf = bytearray()
        self._done = False

    async def _next(self) -> bytes | None:
        try:
            return await self._stream.__anext__()
        except StopAsyncIteration:
            return None

    def read(self, n: int = -1) -> bytes:
        while not self._done and (n < 0 or len(self._buf) < n):
            chunk = anyio.from_thread.run(self._next)
            if chunk is None:
                self._done = True
            else:
                self._buf += chunk
        size = len(self._buf) if n < 0 else min(n, len(self._buf))
        out = bytes(self._buf[:size])
        del self._buf[:size]
        return out


def make_upload_endpoint(context: ContextProvider) -> Callable[[Request], Any]:
    async def upload(request: Request) -> Response:
        ctx = context()
        name = (request.query_params.get("name") or "upload").strip()
        name = Path(name.replace("\\", "/")).name[:300] or "upload"
        try:
            grant = check_upload_token(ctx.settings.secret_key, request.query_params.get("t"))
            code = grant.family_code
            user = await run_in_threadpool(signed_in_user, ctx,
                                           request.cookies.get(SESSION_COOKIE),
                                           grant.user_id, grant.session_id, "upload")
            limit = ctx.settings.upload_limit_bytes
            check_declared_size(request.headers.get("content-length"), limit)
            reader = LimitedReader(_BodyReader(request.stream()), limit)  # type: ignore[arg-type]
            clip = await anyio.to_thread.run_sync(
                lambda: store_clip(ctx, user, code, reader, name))  # type: ignore[arg-type]
            job = await run_in_threadpool(queue_ingest, ctx, clip.id)
        except (TokenError, NotAllowedError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=403, headers=PRIVATE_HEADERS)
        except UploadTooLarge as exc:
            return JSONResponse({"error": str(exc)}, status_code=413, headers=PRIVATE_HEADERS)
        except AttuneError as exc:
            return JSONResponse({"error": str(exc)}, status_code=422, headers=PRIVATE_HEADERS)
        return JSONResponse({"clip_id": clip.id, "job_id": job.id, "name": name},
                            headers=PRIVATE_HEADERS)

    return upload


# ------------------------------------------------------------------ sign-in cookie
def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True
    return origin.rstrip("/") == f"{request.url.scheme}://{request.url.netloc}"


def make_session_endpoint(context: ContextProvider) -> Callable[[Request], Any]:
    async def session(request: Request) -> Response:
        ctx = context()
        if not _same_origin(request):
            return _denied()
        try:
            body = await request.json()
            token = body.get("token") if isinstance(body, dict) else None
            claim = read_session_token(ctx.settings.secret_key, token)
        except (ValueError, TokenError):
            return _denied()
        if not SESSIONS.is_live(ctx, claim.session_id, ctx.settings.idle_minutes * 60):
            return _denied()
        response = Response(status_code=204, headers=PRIVATE_HEADERS)
        response.set_cookie(SESSION_COOKIE, str(token), httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
        return response

    return session


def make_signout_endpoint(context: ContextProvider) -> Callable[[Request], Any]:
    async def signout(request: Request) -> Response:
        ctx = context()
        if not _same_origin(request):
            return _denied()
        try:
            claim = read_session_token(ctx.settings.secret_key,
                                       request.cookies.get(SESSION_COOKIE))
        except TokenError:
            pass
        else:
            SESSIONS.end(ctx, claim.session_id)
        response = Response(status_code=204, headers=PRIVATE_HEADERS)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    return signout


# ------------------------------------------------------------------ outbox
def _json_post(request: Request) -> bool:
    """A JSON POST from this origin: a page elsewhere cannot send one without the
    browser asking first (CORS preflight), which nothing here answers."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind == "application/json" and _same_origin(request)


#: The outbox's answers close their connection. Streamlit's uvicorn listens on a socket
#: it creates itself (protocol 0), so asyncio does not switch Nagle's algorithm off on
#: its connections (TCP_NODELAY): an answer's body, written just after its headers,
#: waited for the browser's delayed acknowledgement of the headers, about 40 ms of a
#: mark's time to stored (``bench/timeline.py``). Closing the connection sends the body at
#: once; the next save opens a new connection, which costs far less.
OUTBOX_HEADERS = {**PRIVATE_HEADERS, "Connection": "close"}

TOO_MANY = ("Too many unsaved changes to send at once: keep this page open and reload it "
            "when the connection is back.")


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _save_outbox(ctx: Context, cookie: str | None, token: str | None,
                 body: Any) -> dict[str, Any]:
    """One outbox exchange for the signed-in coder (runs in a worker thread)."""
    grant = check_outbox_token(ctx.settings.secret_key, token)
    user = signed_in_user(ctx, cookie, grant.user_id, grant.session_id, "save coding",
                          activity=True)
    with gate_once_per_request():  # the gate's permission serves every message
        clip = clip_to_code(ctx, user, grant.clip_id)  # the gate: refused before anything
        tab = tab_in(body)
        if tab is None:
            raise _Refused(400, "The page did not say which tab it is; reload the page.")
        ws = tab_workspace(clip.id, user.username, tab)
        return exchange(ctx, user, ws, items_of(body), have_in(body))


def make_outbox_endpoint(context: ContextProvider) -> Callable[[Request], Any]:
    async def save_outbox(request: Request) -> Response:
        ctx = context()
        if not _json_post(request):
            return JSONResponse({"error": "Not allowed."}, status_code=403,
                                headers=OUTBOX_HEADERS)
        try:
            try:
                check_declared_size(request.headers.get("content-length"), MAX_BODY_BYTES)
            except UploadTooLarge:
                raise _Refused(413, TOO_MANY) from None
            raw = bytearray()
            async for chunk in request.stream():
                raw += chunk
                if len(raw) > MAX_BODY_BYTES:
                    raise _Refused(413, TOO_MANY)
            body = json.loads(raw or b"null")
            answer = await run_in_threadpool(
                _save_outbox, ctx, request.cookies.get(SESSION_COOKIE),
                request.query_params.get("t"), body)
        except (TokenError, NotAllowedError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=403, headers=OUTBOX_HEADERS)
        except ValueError:  # not JSON (json.JSONDecodeError, UnicodeDecodeError)
            return JSONResponse({"error": "That was not a list of changes."},
                                status_code=400, headers=OUTBOX_HEADERS)
        except _Refused as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status,
                                headers=OUTBOX_HEADERS)
        except NotFoundError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404, headers=OUTBOX_HEADERS)
        return JSONResponse(answer, headers=OUTBOX_HEADERS)

    return save_outbox


def build_routes(context: ContextProvider) -> list[BaseRoute]:
    """Our routes, given how to get the services context (opened lazily, once)."""
    return [
        Route("/api/media/{kind}/{object_id:int}/{name}", make_media_endpoint(context),
              methods=["GET", "HEAD"]),
        Route("/api/upload", make_upload_endpoint(context), methods=["POST"]),
        Route(OUTBOX_PATH, make_outbox_endpoint(context), methods=["POST"]),
        Route("/api/session", make_session_endpoint(context), methods=["POST"]),
        Route("/api/signout", make_signout_endpoint(context), methods=["POST"]),
    ]
