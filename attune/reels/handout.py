"""The stills handout: a printable A4 PDF of each moment's key frame and caption.

VIG guiders give parents still frames of peak moments (e.g. mutual gaze) to keep; this is
that page, in large type, with the baby's name and the date. Text is set in DejaVu Sans
when the system has it (``fonts-dejavu-core``), which covers Latin, Greek, Cyrillic,
Arabic and Hebrew (shaped with fpdf2's text shaping when ``uharfbuzz`` is installed);
without it the PDF falls back to Helvetica and letters outside Latin-1 become "?".
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
from fpdf import FPDF

from attune.fileio import write_bytes_atomic
from attune.media.frames import cropped, picture_of
from attune.reels.plan import ClipRef, ReelPlan
from attune.reels.render import FONT_CANDIDATES

StillOf = Callable[[Path, Fraction, int], np.ndarray]
"""``still_of(proxy, fps, frame) -> BGR picture``; by default
:func:`attune.media.frames.picture_of`, the picture a paused player shows on that frame
(the reel's film-stop and the timeline show the same one)."""


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
    still_of: StillOf = picture_of,
    title: str | None = None,
) -> Path:
    """Write the handout of ``plan``'s moments to ``out_path`` (A4, atomically).

    ``per_page`` stills a page (1-3); the key frame of each moment is the plan's key frame
    (``key_ms`` snapped), fetched with ``still_of`` and shown as the moment's crop.
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
        picture = still_of(Path(sources[moment.spec.clip]), moment.fps, moment.key_frame)
        picture = cropped(picture, moment.spec.crop)  # the moment's zoom (a face, close)
        # handed to the PDF in memory: no still of the family lies about on disk
        ok, buf = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            raise RuntimeError("OpenCV could not encode a still")
        h_px, w_px = picture.shape[:2]
        caption_h = 34.0
        max_w, max_h = page_w - 2 * margin, slot_h - caption_h - 6
        scale = min(max_w / w_px, max_h / h_px)
        w_mm, h_mm = w_px * scale, h_px * scale
        pdf.image(io.BytesIO(buf.tobytes()), x=(page_w - w_mm) / 2, y=slot_y, w=w_mm, h=h_mm)
        pdf.set_font(family, size=18)
        pdf.set_xy(margin, slot_y + h_mm + 3)
        pdf.multi_cell(page_w - 2 * margin, 8.5, _safe(moment.spec.caption, family),
                       align="C")
    write_bytes_atomic(out_path, bytes(pdf.output()))
    return out_path
