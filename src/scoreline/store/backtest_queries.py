"""Queries of the backtest (``scoreline.backtest``): which replayed matches are done, and
revealing a result when the replay clock passes the final whistle.

Not exported from ``scoreline.store``: import this module by path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from scoreline.store.tables import Match, Prediction

__all__ = ["Reveal", "match_states", "reveal_results"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Reveal:
    """A result to make known."""

    match_id: str
    """The match."""
    home_goals: int
    """Final home goals."""
    away_goals: int
    """Final away goals."""
    revealed_at: datetime
    """When the result became known (stored as the match's ``updated_at``)."""


def match_states(session: Session, match_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
    """Status and number of predictions of each stored match among ``match_ids``."""
    states: dict[str, tuple[str, int]] = {}
    for start in range(0, len(match_ids), _CHUNK):
        chunk = list(match_ids[start : start + _CHUNK])
        counts = (
            select(Prediction.match_id, func.count().label("n"))
            .where(Prediction.match_id.in_(chunk))
            .group_by(Prediction.match_id)
            .subquery()
        )
        query = (
            select(Match.id, Match.status, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.match_id == Match.id)
            .where(Match.id.in_(chunk))
        )
        states.update({row[0]: (row[1], int(row[2])) for row in session.execute(query)})
    return states


def reveal_results(session: Session, reveals: Sequence[Reveal]) -> int:
    """Mark matches finished with their goals, as a results import would have done.

    Returns:
        How many matches were updated.
    """
    rows = [
        {
            "id": r.match_id,
            "status": "finished",
            "home_goals": r.home_goals,
            "away_goals": r.away_goals,
            "updated_at": r.revealed_at,
        }
        for r in reveals
    ]
    if rows:
        session.execute(update(Match), rows)
    return len(rows)
