"""Signed tokens (media, upload, session) and the routes that check them: the media
route's HTTP Range answers, its refusals and its audit, the streaming upload, and the
sign-in cookie. The routes run for real in Starlette's test client."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from attune.core.accounts import Role, User
from attune.core.consent import ConsentScope
from attune.services import Context
from attune.services.accounts import set_password
from attune.services.admin import reset_password, set_active
from attune.services.consent import withdraw_consent
from attune.services.tokens import (
    MEDIA_BUCKET_S,
    MEDIA_TTL_S,
    SESSIONS,
    SessionRegistry,
    TokenError,
    check_media_token,
    check_upload_token,
    media_token,
    read_session_token,
    session_token,
    sign,
    upload_token,
    verify,
)
from attune.ui.media import media_url
from attune.ui.routes import SESSION_COOKIE, build_routes, parse_range
from tests.factories import age_session, make_clip, make_family, make_user
from tests.paths import SAMPLE_VIDEO

KEY = "k" * 40
REAL_VIDEO = SAMPLE_VIDEO


# ------------------------------------------------------------------ tokens
def test_media_token_opens_exactly_its_file() -> None:
    token = media_token(KEY, 7, "sid7", "proxy", 3, "proxy.mp4")
    grant = check_media_token(KEY, token, "proxy", 3, "proxy.mp4")
    assert (grant.user_id, grant.kind, grant.object_id, grant.name, grant.session_id) == (
        7, "proxy", 3, "proxy.mp4", "sid7")
    for other in (("proxy", 4, "proxy.mp4"), ("filmstrip", 3, "proxy.mp4"),
                  ("proxy", 3, "other.mp4")):
        with pytest.raises(TokenError, match="another file"):
            check_media_token(KEY, token, *other)


def test_forged_tampered_and_missing_tokens_are_refused() -> None:
    token = media_token(KEY, 7, "sid7", "proxy", 3, "proxy.mp4")
    with pytest.raises(TokenError, match="not genuine"):
        check_media_token("another key" * 4, token, "proxy", 3, "proxy.mp4")
    # swap in another user's payload, keeping the signature
    other_payload = media_token(KEY, 8, "sid8", "proxy", 3, "proxy.mp4").split(".")[0]
    with pytest.raises(TokenError, match="not genuine"):
        check_media_token(KEY, f"{other_payload}.{token.split('.')[1]}", "proxy", 3,
                          "proxy.mp4")
    for bad in (None, "", "abc", "a.b.c", token + "x"):
        with pytest.raises(TokenError):
            check_media_token(KEY, bad, "proxy", 3, "proxy.mp4")


def test_a_token_for_one_purpose_never_passes_for_another() -> None:
    claims = {"u": 7, "s": "sid7", "k": "proxy", "o": 3, "n": "proxy.mp4",
              "exp": time.time() + 60}
    with pytest.raises(TokenError, match="not genuine"):
        check_media_token(KEY, sign(KEY, "session", claims), "proxy", 3, "proxy.mp4")
    with pytest.raises(TokenError):
        read_session_token(KEY, media_token(KEY, 7, "sid7", "proxy", 3, "proxy.mp4"))
    # a token without a sign-in session opens nothing (the old bearer tokens)
    bearer = sign(KEY, "media", {k: v for k, v in claims.items() if k != "s"})
    with pytest.raises(TokenError, match="not tied to a sign-in"):
        check_media_token(KEY, bearer, "proxy", 3, "proxy.mp4")


def test_media_tokens_expire_and_are_stable_within_a_bucket() -> None:
    t0 = 1_800_000_000.0 - 1_800_000_000.0 % MEDIA_BUCKET_S
    token = media_token(KEY, 7, "s", "proxy", 3, "proxy.mp4", now=t0 + 5)
    assert media_token(KEY, 7, "s", "proxy", 3, "proxy.mp4",
                       now=t0 + MEDIA_BUCKET_S - 1) == token
    assert media_token(KEY, 7, "s", "proxy", 3, "proxy.mp4", now=t0 + MEDIA_BUCKET_S) != token
    check_media_token(KEY, token, "proxy", 3, "proxy.mp4", now=t0 + MEDIA_TTL_S)
    with pytest.raises(TokenError, match="expired"):
        check_media_token(KEY, token, "proxy", 3, "proxy.mp4",
                          now=t0 + MEDIA_TTL_S + MEDIA_BUCKET_S)


def test_upload_and_session_tokens() -> None:
    token = upload_token(KEY, 7, "sid7", "FAM-1", now=1000.0)
    grant = check_upload_token(KEY, token, now=1500.0)
    assert (grant.user_id, grant.family_code, grant.session_id) == (7, "FAM-1", "sid7")
    with pytest.raises(TokenError, match="expired"):
        check_upload_token(KEY, token, now=1000.0 + 3601)
    claim = read_session_token(KEY, session_token(KEY, 7, "sid", now=1000.0))
    assert (claim.user_id, claim.session_id, claim.issued_at) == (7, "sid", 1000.0)
    with pytest.raises(ValueError):
        sign("", "media", {})
    assert verify(KEY, "x", sign(KEY, "x", {"a": 1})) == {"a": 1}


def idle_for(ctx: Context, session_id: str, seconds: float) -> None:
    """Make a sign-in session look idle for ``seconds``."""
    age_session(ctx, session_id, seconds)


def test_sessions_end_when_idle_signed_out_or_for_another_user(ctx: Context) -> None:
    pat, sam = make_user(ctx, "pat"), make_user(ctx, "sam")
    reg = SessionRegistry()
    sid = reg.start(ctx, pat.id)
    idle_for(ctx, sid, 59)
    assert reg.touch(ctx, sid, pat.id, idle_s=60)
    assert not reg.touch(ctx, sid, sam.id, idle_s=60)  # not their session
    idle_for(ctx, sid, 61)
    assert not reg.touch(ctx, sid, pat.id, idle_s=60)  # idle: over, for good
    idle_for(ctx, sid, 0)
    assert not reg.touch(ctx, sid, pat.id, idle_s=60)
    sid2 = reg.start(ctx, pat.id)
    assert reg.is_live(ctx, sid2, 60)
    reg.end(ctx, sid2)
    assert not reg.is_live(ctx, sid2, 60)
    sid3 = reg.start(ctx, sam.id)
    reg.end_user(ctx, sam.id)
    assert not reg.touch(ctx, sid3, sam.id, idle_s=60)
    # a server restart is a new registry over the same database: still signed in
    sid4 = reg.start(ctx, pat.id)
    assert SessionRegistry().touch(ctx, sid4, pat.id, idle_s=60)


@pytest.mark.parametrize(("header", "size", "expected"), [
    (None, 10, None), ("bytes=0-3", 10, (0, 3)), ("bytes=4-", 10, (4, 9)),
    ("bytes=-3", 10, (7, 9)), ("bytes=8-100", 10, (8, 9)), ("bytes=10-", 10, "unsatisfiable"),
    ("bytes=-0", 10, "unsatisfiable"), ("bytes=5-2", 10, None), ("bytes=0-1,4-5", 10, None),
    ("items=0-3", 10, None), ("bytes=-20", 10, (0, 9)),
])
def test_parse_range(header: str | None, size: int, expected: object) -> None:
    assert parse_range(header, size) == expected


# ------------------------------------------------------------------ routes
@pytest.fixture
def world(ctx: Context) -> dict[str, object]:
    pat = make_user(ctx, "pat")
    sam = make_user(ctx, "sam")
    parent = make_user(ctx, "mum", Role.PARENT)
    family = make_family(ctx, pat, "FAM-A")
    make_family(ctx, sam, "FAM-B")
    clip = make_clip(ctx, pat, family, REAL_VIDEO)
    clip2 = make_clip(ctx, pat, family, REAL_VIDEO)
    proxy = ctx.media.clip_dir(clip.id) / "proxy.mp4"
    proxy.parent.mkdir(parents=True, exist_ok=True)
    proxy.write_bytes(bytes(range(256)) * 4000)  # 1,024,000 bytes
    (ctx.media.clip_dir(clip.id) / "filmstrip.json").write_text('{"tiles": []}')
    with ctx.db.transaction("system") as tx:
        tx.link_parent("FAM-A", "mum")
    return {"pat": pat, "sam": sam, "parent": parent, "clip": clip.id, "clip2": clip2.id,
            "size": proxy.stat().st_size}


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=build_routes(lambda: ctx))) as c:
        yield c


def _served(ctx: Context, clip_id: int) -> int:
    with ctx.db.transaction("system") as tx:
        return sum(1 for e in tx.audit_entries(object_type="clip", object_id=clip_id)
                   if e.action == "serve-media")


def _refusals(ctx: Context) -> int:
    with ctx.db.transaction("system") as tx:
        return sum(1 for e in tx.audit_entries(object_type="access")
                   if e.action == "not-allowed")


def signed_in(ctx: Context, client: TestClient, user: User) -> str:
    """Sign ``user`` in on ``client`` (its sign-in cookie); the sign-in session id."""
    sid = SESSIONS.start(ctx, user.id)
    client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, user.id, sid))
    return sid


def test_media_route_serves_ranges(ctx: Context, client: TestClient,
                                   world: dict[str, object]) -> None:
    pat, clip, size = world["pat"], world["clip"], world["size"]
    assert isinstance(pat, User) and isinstance(clip, int) and isinstance(size, int)
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    assert url.startswith(f"/api/media/proxy/{clip}/proxy.mp4?t=")
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    assert int(whole.headers["content-length"]) == size == len(whole.content)
    assert "no-store" in whole.headers["cache-control"]

    part = client.get(url, headers={"Range": "bytes=256-511"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 256-511/{size}"
    assert part.headers["content-length"] == "256"
    assert part.content == bytes(range(256))

    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == bytes(range(246, 256))
    assert tail.headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"

    beyond = client.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"

    head = client.head(url, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206 and head.headers["content-length"] == "10"

    index = client.get(media_url(ctx, pat, "filmstrip_index", clip, session_id=sid))
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("application/json")
    # one audit entry per file per token, however many Range requests
    assert _served(ctx, clip) == 2


def test_media_route_refuses(ctx: Context, client: TestClient,
                             world: dict[str, object]) -> None:
    pat, sam, parent = world["pat"], world["sam"], world["parent"]
    clip, clip2 = world["clip"], world["clip2"]
    assert isinstance(pat, User) and isinstance(sam, User) and isinstance(parent, User)
    assert isinstance(clip, int) and isinstance(clip2, int)
    sid = signed_in(ctx, client, pat)
    path = f"/api/media/proxy/{clip}/proxy.mp4"
    assert client.get(path).status_code == 403  # no token
    forged = media_token("not the key" * 4, pat.id, sid, "proxy", clip, "proxy.mp4")
    assert client.get(f"{path}?t={forged}").status_code == 403
    expired = media_token(ctx.settings.secret_key, pat.id, sid, "proxy", clip, "proxy.mp4",
                          now=time.time() - MEDIA_TTL_S - 2 * MEDIA_BUCKET_S)
    assert client.get(f"{path}?t={expired}").status_code == 403
    # a token for clip A never opens clip B
    token_a = media_url(ctx, pat, "proxy", clip, session_id=sid).split("?t=")[1]
    assert client.get(f"/api/media/proxy/{clip2}/proxy.mp4?t={token_a}").status_code == 403
    assert client.get(f"/api/media/filmstrip/{clip}/proxy.mp4?t={token_a}").status_code == 403

    before = _refusals(ctx)
    # a practitioner of another family, and a parent (parents see reels, not clips)
    for other in (sam, parent):
        other_sid = signed_in(ctx, client, other)
        assert client.get(media_url(ctx, other, "proxy", clip, session_id=other_sid)
                          ).status_code == 403
    assert _refusals(ctx) == before + 2  # refusals are audited

    # a file name outside the clip's folder is not served
    signed_in(ctx, client, pat)
    sneaky = media_url(ctx, pat, "still", clip, "..%2F..%2Fsecret_key", session_id=sid)
    assert client.get(sneaky).status_code in (403, 404)

    # consent withdrawn: the clip is deleted, and the old URL opens nothing
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    assert client.get(url).status_code == 200
    withdraw_consent(ctx, pat, "FAM-A", ConsentScope.SHARED_REVIEW)
    assert client.get(url).status_code == 403
    assert _served(ctx, clip) == 1


def test_a_media_link_works_only_with_its_own_live_sign_in(
        ctx: Context, client: TestClient, world: dict[str, object]) -> None:
    pat, sam, clip = world["pat"], world["sam"], world["clip"]
    admin = make_user(ctx, "admin", Role.ADMIN)
    assert isinstance(pat, User) and isinstance(sam, User) and isinstance(clip, int)
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    assert client.get(url).status_code == 200
    before = _refusals(ctx)
    # copied to a browser with no cookie, with another sign-in of pat's, or with sam's
    with TestClient(Starlette(routes=build_routes(lambda: ctx))) as elsewhere:
        answer = elsewhere.get(url)
        assert answer.status_code == 403 and "signed in" in answer.text
        signed_in(ctx, elsewhere, pat)
        assert elsewhere.get(url).status_code == 403
        signed_in(ctx, elsewhere, sam)
        assert elsewhere.get(url).status_code == 403
    assert _refusals(ctx) == before + 3  # audited
    # idle too long
    age_session(ctx, sid, ctx.settings.idle_minutes * 60 + 5)
    assert client.get(url).status_code == 403
    # signed out
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    assert client.get(url).status_code == 200
    assert client.post("/api/signout").status_code == 204
    client.cookies.set(SESSION_COOKIE, session_token(ctx.settings.secret_key, pat.id, sid))
    assert client.get(url).status_code == 403  # even with the old cookie kept
    # a new password (reset by an administrator, or set with the CLI)
    for change in (lambda: reset_password(ctx, admin, "pat", "a new password"),
                   lambda: set_password(ctx, "pat", "pat", "another new password")):
        sid = signed_in(ctx, client, pat)
        url = media_url(ctx, pat, "proxy", clip, session_id=sid)
        assert client.get(url).status_code == 200
        change()
        assert client.get(url).status_code == 403
    # switched off
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    assert client.get(url).status_code == 200
    set_active(ctx, admin, "pat", False)
    assert client.get(url).status_code == 403


def test_switched_off_account_gets_403(ctx: Context, client: TestClient,
                                      world: dict[str, object]) -> None:
    pat, clip = world["pat"], world["clip"]
    assert isinstance(pat, User) and isinstance(clip, int)
    sid = signed_in(ctx, client, pat)
    url = media_url(ctx, pat, "proxy", clip, session_id=sid)
    with ctx.db.transaction("admin") as tx:
        tx.set_user_active("pat", False)
    assert client.get(url).status_code == 403


def test_upload_route_streams_checks_and_queues(ctx: Context, client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    queued: list[int] = []
    monkeypatch.setattr("attune.jobs.enqueue_ingest",
                        lambda settings, clip_id, job_id: queued.append(clip_id))
    pat = make_user(ctx, "pat")
    make_family(ctx, pat, "FAM-A")
    make_family(ctx, pat, "FAM-NOCONSENT", scopes=())
    secret = ctx.settings.secret_key

    def send(code: str, body: bytes, name: str = "visit.mp4", user: User = pat,
             sid: str | None = None):
        if sid is None:
            sid = signed_in(ctx, client, user)
        else:  # that sign-in's own cookie
            client.cookies.set(SESSION_COOKIE, session_token(secret, user.id, sid))
        token = upload_token(secret, user.id, sid, code)
        return client.post(f"/api/upload?t={token}&name={name}", content=body,
                           headers={"Content-Type": "application/octet-stream"})

    ok = send("FAM-A", REAL_VIDEO.read_bytes())
    assert ok.status_code == 200, ok.text
    clip_id = ok.json()["clip_id"]
    assert queued == [clip_id]
    with ctx.db.transaction("system") as tx:
        clip = tx.get_clip(clip_id)
    assert clip.original_name == "visit.mp4"
    assert ctx.media.original_path(clip.sha256).read_bytes() == REAL_VIDEO.read_bytes()

    not_video = send("FAM-A", b"hello, not a video" * 1000, "notes.mp4")
    assert not_video.status_code == 422
    assert "notes.mp4" in not_video.json()["error"]
    no_consent = send("FAM-NOCONSENT", REAL_VIDEO.read_bytes())
    # A missing consent is a refusal (403, audited) that says which consent to record.
    assert no_consent.status_code == 403 and "consent" in no_consent.json()["error"]
    other = make_user(ctx, "sam")
    assert send("FAM-A", REAL_VIDEO.read_bytes(), user=other).status_code == 403
    assert client.post("/api/upload?t=forged.token", content=b"x").status_code == 403
    # an upload link of a sign-in that has ended (or of another browser's) is refused
    ended = SESSIONS.start(ctx, pat.id)
    SESSIONS.end(ctx, ended)
    assert send("FAM-A", REAL_VIDEO.read_bytes(), sid=ended).status_code == 403
    assert queued == [clip_id]


def test_session_cookie_route(ctx: Context, client: TestClient) -> None:
    pat = make_user(ctx, "pat")
    sid = SESSIONS.start(ctx, pat.id)
    token = session_token(ctx.settings.secret_key, pat.id, sid)
    answer = client.post("/api/session", json={"token": token})
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}={token}" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert client.post("/api/session", json={"token": token + "x"}).status_code == 403
    assert client.post("/api/session", json={"token": token},
                       headers={"Origin": "https://evil.example"}).status_code == 403
    out = client.post("/api/signout")
    assert out.status_code == 204
    assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert not SESSIONS.is_live(ctx, sid, 60)
    # a signed-out session's token cannot set the cookie again
    assert client.post("/api/session", json={"token": token}).status_code == 403


@pytest.mark.parametrize("forged", ["é.x", "a.b.c", ".", "ab", "eyJ4Ijox.ÿÿ"])
def test_odd_tokens_are_refused_not_crashed(forged: str) -> None:
    with pytest.raises(TokenError):
        verify(KEY, "media", forged)


def test_a_media_url_without_a_name_names_the_file_the_store_makes(
        ctx: Context, world: dict[str, object]) -> None:
    """The captions' default name was once ``captions.vtt`` while the file is ``reel.vtt``."""
    pat = world["pat"]
    assert isinstance(pat, User)
    for kind, path in (("vtt", ctx.media.reel_captions(3)), ("reel", ctx.media.reel_film(3)),
                       ("handout", ctx.media.reel_handout(3))):
        url = media_url(ctx, pat, kind, 3, session_id="sid")
        assert url.startswith(f"/api/media/{kind}/3/{path.name}?t="), url
