"""Each model's rank after each of the last matchdays: the leaderboard's sparklines.

The rank is the leaderboard's default one — by average points per counted prediction,
cumulative up to and including the day, ties sharing the better rank — among the models
with at least one counted prediction by then. A model not yet ranked on a day has ``None``.
"""

from __future__ import annotations

from datetime import date, datetime

from scoreline.store import Database
from scoreline.store.rank_history import RankHistory, rank_history_totals
from scoreline.store.scores import LeaderboardFilters

__all__ = ["RankTrail", "rank_trails"]

RankTrail = list[int | None]


def _ranks(totals: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) by average points."""
    averages = {m: p / n for m, (n, p) in totals.items() if n}
    ordered = sorted(averages.values(), reverse=True)
    return {m: ordered.index(avg) + 1 for m, avg in averages.items()}


def fold(history: RankHistory) -> tuple[tuple[date, ...], dict[str, RankTrail]]:
    """The days and each model's rank after each of them."""
    running = dict(history.before)
    by_day: dict[date, list[tuple[str, int, int]]] = {}
    for row in history.per_day:
        by_day.setdefault(row.day, []).append((row.model_id, row.scored, row.points))
    trails: dict[str, RankTrail] = {}
    for index, day in enumerate(history.days):
        for model_id, scored, points in by_day.get(day, []):
            n, p = running.get(model_id, (0, 0))
            running[model_id] = (n + scored, p + points)
        ranks = _ranks(running)
        for model_id in running:
            trails.setdefault(model_id, [None] * len(history.days))[index] = ranks.get(model_id)
    return history.days, trails


def rank_trails(
    db: Database,
    *,
    competition: str | None = None,
    season: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_after_kickoff: bool = False,
    days: int = 8,
) -> tuple[tuple[date, ...], dict[str, RankTrail]]:
    """The last ``days`` kick-off days the filters select and each model's rank after each."""
    filters = LeaderboardFilters(competition, season, since, until, include_after_kickoff)
    return fold(rank_history_totals(db, filters, days=days))
