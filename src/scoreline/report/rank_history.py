"""Each model's rank after each of the last matchdays: the leaderboard's sparklines.

The rank is the leaderboard's default one — by average points per counted prediction,
cumulative up to and including the day, ties sharing the better rank — among the models
with at least one counted prediction by then. A model not yet ranked on a day has ``None``.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import repeat

import numpy as np
from numpy.typing import NDArray

from scoreline.report.model_days import match_groups
from scoreline.scoring.forecast_matrix import parse_numbers
from scoreline.store import Database, ModelTotals, leaderboard_totals
from scoreline.store.rank_history import DayTotals, RankHistory, rank_history_totals
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
    history = _history(db, filters, days)
    return fold(rank_history_totals(db, filters, days=days) if history is None else history)


def _per_day(
    db: Database, totals: list[ModelTotals]
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] | None:
    """Each model's counted predictions and points per calendar day; None if a model's
    lists do not line up (then the grouped reads answer)."""
    groups = match_groups(db)
    size = len(groups.days)
    where_of: dict[str, NDArray[np.intp]] = {}
    found = {}
    for entry in totals:
        key = entry.match_ids or ""
        if key not in where_of:  # models with the same matches share one parse
            ids = key.split(",") if key else []
            where_of[key] = np.fromiter(map(groups.column.get, ids, repeat(-1)), np.intp, len(ids))
        where, points = where_of[key], parse_numbers(entry.points)
        if len(points) != len(where) or (where < 0).any():
            return None
        day = groups.day[where]
        counts = np.bincount(day, minlength=size)
        found[entry.model_id] = (counts, np.bincount(day, points, size).astype(np.int64))
    return found


def _history(db: Database, filters: LeaderboardFilters, days: int) -> RankHistory | None:
    """``store.rank_history_totals`` from the models' point lists and the cached calendar:
    one pass over the covering index instead of two grouped joins with ``matches``."""
    if days <= 0:
        return None
    totals = leaderboard_totals(db, filters, with_points=True)
    per_day = _per_day(db, totals)
    if per_day is None:
        return None
    if not per_day:
        return RankHistory((), {}, ())
    calendar = match_groups(db).days
    played = np.flatnonzero(sum(counts for counts, _ in per_day.values()))
    window = played[-days:]
    if not len(window):
        return RankHistory((), {}, ())
    first = int(window[0])
    before = {m: (int(n[:first].sum()), int(p[:first].sum())) for m, (n, p) in per_day.items()}
    rows = [
        DayTotals(m, calendar[d], int(n[d]), int(p[d]))
        for m, (n, p) in per_day.items()
        for d in window
        if n[d]
    ]
    found = tuple(calendar[d] for d in window)
    return RankHistory(found, {m: v for m, v in before.items() if v[0]}, tuple(rows))
