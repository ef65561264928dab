"""``scoreline serve --dir DIR``: the real server process, configured from DIR/scoreline.toml."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from scoreline.store import Database
from scoreline.web import ADMIN_TOKEN_ENV
from tests.report.seed import seed_all, write_config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_uses_the_directory_configuration(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'scoreline.db'}")
    db.upgrade()
    seed_all(db)
    db.dispose()
    write_config(tmp_path, "sqlite:///scoreline.db")  # relative: resolved from --dir
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != ADMIN_TOKEN_ENV}
    command = ["serve", "--dir", str(tmp_path), "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "scoreline.cli", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        health = None
        for _ in range(150):  # bounded wait for start-up
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, "server did not start"
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        match = httpx.get(f"http://127.0.0.1:{port}/api/matches/m1", timeout=5)
        assert match.json()["home_team"] == "Arsenal"
        admin = httpx.get(f"http://127.0.0.1:{port}/api/admin/models", timeout=5)
        assert admin.status_code == 503
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert f"{ADMIN_TOKEN_ENV} is not set" in stderr
