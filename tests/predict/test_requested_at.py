"""A predict job stores when it asked (``requested_at``) and when it wrote (``created_at``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from scoreline.predict.job import predict_match
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, Prediction
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

MATCH = "E0-2024-25-0200"
MODELS = '[[models]]\nid = "q1"\nprovider = "alpha"\n[[models]]\nid = "q2"\nprovider = "beta"\n'


async def test_a_replayed_job_keeps_its_moment_in_requested_at_only(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv_path = import_with_fixtures(db, tmp_path, {MATCH})
    config = write_config(tmp_path, fresh_sandbox.base_url, MODELS)
    now = before(kickoff_of(csv_path, MATCH))  # a moment of the 2024-25 season
    started = datetime.now(UTC)
    summary = await predict_match(db, config, MATCH, now=now)
    assert summary.predicted == 2
    with db.session() as session:
        rows = list(session.execute(select(Prediction.requested_at, Prediction.created_at)))
    assert len(rows) == 2
    for requested, created in rows:
        assert requested == now
        assert started <= created <= datetime.now(UTC)


async def test_answers_that_outlast_the_kick_off_are_stored_flagged(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv_path = import_with_fixtures(db, tmp_path, {MATCH})
    config = write_config(tmp_path, fresh_sandbox.base_url, MODELS)
    fresh_sandbox.set_fault("q2", Fault(FaultMode.SLOW, latency_s=1.0))
    kickoff = kickoff_of(csv_path, MATCH)
    summary = await predict_match(db, config, MATCH, now=kickoff - timedelta(seconds=0.5))
    assert summary.predicted == 2  # started in time: nothing refused, nothing lost
    with db.session() as session:
        flags = set(session.execute(select(Prediction.after_kickoff)).scalars())
    assert flags == {True}  # the slow answer came 0.5 s after kick-off, on the job's clock
    on_time = await predict_match(db, config, MATCH, now=kickoff - timedelta(minutes=5))
    assert on_time.asked == 0  # stored once; a later job does not ask again
