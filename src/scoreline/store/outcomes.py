"""The results and stored odds of finished matches: what forecasts are scored against."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from scoreline.store.db import Database
from scoreline.store.scores import LeaderboardFilters, matching_ids
from scoreline.store.tables import Match

__all__ = ["MatchOutcome", "match_outcomes"]


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """A finished match's result and stored 1X2 decimal odds (None: unknown)."""

    match_id: str
    home_goals: int
    away_goals: int
    odds_home: float | None
    odds_draw: float | None
    odds_away: float | None


def match_outcomes(db: Database, filters: LeaderboardFilters) -> list[MatchOutcome]:
    """Finished matches with a result among the filtered ones, by id."""
    query = (
        select(
            Match.id,
            Match.home_goals,
            Match.away_goals,
            Match.odds_home,
            Match.odds_draw,
            Match.odds_away,
        )
        .where(Match.status == "finished", Match.home_goals.is_not(None))
        .where(Match.away_goals.is_not(None))
        .order_by(Match.id)
    )
    if filters.filters_matches():
        query = query.where(Match.id.in_(matching_ids(filters)))
    with db.session() as session:
        rows = session.execute(query).all()
    return [MatchOutcome(r[0], r[1] or 0, r[2] or 0, r[3], r[4], r[5]) for r in rows]
