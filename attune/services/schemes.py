"""Coding schemes in the database: every saved edit is a new version."""

from __future__ import annotations

import copy
from typing import Any

from attune.core.accounts import Role, User
from attune.core.scheme import Scheme
from attune.core.scheme_template import canonical, checksum, from_template, template_bytes
from attune.errors import ConflictError, NotFoundError
from attune.schemes import default_scheme_document, parse_scheme, shipped_scheme_documents
from attune.services import Context
from attune.services.access import Action, require_access, require_role
from attune.storage.store import StoredScheme, Tx


def install_default_scheme(tx: Tx) -> StoredScheme:
    """Add each shipped scheme version this installation lacks (``attune init``, after
    every upgrade) and return the newest default. A stored version is never changed: a
    version number this service already used for its own edit of the scheme keeps that
    edit, and the shipped version of that number is then not installed (its codes can be
    added in the scheme editor, which saves them as a next version)."""
    for doc in shipped_scheme_documents():
        try:
            tx.get_scheme(doc["name"], doc["version"])
        except NotFoundError:
            tx.add_scheme(doc)
    return tx.get_scheme(default_scheme_document()["name"])


def save_scheme(ctx: Context, actor: User, document: dict[str, Any]) -> StoredScheme:
    """Validate and save ``document`` as the next version of its scheme (or version 1 of
    a new one). Events coded earlier keep the version they were coded with."""
    require_role(ctx, actor, {Role.PRACTITIONER, Role.SUPERVISOR, Role.ADMIN},
                 "edit coding schemes")
    doc = copy.deepcopy(document)
    with ctx.db.transaction(actor.username) as tx:
        try:
            latest = tx.get_scheme(str(doc.get("name", "")))
            doc["version"] = latest.version + 1
        except NotFoundError:
            doc["version"] = 1
        parse_scheme(doc)  # raises InputError naming the problem
        return tx.add_scheme(doc)


#: Parsed scheme versions: a saved version never changes, and validating a document
#: against its JSON Schema costs more than a key press may (the timeline marks an event
#: through ``add_event``, which loads the scheme every time).
_PARSED: dict[tuple[str, int, str, int], Scheme] = {}


def load_scheme(ctx: Context, name: str = "attuned-moments",
                version: int | None = None) -> tuple[StoredScheme, Scheme]:
    with ctx.db.transaction("system") as tx:
        return scheme_in(ctx, tx, name, version)


def scheme_in(ctx: Context, tx: Tx, name: str = "attuned-moments",
              version: int | None = None) -> tuple[StoredScheme, Scheme]:
    """:func:`load_scheme` inside a transaction already open (one fewer round trip)."""
    stored = tx.get_scheme(name, version)
    key = (ctx.settings.database_url, stored.id, stored.name, stored.version)
    if key not in _PARSED:
        _PARSED[key] = parse_scheme(stored.document)
    return stored, _PARSED[key]


#: who may read and edit coding schemes (the Coding scheme page; administrators set up
#: an installation's schemes)
SCHEME_ROLES = {Role.PRACTITIONER, Role.SUPERVISOR, Role.ADMIN}


def list_schemes(ctx: Context, actor: User) -> list[StoredScheme]:
    """Every coding scheme and version, for those who code or look after the schemes."""
    require_role(ctx, actor, SCHEME_ROLES, "read coding schemes")
    with ctx.db.transaction(actor.username) as tx:
        return tx.list_schemes()


def get_scheme(ctx: Context, actor: User, name: str, version: int | None = None
               ) -> StoredScheme:
    """One scheme (the newest version unless ``version``)."""
    require_role(ctx, actor, SCHEME_ROLES, "read coding schemes")
    with ctx.db.transaction(actor.username) as tx:
        return tx.get_scheme(name, version)


# ------------------------------------------------------------------ templates
def export_scheme(ctx: Context, actor: User, name: str, version: int | None = None
                  ) -> bytes:
    """The scheme version (the newest unless ``version``) as a template file's bytes:
    the whole document with its name, version and checksum
    (:mod:`attune.core.scheme_template`)."""
    stored = get_scheme(ctx, actor, name, version)
    return template_bytes(stored.document)


def import_scheme(ctx: Context, actor: User, data: bytes) -> tuple[StoredScheme, bool]:
    """Add the scheme version in a template file, under its own name and version.

    Returns the stored version and whether it was added (False: this service already
    had exactly this version, so importing it again changes nothing). A file changed
    after export, a scheme whose codes break the rules, or another content under the same
    name and version is refused with :class:`~attune.errors.InputError` or
    :class:`~attune.errors.ConflictError`; nothing is stored then."""
    require_role(ctx, actor, SCHEME_ROLES, "import coding schemes")
    document = from_template(data)
    parse_scheme(document)  # the scheme's own rules (JSON Schema, keys, bands)
    name, version = str(document["name"]), int(document["version"])
    with ctx.db.transaction(actor.username) as tx:
        try:
            here = tx.get_scheme(name, version)
        except NotFoundError:
            stored = tx.add_scheme(document)
            tx.audit("import", "scheme", stored.id, {"name": name, "version": version,
                                                     "checksum": checksum(document)})
            return stored, True
    if canonical(here.document) == canonical(document):
        return here, False
    raise ConflictError(
        f"This service already has a different {document.get('title', name)} version "
        f"{version}; nothing was imported. Ask the service that exported it to save its "
        "changes as a new version and export that, or rename the scheme in the file.")


# ------------------------------------------------------------------ a clip's scheme
def clip_scheme(ctx: Context, clip_id: int) -> tuple[StoredScheme, Scheme]:
    """The scheme version a clip is coded with: the one its practitioner chose
    (:func:`choose_clip_scheme`), else the version of its first mark (a clip coded under
    v1 goes on under v1 after v2 is saved), else the newest default scheme. Callers
    check access (the workspace and ``add_event`` do)."""
    with ctx.db.transaction("system") as tx:
        return clip_scheme_in(ctx, tx, clip_id)


def clip_scheme_in(ctx: Context, tx: Tx, clip_id: int) -> tuple[StoredScheme, Scheme]:
    """:func:`clip_scheme` inside a transaction already open."""
    stored = tx.clip_scheme(clip_id) or tx.first_event_scheme(clip_id)
    if stored is None:
        return scheme_in(ctx, tx)
    return scheme_in(ctx, tx, stored.name, stored.version)


def choose_clip_scheme(ctx: Context, actor: User, clip_id: int, name: str,
                       version: int | None = None) -> StoredScheme:
    """Code ``clip_id`` with this scheme version (the newest unless ``version``) from now
    on; marks made earlier keep the version they were made with."""
    with ctx.db.transaction(actor.username) as tx:
        clip = tx.get_clip(clip_id)
        require_access(tx, actor, Action.CODE_CLIP, clip.family_id, clip,
                       what=f"choose the coding scheme of clip {clip_id}")
        stored = tx.get_scheme(name, version)
        tx.set_clip_scheme(clip_id, stored.id)
        return stored
