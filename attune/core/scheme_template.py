"""Coding scheme templates: a scheme version as a file to share between services.

A template carries the whole scheme document (every field, including any added to the
scheme format later) with its name, version and a SHA-256 checksum over a canonical form
of the document (keys sorted, no spaces, UTF-8): two services hold "the same scheme
version" exactly when the checksums agree, whatever the file's layout. A file changed
after export, or whose name and version disagree with the document inside, is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from attune.errors import InputError

FORMAT = "attune coding scheme template"
FORMAT_VERSION = 1

_NOT_A_TEMPLATE = ("This file is not a coding scheme exported by attune; export the scheme "
                   "again (Coding scheme page, or `attune scheme export`) and import that "
                   "file.")


def canonical(document: Mapping[str, Any]) -> bytes:
    """The document as canonical JSON bytes: keys sorted, no spaces, UTF-8.

    >>> canonical({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def checksum(document: Mapping[str, Any]) -> str:
    """``sha256:`` and the hex digest of :func:`canonical`."""
    return "sha256:" + hashlib.sha256(canonical(document)).hexdigest()


def to_template(document: Mapping[str, Any]) -> dict[str, Any]:
    """The template of a stored scheme ``document`` (a dict ready to write as JSON)."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "name": document["name"], "version": int(document["version"]),
            "checksum": checksum(document), "scheme": dict(document)}


def template_bytes(document: Mapping[str, Any]) -> bytes:
    """The template as the file's bytes (indented for people who read it)."""
    return (json.dumps(to_template(document), indent=2, ensure_ascii=False,
                       sort_keys=False) + "\n").encode("utf-8")


def from_template(data: bytes) -> dict[str, Any]:
    """The scheme document of a template file's bytes, checked: readable, this format,
    name and version as inside, checksum right. Raises :class:`InputError` saying what
    to do. (The document's codes are checked by ``attune.schemes.parse_scheme``.)"""
    try:
        template = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(_NOT_A_TEMPLATE) from None
    if not isinstance(template, dict) or template.get("format") != FORMAT:
        raise InputError(_NOT_A_TEMPLATE)
    if template.get("format_version") != FORMAT_VERSION:
        raise InputError("This scheme file was made by a newer attune; update attune "
                         "here, then import it again.")
    document = template.get("scheme")
    if not isinstance(document, dict):
        raise InputError(_NOT_A_TEMPLATE)
    if (document.get("name"), document.get("version")) != \
            (template.get("name"), template.get("version")):
        raise InputError("This scheme file was changed after it was exported (the name or "
                         "version on it is not the one inside); ask for the file again "
                         "from the service that exported it.")
    try:
        actual = checksum(document)
    except ValueError:
        raise InputError(_NOT_A_TEMPLATE) from None
    if template.get("checksum") != actual:
        raise InputError("This scheme file was changed after it was exported (its checksum "
                         "does not match its codes); ask for the file again from the "
                         "service that exported it, or save your changes as a new version "
                         "on the Coding scheme page.")
    return document
