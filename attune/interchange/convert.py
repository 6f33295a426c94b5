"""Convert events files between ELAN, BORIS, CSV, XLSX and attune JSON, without a database.

``attune convert INPUT OUTPUT [--mapping FILE]`` calls :func:`convert`.
"""

from __future__ import annotations

import os
from pathlib import Path

from attune.core.scheme import Scheme
from attune.errors import InputError
from attune.interchange.boris import (
    read_boris_project,
    read_boris_tabular,
    write_boris_project,
    write_boris_tabular,
)
from attune.interchange.eaf import read_eaf, write_eaf
from attune.interchange.events_json import read_events_json, write_events_json
from attune.interchange.mapping import Mapping, load_mapping
from attune.interchange.model import DEFAULT_MAX_BYTES, EventsDocument, read_limited
from attune.interchange.tables import (
    read_events_csv,
    read_events_xlsx,
    write_events_csv,
    write_events_xlsx,
)

FORMATS = ("eaf", "boris", "boris-tsv", "csv", "xlsx", "json")
INPUT_FORMATS = FORMATS
OUTPUT_FORMATS = ("eaf", "boris", "boris-tsv", "csv", "xlsx", "json")


def sniff_format(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The format of an existing file, from its content first and its extension second."""
    p = Path(path)
    data = read_limited(p, max_bytes)
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        if "ANNOTATION_DOCUMENT" in text or p.suffix.lower() in (".eaf", ".etf"):
            return "eaf"
        raise InputError(f"{p.name} is XML but not an ELAN annotation document.")
    if text.startswith("{"):
        if p.suffix.lower() in (".boris", ".json"):
            return "boris" if p.suffix.lower() == ".boris" else "json"
        return "boris" if b'"behaviors_conf"' in data else "json"
    first_line = text.split("\n", 1)[0]
    if "\t" in first_line:
        return "boris-tsv"
    if "," in first_line or p.suffix.lower() == ".csv":
        return "csv"
    return format_from_extension(p)


def format_from_extension(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    table = {".eaf": "eaf", ".etf": "eaf", ".boris": "boris", ".tsv": "boris-tsv",
             ".txt": "boris-tsv", ".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
    if suffix not in table:
        raise InputError(f"Cannot tell the format of {Path(path).name!r} from its extension; "
                         "use .eaf, .boris, .tsv, .csv, .xlsx or .json.")
    return table[suffix]


def read_events_file(path: str | os.PathLike[str], mapping: Mapping | None = None,
                     scheme: Scheme | None = None, fmt: str | None = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> EventsDocument:
    """Read any supported events file into one document (all or nothing).

    A .boris project must resolve to one observation: the mapping's ``observation``, or
    the only observation that has events.
    """
    fmt = fmt or sniff_format(path, max_bytes)
    if fmt == "eaf":
        return read_eaf(path, mapping, scheme, max_bytes)
    if fmt == "boris":
        project = read_boris_project(path, mapping, scheme, max_bytes)
        if len(project.observations) == 1:
            return project.observations[0].document
        with_events = [o for o in project.observations if o.document.events]
        if len(with_events) == 1:
            return with_events[0].document
        raise InputError(f"{Path(path).name} holds {len(project.observations)} observations "
                         f"{[o.id for o in project.observations]}; choose one with "
                         "\"observation\" in the mapping file.")
    if fmt == "boris-tsv":
        return read_boris_tabular(path, mapping, scheme, max_bytes)
    if fmt == "csv":
        return read_events_csv(path, scheme, max_bytes)
    if fmt == "xlsx":
        return read_events_xlsx(path, scheme, max_bytes)
    if fmt == "json":
        return read_events_json(path, scheme, max_bytes)
    raise InputError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def write_events_file(document: EventsDocument, path: str | os.PathLike[str],
                      scheme: Scheme | None = None, fmt: str | None = None) -> None:
    """Write a document in the format named by ``fmt`` or the file extension (atomic)."""
    fmt = fmt or format_from_extension(path)
    if fmt == "eaf":
        write_eaf(document, path, scheme)
    elif fmt == "boris":
        write_boris_project(document, path, scheme=scheme)
    elif fmt == "boris-tsv":
        write_boris_tabular(document, path, scheme=scheme)
    elif fmt == "csv":
        write_events_csv(document, path, scheme)
    elif fmt == "xlsx":
        write_events_xlsx(document, path, scheme)
    elif fmt == "json":
        write_events_json(document, path)
    else:
        raise InputError(f"attune cannot write {fmt!r} files; write one of "
                         f"{', '.join(OUTPUT_FORMATS)} (BORIS: .boris or .tsv).")


def convert(input_path: str | os.PathLike[str], output_path: str | os.PathLike[str],
            mapping: Mapping | str | os.PathLike[str] | None = None,
            scheme: Scheme | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES) -> EventsDocument:
    """Convert an events file to another format; return the document converted.

    INPUT may be ELAN (.eaf, 2.x or 3.0), a BORIS project (.boris), a BORIS tabular or
    aggregated export (.tsv), CSV, XLSX or attune JSON; the format is sniffed from the
    content (tabs make a BORIS TSV, commas a CSV), then the extension. OUTPUT is written
    as .eaf (EAF 3.0), .boris (a BORIS project, its ethogram with the scheme's modifier
    sets), .tsv (BORIS tabular), .csv, .xlsx or .json, all at once or not at
    all. MAPPING is a JSON file (or a Mapping) saying how ELAN tiers and BORIS subjects
    become cues, responses and reactions and which code each gets; without it attune's
    own files read back exactly and other files take every tier, value as code. For a
    .boris project with several observations, name one in the mapping
    (``"observation": "..."``). Give SCHEME to refuse codes it does not have.
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    out_fmt = format_from_extension(output_path)
    if out_fmt not in OUTPUT_FORMATS:
        raise InputError(f"attune cannot write {out_fmt!r} files; write one of .eaf, "
                         ".boris, .tsv, .csv, .xlsx, .json.")
    if Path(input_path).resolve() == Path(output_path).resolve():
        raise InputError("The input and output are the same file; give another output.")
    document = read_events_file(input_path, mapping, scheme, max_bytes=max_bytes)
    write_events_file(document, output_path, scheme, out_fmt)
    return document
