"""The reconcile step: derive the work from the database, so nothing lost stays lost.

Every sweep enqueues a predict job for each scheduled match kicking off within the window
that lacks a prediction from an active, enabled model, and a score job for each match with
predictions to settle (finished: score or rescore a corrected result; cancelled or postponed:
void). A job
lost with a killed worker is therefore enqueued again by the next sweep; jobs are
idempotent, so enqueuing one twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scoreline.config import Config
from scoreline.store import (
    Database,
    clear_reply_texts,
    disabled_model_ids,
    due_matches,
    matches_to_score,
    predicted_model_ids,
)

__all__ = ["ReconcileReport", "reconcile", "sweep_retention"]


@dataclass
class ReconcileReport:
    """What one sweep enqueued."""

    predict: list[str] = field(default_factory=list)
    score: list[str] = field(default_factory=list)


def reconcile(
    db: Database,
    config: Config,
    *,
    now: datetime,
    enqueue_predict: Callable[[str], object],
    enqueue_score: Callable[[str], object],
) -> ReconcileReport:
    """Enqueue the predict and score jobs the database says are missing."""
    report = ReconcileReport()
    wanted = {m.id for m in config.active_models()}
    window = timedelta(minutes=config.schedule.predict_window_min)
    wanted -= disabled_model_ids(db)
    for match in due_matches(db, now=now, window=window):
        if wanted - predicted_model_ids(db, match.id):
            report.predict.append(match.id)
    report.score = matches_to_score(db)
    for match_id in report.predict:
        enqueue_predict(match_id)
    for match_id in report.score:
        enqueue_score(match_id)
    return report


def sweep_retention(db: Database, config: Config, *, now: datetime) -> int:
    """Clear reply texts older than ``[retention] attempt_text_days``; rows and counts stay.

    Returns:
        How many texts were cleared.
    """
    before = now - timedelta(days=config.retention.attempt_text_days)
    return clear_reply_texts(db, before=before)
