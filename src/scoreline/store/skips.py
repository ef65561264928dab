"""Models left out of a match's job on purpose, and why (``prediction_skips``).

A skip is not a failure: it changes no model's health. ``budget`` is the reason the predict
job writes when the budget would be crossed; one row per match, model and reason, however
many jobs of the match skip it, so coverage can tell a skip from a miss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from scoreline.store.db import Database
from scoreline.store.operation_tables import PredictionSkip

__all__ = ["SkipRow", "list_skips", "record_skips"]


@dataclass(frozen=True)
class SkipRow:
    """One model left out of one match's job."""

    match_id: str
    model_id: str
    reason: str
    at: datetime
    """When it was first skipped for this reason."""


def record_skips(
    db: Database, match_id: str, model_ids: Iterable[str], *, reason: str, at: datetime
) -> int:
    """Record that these models were skipped for the match; a repeated skip is kept once.

    Returns:
        How many rows were new.
    """
    rows = [
        {"match_id": match_id, "model_id": m, "reason": reason, "at": at}
        for m in sorted(set(model_ids))
    ]
    if not rows:
        return 0
    module: Any = postgresql if db.dialect == "postgresql" else sqlite
    statement = (
        module.insert(PredictionSkip)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["match_id", "model_id", "reason"])
        .returning(PredictionSkip.id)
    )
    with db.session() as session:
        return len(session.execute(statement).all())


def list_skips(
    db: Database,
    *,
    match_id: str | None = None,
    reason: str | None = None,
    since: datetime | None = None,
) -> list[SkipRow]:
    """The recorded skips, oldest first (of one match, one reason, from ``since`` on)."""
    query = select(PredictionSkip).order_by(PredictionSkip.at, PredictionSkip.id)
    if match_id is not None:
        query = query.where(PredictionSkip.match_id == match_id)
    if reason is not None:
        query = query.where(PredictionSkip.reason == reason)
    if since is not None:
        query = query.where(PredictionSkip.at >= since)
    with db.session() as session:
        return [SkipRow(s.match_id, s.model_id, s.reason, s.at) for s in session.scalars(query)]
