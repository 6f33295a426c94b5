"""Media: probe recordings, make browser proxies with their overviews, read still frames.

With ``attune.reels.render`` this is the only package that imports ``av`` or ``cv2``.
"""

from __future__ import annotations

from attune.media.files import remove_work_dirs
from attune.media.frames import frame_index_at, picture_at, picture_of, write_still
from attune.media.ingest import IngestResult, ingest_media, proxy_rate, proxy_size
from attune.media.probe import MediaFacts, probe

__all__ = [
    "IngestResult",
    "MediaFacts",
    "frame_index_at",
    "ingest_media",
    "picture_at",
    "picture_of",
    "probe",
    "proxy_rate",
    "proxy_size",
    "remove_work_dirs",
    "write_still",
]
