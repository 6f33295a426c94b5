"""The stills handout: a printable A4 PDF of each moment's key frame and caption.

VIG guiders give parents still frames of peak moments (e.g. mutual gaze) to keep; this is
that page, in large type, with the baby's name and the date. Text is set in DejaVu Sans
when the system has it (``fonts-dejavu-core``), which covers Latin, Greek, Cyrillic,
Arabic and Hebrew (shaped with fpdf2's text shaping when ``uharfbuzz`` is installed);
without it the PDF falls back to Helvetica and letters outside Latin-1 become "?".
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from fpdf import FPDF

from attune.reels.plan import ClipRef, ReelPlan, frame_ms
from attune.reels.render import FONT_CANDIDATES

StillAt = Callable[[Path, int], np.ndarray]
"""``still_at(proxy, ms) -> BGR picture``, e.g. :func:`attune.media.frames.frame_at`."""


def decode_still(proxy: Path, ms: int) -> np.ndarray:
    """The picture (BGR) on screen at ``ms``: seek to the keyframe before, decode forward."""
    with av.open(str(proxy)) as container:
        vs = container.streams.video[0]
        tb = vs.time_base or Fraction(1, 90000)
        origin = Fraction(vs.start_time or 0) * tb
        target = Fraction(ms, 1000) + origin
        container.seek(max(0, math.floor(target / tb)), stream=vs, backward=True,
                       any_frame=False)
        shown = None
        for frame in container.decode(vs):
            if frame.pts is None:
                continue
            if Fraction(frame.pts) * tb > target and shown is not None:
                break
            shown = frame
        if shown is None:
            raise ValueError(f"no picture in {proxy}")
        return shown.to_ndarray(format="bgr24")  # type: ignore[no-any-return]


def _font(pdf: FPDF) -> str:
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            pdf.add_font("DejaVu", "", path)
            with contextlib.suppress(ImportError):
                import uharfbuzz  # noqa: F401  (optional: shapes Arabic, Devanagari...)

                pdf.set_text_shaping(True)
            return "DejaVu"
    return "Helvetica"


def _safe(text: str, family: str) -> str:
    if family != "Helvetica":
        return text
    return text.encode("latin-1", "replace").decode("latin-1")


def write_handout(
    plan: ReelPlan,
    sources: Mapping[ClipRef, Path],
    out_path: Path,
    *,
    per_page: int = 2,
    still_at: StillAt = decode_still,
    title: str | None = None,
) -> Path:
    """Write the handout of ``plan``'s moments to ``out_path`` (A4, atomically).

    ``per_page`` stills a page (1-3); the key frame of each moment is the plan's key frame
    (``key_ms`` snapped), fetched with ``still_at``.
    """
    if not 1 <= per_page <= 3:
        raise ValueError("per_page must be 1, 2 or 3")
    opts = plan.options
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title or opts.title)
    family = _font(pdf)
    page_w, page_h, margin = 210.0, 297.0, 15.0
    header_h = 28.0
    slot_h = (page_h - 2 * margin - header_h) / per_page
    out_path = Path(out_path)
    tmp_dir = out_path.parent
    images: list[Path] = []
    try:
        for n, moment in enumerate(plan.moments):
            if n % per_page == 0:
                pdf.add_page()
                pdf.set_font(family, size=22)
                pdf.set_xy(margin, margin)
                heading = title or opts.title
                if opts.baby_name:
                    heading = f"{heading} · {opts.baby_name}"
                pdf.multi_cell(page_w - 2 * margin, 10, _safe(heading, family), align="C")
                if opts.date:
                    pdf.set_font(family, size=14)
                    pdf.set_x(margin)
                    pdf.cell(page_w - 2 * margin, 8, _safe(opts.date, family), align="C")
            slot_y = margin + header_h + (n % per_page) * slot_h
            key_ms = frame_ms(moment.key_frame, moment.fps)
            picture = still_at(Path(sources[moment.spec.clip]), key_ms)
            img_path = tmp_dir / f".handout-{uuid.uuid4().hex[:8]}-{n}.jpg"
            ok, buf = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 90])
            if not ok:
                raise RuntimeError("OpenCV could not encode a still")
            img_path.write_bytes(buf.tobytes())
            images.append(img_path)
            h_px, w_px = picture.shape[:2]
            caption_h = 34.0
            max_w, max_h = page_w - 2 * margin, slot_h - caption_h - 6
            scale = min(max_w / w_px, max_h / h_px)
            w_mm, h_mm = w_px * scale, h_px * scale
            pdf.image(str(img_path), x=(page_w - w_mm) / 2, y=slot_y, w=w_mm, h=h_mm)
            pdf.set_font(family, size=18)
            pdf.set_xy(margin, slot_y + h_mm + 3)
            pdf.multi_cell(page_w - 2 * margin, 8.5, _safe(moment.spec.caption, family),
                           align="C")
        data = bytes(pdf.output())
        tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, out_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
    finally:
        for p in images:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    return out_path
