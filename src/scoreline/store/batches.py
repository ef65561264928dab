"""A batch of predictions of one match: what it needs from the store, and recording it.

Both are one short transaction. Reading gives the match, the models that already predicted
it, the models cooling down or disabled and the results known before kick-off. Recording
writes the predictions (``ON CONFLICT DO NOTHING``), one attempt row per provider call, the
health the calls imply and the match's quotas recomputed from all of its predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scoreline.config import CooldownConfig
from scoreline.store.attempts import NewAttempt, add_attempts
from scoreline.store.db import Database
from scoreline.store.matches import StoredMatch, results_before, stored_match, write_quotas
from scoreline.store.models import (
    ModelRow,
    cooling_models,
    disabled_models,
    update_health,
    write_catalog,
)
from scoreline.store.predictions import (
    NewPrediction,
    PredictionToScore,
    add_predictions,
    done_model_ids,
    predictions_to_score,
)
from scoreline.store.tables import Match

__all__ = [
    "BatchInputs",
    "BatchRecord",
    "PredictionBatch",
    "QuotaRule",
    "read_batch_inputs",
    "record_batch",
]

QuotaRule = Callable[[Sequence[PredictionToScore]], tuple[int, int, int]]
"""The quotas ``(home, draw, away)`` of a match from its predictions (``scoring`` owns it)."""


@dataclass(frozen=True)
class BatchInputs:
    """What a predict job reads before calling any model."""

    match: StoredMatch
    """The match."""
    done: frozenset[str]
    """Models that already predicted it."""
    cooling: frozenset[str]
    """Models whose primary is cooling down now (calls go to the fallback)."""
    disabled: frozenset[str]
    """Auto-disabled models."""
    history: tuple[StoredMatch, ...]
    """Finished matches of the competition that kicked off before it, by kick-off."""


def read_batch_inputs(
    db: Database,
    match_id: str,
    *,
    catalog: Sequence[ModelRow],
    now: datetime,
    cooldown: CooldownConfig | None = None,
) -> BatchInputs | None:
    """Sync the catalog and read what a predict job of the match needs, in one transaction.

    Args:
        db: The store.
        match_id: The match.
        catalog: The configured models, written first so health rows exist for them.
        now: Current time, aware UTC (for the cooldowns).
        cooldown: The cooldown rule (``config.cooldown``); its defaults when omitted.

    Returns:
        The inputs, or ``None`` when the match is unknown.
    """
    with db.session() as session:
        match = session.get(Match, match_id)
        if match is None:
            return None
        write_catalog(session, catalog)
        return BatchInputs(
            match=stored_match(match),
            done=frozenset(done_model_ids(session, match_id)),
            cooling=frozenset(cooling_models(session, now=now, cooldown=cooldown)),
            disabled=frozenset(disabled_models(session)),
            history=tuple(results_before(session, match.competition, match.kickoff_at)),
        )


@dataclass(frozen=True)
class PredictionBatch:
    """Everything one predict job learned about one match."""

    match_id: str
    """The match."""
    predictions: Sequence[NewPrediction]
    """The scores obtained."""
    attempts: Sequence[NewAttempt]
    """Every provider call made, fallback calls included."""
    now: datetime
    """When the job ran, aware UTC (the health timestamps)."""
    disable_after: int
    """Own failures in a row that auto-disable a model (``config.health``)."""
    errors: Mapping[str, str] = field(default_factory=dict)
    """``last_error`` text of each model whose primary call failed."""


@dataclass(frozen=True)
class BatchRecord:
    """What recording a batch did."""

    inserted: int
    """Predictions inserted (a concurrent duplicate job may have stored some first)."""
    disabled: list[str]
    """Models this batch auto-disabled, sorted."""


def record_batch(db: Database, batch: PredictionBatch, *, quotas: QuotaRule) -> BatchRecord:
    """Record a predict job's batch in one transaction.

    Args:
        db: The store.
        batch: The predictions, the calls and their errors.
        quotas: The quota rule, applied to all of the match's predictions after the insert.

    Returns:
        How many predictions were inserted and which models were disabled.

    Raises:
        UnknownMatchError: No match with this id.
    """
    with db.session() as session:
        inserted = add_predictions(session, batch.predictions)
        add_attempts(session, batch.attempts)
        disabled = update_health(
            session,
            batch.attempts,
            batch.errors,
            disable_after=batch.disable_after,
            now=batch.now,
        )
        write_quotas(session, batch.match_id, quotas(predictions_to_score(session, batch.match_id)))
    return BatchRecord(inserted=inserted, disabled=disabled)
