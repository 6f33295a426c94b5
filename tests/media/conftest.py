"""Session fixtures of the media tests (helpers live in synth.py)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.media.synth import REPO, Synthetic, make_clip


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip25(media_dir: Path) -> Synthetic:
    return make_clip(media_dir / "n25.mp4", fps=Fraction(25), frames=75)


@pytest.fixture(scope="session")
def clip2997(media_dir: Path) -> Synthetic:
    return make_clip(media_dir / "n2997.mp4", fps=Fraction(30000, 1001), frames=90)


@pytest.fixture(scope="session")
def samples_module() -> ModuleType:
    path = REPO / "sample_clips" / "make_samples.py"
    spec = importlib.util.spec_from_file_location("make_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module
    spec.loader.exec_module(module)
    return module


class BrowserPlayer:
    """Debian's chromium (through Playwright) playing files served with HTTP Range by a
    small Starlette server, as the app's media route serves proxies."""

    def __init__(self, folder: Path, base_url: str, page: Any) -> None:
        self.folder, self.base_url, self.page = folder, base_url, page

    def check(self, video: Path, seek_to_s: float) -> dict[str, Any]:
        """Load ``video``, play it, seek: what the browser reports."""
        import shutil
        import uuid

        name = f"{uuid.uuid4().hex}.mp4"
        shutil.copy(video, self.folder / name)
        return self.page.evaluate(  # type: ignore[no-any-return]
            """async ([url, seekTo]) => {
              const v = document.createElement('video');
              v.muted = true; v.preload = 'auto'; v.src = url;
              document.body.replaceChildren(v);
              const until = (test, ms) => new Promise((ok, fail) => {
                const t0 = performance.now();
                const poll = () => test() ? ok(true) : performance.now() - t0 > ms ?
                  fail(new Error('timeout; readyState ' + v.readyState + ', error ' +
                                 (v.error && v.error.code))) : setTimeout(poll, 20);
                poll(); });
              await until(() => v.readyState >= 4 || v.error, 20000);
              if (v.error) { return {error: v.error.code}; }
              const ready = v.readyState;
              await v.play();
              const t0 = v.currentTime;
              await until(() => v.currentTime > t0 + 0.05 || v.ended, 10000);
              const advanced = v.currentTime > t0 || v.ended;
              v.pause();
              const seeked = new Promise((ok) => v.addEventListener('seeked', ok, {once: true}));
              v.currentTime = seekTo;
              await seeked;
              return {ready, advanced, seekedTo: v.currentTime, width: v.videoWidth,
                      height: v.videoHeight, duration: v.duration};
            }""",
            [f"{self.base_url}/{name}", seek_to_s],
        )


    def numbers_at(self, video: Path, seek_to_s: list[float]) -> list[int]:
        """Seek ``video`` to each time and read the number its numbered picture shows
        (:func:`tests.media.synth.number_picture`) off a canvas, as the user sees it."""
        return self._read_at(video, seek_to_s, """
                const px = g.getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let bit = 0; bit < 16; bit++) {
                  const row = Math.floor(bit / 4), col = bit % 4;
                  const x = Math.floor((col + 0.5) * c.width / 4);
                  const y = Math.floor((row + 0.5) * c.height / 4);
                  n = n * 2 + (px[(y * c.width + x) * 4 + 1] > 127 ? 1 : 0);
                }""")

    def reel_indexes_at(self, video: Path, seek_to_s: list[float]) -> list[int | str]:
        """Seek ``video`` to each time and read the frame index a reel test source draws
        in its top rows (:func:`tests.reels.conftest.draw_index`: a white block, 16 bits,
        a black block, 16 x 24 px each) off a canvas, as the user sees it; a decode
        error is reported as its text."""
        return self._read_at(video, seek_to_s, """
                const px = g.getImageData(0, 0, c.width, 24).data;
                const level = (b) => px[(12 * c.width + b * 16 + 8) * 4 + 1];
                const mid = (level(0) + level(17)) / 2;
                let n = 0;
                for (let b = 1; b <= 16; b++) { n = n * 2 + (level(b) > mid ? 1 : 0); }""")

    def _read_at(self, video: Path, seek_to_s: list[float], read_n: str) -> list[Any]:
        """Seek ``video`` to each time, draw the picture on a canvas ``c`` (context
        ``g``) and run ``read_n``, JavaScript that sets ``n`` from it; a decode error is
        reported as its text."""
        import shutil
        import uuid

        name = f"{uuid.uuid4().hex}.mp4"
        shutil.copy(video, self.folder / name)
        return self.page.evaluate(  # type: ignore[no-any-return]
            """async ([url, times]) => {
              const v = document.createElement('video');
              v.muted = true; v.preload = 'auto'; v.src = url;
              document.body.replaceChildren(v);
              await new Promise((ok, fail) => {
                v.addEventListener('loadeddata', ok, {once: true});
                v.addEventListener('error', () => fail(new Error('error ' + v.error.code)));
              });
              const c = document.createElement('canvas');
              const g = c.getContext('2d', {willReadFrequently: true});
              const out = [];
              for (const t of times) {
                const seeked = new Promise((ok) => v.addEventListener('seeked', ok, {once: true}));
                // 'seeked' can come before the new picture is shown (a canvas then draws
                // the one before, now and then): wait for the picture too (or a moment,
                // for a seek to the picture already shown)
                const shown = new Promise((ok) => {
                  v.requestVideoFrameCallback(() => ok());
                  setTimeout(ok, 500);
                });
                v.currentTime = t;
                await seeked;
                await shown;
                if (v.error) { out.push('error ' + v.error.code); continue; }
                c.width = v.videoWidth; c.height = v.videoHeight;
                g.drawImage(v, 0, 0);""" + read_n + """
                out.push(n);
              }
              return out;
            }""",
            [f"{self.base_url}/{name}", seek_to_s],
        )

@pytest.fixture(scope="session")
def browser_player(tmp_path_factory: pytest.TempPathFactory,
                   browser: Any) -> Iterator[BrowserPlayer]:
    import socket
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.staticfiles import StaticFiles

    folder = tmp_path_factory.mktemp("served")
    app = Starlette()
    app.mount("/v", StaticFiles(directory=folder))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{port}/v/")  # same origin for the videos
    yield BrowserPlayer(folder, f"http://127.0.0.1:{port}/v", page)
    context.close()
    server.should_exit = True
    thread.join(timeout=10)
