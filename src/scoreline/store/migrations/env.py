"""Alembic environment: runs on the connection handed over by ``Database.upgrade()``.

There is no ``alembic.ini`` and no URL here: ``scoreline.store.Database`` owns the engine
(SQLite pragmas, PostgreSQL ``search_path``) and passes an open connection in
``config.attributes["connection"]``.

To write a new revision, compare a database at head with ``Base.metadata``::

    from alembic import command
    from alembic.config import Config
    from scoreline.store import Database
    from scoreline.store.db import MIGRATIONS_DIR

    db = Database("sqlite:///dev.db")
    db.upgrade()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, "what changed", autogenerate=True, rev_id="0002_what")

then review the file (wrap constraint names in ``op.f()``) and run the store tests: they
check that a migrated database and ``Base.metadata`` agree on SQLite and PostgreSQL.
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
