"""Coding: ``events`` (list, export, import), ``scheme`` (list, show, add, export, import,
use) and ``convert`` (events files between formats, without the database)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from attune.cli.common import (
    Subcommands,
    acting_user,
    add_command,
    add_group,
    emit,
    open_context,
    print_json,
)
from attune.errors import InputError


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    evs = add_group(sub, "events", "coded events")
    p = add_command(evs, "list", cmd_events_list, "list a clip's events", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("--coder")
    p.add_argument("--include-deleted", action="store_true")
    p = add_command(evs, "export", cmd_events_export, "export a clip's events (format from the "
                    "file name: .json, .csv, .xlsx, .eaf, .tsv)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("out")
    p.add_argument("--coder", help="only this coder's events")
    p = add_command(evs, "import", cmd_events_import, "import events into a clip, all or "
                    "nothing (.json, .csv, .xlsx, .eaf, .tsv, .boris)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("path")
    p.add_argument("--mapping", help="JSON file mapping tiers/behaviours to codes")
    p.add_argument("--coder", help="store every event as coded by this account")

    sch = add_group(sub, "scheme", "coding schemes (every saved edit is a new version)")
    add_command(sch, "list", cmd_scheme_list, "list coding schemes and their versions", common)
    p = add_command(sch, "show", cmd_scheme_show, "show a scheme's codes, keys and windows",
                    common)
    p.add_argument("name", nargs="?", default="attuned-moments")
    p.add_argument("--version", type=int, help="default: the newest")
    p = add_command(sch, "add", cmd_scheme_add, "save a scheme document (JSON) as the next "
                    "version of its scheme", common)
    p.add_argument("path")
    p = add_command(sch, "export", cmd_scheme_export, "write a scheme version to a template "
                    "file (name, version and checksum) to share with another service", common)
    p.add_argument("name")
    p.add_argument("out", help="the template file to write (.json)")
    p.add_argument("--version", type=int, help="default: the newest")
    p = add_command(sch, "import", cmd_scheme_import, "add the scheme version in a template "
                    "file under its own name and version (again: no change)", common)
    p.add_argument("path")
    p = add_command(sch, "use", cmd_scheme_use, "code a clip with this scheme version from "
                    "now on (marks made earlier keep theirs)", common)
    p.add_argument("clip_id", type=int)
    p.add_argument("name")
    p.add_argument("--version", type=int, help="default: the newest")

    p = add_command(sub, "convert", cmd_convert, "convert an events file between ELAN (.eaf), "
                    "BORIS (.boris projects with modifier sets, .tsv; in and out), CSV, XLSX and "
                    "attune JSON, without "
                    "the database (needs no account)", common)
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--mapping", help="JSON file: which ELAN tiers / BORIS subjects become "
                   "cues, responses and reactions, and their codes")


def cmd_events_list(args: argparse.Namespace) -> None:
    from attune.core.spans import format_ms
    from attune.services.events import list_events

    ctx = open_context()
    events = list_events(ctx, acting_user(ctx, args), args.clip_id, args.coder,
                         args.include_deleted)
    emit(args, events, [f"#{e.id:<5} {format_ms(e.start_ms):>10} {e.kind:<9} {e.code:<4} "
                        f"{e.coder}" + (f" answers #{e.answers_id}" if e.answers_id else "")
                        + (" (deleted)" if e.deleted_at else "") for e in events]
         or f"Clip {args.clip_id} has no events yet.")


def cmd_events_export(args: argparse.Namespace) -> None:
    from attune.services.exchange import export_clip_events

    ctx = open_context()
    out = export_clip_events(ctx, acting_user(ctx, args), args.clip_id, Path(args.out),
                             coder=args.coder)
    emit(args, {"path": out}, f"Wrote {out}.")


def cmd_events_import(args: argparse.Namespace) -> None:
    from attune.services.exchange import import_clip_events

    ctx = open_context()
    events = import_clip_events(ctx, acting_user(ctx, args), args.clip_id, Path(args.path),
                                mapping_path=Path(args.mapping) if args.mapping else None,
                                coder=args.coder)
    emit(args, {"imported": len(events)}, f"Imported {len(events)} event(s) into clip "
         f"{args.clip_id}.")


def cmd_scheme_list(args: argparse.Namespace) -> None:
    from attune.services.schemes import list_schemes

    ctx = open_context()
    schemes = list_schemes(ctx, acting_user(ctx, args))
    emit(args, [{"name": s.name, "version": s.version, "codes": len(s.document["codes"])}
                for s in schemes],
         [f"{s.name} v{s.version}: {len(s.document['codes'])} codes" for s in schemes])


def cmd_scheme_show(args: argparse.Namespace) -> None:
    from attune.services.schemes import get_scheme

    ctx = open_context()
    stored = get_scheme(ctx, acting_user(ctx, args), args.name, args.version)
    doc = stored.document
    if args.json:
        print_json(doc)
        return
    print(f"{doc.get('title', stored.name)} ({stored.name} v{stored.version})")
    print("windows (ms): " + ", ".join(f"{k} {v}" for k, v in
                                       doc["latency_windows_ms"].items()))
    for c in doc["codes"]:
        extra = c.get("valence", "") + c.get("potency", "")
        print(f"  [{c.get('key') or ' '}] {c['id']:<4} {c['kind']:<9} {extra:<3} {c['label']}"
              + ("  (practitioner only)" if c.get("practitioner_only") else ""))


def cmd_scheme_add(args: argparse.Namespace) -> None:
    from attune.services.schemes import save_scheme

    path = Path(args.path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"There is no file at {path}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not a JSON document ({exc}); save the scheme as JSON "
                         "(see schemas/coding_scheme.v1.schema.json).") from None
    ctx = open_context()
    stored = save_scheme(ctx, acting_user(ctx, args), document)
    emit(args, {"name": stored.name, "version": stored.version},
         f"Saved coding scheme {stored.name} v{stored.version}.")


def cmd_scheme_export(args: argparse.Namespace) -> None:
    from attune.fileio import write_bytes_atomic
    from attune.services.schemes import export_scheme

    ctx = open_context()
    data = export_scheme(ctx, acting_user(ctx, args), args.name, args.version)
    out = Path(args.out)
    write_bytes_atomic(out, data)
    doc = json.loads(data)
    emit(args, {"path": str(out), "name": doc["name"], "version": doc["version"],
                "checksum": doc["checksum"]},
         f"Wrote {doc['name']} v{doc['version']} to {out} ({doc['checksum']}).")


def cmd_scheme_import(args: argparse.Namespace) -> None:
    from attune.services.schemes import import_scheme

    path = Path(args.path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"There is no file at {path}.") from None
    ctx = open_context()
    stored, added = import_scheme(ctx, acting_user(ctx, args), data)
    emit(args, {"name": stored.name, "version": stored.version, "added": added},
         f"Imported coding scheme {stored.name} v{stored.version}." if added else
         f"Coding scheme {stored.name} v{stored.version} is already here, exactly as in "
         "the file; nothing changed.")


def cmd_scheme_use(args: argparse.Namespace) -> None:
    from attune.services.schemes import choose_clip_scheme

    ctx = open_context()
    stored = choose_clip_scheme(ctx, acting_user(ctx, args), args.clip_id, args.name,
                                args.version)
    emit(args, {"clip_id": args.clip_id, "name": stored.name, "version": stored.version},
         f"Clip {args.clip_id} is coded with {stored.name} v{stored.version} from now on.")


def cmd_convert(args: argparse.Namespace) -> None:
    from attune.interchange import convert

    doc = convert(args.input, args.output, mapping=args.mapping)
    coders = sorted({e.coder for e in doc.events})
    emit(args, {"output": args.output, "events": len(doc.events), "coders": coders},
         f"Wrote {len(doc.events)} event(s) of {', '.join(coders) or 'no coder'} to "
         f"{args.output}.")
