"""Self-healing: a disabled model is probed once after a while, and re-enabled when it answers.

Real predict jobs against the sandbox on SQLite and PostgreSQL; the probe claim is raced by
real threads on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from scoreline.config import Config
from scoreline.health import model_state, next_wait
from scoreline.predict.job import predict_match
from scoreline.predict.recovery import recover_idle
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import (
    Database,
    Model,
    StoredModel,
    claim_probes,
    disable_model,
    enable_model,
    get_model,
    list_model_events,
    predicted_model_ids,
    record_output,
    sync_models,
)
from scoreline.store.tables import PredictionAttempt
from tests.predict.conftest import import_with_fixtures, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(10)}
T0 = datetime(2025, 1, 14, 18, 0, tzinfo=UTC)  # before every fixture's kick-off
CATALOG = "".join(
    f'[[models]]\nid = "m{i:02d}"\nprovider = "{"alpha" if i % 2 == 0 else "beta"}"\n'
    f'model = "w{i:02d}"\n'
    for i in range(3)
)
HEALTH = "[health]\ndisable_after = 2\nrecover_after_s = 600\nrecover_max_s = 1800"


@pytest.fixture
def setup(db: Database, tmp_path: Path, fresh_sandbox: SandboxServer) -> tuple[Database, Config]:
    import_with_fixtures(db, tmp_path, FIXTURES)
    return db, write_config(tmp_path, fresh_sandbox.base_url, CATALOG, extra=HEALTH)


async def _disable_m00(db: Database, config: Config, sandbox: SandboxServer) -> datetime:
    """Two prose replies in a row: m00 is disabled by the second job; returns its time."""
    sandbox.set_fault("w00", Fault(FaultMode.PROSE))
    await predict_match(db, config, "E0-2024-25-0200", now=T0)
    at = T0 + timedelta(minutes=1)
    summary = await predict_match(db, config, "E0-2024-25-0201", now=at)
    assert summary.disabled == ["m00"]
    return at


async def _idle(db: Database, config: Config, now: datetime) -> list[str]:
    """``recover_idle`` as the worker calls it: from a thread with no event loop."""
    return await asyncio.to_thread(recover_idle, db, config, now)


def _model(db: Database, model_id: str, now: datetime) -> StoredModel:
    model = get_model(db, model_id, now=now)
    assert model is not None
    return model


async def test_a_disabled_model_is_probed_when_due_and_recovers(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    disabled_at = await _disable_m00(db, config, fresh_sandbox)
    model = _model(db, "m00", disabled_at)
    assert model.auto_disabled and model.recover_at == disabled_at + timedelta(seconds=600)
    [event] = list_model_events(db, "m00")
    assert event.event == "disabled" and event.reason is not None
    assert event.reason.startswith("2 failures of its own in a row; last: unparseable")

    early = await predict_match(db, config, "E0-2024-25-0202", now=T0 + timedelta(minutes=5))
    assert early.asked == 2 and fresh_sandbox.request_counts()["w00"] == 2  # not due yet

    fresh_sandbox.clear_faults()
    due = T0 + timedelta(minutes=12)
    summary = await predict_match(db, config, "E0-2024-25-0203", now=due)
    assert (summary.asked, summary.recovered, summary.probe_failed) == (3, ["m00"], [])
    assert "m00" in predicted_model_ids(db, "E0-2024-25-0203")
    model = _model(db, "m00", due)
    assert not model.auto_disabled and model.recover_at is None and model.recover_wait_s is None
    assert model.consecutive_failures == 0
    assert [e.event for e in list_model_events(db, "m00")] == ["recovered", "disabled"]
    assert model_state(
        active=True, disabled=False, pinned=False, recover_at=None, cooldown_until=None, now=due
    ) == ("active", None)


async def test_a_failed_probe_doubles_the_wait_up_to_the_cap(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    await _disable_m00(db, config, fresh_sandbox)
    first = T0 + timedelta(minutes=12)
    summary = await predict_match(db, config, "E0-2024-25-0203", now=first)
    assert summary.probe_failed == ["m00"] and summary.recovered == []
    model = _model(db, "m00", first)
    assert model.auto_disabled and model.recover_wait_s == 1200
    assert model.recover_at == first + timedelta(seconds=1200)
    assert str(list_model_events(db, "m00")[0].reason).startswith("probe failed: unparseable")

    waiting = await predict_match(db, config, "E0-2024-25-0204", now=first + timedelta(minutes=5))
    assert waiting.asked == 2  # the doubled wait is not over
    second = first + timedelta(seconds=1201)
    again = await predict_match(db, config, "E0-2024-25-0205", now=second)
    assert again.probe_failed == ["m00"]
    assert _model(db, "m00", second).recover_wait_s == 1800  # 2400 capped at recover_max_s
    assert fresh_sandbox.request_counts()["w00"] == 4  # two failures, two probes
    assert next_wait(1800, first_s=600, max_s=1800) == 1800
    assert next_wait(None, first_s=600, max_s=1800) == 1200


async def test_a_pinned_model_is_never_probed_until_enabled(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    await predict_match(db, config, "E0-2024-25-0200", now=T0)
    disable_model(db, "m01", pin=True, now=T0, wait_s=600)
    later = T0 + timedelta(days=1)
    summary = await predict_match(db, config, "E0-2024-25-0208", now=later)
    assert summary.asked == 2 and fresh_sandbox.request_counts()["w01"] == 1
    assert await _idle(db, config, later) == []  # the canary skips it too
    assert model_state(
        active=True, disabled=True, pinned=True, recover_at=None, cooldown_until=None, now=later
    )[0] == ("pinned")
    enable_model(db, "m01", now=later)
    model = _model(db, "m01", later)
    assert not (model.pinned or model.auto_disabled)
    assert [e.event for e in list_model_events(db, "m01")] == ["enabled", "pinned"]
    resumed = await predict_match(db, config, "E0-2024-25-0209", now=later)
    assert resumed.asked == 3


async def test_the_idle_canary_probes_without_a_match(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    disabled_at = await _disable_m00(db, config, fresh_sandbox)
    assert await _idle(db, config, disabled_at + timedelta(minutes=5)) == []  # not due
    due = disabled_at + timedelta(minutes=11)
    assert await _idle(db, config, due) == ["m00"]  # still prose: the probe fails
    assert _model(db, "m00", due).recover_wait_s == 1200
    fresh_sandbox.clear_faults()
    assert await _idle(db, config, due + timedelta(minutes=5)) == []  # waits its 1200 s
    later = due + timedelta(seconds=1201)
    assert await _idle(db, config, later) == ["m00"]
    assert not _model(db, "m00", later).auto_disabled
    events = [e.event for e in list_model_events(db, "m00")]
    assert events == ["recovered", "probe_failed", "disabled"]
    with db.session() as session:
        canaries = session.scalars(
            select(PredictionAttempt).where(PredictionAttempt.match_id.is_(None))
        ).all()
    assert [(a.model_id, a.ok) for a in canaries] == [("m00", False), ("m00", True)]
    assert fresh_sandbox.request_counts()["w00"] == 4


async def test_the_canary_asks_in_the_output_mode_the_store_learned(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    disabled_at = await _disable_m00(db, config, fresh_sandbox)
    fresh_sandbox.set_fault("w00", Fault(FaultMode.NO_RESPONSE_FORMAT))
    record_output(db, "m00", "text", note="probe: json_object refused", at=disabled_at)
    due = disabled_at + timedelta(minutes=11)
    assert await _idle(db, config, due) == ["m00"]
    assert not _model(db, "m00", due).auto_disabled  # asked without response_format
    assert [e.event for e in list_model_events(db, "m00")] == ["recovered", "disabled"]


async def test_models_disabled_before_recovery_existed_are_scheduled(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    await predict_match(db, config, "E0-2024-25-0200", now=T0)
    with db.session() as session:  # as an older version left it: disabled, no probe time
        session.execute(update(Model).where(Model.id == "m02").values(auto_disabled=True))
    assert await _idle(db, config, T0) == []
    assert _model(db, "m02", T0).recover_at == T0 + timedelta(seconds=600)
    assert await _idle(db, config, T0 + timedelta(seconds=600)) == ["m02"]
    assert not _model(db, "m02", T0).auto_disabled


async def test_two_concurrent_jobs_probe_a_due_model_once(
    setup: tuple[Database, Config], fresh_sandbox: SandboxServer
) -> None:
    db, config = setup
    await _disable_m00(db, config, fresh_sandbox)
    fresh_sandbox.set_latency(0.2)  # both jobs are planned while the other is calling
    due = T0 + timedelta(minutes=12)
    first, second = await asyncio.gather(
        predict_match(db, config, "E0-2024-25-0204", now=due),
        predict_match(db, config, "E0-2024-25-0205", now=due),
    )
    assert sorted(first.probe_failed + second.probe_failed) == ["m00"]
    assert fresh_sandbox.request_counts()["w00"] == 3  # two failures, then one probe


def _race(db: Database, now: datetime, threads: int) -> list[list[str]]:
    """``threads`` claims of the same three probes, released at once."""
    barrier = threading.Barrier(threads)
    wins: list[list[str]] = []

    def claim() -> None:
        barrier.wait()
        wins.append(claim_probes(db, ["x0", "x1", "x2"], now=now))

    running = [threading.Thread(target=claim) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return wins


@pytest.mark.postgres
def test_concurrent_claims_of_one_probe_have_one_winner(pg_db: Database) -> None:
    from scoreline.store import ModelRow

    sync_models(pg_db, [ModelRow(f"x{i}", "p", f"x{i}", f"x{i}") for i in range(3)])
    for round_ in range(10):
        now = T0 + timedelta(hours=round_)
        for i in range(3):
            disable_model(pg_db, f"x{i}", pin=False, now=now - timedelta(hours=1), wait_s=60)
        wins = _race(pg_db, now, 8)
        claimed = sorted(m for won in wins for m in won)
        assert claimed == ["x0", "x1", "x2"], f"round {round_}: {wins}"
