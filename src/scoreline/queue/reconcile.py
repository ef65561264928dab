"""The reconcile step: derive the work from the database, so nothing lost stays lost.

Every sweep enqueues a predict job for each scheduled match kicking off within the window
that lacks a prediction from an active, enabled model, and a score job for each match with
predictions to settle (finished: score or rescore a corrected result; cancelled or postponed:
void). A job
lost with a killed worker is therefore enqueued again by the next sweep; jobs are
idempotent, so enqueuing one twice is harmless.

While the budget is closed, a match whose job already ran the free models and skipped the
paid ones for the budget is held, not enqueued at every sweep only to skip them again
(``predict.budget.held_by_budget``); it is enqueued again once the budget reopens, if it
has not kicked off by then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scoreline.config import Config
from scoreline.store import (
    Database,
    PeriodSpend,
    clear_reply_texts,
    disabled_model_ids,
    due_matches,
    matches_to_score,
    period_spend,
    predicted_model_ids,
)

__all__ = ["ReconcileReport", "reconcile", "sweep_retention"]


@dataclass
class ReconcileReport:
    """What one sweep enqueued."""

    predict: list[str] = field(default_factory=list)
    score: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    """Matches missing only paid models the closed budget would skip again."""


class _BudgetHold:
    """The budget rule for one sweep: the period's spend read once, the pipeline's budget
    module loaded only when a limit is set (an idle worker loads no pipeline)."""

    def __init__(self, db: Database, config: Config, now: datetime) -> None:
        self.db, self.config, self.now = db, config, now
        budget = config.budget
        self.limited = budget.daily_usd is not None or budget.monthly_usd is not None
        self._spend: PeriodSpend | None = None

    def held(self, match_id: str, missing: set[str]) -> set[str]:
        """The missing models the budget would skip again (none without a limit)."""
        if not self.limited:
            return set()
        from scoreline.predict.budget import held_by_budget

        if self._spend is None:
            self._spend = period_spend(self.db, self.now)
        return held_by_budget(self.db, self.config, match_id, sorted(missing), self._spend)


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
    hold = _BudgetHold(db, config, now)
    for match in due_matches(db, now=now, window=window):
        missing = wanted - predicted_model_ids(db, match.id)
        if not missing:
            continue
        if missing - hold.held(match.id, missing):
            report.predict.append(match.id)
        else:
            report.held.append(match.id)
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
