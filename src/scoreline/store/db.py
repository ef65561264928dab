"""The database handle: engine, one-transaction sessions and programmatic migrations.

SQLite (a file) is the default and PostgreSQL (psycopg 3) the production engine. The
migrations ship inside the package, so ``Database.upgrade()`` needs no ``alembic.ini``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from scoreline.store.errors import DatabaseError
from scoreline.store.schema import create_if_empty

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["IN_CHUNK", "MIGRATIONS_DIR", "Database", "chunks", "normalize_url", "rowcount"]

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""Alembic script directory shipped inside the package."""

SQLITE_BUSY_TIMEOUT_MS = 30_000
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def normalize_url(url: str) -> URL:
    """Parse a database URL and route driverless PostgreSQL URLs to psycopg 3.

    ``postgresql://`` and ``postgres://`` would otherwise pick psycopg2, which is not installed.

    Args:
        url: A SQLAlchemy database URL.

    Returns:
        The parsed URL, with ``postgresql+psycopg`` as the driver for PostgreSQL.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


IN_CHUNK = 500
"""Ids per ``IN (...)``: far below every engine's parameter limit."""


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``, one ``IN (...)`` each."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE matched (a plain single-statement UPDATE reports it reliably).

    ``Session.execute`` is typed as returning a plain ``Result``; for an UPDATE it is a
    ``CursorResult``, the only kind that carries ``rowcount``.
    """
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (dashboard) run while a worker writes; busy_timeout makes writers wait
    # for each other instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class Database:
    """One database: an engine, a session factory and the migrations.

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:///scoreline.db`` or
            ``postgresql+psycopg://user@host/db`` (``postgresql://`` is rewritten to psycopg).
        schema: PostgreSQL only: put every table, ``alembic_version`` included, in this
            schema by setting ``search_path`` on each connection. Tests use it to give each
            run its own schema; the schema must already exist.
        echo: Log every SQL statement (debugging).

    Raises:
        ValueError: ``schema`` is given for a non-PostgreSQL URL or is not a plain identifier.
    """

    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.schema = schema
        self.engine = self._create_engine(echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """Name of the SQL dialect: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def __repr__(self) -> str:
        # The URL's repr masks any password.
        return f"Database({self.url!r}, schema={self.schema!r})"

    def _create_engine(self, echo: bool) -> Engine:
        backend = self.url.get_backend_name()
        if self.schema is not None and backend != "postgresql":
            raise ValueError("schema= is only supported for PostgreSQL")
        if self.schema is not None and not _SCHEMA_RE.match(self.schema):
            raise ValueError(f"schema must be a lower-case identifier, got {self.schema!r}")
        if backend == "sqlite":
            return self._create_sqlite_engine(echo)
        connect_args: dict[str, Any] = {}
        if self.schema is not None:
            # Set at connection start-up, so even the dialect's first-connect probe
            # (current_schema()) and Alembic's version table see the schema.
            connect_args["options"] = f"-c search_path={self.schema}"
        return create_engine(self.url, echo=echo, pool_pre_ping=True, connect_args=connect_args)

    def _create_sqlite_engine(self, echo: bool) -> Engine:
        kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        if self.url.database in (None, "", ":memory:"):
            # One shared connection, or every session would see its own empty database.
            kwargs["connect_args"]["check_same_thread"] = False
            kwargs["poolclass"] = StaticPool
        engine = create_engine(self.url, echo=echo, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session that is one transaction: committed on success, rolled back on error.

        Callers never commit; leaving the block does.

        Yields:
            The session.

        Raises:
            DatabaseError: A SQLAlchemy error inside the block or at commit (chained).
        """
        with self._translated(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise DatabaseError(self._describe_error(exc)) from exc

    def _describe_error(self, exc: SQLAlchemyError) -> str:
        """One line naming a database error: its class and the driver's first line.

        The SQL, its parameters and SQLAlchemy's help link are left out; the password of the
        URL is masked should a driver repeat it.
        """
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        line = detail[0] if detail else ""
        if self.url.password:
            line = line.replace(str(self.url.password), "***")
        return f"{type(exc).__name__}: {line}" if line else type(exc).__name__

    def _alembic_config(self) -> Config:
        # Alembic is imported only by what migrates or reads the revision: a command that
        # merely queries starts faster.
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return config

    def upgrade(self, revision: str = "head", *, replay: bool = False) -> None:
        """Run the Alembic migrations up to ``revision`` (create or upgrade the schema).

        A database with no table yet, taken to ``head``, is built in one step from the table
        definitions and stamped (``store.schema``): the same schema, without Alembic.

        Args:
            revision: Target revision, ``head`` by default.
            replay: Run every migration even on an empty database (the migration tests).

        Raises:
            DatabaseError: The database is unreachable or refused a migration.
        """
        if revision == "head" and not replay:
            with self._translated(), self.engine.begin() as connection:
                if create_if_empty(connection):
                    return
        from alembic import command

        config = self._alembic_config()
        with self._translated(), self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def downgrade(self, revision: str) -> None:
        """Run the Alembic migrations down to ``revision`` (``base`` drops everything).

        Args:
            revision: Target revision.
        """
        from alembic import command

        config = self._alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    def head_revision(self) -> str | None:
        """Return the newest revision shipped with the package."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def current_revision(self) -> str | None:
        """Return the revision the database is at, or ``None`` if it was never migrated."""
        from alembic.runtime.migration import MigrationContext

        with self._translated(), self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def ping(self) -> bool:
        """Return whether the database answers a trivial query (for health checks)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection (call on shutdown and after a fork)."""
        self.engine.dispose()
