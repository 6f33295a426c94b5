"""The timeline's overviews of a clip: a filmstrip sprite and an audio peak envelope.

Both are built incrementally while the proxy is encoded (one decoding pass), from the
proxy's own pictures and sound, so they line up with what the browser plays.

A copied proxy (:mod:`attune.media.remux`) first gets a *coarse* filmstrip: the same
layout and index as the full one (a tile per interval), but its tiles show only
:func:`coarse_pictures` keyframes spread over the clip, as many as the timeline's
whole-clip view on a wide screen draws; the full strip replaces it later
(:func:`attune.media.ingest.sharpen_filmstrip`). Since the layout is the same, the
timeline reads either index with either sprite and shows the right part of the clip.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from attune.media import layout

#: Height of one filmstrip tile in pixels; its width follows the picture's shape.
TILE_HEIGHT_PX = 90
#: Tiles per sprite row.
SPRITE_COLUMNS = 10
#: Most tiles in one sprite: a longer clip gets a longer interval (a multiple of the asked
#: one) so that the sprite stays small in memory and in the browser.
MAX_TILES = 3600
#: Height in CSS pixels of a tile drawn in the timeline (``FILM_H`` in timeline.js).
TIMELINE_TILE_HEIGHT_PX = 44
#: Width of the timeline's filmstrip on a wide screen (a 2560-pixel one less the labels):
#: the whole-clip view draws at most this divided by a drawn tile's width.
WIDE_TIMELINE_PX = 2400
#: Width of one envelope bin.
ENVELOPE_BIN_MS = 50
JPEG_QUALITY = 80


@dataclass(frozen=True)
class FilmstripIndex:
    """Where each tile of ``filmstrip.jpg`` is and which moment it shows."""

    tile_width: int
    tile_height: int
    columns: int
    interval_ms: int
    count: int
    #: True while the tiles show only a few keyframes (:func:`coarse_pictures`).
    coarse: bool = False

    def tile_ms(self, index: int) -> int:
        return index * self.interval_ms

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "image": layout.FILMSTRIP,
            "tile_width": self.tile_width,
            "tile_height": self.tile_height,
            "columns": self.columns,
            "rows": math.ceil(self.count / self.columns) if self.count else 0,
            "interval_ms": self.interval_ms,
            "count": self.count,
            "tiles_ms": [self.tile_ms(i) for i in range(self.count)],
            "coarse": self.coarse,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FilmstripIndex:
        return cls(int(data["tile_width"]), int(data["tile_height"]), int(data["columns"]),
                   int(data["interval_ms"]), int(data["count"]), bool(data.get("coarse")))


def coarse_pictures(tile_width: int, tile_height: int) -> int:
    """Pictures a coarse filmstrip shows: the tiles of the timeline's whole-clip view on a
    wide screen (31 of a landscape 16:9 picture, 99 of a portrait one)."""
    drawn_width = tile_width * TIMELINE_TILE_HEIGHT_PX / tile_height
    return max(1, math.ceil(WIDE_TIMELINE_PX / drawn_width))


class FilmstripBuilder:
    """Collects one tile per interval into a sprite (row-major, ``SPRITE_COLUMNS`` wide)."""

    def __init__(self, picture_width: int, picture_height: int, interval_ms: int,
                 expected_duration_ms: int) -> None:
        if interval_ms <= 0:
            raise ValueError("filmstrip interval_ms must be > 0")
        expected = max(1, math.ceil(expected_duration_ms / interval_ms))
        self.interval_ms = interval_ms * max(1, math.ceil(expected / MAX_TILES))
        self.tile_height = min(TILE_HEIGHT_PX, picture_height)
        width = round(self.tile_height * picture_width / picture_height / 2) * 2
        self.tile_width = max(2, width)
        self.count = 0
        rows = math.ceil(min(expected + SPRITE_COLUMNS, MAX_TILES + SPRITE_COLUMNS)
                         / SPRITE_COLUMNS)
        # np.zeros pages are only made resident when written, so a generous guess is free.
        self._sprite = np.zeros(
            (rows * self.tile_height, SPRITE_COLUMNS * self.tile_width, 3), np.uint8
        )

    def next_tile_ms(self) -> int:
        return self.count * self.interval_ms

    def add(self, tile_bgr: np.ndarray) -> None:
        row, col = divmod(self.count, SPRITE_COLUMNS)
        top = row * self.tile_height
        if top + self.tile_height > self._sprite.shape[0]:
            more = np.zeros((SPRITE_COLUMNS * self.tile_height, *self._sprite.shape[1:]),
                            np.uint8)
            self._sprite = np.concatenate([self._sprite, more])
        left = col * self.tile_width
        self._sprite[top:top + self.tile_height, left:left + self.tile_width] = tile_bgr
        self.count += 1

    def index(self, *, coarse: bool = False) -> FilmstripIndex:
        return FilmstripIndex(self.tile_width, self.tile_height, SPRITE_COLUMNS,
                              self.interval_ms, self.count, coarse)

    def encode_jpeg(self) -> bytes:
        rows = max(1, math.ceil(self.count / SPRITE_COLUMNS))
        sprite = self._sprite[: rows * self.tile_height]
        if self.count < SPRITE_COLUMNS:
            sprite = sprite[:, : max(1, self.count) * self.tile_width]
        ok, buf = cv2.imencode(".jpg", sprite, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise RuntimeError("OpenCV could not encode the filmstrip as JPEG")
        return bytes(buf.tobytes())


class EnvelopeBuilder:
    """Peak absolute sample value (0..1) of every ``ENVELOPE_BIN_MS`` of sound."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.bin_samples = sample_rate * ENVELOPE_BIN_MS // 1000
        self._peaks: list[float] = []
        self._partial_peak = 0.0
        self._partial_n = 0
        self.samples = 0  # added so far

    def add(self, samples: np.ndarray) -> None:
        """``samples``: float array (channels, n) in -1..1, in time order."""
        if samples.shape[1] == 0:
            return
        self.samples += samples.shape[1]
        mono = np.abs(samples).max(axis=0)
        pos = 0
        if self._partial_n:
            take = min(self.bin_samples - self._partial_n, mono.size)
            self._partial_peak = max(self._partial_peak, float(mono[:take].max()))
            self._partial_n += take
            pos = take
            if self._partial_n == self.bin_samples:
                self._close_partial()
        whole = (mono.size - pos) // self.bin_samples
        if whole:
            block = mono[pos:pos + whole * self.bin_samples].reshape(whole, self.bin_samples)
            self._peaks.extend(block.max(axis=1).tolist())
            pos += whole * self.bin_samples
        if pos < mono.size:
            self._partial_peak = float(mono[pos:].max())
            self._partial_n = mono.size - pos

    def fit(self, total: int) -> None:
        """Make the sound ``total`` samples long: silence added, or the end cut."""
        second = self.sample_rate
        while self.samples < total:
            self.add(np.zeros((1, min(second, total - self.samples)), np.float32))
        if self.samples > total:
            bins = math.ceil(total / self.bin_samples)
            if self._partial_n:
                self._close_partial()
            del self._peaks[bins:]
            self.samples = total

    def _close_partial(self) -> None:
        self._peaks.append(self._partial_peak)
        self._partial_peak = 0.0
        self._partial_n = 0

    def to_dict(self) -> dict[str, Any]:
        peaks = list(self._peaks)
        if self._partial_n:
            peaks.append(self._partial_peak)
        return {
            "version": 1,
            "bin_ms": ENVELOPE_BIN_MS,
            "count": len(peaks),
            "peaks": [round(min(1.0, max(0.0, p)), 3) for p in peaks],
        }


def dumps_compact(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
