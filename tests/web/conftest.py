"""A seeded SQLite store, the real app over it, and clients (admin and anonymous)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scoreline.config import Config
from scoreline.store import Database
from scoreline.web import ADMIN_TOKEN_ENV, create_app
from tests.report.seed import NOW, seed_all, write_config

ADMIN_TOKEN = "adm-7f3c9e1b-token-never-echoed"
PROVIDER_KEY = "sk-provider-4d2a8b6e-secret-value"


@dataclass
class Seeded:
    """The seeded deployment: its directory, configuration and store."""

    directory: Path
    config: Config
    db: Database


def make_seeded(directory: Path) -> Seeded:
    """Migrate and seed a SQLite store in ``directory`` with a matching scoreline.toml."""
    path = directory / "scoreline.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    seed_all(db)
    return Seeded(directory, write_config(directory, f"sqlite:///{path}"), db)


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    """A fresh seeded deployment for one test."""
    deployment = make_seeded(tmp_path)
    yield deployment
    deployment.db.dispose()


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The admin token and a provider key set in the environment."""
    monkeypatch.setenv(ADMIN_TOKEN_ENV, ADMIN_TOKEN)
    monkeypatch.setenv("SCORELINE_TEST_SYN_KEY", PROVIDER_KEY)


@pytest.fixture
def app(seeded: Seeded) -> FastAPI:
    """The real application over the seeded store, its clock fixed at the seed's NOW."""
    return create_app(seeded.config, db=seeded.db, clock=lambda: NOW)


@pytest.fixture
def client(app: FastAPI, secrets_env: None) -> Iterator[TestClient]:
    """An anonymous client; unexpected errors come back as responses, not exceptions."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def admin(app: FastAPI, secrets_env: None) -> Iterator[TestClient]:
    """A client sending the right bearer token."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(app, headers=headers, raise_server_exceptions=False) as test_client:
        yield test_client
