"""A worker killed mid-job loses nothing and duplicates nothing: done for real, in processes.

A worker subprocess starts predicting a match with 20 sandbox models (500 ms per call) and
is SIGKILLed while the calls are in flight. A second worker's reconcile sweep finds the match
still lacking predictions and runs the job again once the dead worker's lock expires. In the
end every model has exactly one prediction, and the rows committed before the crash are
untouched. Runs on SQLite + the SQLite queue, and on PostgreSQL + Redis.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from scoreline.config import load_config
from scoreline.predict import predict_match
from scoreline.sandbox import SandboxServer
from scoreline.store import Database, Prediction, import_matches

pytestmark = pytest.mark.slow

MATCH = "T1-2026-27-0001"
HEADER = "match_id,competition,competition_name,season,kickoff_utc,home_team,away_team,home_goals,away_goals,odds_home,odds_draw,odds_away\n"


def write_config(
    path: Path, *, database_url: str, queue_url: str, queue_name: str, base_url: str, n: int
) -> Path:
    models = "".join(
        f'[[models]]\nid = "crash-{i:02d}"\nprovider = "{"alpha" if i % 2 else "beta"}"\n'
        for i in range(n)
    )
    path.write_text(
        f"""database_url = "{database_url}"
queue_url = "{queue_url}"
queue_name = "{queue_name}"
reference_models = false
[schedule]
reconcile_every_s = 1
job_lock_ttl_s = 3
[providers.alpha]
base_url = "{base_url}"
max_concurrency = 64
[providers.beta]
base_url = "{base_url}"
max_concurrency = 64
{models}"""
    )
    return path


def start_worker(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scoreline.cli",
                "--config",
                str(config),
                "worker",
                "--workers",
                "2",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )


def rows(db: Database) -> list[tuple[int, str, datetime]]:
    with db.session() as session:
        found = session.execute(
            select(Prediction.id, Prediction.model_id, Prediction.created_at).where(
                Prediction.match_id == MATCH
            )
        )
        return sorted((r.id, r.model_id, r.created_at) for r in found)


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def run_crash_scenario(
    tmp_path: Path, sandbox: SandboxServer, *, database_url: str, queue_url: str, db: Database
) -> None:
    sandbox.set_latency(0.5)
    kickoff = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    csv_path = tmp_path / "fixture.csv"
    csv_path.write_text(
        HEADER + f"{MATCH},T1,Test League,2026-27,{kickoff},Home FC,Away FC,,,2.1,3.4,3.5\n"
    )
    db.upgrade()
    import_matches(db, csv_path)
    name = f"crash-{uuid.uuid4().hex[:8]}"
    common = {
        "database_url": database_url,
        "queue_url": queue_url,
        "queue_name": name,
        "base_url": sandbox.base_url,
    }

    # Five models predicted before the crash: committed rows that must survive untouched.
    early = load_config(write_config(tmp_path / "early.toml", n=5, **common))
    asyncio.run(predict_match(db, early, MATCH, now=datetime.now(UTC)))
    committed = rows(db)
    assert len(committed) == 5

    config = write_config(tmp_path / "worker.toml", n=20, **common)
    sandbox.reset_counts()
    log = tmp_path / "worker.log"
    first = start_worker(config, log)
    try:
        wait_for(
            lambda: sum(sandbox.request_counts().values()) >= 5, 60, "the first worker's calls"
        )
        first.send_signal(signal.SIGKILL)  # mid-job: calls in flight, nothing of them committed
        first.wait(10)
        assert len(rows(db)) == 5
    finally:
        if first.poll() is None:
            first.kill()

    second = start_worker(config, log)
    try:
        wait_for(lambda: len(rows(db)) >= 20, 90, "every model's prediction")
        time.sleep(1.5)  # let further sweeps run: they must add nothing
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
    final = rows(db)
    assert sorted(m for _, m, _ in final) == [f"crash-{i:02d}" for i in range(20)]
    assert [r for r in final if r[1] in {m for _, m, _ in committed}] == committed, log.read_text()[
        -3000:
    ]


@pytest.fixture
def sandbox_slow(fresh_sandbox: SandboxServer) -> Iterator[SandboxServer]:
    yield fresh_sandbox
    fresh_sandbox.set_latency(0.0)


def test_killed_worker_sqlite(tmp_path: Path, sandbox_slow: SandboxServer) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    db = Database(url)
    try:
        run_crash_scenario(
            tmp_path,
            sandbox_slow,
            database_url=url,
            queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
            db=db,
        )
    finally:
        db.dispose()


@pytest.mark.postgres
@pytest.mark.redis
def test_killed_worker_postgres_redis(
    tmp_path: Path, sandbox_slow: SandboxServer, pg_url: str, pg_schema: str
) -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable on 127.0.0.1:6379: {exc}")
    url = f"{pg_url}?options=-csearch_path%3D{pg_schema}"
    db = Database(url)
    try:
        run_crash_scenario(
            tmp_path, sandbox_slow, database_url=url, queue_url="redis://127.0.0.1:6379/0", db=db
        )
    finally:
        db.dispose()
        for key in client.scan_iter("*crash-*"):
            client.delete(key)
