"""ids never reused (SQLite AUTOINCREMENT)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

SQLite gives a new row the largest id + 1, so the id of the newest row, once deleted,
came back for the next one (a deleted reel's id for another family's reel, its audit
entries then ambiguous). AUTOINCREMENT makes SQLite remember the largest id ever used.
It is part of a table's definition, so each table is rebuilt (copy, drop, rename) with
foreign keys switched off for the while, as SQLite's documentation prescribes (with them
on, dropping a table would cascade deletes into the tables that refer to it); the
foreign keys are checked before the change commits. Each table's counter starts at its
largest id. PostgreSQL's sequences never reuse ids: nothing to do there.

The audit log's move to HMAC-SHA-256 needs no schema change: the audit key is outside
the database, and ``attune.storage.store.Database.open`` seals the entries of attune
before audit keys right after this migration (see ``attune.storage.audit``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: Every table whose primary key is one integer id (audit_head has a single row).
TABLES = ("users", "families", "sessions", "clips", "consents", "schemes", "events",
          "event_changes", "moments", "reels", "reflections", "jobs", "audit_log",
          "coding_assignments")


def _rebuild(autoincrement: bool) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    # PRAGMA foreign_keys is a no-op inside a transaction: end alembic's, switch them
    # off, and do the whole rebuild in one transaction of our own.
    conn.exec_driver_sql("COMMIT")
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        for name in TABLES:
            with op.batch_alter_table(name, recreate="always",
                                      table_kwargs={"sqlite_autoincrement": autoincrement}):
                pass
        if autoincrement:
            for name in TABLES:
                conn.execute(sa.text(
                    "INSERT INTO sqlite_sequence (name, seq) "
                    f"SELECT '{name}', COALESCE(MAX(id), 0) FROM {name}"))
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
        conn.exec_driver_sql("COMMIT")
    except BaseException:
        conn.exec_driver_sql("ROLLBACK")
        raise
    finally:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # alembic's transaction goes on


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
