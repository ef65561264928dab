"""Shared fixtures.

Database fixtures (owned by the store; any package's tests may use them):

- ``sqlite_db``: a migrated ``Database`` on a fresh SQLite file in ``tmp_path``.
- ``pg_db``: a migrated ``Database`` on PostgreSQL, in a schema of its own that is created
  for the test and dropped afterwards; skips when the server is unreachable.
- ``db``: parametrized over both, so one contract test runs on SQLite and PostgreSQL.
- ``pg_url`` / ``pg_schema``: the reachable PostgreSQL URL and a fresh empty schema, for
  tests that build their own ``Database(pg_url, schema=pg_schema)``.

The PostgreSQL URL is ``$SCORELINE_TEST_PG_URL`` or, by default,
``postgresql+psycopg://postgres@127.0.0.1:5432/test`` (then ``root@`` as a second try).

The suite runs on every core (pytest-xdist, ``--dist loadgroup``); the tests that start and
kill worker processes against deadlines run one after another on one of them (below).
"""

from __future__ import annotations

import compileall
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import scoreline
from scoreline.sandbox import SandboxServer
from scoreline.store import Database

PROCESS_MODULES = {
    "tests/chaos/test_chaos.py",
    "tests/live/test_worker_process.py",
    "tests/queue/test_crash.py",
    "tests/queue/test_lease.py",
    "tests/queue/test_redis.py",
    "tests/test_demo.py",
}
"""Tests that run worker processes to deadlines (kick-offs, lease expiry, back-off): two at
once on a 2-core machine would starve each other, so they share one xdist worker."""


def pytest_configure(config: pytest.Config) -> None:
    """Compile scoreline's bytecode once, in the controlling process: with
    ``PYTHONDONTWRITEBYTECODE`` set (as on CI machines), every command the tests start would
    otherwise compile the package again from source."""
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(Path(scoreline.__file__).parent, quiet=2)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the process tests in one xdist group (a no-op when xdist is not running)."""
    root = Path(__file__).resolve().parent.parent
    for item in items:
        if item.path.resolve().relative_to(root).as_posix() in PROCESS_MODULES:
            item.add_marker(pytest.mark.xdist_group("processes"))


_PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(_libpq_url(url), autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def pg_url() -> str:
    """Return a reachable PostgreSQL URL, or skip the test saying why."""
    configured = os.environ.get("SCORELINE_TEST_PG_URL")
    candidates = (configured,) if configured else _PG_CANDIDATES
    errors = []
    for url in candidates:
        try:
            with _admin(url):
                return url
        except psycopg.Error as exc:
            errors.append(f"{url}: {str(exc).strip().splitlines()[0]}")
    pytest.skip("PostgreSQL unreachable (" + "; ".join(errors) + ")")


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """Create an empty schema for one test and drop it (cascading) afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(pg_url) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with _admin(pg_url) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """Return a migrated database on a fresh SQLite file."""
    database = Database(f"sqlite:///{tmp_path / 'scoreline.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def pg_db(pg_url: str, pg_schema: str) -> Iterator[Database]:
    """Return a migrated database in a fresh PostgreSQL schema."""
    database = Database(pg_url, schema=pg_schema)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db(request: pytest.FixtureRequest) -> Database:
    """Return a migrated database, once on SQLite and once on PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(name)


# Sandbox fixtures: a real OpenAI-compatible server on 127.0.0.1 for provider tests.


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox server for the whole session."""
    with SandboxServer(seed=7).in_thread() as server:
        yield server


@pytest.fixture
def fresh_sandbox(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The session sandbox with no faults, no latency and zeroed counters."""
    sandbox.clear_faults()
    sandbox.set_latency(0.0)
    sandbox.reset_counts()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture(autouse=True)
def _no_real_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach a paid provider: the real keys are removed for every test."""
    for name in ("TOGETHER_API_KEY", "SYNTHETIC_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
