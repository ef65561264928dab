"""The queue: reconcile derives work from the store; tasks run the predict job through Huey."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
import redis
from huey import MemoryHuey
from sqlalchemy import select

from scoreline.config import ConfigError
from scoreline.queue import JobQueue, build_huey, describe_queue_url
from scoreline.sandbox import SandboxServer
from scoreline.store import Database, Prediction
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {"E0-2024-25-0200", "E0-2024-25-0201", "E0-2024-25-0250"}
MODELS = '[[models]]\nid = "q1"\nprovider = "alpha"\n[[models]]\nid = "q2"\nprovider = "beta"\n'


@pytest.fixture
def queue(
    sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> tuple[JobQueue, Path]:
    csv_path = import_with_fixtures(sqlite_db, tmp_path, FIXTURES)
    config = write_config(tmp_path, fresh_sandbox.base_url, MODELS)
    return JobQueue(config, huey=MemoryHuey(utc=True), db=sqlite_db), csv_path


def test_reconcile_enqueues_due_predictions_once_done_nothing(queue: tuple[JobQueue, Path]) -> None:
    jobs, csv_path = queue
    now = before(kickoff_of(csv_path, "E0-2024-25-0200"), minutes=20)
    report = jobs.reconcile(now=now)
    due = sorted(
        m for m in FIXTURES if before(kickoff_of(csv_path, m), 30) <= now <= kickoff_of(csv_path, m)
    )
    assert report.predict == due and "E0-2024-25-0250" not in report.predict
    assert jobs.huey.pending_count() == len(due)
    # the queue's tasks read the clock; run them at the replayed moment instead
    jobs.huey.flush()
    for match_id in report.predict:
        jobs.enqueue_predict(match_id, now=now)
    assert jobs.run_pending() == len(due)
    with jobs.db.session() as session:
        stored = session.scalars(
            select(Prediction.model_id).where(Prediction.match_id == "E0-2024-25-0200")
        )
        assert sorted(stored) == ["q1", "q2"]
    assert jobs.reconcile(now=now).predict == []  # nothing missing any more


def test_predict_task_refuses_kicked_off_match_without_retrying(
    queue: tuple[JobQueue, Path],
) -> None:
    jobs, csv_path = queue
    late = kickoff_of(csv_path, "E0-2024-25-0200")
    jobs.enqueue_predict("E0-2024-25-0200", now=late)
    assert jobs.run_pending() == 1
    assert jobs.huey.pending_count() == 0 and jobs.huey.scheduled_count() == 0


def test_lease_keeps_a_second_run_off_the_match(queue: tuple[JobQueue, Path]) -> None:
    jobs, csv_path = queue
    now = before(kickoff_of(csv_path, "E0-2024-25-0200"))
    with jobs._lease("predict-E0-2024-25-0200") as held:
        assert held
        assert jobs._predict("E0-2024-25-0200", now) == {
            "match_id": "E0-2024-25-0200",
            "skipped": "locked",
        }
    assert jobs._predict("E0-2024-25-0200", now)["predicted"] == 2


def test_failed_job_is_reported_after_retries(
    sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = write_config(tmp_path, fresh_sandbox.base_url, MODELS)
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")  # cannot be opened
    jobs = JobQueue(config, huey=MemoryHuey(utc=True), db=broken)
    task = jobs.predict_task.s("E0-2024-25-0200", None)
    task.retries = 0
    jobs.huey.enqueue(task)
    jobs.run_pending()
    failed = jobs.status()["failed"]
    assert len(failed) == 1 and "OperationalError" in failed[0]["error"]


def test_a_database_failure_is_logged_in_one_line_and_retried(
    tmp_path: Path, fresh_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    config = write_config(tmp_path, fresh_sandbox.base_url, MODELS)
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")  # cannot be opened
    jobs = JobQueue(config, huey=MemoryHuey(utc=True), db=broken)
    jobs.enqueue_predict("E0-2024-25-0200")
    with caplog.at_level(logging.INFO, logger="huey"):
        jobs.run_pending()
    failures = [r for r in caplog.records if "Unhandled exception" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].exc_info is None and "\n" not in failures[0].getMessage()
    assert "OperationalError" in failures[0].getMessage()
    assert "retried with back-off" in failures[0].getMessage()
    assert any("Requeueing" in r.getMessage() for r in caplog.records)  # Huey retries it
    assert jobs.status()["failed"] == []


def test_backends_by_url(tmp_path: Path) -> None:
    assert type(build_huey(f"sqlite:///{tmp_path / 'q.db'}")).__name__ == "SqliteHuey"
    assert type(build_huey("memory://")).__name__ == "MemoryHuey"
    with pytest.raises(ConfigError, match="unsupported scheme 'amqp'"):
        build_huey("amqp://guest:secret@127.0.0.1/")
    assert (
        describe_queue_url("redis://:hunter2@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    )


@pytest.mark.redis
def test_redis_queue_round_trip(tmp_path: Path) -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable on 127.0.0.1:6379: {exc}")
    name = f"test-{uuid.uuid4().hex[:8]}"
    huey = build_huey("redis://127.0.0.1:6379/0", name=name)
    try:
        seen: list[str] = []
        task = huey.task()(seen.append)
        task("hello")
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert seen == ["hello"]
    finally:
        huey.flush()


def test_sweeps_in_a_row_enqueue_a_missing_job_once(queue: tuple[JobQueue, Path]) -> None:
    """Near kick-off every worker sweeps every few seconds: one job per match, not one a sweep."""
    jobs, csv_path = queue
    now = before(kickoff_of(csv_path, "E0-2024-25-0200"), minutes=20)
    first = jobs.reconcile(now=now)
    assert first.predict and jobs.huey.pending_count() == len(first.predict)
    again = jobs.reconcile(now=now)
    assert again.predict == first.predict  # still missing: the sweeps stay frequent
    assert jobs.huey.pending_count() == len(first.predict)  # but nothing enqueued twice
