"""The queue on real Redis: no unread results pile up, and a worker outlives Redis going away.

The outage test runs a real ``scoreline worker`` subprocess against a Redis port where
nothing listens yet, then starts a ``redis-server`` of its own there, stops and restarts it:
the worker prints one line per back-off step, no traceback, and predicts the matches once
Redis is back.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from scoreline.config import load_config
from scoreline.queue import JobQueue
from scoreline.sandbox import SandboxServer
from scoreline.store import Database, Prediction, import_matches
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

HEADER = (
    "match_id,competition,competition_name,season,kickoff_utc,home_team,away_team,"
    "home_goals,away_goals,odds_home,odds_draw,odds_away\n"
)
MODELS = '[[models]]\nid = "r1"\nprovider = "alpha"\n[[models]]\nid = "r2"\nprovider = "alpha"\n'


def _config(path: Path, *, db_path: Path, queue_url: str, name: str, base_url: str) -> Path:
    path.write_text(
        f"""database_url = "sqlite:///{db_path}"
queue_url = "{queue_url}"
queue_name = "{name}"
reference_models = false
[schedule]
reconcile_every_s = 1
job_lock_ttl_s = 3
[providers.alpha]
base_url = "{base_url}"
max_concurrency = 8
timeout_s = 5
{MODELS}"""
    )
    return path


@pytest.fixture
def local_redis() -> redis.Redis:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable on 127.0.0.1:6379: {exc}")
    return client


@pytest.mark.redis
def test_no_unread_results_pile_up_in_redis(
    local_redis: redis.Redis, sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    match_id = "E0-2024-25-0200"
    csv_path = import_with_fixtures(sqlite_db, tmp_path, {match_id})
    name = f"results{uuid.uuid4().hex[:8]}"  # as Huey spells it in its keys
    config = load_config(
        _config(
            tmp_path / "q.toml",
            db_path=tmp_path / "scoreline.db",
            queue_url="redis://127.0.0.1:6379/0",
            name=name,
            base_url=fresh_sandbox.base_url,
        )
    )
    jobs = JobQueue(config, db=sqlite_db)
    try:
        now = before(kickoff_of(csv_path, match_id))
        jobs.enqueue_predict(match_id, now=now)
        jobs.enqueue_predict(match_id, now=now)  # a duplicate: returns "skipped"/nothing new
        jobs.enqueue_score(match_id, now=now)
        assert jobs.run_pending() == 3
        with sqlite_db.session() as session:
            assert session.scalar(select(func.count()).select_from(Prediction)) == 2
        assert jobs.huey.storage.result_key == f"huey.results.{name}"
        assert local_redis.hlen(f"huey.results.{name}") == 0
        assert list(local_redis.scan_iter(f"*{name}*")) == []
    finally:
        jobs.huey.flush()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def redis_port() -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """A free port and a function starting a ``redis-server`` of this test's own on it."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    port = _free_port()
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(server)
        client = redis.Redis(port=port)
        _wait(lambda: _pings(client), 10, "redis-server to start")
        return server

    start.port = port  # type: ignore[attr-defined]
    yield start
    for server in started:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _import_match(db: Database, tmp_path: Path, match_id: str) -> None:
    kickoff = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / f"{match_id}.csv"
    path.write_text(HEADER + f"{match_id},T1,Test League,2026-27,{kickoff},A FC,B FC,,,2,3,4\n")
    import_matches(db, path)


def _predicted(db: Database, match_id: str) -> int:
    with db.session() as session:
        query = select(func.count()).select_from(Prediction)
        return int(session.scalar(query.where(Prediction.match_id == match_id)) or 0)


@pytest.mark.slow
@pytest.mark.redis
def test_a_worker_backs_off_while_redis_is_down_and_recovers_by_itself(
    redis_port: Callable[[], subprocess.Popen[bytes]],
    tmp_path: Path,
    fresh_sandbox: SandboxServer,
) -> None:
    port: int = redis_port.port  # type: ignore[attr-defined]
    db_path = tmp_path / "scoreline.db"
    db = Database(f"sqlite:///{db_path}")
    db.upgrade()
    _import_match(db, tmp_path, "T1-2026-27-0001")
    config = _config(
        tmp_path / "worker.toml",
        db_path=db_path,
        queue_url=f"redis://127.0.0.1:{port}/0",
        name=f"down-{uuid.uuid4().hex[:8]}",
        base_url=fresh_sandbox.base_url,
    )
    err = tmp_path / "worker.err"
    command = [sys.executable, "-m", "scoreline.cli", "--config", str(config), "worker"]
    with err.open("wb") as stderr:
        worker = subprocess.Popen(
            [*command, "--workers", "2"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    steps = re.compile(r"queue redis://127\.0\.0\.1:\d+/0 unreachable \(.+\); retrying in (\d+)s")

    def delays() -> list[int]:
        return [int(d) for d in steps.findall(err.read_text(errors="replace"))]

    try:
        _wait(lambda: len(delays()) >= 3, 20, "three back-off steps")
        assert delays()[:3] == [1, 2, 4]  # exponential, one line per step
        server = redis_port()
        _wait(lambda: _predicted(db, "T1-2026-27-0001") == 2, 30, "predictions after recovery")
        assert "reachable again" in err.read_text()

        server.terminate()  # Redis goes away under a running worker, and comes back
        server.wait(timeout=10)
        before_outage = len(delays())
        _wait(lambda: len(delays()) > before_outage, 20, "a back-off step after the restart")
        redis_port()
        _import_match(db, tmp_path, "T1-2026-27-0002")
        _wait(lambda: _predicted(db, "T1-2026-27-0002") == 2, 30, "predictions after restart")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        db.dispose()
    log = err.read_text(errors="replace")
    assert "Traceback" not in log, log
    assert _predicted(db, "T1-2026-27-0001") == 2
