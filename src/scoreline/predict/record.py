"""The predict job's write-back: one transaction for everything a job learned.

The new predictions (``ON CONFLICT DO NOTHING``), one attempt row per provider call, the
model health those calls imply and the match's quotas recomputed from all of its
predictions. Nothing is written about cooldowns: the store derives them from the attempts.
Each attempt row carries its evidence (``llm.Evidence``): the reply as received, its parse
verdict, the prompt's version and hash (the text stored once), and a refused output mode,
which lowers the model's learned mode for its next calls.
When most models failed on the match itself (``scoreline.health.match_at_fault``), their
failures are recorded with the reason and do not count toward auto-disabling them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoreline.config import Config
from scoreline.health import MODEL_SPECIFIC_ERRORS, match_at_fault
from scoreline.llm import CANCELLED, Attempt, Evidence, lower_output
from scoreline.predict.parse import Score
from scoreline.predict.plan import PredictPlan
from scoreline.predict.prompt import PROMPT_VERSION, prompt_sha256
from scoreline.scoring import match_quotas
from scoreline.store import (
    Database,
    NewAttempt,
    NewPrediction,
    PredictionBatch,
    PredictionToScore,
    record_batch,
)

__all__ = ["ModelOutcome", "record_outcomes"]

log = logging.getLogger("scoreline.predict")


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
    probabilities: tuple[float, float, float] | None = None
    probability_note: str | None = None
    score_matrix: str | None = None


def record_outcomes(
    db: Database,
    config: Config,
    plan: PredictPlan,
    outcomes: list[ModelOutcome],
    now: datetime,
) -> tuple[int, list[str]]:
    """Store a job's outcomes in one transaction.

    Returns:
        How many predictions were inserted, and the models this job auto-disabled.
    """
    primaries = {o.model_id: p for o in outcomes if (p := _primary_attempt(o)) is not None}
    reason = match_at_fault(
        {m: None if a.ok else a.error_class for m, a in primaries.items()},
        answered_before=plan.answered_before,
    )
    if reason is not None:
        log.warning(
            "%s: %s; these failures do not count toward auto-disable", plan.match_id, reason
        )
    errors = {o.model_id: _last_error(o) for o in outcomes if _primary_failed(o)}
    batch = PredictionBatch(
        match_id=plan.match_id,
        predictions=[_prediction(plan, o, o.score, now) for o in outcomes if o.score is not None],
        attempts=[_attempt(plan, o, a, now, reason) for o in outcomes for a in o.attempts],
        now=now,
        disable_after=config.health.disable_after,
        errors={
            m: f"{e[:300]} (not counted: {reason})" if reason else e for m, e in errors.items()
        },
    )
    recorded = record_batch(db, batch, quotas=_quotas)
    return recorded.inserted, recorded.disabled


def _quotas(predictions: Sequence[PredictionToScore]) -> tuple[int, int, int]:
    quotas = match_quotas(predictions)
    return quotas.home, quotas.draw, quotas.away


def _prediction(
    plan: PredictPlan, outcome: ModelOutcome, score: Score, now: datetime
) -> NewPrediction:
    return NewPrediction(
        match_id=plan.match_id,
        model_id=outcome.model_id,
        predicted_home=score.home,
        predicted_away=score.away,
        used_fallback=outcome.used_fallback,
        answered_by=outcome.answered_by,
        after_kickoff=plan.after_kickoff,
        requested_at=now,
        p_home=outcome.probabilities[0] if outcome.probabilities else None,
        p_draw=outcome.probabilities[1] if outcome.probabilities else None,
        p_away=outcome.probabilities[2] if outcome.probabilities else None,
        probability_note=outcome.probability_note,
        score_matrix=outcome.score_matrix,
    )


def _attempt(
    plan: PredictPlan, outcome: ModelOutcome, a: Attempt, now: datetime, reason: str | None
) -> NewAttempt:
    """The attempt row; an own-kind failure of the primary is marked uncounted when the match
    was at fault."""
    own_primary = not a.is_fallback and a.model_id == outcome.model_id
    uncounted = own_primary and not a.ok and a.error_class in MODEL_SPECIFIC_ERRORS
    reason = reason if uncounted else None
    return attempt_row(plan.match_id, outcome.model_id, a, now, uncounted_reason=reason)


def attempt_row(
    match_id: str | None,
    model_id: str,
    a: Attempt,
    now: datetime,
    *,
    uncounted_reason: str | None = None,
) -> NewAttempt:
    """One call as the row ``prediction_attempts`` keeps, credited to ``model_id``."""
    return NewAttempt(
        match_id=match_id,
        model_id=model_id,
        called_model_id=a.model_id,
        provider=a.provider,
        is_fallback=a.is_fallback,
        ok=a.ok,
        error_class=a.error_class,
        http_status=a.status,
        latency_ms=round(a.latency_ms, 1),
        prompt_tokens=a.prompt_tokens,
        completion_tokens=a.completion_tokens,
        reasoning_tokens=a.reasoning_tokens,
        cost_usd=a.cost_usd,
        hedged=a.hedged or None,
        created_at=now,
        uncounted_reason=uncounted_reason,
        **_evidence(a.evidence),
    )


def _evidence(evidence: Evidence | None) -> dict[str, Any]:
    """The attempt's evidence columns: the reply, its verdict, the prompt and its hash."""
    if evidence is None:
        return {}
    prompt = evidence.prompt
    lowered = lower_output(evidence.output_mode or "") if evidence.output_refused else None
    return {
        "reply_text": evidence.reply_text,
        "parse_verdict": evidence.verdict,
        "parse_reason": evidence.reason,
        "served_model": evidence.served_model,
        "request_id": evidence.request_id,
        "finish_reason": evidence.finish_reason,
        "output_mode": evidence.output_mode,
        "prompt_version": PROMPT_VERSION if prompt is not None else None,
        "prompt_sha256": prompt_sha256(prompt) if prompt is not None else None,
        "prompt_text": prompt,
        "output_lowered": lowered,
    }


def _primary_attempt(outcome: ModelOutcome) -> Attempt | None:
    """The primary's own call; ``None`` when the cooldown skipped it or a hedge cancelled it
    (nothing learned)."""
    return next(
        (a for a in outcome.attempts if not a.is_fallback and a.error_class != CANCELLED), None
    )


def _primary_failed(outcome: ModelOutcome) -> bool:
    primary = _primary_attempt(outcome)
    return primary is not None and not primary.ok


def _last_error(outcome: ModelOutcome) -> str:
    """The primary's error class, with the job's message when the model got no score.

    A fallback's success is not the primary's: its failure is recorded all the same.
    """
    primary = _primary_attempt(outcome)
    error_class = (primary.error_class if primary else None) or "error"
    message = outcome.error if outcome.score is None and outcome.error else error_class
    return f"{error_class}: {message}" if message != error_class else error_class
