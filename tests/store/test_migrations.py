"""Alembic owns the schema: a migrated database and one built in one step are identical."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from scoreline.store import Base, Database
from scoreline.store.schema import shipped_head


def _diff(database: Database) -> list[Any]:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, Base.metadata)


def _snapshot(engine: Engine) -> dict[str, Any]:
    """Everything reflection sees, as comparable plain data (names and order included)."""
    inspector = inspect(engine)
    tables: dict[str, Any] = {}
    for name in sorted(inspector.get_table_names()):
        if name == "alembic_version":
            continue
        columns = [
            (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
            for c in inspector.get_columns(name)
        ]
        tables[name] = {
            "columns": columns,
            "pk": inspector.get_pk_constraint(name),
            "fks": sorted(inspector.get_foreign_keys(name), key=lambda fk: fk["name"] or ""),
            "indexes": sorted(inspector.get_indexes(name), key=lambda ix: ix["name"] or ""),
            "uniques": sorted(inspector.get_unique_constraints(name), key=lambda u: u["name"]),
            "checks": sorted(inspector.get_check_constraints(name), key=lambda c: c["name"]),
        }
    return tables


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite file taken through every migration (not built in one step)."""
    database = Database(f"sqlite:///{tmp_path / 'scoreline.db'}")
    database.upgrade(replay=True)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(pg_url: str, pg_schema: str) -> Iterator[Database]:
    """A fresh PostgreSQL schema taken through every migration."""
    database = Database(pg_url, schema=pg_schema)
    database.upgrade(replay=True)
    yield database
    database.dispose()


@pytest.fixture
def created_db(db: Database, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database of the same engine as ``db``, built in one step by ``upgrade()``."""
    if db.dialect == "sqlite":
        other = Database(f"sqlite:///{tmp_path / 'created.db'}")
    else:
        schema = request.getfixturevalue("pg_schema")
        # pg_schema is already used by ``db``: make a second one.
        other_schema = f"{schema}_c"
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{other_schema}"')
        other = Database(request.getfixturevalue("pg_url"), schema=other_schema)
    other.upgrade()
    yield other
    if other.schema:
        with other.engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{other.schema}" CASCADE')
    other.dispose()


def test_upgraded_database_matches_the_metadata(db: Database) -> None:
    assert _diff(db) == []


def test_upgraded_and_created_databases_are_identical(db: Database, created_db: Database) -> None:
    assert _diff(created_db) == []
    migrated, created = _snapshot(db.engine), _snapshot(created_db.engine)
    assert set(migrated) == set(Base.metadata.tables)
    assert {"matches", "models", "predictions", "prediction_attempts"} <= set(migrated)
    assert migrated == created
    assert created_db.current_revision() == db.current_revision() == db.head_revision()


def test_the_shipped_head_is_alembics_head(sqlite_db: Database) -> None:
    assert shipped_head() == sqlite_db.head_revision()


def test_a_database_built_in_one_step_migrates_down_and_up(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'one-step.db'}")
    database.upgrade()
    assert database.current_revision() == shipped_head()
    database.downgrade("base")
    assert inspect(database.engine).get_table_names() == ["alembic_version"]
    database.upgrade()
    assert _diff(database) == []
    assert database.current_revision() == shipped_head()
    database.dispose()


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'down.db'}")
    database.upgrade(replay=True)
    database.downgrade("base")
    assert database.current_revision() is None
    assert inspect(database.engine).get_table_names() == ["alembic_version"]
    database.upgrade()
    assert _diff(database) == []
    database.dispose()
