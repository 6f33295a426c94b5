"""Every row of every table, out as JSON-safe dicts and back in: the database half of
``attune backup`` and ``attune restore`` (``attune.services.backup`` does the archive).

The document (``schemas/backup.v1.schema.json``) keeps primary keys, so links between
rows and the audit chain survive; dates and datetimes are ISO 8601 strings (UTC), JSON
columns are kept as they are. Tables come in foreign-key order (``Base.metadata``), and
the rows of a table in primary-key order. A table that refers to itself (a user's
supervisor, the cue a response answers) is loaded with those links empty first and the
links set afterwards, so that a row may point to a later one.

Rows are read in one transaction that sees one snapshot (REPEATABLE READ on PostgreSQL;
on SQLite the transaction takes the write lock, so nothing changes while it reads), and
written in the caller's transaction, so that a restore commits whole or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Integer, Table, bindparam, delete, func, insert, select, text
from sqlalchemy import update as sql_update
from sqlalchemy.types import JSON, TypeDecorator

from attune.errors import InputError
from attune.storage.audit import ChainRow, check_chain
from attune.storage.db import MIGRATIONS_DIR, is_migrated
from attune.storage.models import Base
from attune.storage.store import Database, Tx

#: Version of the database document (``schemas/backup.v1.schema.json``).
SCHEMA_VERSION = 1
#: Tables that a new installation already fills (``attune init`` installs the default
#: scheme, which writes an audit entry): a restore replaces their rows. Any row in any
#: other table means the installation is in use, and a restore refuses.
BOOTSTRAP_TABLES = frozenset({"schemes", "audit_log", "audit_head"})


#: Tables a backup leaves out: who is signed in now means nothing on another machine.
EPHEMERAL_TABLES = frozenset({"sign_in_sessions", "sign_in_throttles"})


def tables() -> list[Table]:
    """Every table a backup holds, in foreign-key order (a table after those it refers
    to)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in EPHEMERAL_TABLES]


def table_columns() -> dict[str, list[str]]:
    """Table name to its column names, in foreign-key order (for tests and schemas)."""
    return {t.name: [c.name for c in t.columns] for t in tables()}


def head_revision() -> str:
    """The Alembic revision this code's migrations end at."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("attune ships no migrations")
    return head


def current_revision(db: Database) -> str | None:
    """The Alembic revision the database is at (None when it was never migrated)."""
    if not is_migrated(db.engine):
        return None
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# ------------------------------------------------------------------ values
def _kind(table: Table, column: str) -> str:
    col_type = table.c[column].type
    while isinstance(col_type, TypeDecorator):  # UtcDateTime: look at what it stores
        col_type = col_type.impl_instance
    if isinstance(col_type, JSON):
        return "json"
    python_type = col_type.python_type  # every column type of attune has one
    if issubclass(python_type, datetime):
        return "datetime"
    if issubclass(python_type, date):
        return "date"
    return "plain"


def _kinds(table: Table) -> dict[str, str]:
    return {c.name: _kind(table, c.name) for c in table.columns}


def _to_json(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(UTC).isoformat()
    if kind == "date":
        return value.isoformat()
    return value


def _from_json(value: Any, kind: str, where: str) -> Any:
    if value is None:
        return None
    try:
        if kind == "datetime":
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed.astimezone(UTC)
        if kind == "date":
            return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"The backup's database document has a bad {kind} at {where}: "
                         f"{value!r} ({exc}). The archive is damaged; use another backup.") \
            from None
    return value


# ------------------------------------------------------------------ reading
def _read_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables():
        kinds = _kinds(table)
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        out[table.name] = [{name: _to_json(row[name], kind) for name, kind in kinds.items()}
                           for row in rows]
    return out


def dump_database(db: Database) -> dict[str, Any]:
    """The whole database as a ``backup.v1`` document, read from one snapshot."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            revision = MigrationContext.configure(conn).get_current_revision()
            if revision is None:
                raise InputError("The database is not set up, so there is nothing to back up."
                                 " Check ATTUNE_DATA_DIR / ATTUNE_DATABASE_URL.")
            created_at = datetime.now(UTC)
            rows = _read_tables(conn)
    return {"schema_version": SCHEMA_VERSION, "alembic_revision": revision,
            "created_at": created_at.isoformat(), "source_database": db.engine.dialect.name,
            "tables": rows}


def row_counts(db: Database) -> dict[str, int]:
    """Rows in each table (0 for every table of a database that was never migrated)."""
    if not is_migrated(db.engine):
        return {t.name: 0 for t in tables()}
    with db.engine.connect() as conn, conn.begin():
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in tables()}


def tables_in_use(counts: Mapping[str, int]) -> list[str]:
    """Tables other than the bootstrap ones that hold rows."""
    return [name for name, n in counts.items() if n and name not in BOOTSTRAP_TABLES]


# ------------------------------------------------------------------ checking
def check_audit_rows(document: Mapping[str, Any], audit_key: bytes) -> tuple[int, str, bool]:
    """Check the audit chain of a (schema-valid) document before anything is written.

    Returns (entries, problem, same_key); ``problem`` is empty when the chain and its
    head agree. ``same_key`` is False for a chain whose every entry carries another
    installation's key (its links and head are checked; a restore seals it with this
    key, saying so). A chain partly in this key and partly not was changed.
    """
    rows = [ChainRow(row["id"], _from_json(row["at"], "datetime", f"audit_log id {row['id']}"),
                     row["actor"], row["action"], row["object_type"], row["object_id"],
                     row["detail"], row["prev_hash"], row["hash"])
            for row in document["tables"]["audit_log"]]
    heads = document["tables"]["audit_head"]
    head = (heads[0]["last_id"], heads[0]["last_hash"]) if len(heads) == 1 else None
    report = check_chain(rows, audit_key, head)
    if report.ok:
        return report.entries, "", True
    if report.unkeyed_tail and rows and report.entry_id == rows[0].id:
        return report.entries, "", False
    if report.entry_id is not None and "removed" not in report.problem:
        return report.entries, f"audit entry {report.entry_id}: {report.problem}", True
    return report.entries, f"{report.problem} (audit entry {report.entry_id})", True


# ------------------------------------------------------------------ writing
def _self_links(table: Table) -> list[str]:
    return sorted(fk.parent.name for fk in table.foreign_keys if fk.column.table is table)


def load_database(tx: Tx, document: Mapping[str, Any]) -> dict[str, int]:
    """Write a (schema-valid) document's rows in ``tx``, keeping primary keys.

    The target must hold no rows outside ``BOOTSTRAP_TABLES``; the rows of those are
    replaced. PostgreSQL sequences are moved past the restored ids afterwards, so that
    new rows get new ids. Returns the rows written per table.
    """
    conn = tx.orm.connection()
    counts = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
              for t in tables()}
    busy = tables_in_use(counts)
    if busy:
        raise InputError(f"The database already holds data ({', '.join(busy)}); restore only "
                         "into an empty data folder: set ATTUNE_DATA_DIR to a new folder (and "
                         "ATTUNE_DATABASE_URL to an empty database, if you set it) and run "
                         "`attune restore` again.")
    for table in reversed(tables()):
        if table.name in BOOTSTRAP_TABLES:
            conn.execute(delete(table))
    written: dict[str, int] = {}
    for table in tables():
        rows = list(document["tables"][table.name])
        written[table.name] = len(rows)
        if not rows:
            continue
        kinds = _kinds(table)
        links = _self_links(table)
        values = [{name: _from_json(row[name], kind, f"{table.name} row {i}")
                   for name, kind in kinds.items()} for i, row in enumerate(rows)]
        first = [{**v, **dict.fromkeys(links)} for v in values] if links else values
        conn.execute(insert(table), first)
        if links:
            _set_links(conn, table, links, values)
    if conn.dialect.name == "postgresql":
        _reset_sequences(conn, tables())
    tx.orm.expire_all()
    return written


def _set_links(conn: Connection, table: Table, links: list[str],
               values: list[dict[str, Any]]) -> None:
    (pk,) = table.primary_key.columns  # every self-referring table has a one-column key
    for link in links:
        params = [{"_pk": v[pk.name], "_link": v[link]} for v in values
                  if v[link] is not None]
        if params:
            conn.execute(sql_update(table).where(pk == bindparam("_pk"))
                         .values({link: bindparam("_link")}), params)


def _reset_sequences(conn: Connection, all_tables: Iterable[Table]) -> None:
    for table in all_tables:
        pks = list(table.primary_key.columns)
        if len(pks) != 1 or not isinstance(pks[0].type, Integer):
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": table.name, "c": pks[0].name}).scalar()
        if seq is None:
            continue
        top = conn.execute(select(func.max(pks[0]))).scalar()
        # is_called=false: the next nextval() returns exactly top + 1
        conn.execute(text("SELECT setval(:s, :v, false)"), {"s": seq, "v": (top or 0) + 1})
