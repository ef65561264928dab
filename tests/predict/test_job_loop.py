"""Jobs on a worker thread's long-lived loop, and the order in which a job starts its calls."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest

from scoreline import Registry
from scoreline.llm import close_thread_loop, thread_loop
from scoreline.predict import job
from scoreline.predict.job import run_predict
from scoreline.predict.record import ModelOutcome
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config
from tests.predict.test_job import catalog, predictions

FIXTURES = {"E0-2024-25-0200", "E0-2024-25-0201"}


def test_jobs_on_the_thread_loop_keep_the_fallback_rules(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(6, {0: 1, 2: 3}))
    fresh_sandbox.set_fault("w00", Fault(FaultMode.STATUS, status=503))
    fresh_sandbox.set_fault("w04", Fault(FaultMode.STATUS, status=503))  # no fallback
    try:
        for match_id in sorted(FIXTURES):
            now = before(kickoff_of(csv_path, match_id))
            summary = run_predict(db, config, match_id, now=now)
            assert (summary.asked, summary.predicted, summary.via_fallback) == (6, 5, 1)
            stored = predictions(db, match_id)
            assert stored["m00"].used_fallback and stored["m00"].answered_by == "m01"
            assert "m04" not in stored
        assert len(thread_loop().clients) == 6  # one client per model, kept between jobs
    finally:
        close_thread_loop()


async def test_models_that_may_call_twice_start_first(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog(6, {3: 0, 4: 1}))
    plan = SimpleNamespace(model_ids=tuple(f"m{i:02d}" for i in range(6)), cooling={"m04"})
    async with Registry(config) as registry:
        order = job._chained_first(plan, registry)  # type: ignore[arg-type]
    assert order == ["m03", "m00", "m01", "m02", "m04", "m05"]  # m04 cools: one call


async def test_waves_start_in_order_and_answer_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job, "WAVE", 2)
    started: list[str] = []

    async def one(model_id: str) -> ModelOutcome:
        started.append(model_id)
        await asyncio.sleep(0.01 if model_id == "a" else 0)  # the first answers last
        return ModelOutcome(model_id, None)

    outcomes = await job._in_waves(["a", "b", "c", "d", "e"], one)
    assert started == ["a", "b", "c", "d", "e"]
    assert [o.model_id for o in outcomes] == ["a", "b", "c", "d", "e"]


async def test_a_failing_call_cancels_the_other_calls() -> None:
    cancelled: list[str] = []

    async def one(model_id: str) -> ModelOutcome:
        if model_id == "a":
            raise RuntimeError("broken configuration")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(model_id)
            raise
        return ModelOutcome(model_id, None)

    with pytest.raises(RuntimeError):
        await job._in_waves(["a", "b", "c", "d", "e", "f"], one)
    await asyncio.sleep(0)
    assert sorted(cancelled) == ["b", "c", "d", "e", "f"]  # none left running
