"""The predict job's write-back: one transaction for everything a job learned.

The new predictions (``ON CONFLICT DO NOTHING``), one attempt row per provider call, model
health, the shared cooldown state and the match's quotas recomputed from all of its
predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.llm import Attempt
from scoreline.predict.parse import Score
from scoreline.predict.plan import PredictPlan
from scoreline.scoring import match_quotas
from scoreline.store import (
    Database,
    NewAttempt,
    NewPrediction,
    insert_attempts,
    insert_predictions,
    record_model_failure,
    record_model_successes,
    record_primary_result,
    set_match_quotas,
)
from scoreline.store.scoring_queries import predictions_to_score

__all__ = ["MODEL_SPECIFIC_ERRORS", "ModelOutcome", "record_outcomes"]

MODEL_SPECIFIC_ERRORS = frozenset({"unparseable", "client_error", "invalid_body", "empty_content"})
"""Failures that are the model's own, counted toward auto-disable. Timeouts, rate limits,
server errors, connection and auth failures belong to the provider and are not counted."""


@dataclass
class ModelOutcome:
    """What asking one model gave: its score or its error, and every call made."""

    model_id: str
    score: Score | None
    used_fallback: bool = False
    answered_by: str | None = None
    attempts: tuple[Attempt, ...] = ()
    error: str | None = None
    error_class: str | None = None


def record_outcomes(
    db: Database,
    config: Config,
    plan: PredictPlan,
    outcomes: list[ModelOutcome],
    cooldown_outcomes: list[tuple[str, bool]],
    now: datetime,
) -> tuple[int, list[str]]:
    predictions = [
        NewPrediction(
            match_id=plan.match_id,
            model_id=o.model_id,
            predicted_home=o.score.home,
            predicted_away=o.score.away,
            used_fallback=o.used_fallback,
            answered_by=o.answered_by,
            after_kickoff=plan.after_kickoff,
            created_at=now,
        )
        for o in outcomes
        if o.score is not None
    ]
    attempts = [
        NewAttempt(
            match_id=plan.match_id,
            model_id=o.model_id,
            called_model_id=a.model_id,
            provider=a.provider,
            is_fallback=a.is_fallback,
            ok=a.ok,
            error_class=a.error_class,
            http_status=a.status,
            latency_ms=round(a.latency_ms, 1),
            prompt_tokens=a.prompt_tokens,
            completion_tokens=a.completion_tokens,
            created_at=now,
        )
        for o in outcomes
        for a in o.attempts
    ]
    disabled: list[str] = []
    with db.session() as session:
        inserted = insert_predictions(session, predictions)
        insert_attempts(session, attempts)
        answered = [o.model_id for o in outcomes if _primary_answered(o)]
        record_model_successes(session, answered, now=now)
        for outcome in outcomes:
            if _record_primary_failure(session, config, outcome, now):
                disabled.append(outcome.model_id)
        for model_id, ok in cooldown_outcomes:
            record_primary_result(
                session,
                model_id,
                ok=ok,
                threshold=config.cooldown.threshold,
                cooldown_s=config.cooldown.seconds,
                now=now,
            )
        quotas = match_quotas(predictions_to_score(session, plan.match_id))
        set_match_quotas(session, plan.match_id, quotas.home, quotas.draw, quotas.away)
    return inserted, disabled


def _primary_attempt(outcome: ModelOutcome) -> Attempt | None:
    """The primary's own call; ``None`` when the cooldown skipped it (nothing learned)."""
    return next((a for a in outcome.attempts if not a.is_fallback), None)


def _primary_answered(outcome: ModelOutcome) -> bool:
    primary = _primary_attempt(outcome)
    return primary is not None and primary.ok


def _record_primary_failure(
    session: Any, config: Config, outcome: ModelOutcome, now: datetime
) -> bool:
    """Health follows the primary's own call; a fallback's success is not the primary's."""
    primary = _primary_attempt(outcome)
    if primary is None or primary.ok:
        return False
    error_class = primary.error_class or "error"
    message = outcome.error if outcome.score is None and outcome.error else error_class
    return record_model_failure(
        session,
        outcome.model_id,
        error=f"{error_class}: {message}" if message != error_class else error_class,
        counts_toward_disable=error_class in MODEL_SPECIFIC_ERRORS,
        disable_after=config.health.disable_after,
        now=now,
    )
