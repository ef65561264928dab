"""A predict job with a slow, hedged primary: the fallback answers, both calls are stored with
their cost, and the cancelled primary counts neither way for its health."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from scoreline.config import Config
from scoreline.predict.job import PredictSummary, predict_match
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, get_model
from scoreline.store.tables import Prediction, PredictionAttempt
from tests.predict.conftest import before, import_with_fixtures, kickoff_of, write_config

FIXTURES = {f"E0-2024-25-02{n:02d}" for n in range(10)}
CATALOG = """[[models]]
id = "m00"
provider = "alpha"
model = "w00"
fallback = "m01"
hedge_after_ms = 200
price_prompt_per_1m = 1.0
price_completion_per_1m = 3.0
[[models]]
id = "m01"
provider = "beta"
model = "w01"
price_prompt_per_1m = 0.5
price_completion_per_1m = 1.0
"""


async def run(
    db: Database, tmp_path: Path, sandbox: SandboxServer
) -> tuple[PredictSummary, Config, datetime]:
    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    config = write_config(tmp_path, sandbox.base_url, CATALOG, extra="[cooldown]\nthreshold = 1")
    sandbox.set_fault("w00", Fault(FaultMode.SLOW, latency_s=2.0))
    match_id = min(FIXTURES, key=lambda m: (kickoff_of(csv_path, m), m))
    now = before(kickoff_of(csv_path, match_id))
    summary = await predict_match(db, config, match_id, now=now)
    return summary, config, now


async def test_the_hedge_answers_and_both_calls_are_stored_with_their_cost(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    summary, _, _ = await run(db, tmp_path, fresh_sandbox)
    assert (summary.predicted, summary.via_fallback) == (2, 1)
    assert summary.wall_ms < 1800  # not the primary's 2 s
    with db.session() as session:
        rows = session.execute(
            select(
                PredictionAttempt.called_model_id,
                PredictionAttempt.is_fallback,
                PredictionAttempt.ok,
                PredictionAttempt.error_class,
                PredictionAttempt.hedged,
                PredictionAttempt.cost_usd,
            )
            .where(PredictionAttempt.model_id == "m00")
            .order_by(PredictionAttempt.is_fallback)
        ).all()
        answered = session.execute(
            select(Prediction.used_fallback, Prediction.answered_by).where(
                Prediction.model_id == "m00"
            )
        ).one()
    (primary, fallback) = rows
    assert primary[:5] == ("m00", False, False, "cancelled", None)
    assert primary.cost_usd is None
    assert fallback[:5] == ("m01", True, True, None, True)
    assert fallback.cost_usd is not None and fallback.cost_usd > 0
    assert tuple(answered) == (True, "m01")


async def test_a_cancelled_primary_does_not_start_a_cooldown(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    _, config, now = await run(db, tmp_path, fresh_sandbox)
    state = get_model(db, "m00", now=now, cooldown=config.cooldown)
    assert state is not None and state.cooldown_until is None


def test_a_p95_hedge_reads_the_primarys_recent_latencies_from_the_store(
    db: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    from scoreline.predict.plan import load_plan
    from scoreline.store import NewAttempt, insert_attempts

    csv_path = import_with_fixtures(db, tmp_path, FIXTURES)
    catalog = CATALOG.replace("hedge_after_ms = 200", 'hedge = "p95"')
    config = write_config(tmp_path, fresh_sandbox.base_url, catalog)
    match_id = min(FIXTURES, key=lambda m: (kickoff_of(csv_path, m), m))
    now = before(kickoff_of(csv_path, match_id))

    def calls(latencies: list[float]) -> list[NewAttempt]:
        return [
            NewAttempt(None, "m00", "m00", "alpha", False, True, None, 200, ms, 10, 5, now)
            for ms in latencies
        ]

    insert_attempts(db, calls([100.0] * 10))
    assert load_plan(db, config, match_id, now, False).hedge_latency == {}  # too few yet
    insert_attempts(db, calls([float(ms) for ms in range(110, 210, 10)]))  # 110 … 200
    plan = load_plan(db, config, match_id, now, False)
    assert plan.hedge_latency == {"m00": 190.0}  # nearest rank: the 19th of 20
