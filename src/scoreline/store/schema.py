"""A new database's schema in one step: the table definitions, stamped at the shipped head.

Replaying every migration on an empty database builds what the table definitions describe
(``tests/store/test_migrations.py`` holds the two identical), only slower: importing Alembic
and running each script costs a command that starts on a new database about half a second.
Alembic's own advice for a database built from scratch is the same: ``create_all``, then
stamp the head revision. The version table here is Alembic's own shape, so every later
``upgrade`` or ``downgrade`` runs through Alembic as usual.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Column, Connection, MetaData, PrimaryKeyConstraint, String, Table, inspect

__all__ = ["create_if_empty", "shipped_head"]

VERSIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"

_REVISION = re.compile(r'^revision: str = "([^"]+)"$', re.MULTILINE)
_DOWN = re.compile(r'^down_revision: str \| None = (?:"([^"]+)"|None)$', re.MULTILINE)

_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
"""Alembic's version table, as Alembic itself creates it."""


@cache
def shipped_head() -> str:
    """The newest migration shipped with the package: the one no other revises.

    Read from the scripts' ``revision`` and ``down_revision`` lines without importing them
    (they import Alembic).

    Raises:
        RuntimeError: The scripts do not form one line with one head.
    """
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in VERSIONS_DIR.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            continue
        revisions.add(revision.group(1))
        if down.group(1):
            revised.add(down.group(1))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def create_if_empty(connection: Connection) -> bool:
    """Build the whole schema at the shipped head if the database holds no table yet.

    Returns:
        Whether it was empty (and is now built); False leaves it untouched.
    """
    if inspect(connection).get_table_names():
        return False
    from scoreline.store.tables import Base

    Base.metadata.create_all(connection)
    _VERSION_TABLE.create(connection)
    connection.execute(_VERSION_TABLE.insert().values(version_num=shipped_head()))
    return True
