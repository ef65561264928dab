"""Predict tasks run on their thread's job loop, closed when the consumer thread stops."""

from __future__ import annotations

import threading
from pathlib import Path

from huey import MemoryHuey
from huey.consumer import Worker

from scoreline.llm import JobLoop, close_thread_loop, thread_loop
from scoreline.queue import JobQueue
from scoreline.sandbox import SandboxServer
from scoreline.store import Database
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {"E0-2024-25-0200", "E0-2024-25-0201"}
MODELS = '[[models]]\nid = "q1"\nprovider = "alpha"\n[[models]]\nid = "q2"\nprovider = "beta"\n'


def _queue(db: Database, tmp_path: Path, sandbox: SandboxServer) -> tuple[JobQueue, Path]:
    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(tmp_path, sandbox.base_url, MODELS)
    return JobQueue(config, huey=MemoryHuey(utc=True), db=db), csv_path


def test_a_consumer_thread_keeps_its_loop_until_it_stops(
    sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    jobs, csv_path = _queue(sqlite_db, tmp_path, fresh_sandbox)
    for match_id in sorted(FIXTURES):
        jobs.enqueue_predict(match_id, now=before(kickoff_of(csv_path, match_id)))
    seen: list[tuple[JobLoop, int]] = []

    def consume() -> None:
        worker = Worker(jobs.huey, threading.Event(), 0.1, 1.0, 1.15)
        worker.initialize()
        for _ in FIXTURES:
            worker.loop()
            seen.append((thread_loop(), len(thread_loop().clients)))
        worker.shutdown()

    thread = threading.Thread(target=consume)
    thread.start()
    thread.join(30)
    (first, open_after_first), (second, open_after_second) = seen
    assert first is second and open_after_first == open_after_second == 2
    assert len(first.clients) == 0  # the shutdown hook closed them


def test_run_pending_closes_the_loop_it_ran_on(
    sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    jobs, csv_path = _queue(sqlite_db, tmp_path, fresh_sandbox)
    now = before(kickoff_of(csv_path, "E0-2024-25-0200"))
    jobs.enqueue_predict("E0-2024-25-0200", now=now)
    loop = thread_loop()
    try:
        assert jobs.run_pending() == 1
        assert len(loop.clients) == 0 and thread_loop() is not loop
    finally:
        close_thread_loop()
