"""The predict job: every active model's prediction of one match, stored exactly once.

Reads the match and what was known before kick-off, asks every model that has not predicted
it yet concurrently, each through its ``Forecaster`` (LLMs bounded per provider by the
registry, in-process forecasters by their provider's limit), then writes in one transaction:
the new predictions (``ON CONFLICT DO NOTHING``, so a concurrent duplicate run is harmless),
one attempt row per call, model health and the match's quotas recomputed from all of its
predictions. Cooldown is read from the plan and never written back: the store derives it
from the attempt rows.

Afterwards the job settles what the plan decided for running unattended: the paid models
the budget left out are recorded as skipped (``budget``), models it disabled get their
first recovery probe scheduled, and each recovery probe it claimed is settled from the
model's own call (``predict.recovery``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from scoreline.config import Config
from scoreline.forecast import ForecastContext, Forecaster, ForecastError
from scoreline.health import MODEL_SPECIFIC_ERRORS
from scoreline.llm import ClientPool, Registry, thread_loop
from scoreline.predict.forecasters import build_forecasters, context_of
from scoreline.predict.parse import Score
from scoreline.predict.plan import PredictPlan, load_plan
from scoreline.predict.record import ModelOutcome, record_outcomes
from scoreline.predict.recovery import settle_job_probes
from scoreline.store import Database, record_skips, schedule_recovery

__all__ = [
    "MODEL_SPECIFIC_ERRORS",
    "PredictSummary",
    "SnapshotCooldown",
    "plan_context",
    "predict_match",
    "run_predict",
]

log = logging.getLogger("scoreline.predict")

ProgressFn = Callable[[str, bool], None]


@dataclass
class PredictSummary:
    """What one predict job did."""

    match_id: str
    asked: int = 0
    predicted: int = 0
    via_fallback: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    """Models not asked: already predicted, auto-disabled or inactive."""
    disabled: list[str] = field(default_factory=list)
    """Models auto-disabled by this run."""
    budget_skipped: list[str] = field(default_factory=list)
    """Paid models left out because the job would have crossed the budget."""
    recovered: list[str] = field(default_factory=list)
    """Disabled models whose recovery probe in this job answered: enabled again."""
    probe_failed: list[str] = field(default_factory=list)
    """Disabled models whose recovery probe failed: they wait twice as long."""
    wall_ms: float = 0.0
    phases_ms: dict[str, float] = field(default_factory=dict)
    """Where the wall time went: ``plan`` (reading the store), ``calls``, ``store`` (writing)."""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and logs."""
        return {
            "match_id": self.match_id,
            "asked": self.asked,
            "predicted": self.predicted,
            "via_fallback": self.via_fallback,
            "failed": dict(self.failed),
            "skipped": self.skipped,
            "disabled": list(self.disabled),
            "budget_skipped": list(self.budget_skipped),
            "recovered": list(self.recovered),
            "probe_failed": list(self.probe_failed),
            "wall_ms": round(self.wall_ms, 1),
            "phases_ms": {k: round(v, 1) for k, v in self.phases_ms.items()},
        }


class SnapshotCooldown:
    """A read-only view of the cooldowns the store derived from the attempt records.

    The job writes nothing back: the attempt rows it stores are what the next job's plan
    reads, so cooldown is decided once, in the store, by ``scoreline.health``.
    """

    def __init__(self, cooling: set[str]) -> None:
        self.cooling = frozenset(cooling)

    async def in_cooldown(self, model_id: str) -> bool:
        """Whether the store said the primary is cooling down."""
        return model_id in self.cooling

    async def record(self, model_id: str, *, ok: bool) -> None:
        """Nothing to remember: the attempt rows carry the outcome."""


def plan_context(plan: PredictPlan) -> ForecastContext:
    """The forecasters' context of a planned match."""
    return context_of(plan.fixture, plan.odds, plan.history, plan.notes)


async def _ask(forecaster: Forecaster, context: ForecastContext) -> ModelOutcome:
    """One model's outcome; a failure is the model's alone."""
    try:
        forecast = await forecaster.forecast(context)
    except ForecastError as exc:
        return ModelOutcome(
            forecaster.model_id,
            None,
            attempts=exc.attempts,
            error=exc.message,
            error_class=exc.error_class,
        )
    return ModelOutcome(
        forecaster.model_id,
        Score(forecast.home_goals, forecast.away_goals, context.match_id),
        used_fallback=forecast.used_fallback,
        answered_by=forecast.answered_by,
        attempts=forecast.attempts,
        probabilities=forecast.probabilities,
        probability_note=forecast.probability_note,
        score_matrix=forecast.score_matrix,
    )


async def _run_models(
    config: Config, plan: PredictPlan, progress: ProgressFn | None, clients: ClientPool | None
) -> list[ModelOutcome]:
    context = plan_context(plan)
    cooldown = SnapshotCooldown(plan.cooling)
    async with Registry(
        config,
        cooldown=cooldown,
        outputs=plan.outputs,
        hedge_latency=plan.hedge_latency,
        clients=clients,
    ) as registry:
        forecasters = build_forecasters(config, registry)

        async def one(model_id: str) -> ModelOutcome:
            outcome = await _ask(forecasters[model_id], context)
            if progress is not None:
                progress(model_id, outcome.score is not None)
            return outcome

        order = _chained_first(plan, registry)
        answered = await _in_waves(order, one)
    by_model = dict(zip(order, answered, strict=True))
    return [by_model[m] for m in plan.model_ids]


WAVE = 4
"""Calls started together; the next wave starts ``WAVE_TURNS`` turns of the loop later."""
WAVE_TURNS = 8
"""Enough turns for a request on an open connection to reach its socket."""


async def _in_waves(
    model_ids: list[str], one: Callable[[str], Awaitable[ModelOutcome]]
) -> list[ModelOutcome]:
    """Every model's outcome, the calls started a few at a time.

    Calls started together advance in lockstep, each turn of the loop taking every one a
    step further: 40 requests would all reach the wire only once all are built, tens of
    milliseconds after the first could have, and their answers would come back in one
    burst, the last one read after all the others. Started in small waves, each request
    leaves as soon as it is built and the answers are read as they arrive. A connection
    still being opened does not hold the next wave back: it only waits for turns.
    """
    tasks: list[asyncio.Task[ModelOutcome]] = []
    try:
        for start in range(0, len(model_ids), WAVE):
            for _ in range(WAVE_TURNS if start else 0):
                await asyncio.sleep(0)
            tasks += [asyncio.ensure_future(one(m)) for m in model_ids[start : start + WAVE]]
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise


def _chained_first(plan: PredictPlan, registry: Registry) -> list[str]:
    """The models in the order their calls start: first those that may need a second call
    in a row (a fallback behind a primary that is not cooling down).

    The job lasts as long as its longest chain of calls: a primary started last would
    start its fallback that much later.
    """

    def single(model_id: str) -> bool:
        if model_id in plan.cooling or not registry.can_call(model_id):
            return True
        return registry.fallback_for(model_id) is None

    return sorted(plan.model_ids, key=single)


async def predict_match(
    db: Database,
    config: Config,
    match_id: str,
    *,
    now: datetime,
    allow_after_kickoff: bool = False,
    progress: ProgressFn | None = None,
    clients: ClientPool | None = None,
) -> PredictSummary:
    """Predict one match with every active model that has not predicted it yet.

    Args:
        db: The store.
        config: The configuration (models, providers, health and cooldown settings).
        match_id: The match.
        now: Current time, aware UTC; a match whose kick-off has passed is refused.
        allow_after_kickoff: Predict anyway; the predictions are flagged ``after_kickoff``.
        progress: Called with ``(model_id, ok)`` as each model finishes.
        clients: Provider clients kept open between this loop's jobs; by default its own.

    Returns:
        The summary: models asked, predicted, via fallback, failed by error class, skipped.

    Raises:
        PredictRefusedError: The match is unknown, not scheduled, or has kicked off.
    """
    started = time.perf_counter()
    plan = await asyncio.to_thread(load_plan, db, config, match_id, now, allow_after_kickoff)
    summary = PredictSummary(match_id=match_id, asked=len(plan.model_ids), skipped=plan.skipped)
    summary.phases_ms["plan"] = (time.perf_counter() - started) * 1000
    outcomes: list[ModelOutcome] = []
    if plan.model_ids:
        mark = time.perf_counter()
        outcomes = await _run_models(config, plan, progress, clients)
        summary.phases_ms["calls"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        inserted, disabled = await asyncio.to_thread(
            record_outcomes, db, config, _as_answered(plan, now, started), outcomes, now
        )
        summary.phases_ms["store"] = (time.perf_counter() - mark) * 1000
        summary.predicted, summary.disabled = inserted, disabled
        summary.via_fallback = sum(o.used_fallback for o in outcomes if o.score is not None)
        failed = Counter(o.error_class or "error" for o in outcomes if o.score is None)
        summary.failed = dict(failed)
    if plan.budget_skipped or plan.probes or summary.disabled:
        await asyncio.to_thread(_settle, db, config, plan, outcomes, summary, now)
    summary.wall_ms = (time.perf_counter() - started) * 1000
    log.info("predicted %s: %s", match_id, summary.as_dict())
    return summary


def run_predict(
    db: Database,
    config: Config,
    match_id: str,
    *,
    now: datetime,
    allow_after_kickoff: bool = False,
) -> PredictSummary:
    """``predict_match`` on this thread's long-lived event loop (``llm.thread_loop``).

    A worker thread runs job after job: its provider clients, and their open connections,
    carry over from one job to the next instead of being opened again by each. The loop and
    its clients are closed by ``llm.close_thread_loop`` when the worker stops.
    """
    loop = thread_loop()
    job = predict_match(
        db,
        config,
        match_id,
        now=now,
        allow_after_kickoff=allow_after_kickoff,
        clients=loop.clients,
    )
    return loop.run(job)


def _as_answered(plan: PredictPlan, now: datetime, started: float) -> PredictPlan:
    """The plan as of the answers, on the job's clock (``now`` plus the time the job has
    run): a job that started in time but whose calls outlasted the kick-off stores its
    predictions flagged ``after_kickoff``, never as forecasts made before it."""
    answered_at = now + timedelta(seconds=time.perf_counter() - started)
    if plan.after_kickoff or answered_at < plan.fixture.kickoff_at:
        return plan
    log.warning("%s: the answers came after kick-off; stored flagged after_kickoff", plan.match_id)
    return replace(plan, after_kickoff=True)


def _settle(
    db: Database,
    config: Config,
    plan: PredictPlan,
    outcomes: list[ModelOutcome],
    summary: PredictSummary,
    now: datetime,
) -> None:
    """Record the budget's skips, schedule the first probe of the models just disabled,
    settle this job's probes."""
    if plan.budget_skipped:
        summary.budget_skipped = list(plan.budget_skipped)
        record_skips(db, plan.match_id, plan.budget_skipped, reason="budget", at=now)
    if summary.disabled:
        schedule_recovery(db, now=now, wait_s=config.health.recover_after_s)
    if plan.probes:
        probed = [o for o in outcomes if o.model_id in plan.probes]
        summary.recovered, summary.probe_failed = settle_job_probes(db, config, probed, now=now)
