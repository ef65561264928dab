"""The worker's operations step: recovery probes when idle, then the alerts, each sweep."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scoreline.predict.job import predict_match
from scoreline.queue.backlog import BacklogWatch
from scoreline.queue.gate import QueueGate
from scoreline.queue.tasks import JobQueue
from scoreline.queue.worker import _operations_once
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, get_model, list_model_events
from tests.predict.conftest import import_with_fixtures, write_config

FIXTURES = {"E0-2024-25-0200", "E0-2024-25-0201"}
T0 = datetime(2025, 1, 14, 18, 0, tzinfo=UTC)
CATALOG = '[[models]]\nid = "m00"\nprovider = "alpha"\nmodel = "w00"\n'
HEALTH = "[health]\ndisable_after = 2\nrecover_after_s = 0\n"


def test_an_idle_sweep_probes_a_due_model_and_alerts_its_recovery(
    db: Database,
    tmp_path: Path,
    fresh_sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(tmp_path, fresh_sandbox.base_url, CATALOG, extra=HEALTH)
    config = config.model_copy(update={"queue_url": "memory://"})
    fresh_sandbox.set_fault("w00", Fault(FaultMode.PROSE))
    for i, match_id in enumerate(sorted(FIXTURES)):
        asyncio.run(predict_match(db, config, match_id, now=T0 + timedelta(minutes=i)))
    assert get_model(db, "m00", now=T0).auto_disabled
    fresh_sandbox.clear_faults()
    queue = JobQueue(config, db=db)
    gate = QueueGate(queue.huey.pending_count, "memory")
    with caplog.at_level(logging.INFO, logger="scoreline.alerts"):
        _operations_once(queue, gate, BacklogWatch())
    now = datetime.now(UTC)
    assert not get_model(db, "m00", now=now).auto_disabled  # the canary answered
    assert [e.event for e in list_model_events(db, "m00")][:2] == ["recovered", "disabled"]
    assert any("m00" in r.getMessage() and "recovered" in r.getMessage() for r in caplog.records)
