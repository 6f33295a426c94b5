"""The timeline in Debian's chromium while a clip's filmstrip sharpens: a long copied clip
opens with a coarse filmstrip, and the open timeline swaps in the full one when the worker
has written it, keeping the coarse one on screen until the new picture has loaded."""

from __future__ import annotations

import json

import cv2
import pytest
from playwright.sync_api import Page

from attune.fileio import write_bytes_atomic
from attune.media import layout

from .conftest import Server, ensure_ready, sign_in, wait_for_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
CLIP = 3  # the demo's sample_c_fuss_and_soothe (25 fps, 35 s)

FILM = "() => { const t = window.__attuneTimeline; const f = t && t.__s && t.__s.film;" \
       " return f && f.idx ? {coarse: f.idx.coarse, count: f.idx.count, old: !!f.img.__old," \
       " loaded: f.img.complete && f.img.naturalWidth > 0} : null; }"


def test_an_open_timeline_swaps_in_the_full_filmstrip(page: Page, server: Server) -> None:
    ensure_ready(server, CLIP)
    folder = server.data_dir / "media" / "clips" / str(CLIP)
    index_path, sprite_path = folder / layout.FILMSTRIP_INDEX, folder / layout.FILMSTRIP
    index = json.loads(index_path.read_text())
    full = sprite_path.read_bytes()
    # As a long copied clip is left by the ingest: the same layout, fewer pictures.
    sprite = cv2.imread(str(sprite_path))
    assert sprite is not None
    w, h = index["tile_width"], index["tile_height"]
    for i in range(1, index["count"]):
        row, col = divmod(i, index["columns"])
        sprite[row * h:(row + 1) * h, col * w:(col + 1) * w] = sprite[:h, :w]
    write_bytes_atomic(sprite_path, cv2.imencode(".jpg", sprite)[1].tobytes())
    write_bytes_atomic(index_path, json.dumps({**index, "coarse": True}).encode())
    try:
        sign_in(page, "pat")
        page.goto(f"/workspace?clip={CLIP}")
        wait_for_app(page)
        page.wait_for_function(f"() => ({FILM})() && ({FILM})().coarse === true")
        page.evaluate("() => { window.__attuneTimeline.__s.film.img.__old = 1; }")
        # the worker's sharpening: the sprite first, then the index
        write_bytes_atomic(sprite_path, full)
        write_bytes_atomic(index_path, json.dumps({**index, "coarse": False}).encode())
        page.wait_for_function(f"() => ({FILM})().coarse === false", timeout=20_000)
        film = page.evaluate(FILM)
        assert film == {"coarse": False, "count": index["count"], "old": False,
                        "loaded": True}
    finally:
        write_bytes_atomic(sprite_path, full)
        write_bytes_atomic(index_path, json.dumps({**index, "coarse": False}).encode())
