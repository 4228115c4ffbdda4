"""Alembic environment, driven from code (copilot.memory.store.base.migrate), never from an .ini.

The store hands over its open connection in `config.attributes["connection"]`, so the migration
runs on the same engine (same PRAGMAs, same in-memory database in tests). Running `alembic`
by hand still works with `-x url=sqlite:///path/to/copilot.db`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from copilot.memory.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
