"""Alembic owns the schema: a migrated database and a create_all one are identical."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from scoreline.store import Base, Database


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
def created_db(db: Database, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """Return an empty database of the same engine as ``db``, built with create_all."""
    if db.dialect == "sqlite":
        other = Database(f"sqlite:///{tmp_path / 'created.db'}")
    else:
        schema = request.getfixturevalue("pg_schema")
        # pg_schema is already used by ``db``: make a second one.
        other_schema = f"{schema}_c"
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{other_schema}"')
        other = Database(request.getfixturevalue("pg_url"), schema=other_schema)
    Base.metadata.create_all(other.engine)
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


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'down.db'}")
    database.upgrade()
    database.downgrade("base")
    assert database.current_revision() is None
    assert inspect(database.engine).get_table_names() == ["alembic_version"]
    database.upgrade()
    assert _diff(database) == []
    database.dispose()
