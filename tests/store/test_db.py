"""Database: URLs, sessions as transactions, pragmas, ping and revisions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from scoreline.store import (
    Database,
    DatabaseError,
    Match,
    ModelRow,
    StoreError,
    UnknownMatchError,
    list_models,
    normalize_url,
    sync_models,
)
from scoreline.store.models import write_catalog

from .conftest import NOW


def test_driverless_postgresql_urls_use_psycopg() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        assert normalize_url(url).drivername == "postgresql+psycopg"
    assert normalize_url("sqlite:///x.db").drivername == "sqlite"


def test_repr_hides_the_password() -> None:
    database = Database("postgresql://user:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in repr(database)
    database.dispose()


def test_schema_is_refused_outside_postgresql_and_when_not_an_identifier() -> None:
    with pytest.raises(ValueError, match="only supported for PostgreSQL"):
        Database("sqlite://", schema="x")
    with pytest.raises(ValueError, match="identifier"):
        Database("postgresql://u@127.0.0.1/db", schema="x; DROP TABLE y")


def test_ping_is_false_when_the_server_is_unreachable() -> None:
    # Port 1 on loopback refuses connections at once.
    database = Database("postgresql://postgres@127.0.0.1:1/test")
    assert database.ping() is False
    database.dispose()


def test_ping_and_revision(db: Database) -> None:
    assert db.ping() is True
    assert db.current_revision() == db.head_revision()
    assert db.head_revision() is not None


def test_revision_is_none_before_upgrade_and_upgrade_is_idempotent(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert database.current_revision() is None
    database.upgrade()
    database.upgrade()
    assert database.current_revision() == database.head_revision()
    database.dispose()


def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    sync_models(db, [ModelRow("kept", "p", "m", "Kept")])
    with pytest.raises(RuntimeError), db.session() as session:
        write_catalog(session, [ModelRow("lost", "p", "m", "Lost")])
        session.flush()
        raise RuntimeError("boom")
    assert [m.id for m in list_models(db, now=NOW)] == ["kept"]


def test_sqlite_pragmas(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 30_000


def test_in_memory_sqlite_is_one_shared_database() -> None:
    database = Database("sqlite://")
    database.upgrade()
    sync_models(database, [ModelRow("a", "p", "m", "A")])

    seen: list[int] = []

    def count() -> None:
        seen.append(len(list_models(database, now=NOW)))

    worker = threading.Thread(target=count)
    worker.start()
    worker.join()
    assert seen == [1]
    database.dispose()


@pytest.mark.postgres
def test_postgres_schema_isolates_tables_and_version(pg_db: Database) -> None:
    schema = pg_db.schema
    with pg_db.engine.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            ).scalars()
        )
    assert {"matches", "models", "predictions", "prediction_attempts", "alembic_version"} <= tables
    with pg_db.session() as session:
        assert session.scalars(select(Match)).all() == []


def test_database_errors_are_one_line_store_errors_without_the_password() -> None:
    unreachable = Database("postgresql://scoreline:s3cret-pw@127.0.0.1:1/scoreline")
    try:
        with pytest.raises(DatabaseError) as caught, unreachable.session() as session:
            session.execute(text("SELECT 1"))
        message = str(caught.value)
        assert isinstance(caught.value, StoreError)
        assert isinstance(caught.value.__cause__, SQLAlchemyError)
        assert message.startswith("OperationalError: ") and "\n" not in message
        assert "s3cret-pw" not in message
        with pytest.raises(DatabaseError, match=r"^OperationalError: "):
            unreachable.upgrade()
    finally:
        unreachable.dispose()


def test_store_errors_raised_in_a_session_pass_unchanged(db: Database) -> None:
    with pytest.raises(UnknownMatchError), db.session():
        raise UnknownMatchError("m")
    with (
        pytest.raises(
            DatabaseError,
            match=r"^ProgrammingError: .*no_such_table|^OperationalError: no such table",
        ),
        db.session() as session,
    ):
        session.execute(text("SELECT * FROM no_such_table"))
