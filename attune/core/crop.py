"""A moment's crop: the part of the picture it shows (zoom and pan on the baby's face).

A crop is kept as fractions of the picture's width and height, so one crop fits the
proxy the workspace plays, the stills of the handout and the reel's film-stop whatever
their size. :meth:`Crop.pixels` turns it into a rectangle of whole, even pixels (the
reel's pictures are 4:2:0, two pixels a chroma sample) that keeps the crop's centre.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from attune.errors import InputError

#: The most a crop zooms in (a tenth of the picture's width is already a face's detail).
MAX_ZOOM = 8.0


@dataclass(frozen=True)
class Crop:
    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        for name in ("x", "y", "w", "h"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or value != value:
                raise InputError("A crop is four numbers between 0 and 1; choose the part "
                                 "of the picture again.")
        if not (0 <= self.x < 1 and 0 <= self.y < 1 and 0 < self.w <= 1 and 0 < self.h <= 1):
            raise InputError("The crop must lie on the picture; choose the part of the "
                             "picture again.")
        if self.x + self.w > 1 + 1e-9 or self.y + self.h > 1 + 1e-9:
            raise InputError("The crop runs off the picture; move it back onto the picture.")
        if abs(self.w - self.h) > 1e-6:
            raise InputError("A crop keeps the picture's shape (the same share of its width "
                             "and height); choose the part of the picture again.")
        if min(self.w, self.h) < 1 / MAX_ZOOM - 1e-9:
            raise InputError(f"That is closer than attune zooms (at most {MAX_ZOOM:g} times); "
                             "choose a larger part of the picture.")

    @classmethod
    def centred(cls, zoom: float, cx: float, cy: float) -> Crop:
        """The crop ``zoom`` times closer centred on ``(cx, cy)`` (fractions), moved back
        onto the picture where it would run off it.

        >>> Crop.centred(2, 0.5, 0.5)
        Crop(x=0.25, y=0.25, w=0.5, h=0.5)
        >>> Crop.centred(2, 0.95, 0.1)  # a face in the top right corner
        Crop(x=0.5, y=0.0, w=0.5, h=0.5)
        """
        if isinstance(zoom, bool) or not isinstance(zoom, int | float) \
                or not 1 <= zoom <= MAX_ZOOM:
            raise InputError(f"Zoom between 1 and {MAX_ZOOM:g} times.")
        size = 1 / zoom
        x = min(max(cx - size / 2, 0.0), 1 - size)
        y = min(max(cy - size / 2, 0.0), 1 - size)
        return cls(round(x, 6), round(y, 6), round(size, 6), round(size, 6))

    @property
    def whole(self) -> bool:
        return self.w >= 1 and self.h >= 1

    @property
    def zoom(self) -> float:
        return 1 / max(self.w, self.h)

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """``(x, y, w, h)`` in whole pixels of a ``width`` x ``height`` picture: even
        sizes and offsets, at least 2 x 2, inside the picture.

        >>> Crop(0.25, 0.25, 0.5, 0.5).pixels(640, 360)
        (160, 90, 320, 180)
        >>> Crop(0.333, 0.1, 0.3, 0.3).pixels(641, 361)
        (214, 36, 192, 108)

        The shares are the same on both sides, so the crop keeps the picture's shape and
        fills it again without stretching a face.
        """
        def even(v: float) -> int:
            return round(v / 2) * 2

        w = max(2, min(even(self.w * width), width - width % 2))
        h = max(2, min(even(self.h * height), height - height % 2))
        x = min(max(0, even(self.x * width)), width - w)
        y = min(max(0, even(self.y * height)), height - h)
        x -= x % 2
        y -= y % 2
        return x, y, w, h

    def to_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}

    @classmethod
    def from_dict(cls, value: Mapping[str, Any] | None) -> Crop | None:
        """The crop stored as ``{"x", "y", "w", "h"}``; None (or the whole picture) for
        none."""
        if not value:
            return None
        try:
            crop = cls(value["x"], value["y"], value["w"], value["h"])
        except (KeyError, TypeError):
            raise InputError("A crop needs x, y, w and h; choose the part of the picture "
                             "again.") from None
        return None if crop.whole else crop
