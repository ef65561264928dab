"""The predict job: every active model's prediction of one match, stored exactly once.

Reads the match and what was known before kick-off, calls every model that has not predicted
it yet concurrently (bounded per provider by the registry), then writes in one transaction:
the new predictions (``ON CONFLICT DO NOTHING``, so a concurrent duplicate run is harmless),
one attempt row per provider call, model health, the shared cooldown state and the match's
quotas recomputed from all of its predictions.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.llm import Attempt, ProviderError, Registry
from scoreline.predict.parse import Score, make_accept
from scoreline.predict.plan import PredictPlan, load_plan
from scoreline.predict.prompt import SYSTEM_PROMPT
from scoreline.predict.record import MODEL_SPECIFIC_ERRORS, ModelOutcome, record_outcomes
from scoreline.scoring import MatchInfo, predict_reference
from scoreline.store import Database

__all__ = ["MODEL_SPECIFIC_ERRORS", "PredictSummary", "SnapshotCooldown", "predict_match"]

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
            "wall_ms": round(self.wall_ms, 1),
            "phases_ms": {k: round(v, 1) for k, v in self.phases_ms.items()},
        }


class SnapshotCooldown:
    """Cooldown decisions read from the store at job start; outcomes written back at the end."""

    def __init__(self, cooling: set[str]) -> None:
        self.cooling = cooling
        self.outcomes: list[tuple[str, bool]] = []

    async def in_cooldown(self, model_id: str) -> bool:
        """Whether the store said the primary is cooling down."""
        return model_id in self.cooling

    async def record(self, model_id: str, *, ok: bool) -> None:
        """Remember the primary's outcome for the write-back."""
        self.outcomes.append((model_id, ok))


async def _call_llm(registry: Registry, plan: PredictPlan, model_id: str) -> ModelOutcome:
    try:
        result = await registry.call_with_fallback(
            model_id, SYSTEM_PROMPT, plan.prompt, accept=make_accept(plan.match_id)
        )
    except ProviderError as exc:
        return ModelOutcome(
            model_id, None, attempts=exc.attempts, error=str(exc), error_class=exc.error_class
        )
    return ModelOutcome(
        model_id,
        result.value,
        used_fallback=result.used_fallback,
        answered_by=result.answered_by,
        attempts=result.attempts,
    )


async def _call_reference(
    plan: PredictPlan, model_id: str, provider: str, limit: asyncio.Semaphore
) -> ModelOutcome:
    match = MatchInfo(
        home_team=plan.fixture.home_team,
        away_team=plan.fixture.away_team,
        kickoff_at=plan.fixture.kickoff_at,
        odds_home=plan.odds[0],
        odds_draw=plan.odds[1],
        odds_away=plan.odds[2],
        competition=plan.fixture.competition,
    )
    started = time.perf_counter()
    async with limit:
        try:
            home, away = await asyncio.to_thread(predict_reference, model_id, match, plan.history)
        except Exception as exc:  # a forecaster bug must not sink the other models
            latency = (time.perf_counter() - started) * 1000
            attempt = Attempt(model_id, provider, False, latency, error_class="reference_error")
            return ModelOutcome(
                model_id,
                None,
                attempts=(attempt,),
                error=repr(exc)[:300],
                error_class="reference_error",
            )
    latency = (time.perf_counter() - started) * 1000
    attempt = Attempt(model_id, provider, True, latency)
    return ModelOutcome(
        model_id, Score(home, away, plan.match_id), answered_by=model_id, attempts=(attempt,)
    )


async def _run_models(
    config: Config, plan: PredictPlan, progress: ProgressFn | None
) -> tuple[list[ModelOutcome], SnapshotCooldown]:
    cooldown = SnapshotCooldown(plan.cooling)
    reference_limits = {
        name: asyncio.Semaphore(p.max_concurrency)
        for name, p in config.providers.items()
        if p.kind == "reference"
    }
    async with Registry(config, cooldown=cooldown) as registry:

        async def one(model_id: str) -> ModelOutcome:
            provider = config.model(model_id).provider
            if provider in reference_limits:
                outcome = await _call_reference(
                    plan, model_id, provider, reference_limits[provider]
                )
            else:
                outcome = await _call_llm(registry, plan, model_id)
            if progress is not None:
                progress(model_id, outcome.score is not None)
            return outcome

        outcomes = await asyncio.gather(*(one(m) for m in plan.model_ids))
    return list(outcomes), cooldown


async def predict_match(
    db: Database,
    config: Config,
    match_id: str,
    *,
    now: datetime,
    allow_after_kickoff: bool = False,
    progress: ProgressFn | None = None,
) -> PredictSummary:
    """Predict one match with every active model that has not predicted it yet.

    Args:
        db: The store.
        config: The configuration (models, providers, health and cooldown settings).
        match_id: The match.
        now: Current time, aware UTC; a match whose kick-off has passed is refused.
        allow_after_kickoff: Predict anyway; the predictions are flagged ``after_kickoff``.
        progress: Called with ``(model_id, ok)`` as each model finishes.

    Returns:
        The summary: models asked, predicted, via fallback, failed by error class, skipped.

    Raises:
        PredictRefusedError: The match is unknown, not scheduled, or has kicked off.
    """
    started = time.perf_counter()
    plan = await asyncio.to_thread(load_plan, db, config, match_id, now, allow_after_kickoff)
    summary = PredictSummary(match_id=match_id, asked=len(plan.model_ids), skipped=plan.skipped)
    summary.phases_ms["plan"] = (time.perf_counter() - started) * 1000
    if plan.model_ids:
        mark = time.perf_counter()
        outcomes, cooldown = await _run_models(config, plan, progress)
        summary.phases_ms["calls"] = (time.perf_counter() - mark) * 1000
        mark = time.perf_counter()
        inserted, disabled = await asyncio.to_thread(
            record_outcomes, db, config, plan, outcomes, cooldown.outcomes, now
        )
        summary.phases_ms["store"] = (time.perf_counter() - mark) * 1000
        summary.predicted = inserted
        summary.via_fallback = sum(o.used_fallback for o in outcomes if o.score is not None)
        summary.failed = dict(
            Counter(o.error_class or "error" for o in outcomes if o.score is None)
        )
        summary.disabled = disabled
    summary.wall_ms = (time.perf_counter() - started) * 1000
    log.info("predicted %s: %s", match_id, summary.as_dict())
    return summary
