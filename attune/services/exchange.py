"""Events in and out of the database through the interchange formats (ELAN, BORIS,
CSV/XLSX, JSON). An import is one transaction: all events or none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from attune.core.accounts import Role, User
from attune.core.events import Event
from attune.errors import InputError, NotFoundError
from attune.interchange import ClipInfo, document_from_events, read_events_file, write_events_file
from attune.interchange.mapping import load_mapping
from attune.interchange.model import check_code
from attune.schemes import parse_scheme
from attune.services import Context
from attune.services.access import Action, require_access
from attune.services.schemes import clip_scheme_in

DEFAULT_SCHEME = "attuned-moments"


def export_clip_events(ctx: Context, actor: User, clip_id: int, out: Path,
                       coder: str | None = None) -> Path:
    """Write a clip's events (one coder's, or all) as .json, .csv, .xlsx, .eaf or .tsv."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        decision = require_access(tx, actor, Action.VIEW_CLIP, clip.family_id, clip,
                                  what=f"export clip {clip_id}")
        events = tx.list_events(clip_id, coder)
        if decision.blind:
            events = [e for e in events if e.coder == actor.username]
        # the version the events were coded with; for none, the clip's (a file of an
        # uncoded clip names the version its coding would use)
        stored = tx.get_scheme(events[0].scheme, events[0].scheme_version) if events else \
            clip_scheme_in(ctx, tx, clip_id)[0]
        scheme_name, version = stored.name, stored.version
        tx.audit("export", "clip", clip_id, {"format": out.suffix.lstrip("."),
                                             "events": len(events), "coder": coder})
    fps = clip.media.get("proxy_fps")
    doc = document_from_events(events, scheme_name=scheme_name, scheme_version=version,
                               clip=ClipInfo(clip.original_name, clip.duration_ms, clip.sha256,
                                             fps))
    write_events_file(doc, out, parse_scheme(stored.document))
    return out


def import_clip_events(ctx: Context, actor: User, clip_id: int, path: Path,
                       mapping_path: Path | None = None, coder: str | None = None,
                       ) -> list[Event]:
    """Read an events file and add its events to a clip, all or nothing.

    Codes are checked against the scheme the file names (default ``attuned-moments``);
    ``coder`` stores every event as that account's (default: the file's coders, which
    must be accounts; a practitioner may import only their own coding).
    """
    mapping = load_mapping(mapping_path) if mapping_path else None
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"import events into clip {clip_id}")
    doc = read_events_file(path, mapping)  # read once; codes are checked below
    with ctx.db.transaction(actor.username) as tx:
        try:
            stored = tx.get_scheme(doc.scheme_name, doc.scheme_version)
        except NotFoundError:
            # files of other tools name no attune scheme: check their codes against the
            # newest default scheme (an unknown code is then named in the error)
            stored = tx.get_scheme(DEFAULT_SCHEME)
    scheme = parse_scheme(stored.document)
    for number, event in enumerate(doc.events, 1):
        check_code(scheme, event.code, event.kind, f"{path.name}, event {number}")
    events = [replace(e, coder=coder or e.coder) for e in doc.events]
    coders = {e.coder for e in events}
    if coders - {actor.username} and actor.role != Role.ADMIN:
        raise InputError(f"{path.name} holds events of {', '.join(sorted(coders))}; a "
                         "practitioner imports only their own coding: add --coder "
                         f"{actor.username} to import them as yours.")
    if clip.duration_ms is not None:
        late = [e for e in events if e.start_ms > clip.duration_ms]
        if late:
            raise InputError(f"{len(late)} event(s) start after the end of the clip "
                             f"({clip.duration_ms} ms), the first at {late[0].start_ms} ms; "
                             "is this the right clip?")
    links = {i: e.answers_id - 1 for i, e in enumerate(events) if e.answers_id is not None}
    with ctx.db.transaction(actor.username) as tx:
        for name in coders:
            tx.get_user(name)  # an unknown coder is a NotFoundError naming them
        added = tx.add_events(clip_id, [replace(e, scheme=stored.name,
                                                scheme_version=stored.version)
                                        for e in events], links=links)
        tx.audit("import", "clip", clip_id, {"events": len(added), "file": path.suffix})
    return added
