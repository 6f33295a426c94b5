"""The names of the files in the media folder, and their content types (pure: no I/O).

:class:`attune.services.mediastore.MediaStore` is the one place that places these files
(which folder, which clip or reel); every other module asks it. The names themselves
live here, a level further in, because :mod:`attune.media.ingest` writes the clip files
into the folder it is given and :mod:`attune.reels.render` puts a film's captions beside
it, and neither may import services. Nothing outside this module and the media store
spells a media file's name (``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TypeVar

# ------------------------------------------------------------------ a clip's files
#: The browser proxy (H.264 + AAC MP4, see :mod:`attune.media.ingest`).
PROXY = "proxy.mp4"
#: The filmstrip sprite and its index (:mod:`attune.media.overview`).
FILMSTRIP = "filmstrip.jpg"
FILMSTRIP_INDEX = "filmstrip.json"
#: The sound's peaks (:mod:`attune.media.overview`).
ENVELOPE = "envelope.json"
#: The folder of still frames saved from a clip.
STILLS = "stills"

#: Each single-file kind of a clip and its name (``attune.services.tokens`` serves these kinds).
CLIP_FILES: dict[str, str] = {"proxy": PROXY, "filmstrip": FILMSTRIP,
                              "filmstrip_index": FILMSTRIP_INDEX, "envelope": ENVELOPE}

# ------------------------------------------------------------------ a reel's files
#: The rendered film, its WebVTT captions and its stills handout.
REEL_FILM = "reel.mp4"
REEL_CAPTIONS = "reel.vtt"
REEL_HANDOUT = "handout.pdf"

#: Each kind of a reel's files and the name of the practitioner's version of it.
REEL_FILES: dict[str, str] = {"reel": REEL_FILM, "vtt": REEL_CAPTIONS,
                              "handout": REEL_HANDOUT}

#: A shared version's files are ``shared-<tag>.mp4`` with ``.vtt`` and ``.pdf`` beside it:
#: a new name for each share, so that a parent's open page never gets another version.
#: A film shown in the app carries no captions in its picture (its WebVTT shows them);
#: the copy that leaves the building, with the captions burned in, is ``<film>-captioned.mp4``
#: beside it (``reel-captioned.mp4``, ``shared-<tag>-captioned.mp4``).
SHARED_PREFIX = "shared-"
_FILM_SUFFIX = ".mp4"
_CAPTIONS_SUFFIX = ".vtt"
_HANDOUT_SUFFIX = ".pdf"
_CAPTIONED = "-captioned"

P = TypeVar("P", bound=PurePath)


def captions_of(film: P) -> P:
    """The WebVTT captions that go beside ``film`` (``reel.mp4`` -> ``reel.vtt``)."""
    return film.with_suffix(_CAPTIONS_SUFFIX)


def handout_of(film: P) -> P:
    """The stills handout that goes beside ``film`` (``shared-ab12.mp4`` -> ``….pdf``)."""
    return film.with_suffix(_HANDOUT_SUFFIX)


def captioned_of(film: P) -> P:
    """The copy of ``film`` with its captions burned in (``reel.mp4`` ->
    ``reel-captioned.mp4``), beside it."""
    return film.with_name(f"{film.stem}{_CAPTIONED}{film.suffix}")


def shared_film(tag: str) -> str:
    """The name of a shared version's film."""
    return f"{SHARED_PREFIX}{tag}{_FILM_SUFFIX}"


# ------------------------------------------------------------------ serving them
#: What the media route answers for each suffix it serves.
CONTENT_TYPES: dict[str, str] = {
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".json": "application/json", _CAPTIONS_SUFFIX: "text/vtt; charset=utf-8",
    _HANDOUT_SUFFIX: "application/pdf",
}
