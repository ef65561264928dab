"""Fixtures of the chaos suite: the services a run needs, or a skip that says which is missing.

The PostgreSQL + Redis run uses the shared PostgreSQL (a schema of its own, from
``pg_schema``) and a ``redis-server`` of its own on a free port, so that restarting Redis
never touches the Redis on 6379 that other runs share.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chaos.procs import PrivateRedis


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis server of the test's own, stopped afterwards; skips when Redis is not here."""
    if not _listening(6379):
        pytest.skip("Redis unreachable on 127.0.0.1:6379: the chaos run needs a Redis install")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not on PATH: the chaos run restarts a Redis of its own")
    server = PrivateRedis(log=tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
