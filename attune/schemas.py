"""The JSON Schemas attune reads and writes by: loading and validating documents.

They ship inside the package (``attune/data/schemas/``, read with ``importlib.resources`` so
that an installed attune validates without the repository); the repository's top-level
``schemas/`` is their public copy, kept byte-identical by ``tests/test_standalone.py``."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema

from attune.errors import InputError

SCHEMAS = resources.files("attune") / "data" / "schemas"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``schemas/<name>.schema.json``, e.g. ``load_schema("events.v1")``."""
    text = (SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validate(document: Any, name: str, what: str = "document") -> None:
    """Raise :class:`InputError` naming the first problem's place in the document."""
    schema = load_schema(name)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
        raise InputError(
            f"The {what} is not a valid {name} document: at {where}: {err.message}{more}. "
            f"Fix it to match schemas/{name}.schema.json."
        )
