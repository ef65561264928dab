"""Alembic environment: runs on the connection handed over by ``Database.upgrade()``.

There is no ``alembic.ini`` and no URL here: ``scoreline.store.Database`` owns the engine
(SQLite pragmas, PostgreSQL ``search_path``) and passes an open connection in
``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from scoreline.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through scoreline.store.Database.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()
