"""Coding schemes in the database: every saved edit is a new version."""

from __future__ import annotations

import copy
from typing import Any

from attune.core.accounts import Role, User
from attune.core.scheme import Scheme
from attune.errors import NotFoundError
from attune.schemes import default_scheme_document, parse_scheme
from attune.services import Context
from attune.services.access import require_role
from attune.storage.store import StoredScheme, Tx


def install_default_scheme(tx: Tx) -> StoredScheme:
    doc = default_scheme_document()
    try:
        return tx.get_scheme(doc["name"], doc["version"])
    except NotFoundError:
        return tx.add_scheme(doc)


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
