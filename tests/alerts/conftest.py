"""A real webhook receiver on loopback, and the world's store and configuration."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scoreline.config import Config
from scoreline.store import Database
from tests.alerts.world import PROVIDER_KEY, seed_world, write_config

WEBHOOK_ENV = "SCORELINE_TEST_WEBHOOK"
SECRET_PATH = "/services/T0WORLD/B0WORLD/hook-7c1d9e2f4a"


@dataclass
class Receiver:
    """Records each POST body; answers ``status``."""

    port: int = 0
    status: int = 200
    bodies: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SECRET_PATH}"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            receiver.bodies.append(json.loads(self.rfile.read(length)))
            receiver.paths.append(self.path)
            self.send_response(receiver.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver listening on 127.0.0.1 for this test."""
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def world_config(tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Config:
    """The world's configuration with the webhook taken from the environment."""
    monkeypatch.setenv(WEBHOOK_ENV, receiver.url)
    monkeypatch.setenv("WORLD_SYN_KEY", PROVIDER_KEY)
    return write_config(
        tmp_path, "sqlite:///unused.db", f'[alerts]\nwebhook_url_env = "{WEBHOOK_ENV}"\n'
    )


@pytest.fixture
def world(db: Database) -> Database:
    """The world seeded into a real store (SQLite, then PostgreSQL)."""
    seed_world(db)
    return db
