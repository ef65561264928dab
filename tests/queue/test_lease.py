"""Job leases are short and renewed while the job runs: a dead worker's lease frees in seconds.

Done for real: a subprocess takes a lease through the queue's ``hold_lease`` and is
SIGKILLed; a real predict job slower than the lease's time-to-live keeps it to the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from huey import MemoryHuey

from scoreline.config import ScheduleConfig
from scoreline.queue import JobQueue
from scoreline.queue.worker import next_sweep_in
from scoreline.sandbox import SandboxServer
from scoreline.store import Database, release_lease, renew_lease, take_lease
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

HOLDER = """
import sys, time
from scoreline.queue.lease import hold_lease
from scoreline.store import Database

db = Database(sys.argv[1], schema=sys.argv[2] or None)
with hold_lease(db, "predict-X", ttl_s=float(sys.argv[3])) as held:
    print("held" if held else "refused", flush=True)
    time.sleep(600)
"""


def _take(db: Database, name: str = "predict-X") -> bool:
    return take_lease(db, name, owner="test", now=datetime.now(UTC), ttl_s=30)


def test_renew_lease_extends_only_the_owners_lease(db: Database) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    assert take_lease(db, "predict-A", owner="w1", now=t0, ttl_s=10)
    assert renew_lease(db, "predict-A", owner="w1", now=t0 + timedelta(seconds=8), ttl_s=10)
    assert not renew_lease(db, "predict-A", owner="w2", now=t0, ttl_s=10)
    # Renewed at t0+8 for 10 s: still held at t0+15, free at t0+18.
    assert not take_lease(db, "predict-A", owner="w2", now=t0 + timedelta(seconds=15), ttl_s=10)
    assert take_lease(db, "predict-A", owner="w2", now=t0 + timedelta(seconds=18), ttl_s=10)
    assert not renew_lease(db, "predict-A", owner="w1", now=t0 + timedelta(seconds=18), ttl_s=10)
    release_lease(db, "predict-A", owner="w2")
    assert not renew_lease(db, "predict-A", owner="w2", now=t0, ttl_s=10)


@pytest.mark.slow
def test_a_killed_holders_lease_is_taken_over_within_seconds(db: Database) -> None:
    ttl = 2.0
    url = db.engine.url.render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, db.schema or "", str(ttl)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == b"held"
        time.sleep(2.5 * ttl)  # well past the ttl: the heartbeat keeps it
        assert not _take(db)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        killed = time.monotonic()
        while not _take(db):
            assert time.monotonic() - killed < ttl + 2, "the dead worker's lease did not expire"
            time.sleep(0.1)
        assert time.monotonic() - killed <= ttl + 0.5
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)


@pytest.mark.slow
def test_a_job_longer_than_the_ttl_keeps_its_lease(
    sqlite_db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    match_id = "E0-2024-25-0200"
    csv_path = import_with_fixtures(sqlite_db, tmp_path, {match_id})
    models = '[[models]]\nid = "q1"\nprovider = "alpha"\n'
    config = write_config(
        tmp_path, fresh_sandbox.base_url, models, extra="[schedule]\njob_lock_ttl_s = 1"
    )
    jobs = JobQueue(config, huey=MemoryHuey(utc=True), db=sqlite_db)
    fresh_sandbox.set_latency(3.0)  # the job outlives three ttls
    result: dict[str, object] = {}
    job = threading.Thread(
        target=lambda: result.update(
            jobs._predict(match_id, before(kickoff_of(csv_path, match_id)))
        )
    )
    job.start()
    time.sleep(0.5)
    taken = []
    while job.is_alive():
        taken.append(_take(sqlite_db, f"predict-{match_id}"))
        time.sleep(0.25)
    job.join()
    assert len(taken) >= 8 and not any(taken)
    assert result["predicted"] == 1
    assert _take(sqlite_db, f"predict-{match_id}")  # released at the end


def test_the_sweep_runs_more_often_while_a_match_near_kick_off_lacks_predictions() -> None:
    schedule = ScheduleConfig(reconcile_every_s=60, near_kickoff_every_s=5)
    assert next_sweep_in(schedule, missing=False) == 60
    assert next_sweep_in(schedule, missing=True) == 5
    assert ScheduleConfig().job_lock_ttl_s <= 30
