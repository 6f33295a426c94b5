"""Alembic environment: attune passes its engine in ``config.attributes["engine"]``."""

from __future__ import annotations

from typing import Any

from alembic import context

from attune.storage.models import Base, UtcDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
    """Render attune's UtcDateTime as a plain DateTime(timezone=True), so that
    migrations never import the models."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from attune.config import Settings
        from attune.storage.db import make_engine

        engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
