"""Bounded input on the real routes (Starlette's TestClient): an upload over the limit is
refused before the disk fills, and no Range header, however odd, is a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from attune.config import Settings
from attune.jobs import open_context
from attune.services import Context
from attune.services.tokens import upload_token
from attune.ui.media import media_url
from attune.ui.routes import build_routes, parse_range
from tests.factories import REAL_VIDEO, make_clip, make_family, make_user
from tests.test_tokens import signed_in


@pytest.fixture
def small_limit(tmp_path: Path, database_url: str) -> Iterator[Context]:
    settings = Settings.from_env({"ATTUNE_DATA_DIR": str(tmp_path / "data"),
                                  "ATTUNE_DATABASE_URL": database_url,
                                  "ATTUNE_UPLOAD_LIMIT_MB": "1"})
    ctx = open_context(settings)
    yield ctx
    ctx.close()


def _left_on_disk(ctx: Context) -> list[Path]:
    return [p for p in ctx.media.root.rglob("*") if p.is_file()] \
        if ctx.media.root.exists() else []


def test_default_upload_limit_fits_a_long_phone_recording(settings: Settings) -> None:
    assert settings.upload_limit_bytes == 8 << 30


def test_upload_over_the_limit_is_refused_and_leaves_nothing(
        small_limit: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = small_limit
    monkeypatch.setattr("attune.jobs.enqueue_ingest", lambda *a: None)
    pat = make_user(ctx, "pat")
    make_family(ctx, pat, "FAM-A")
    body = b"\0" * ((1 << 20) + 1)
    with TestClient(Starlette(routes=build_routes(lambda: ctx))) as client:
        sid = signed_in(ctx, client, pat)  # upload links work only in their sign-in
        token = upload_token(ctx.settings.secret_key, pat.id, sid, "FAM-A")
        url = f"/api/upload?t={token}&name=visit.mp4"
        declared = client.post(url, content=body)  # Content-Length says too much
        assert declared.status_code == 413
        assert "larger than" in declared.json()["error"]
        assert "ATTUNE_UPLOAD_LIMIT_MB" in declared.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            for _ in range(4):
                yield b"\0" * (512 * 1024)

        streamed = client.post(url, content=chunks())
        assert streamed.status_code == 413, streamed.text
        assert _left_on_disk(ctx) == []  # the partial file was removed
        assert REAL_VIDEO.stat().st_size < 1 << 20
        under = client.post(url, content=REAL_VIDEO.read_bytes())
        assert under.status_code == 200, under.text  # within the limit: stored as before


@pytest.mark.parametrize(("header", "size", "expected"), [
    ("bytes=0-" + "9" * 5000, 10, None),  # absurdly long: the whole file
    ("bytes=0-" + "9" * 30, 10, (0, 9)),
    ("bytes=" + "9" * 30 + "-", 10, "unsatisfiable"),
    ("bytes=-" + "9" * 30, 10, (0, 9)),
    ("bytes=00000000000000000000000000003-4", 10, (3, 4)),
    ("bytes=5-" + "1" * 25, 10, (5, 9)),
    ("bytes=\u0663-4", 10, None),  # not ASCII digits
])
def test_parse_range_never_raises(header: str, size: int, expected: object) -> None:
    assert parse_range(header, size) == expected


def test_media_route_answers_odd_ranges_without_a_server_error(ctx: Context) -> None:
    pat = make_user(ctx, "pat")
    family = make_family(ctx, pat, "FAM-A")
    clip = make_clip(ctx, pat, family, REAL_VIDEO)
    proxy = ctx.media.clip_dir(clip.id) / "proxy.mp4"
    proxy.parent.mkdir(parents=True, exist_ok=True)
    proxy.write_bytes(b"x" * 1000)
    with TestClient(Starlette(routes=build_routes(lambda: ctx)),
                    raise_server_exceptions=False) as client:
        url = media_url(ctx, pat, "proxy", clip.id, session_id=signed_in(ctx, client, pat))
        for header, status in [("bytes=0-" + "9" * 5000, 200), ("bytes=0-" + "9" * 40, 206),
                               ("bytes=" + "9" * 40 + "-", 416), ("bytes=-" + "9" * 40, 206),
                               ("bytes=5-2", 200), ("bytes=x-4", 200),
                               ("bytes=0-1,3-4", 200), ("bytes=1000-", 416)]:
            answer = client.get(url, headers={"Range": header})
            assert answer.status_code == status, (header[:20], answer.status_code)
