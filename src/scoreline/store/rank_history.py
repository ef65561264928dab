"""Each model's counted points per kick-off day, for the leaderboard's rank sparklines.

Two grouped reads over the leaderboard's own filters: the totals before the last ``days``
kick-off days, and the totals of each of those days. A caller folds them into a rank after
each day without reading a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoreline.store.calendar import kickoff_day
from scoreline.store.db import Database
from scoreline.store.scores import LeaderboardFilters, matching_ids
from scoreline.store.tables import Match, Prediction

__all__ = ["DayTotals", "RankHistory", "rank_history_totals"]


@dataclass(frozen=True, slots=True)
class DayTotals:
    """One model's counted predictions and points on one kick-off day."""

    model_id: str
    day: date
    scored: int
    points: int


@dataclass(frozen=True, slots=True)
class RankHistory:
    """What the sparklines are folded from."""

    days: tuple[date, ...]
    """The last kick-off days with counted predictions, oldest first."""
    before: dict[str, tuple[int, int]]
    """Per model: (scored, points) before the first of ``days``."""
    per_day: tuple[DayTotals, ...]


def _day(session: Session) -> Any:
    return kickoff_day(session.get_bind().dialect.name)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _counted(filters: LeaderboardFilters) -> list[Any]:
    conditions = [Prediction.status == "scored", Prediction.match_id.in_(matching_ids(filters))]
    if not filters.include_after_kickoff:
        conditions.append(Prediction.after_kickoff.is_(False))
    return conditions


def rank_history_totals(db: Database, filters: LeaderboardFilters, *, days: int = 8) -> RankHistory:
    """The totals before, and on each of, the last ``days`` kick-off days the filters select."""
    with db.session() as session:
        day = _day(session).label("day")
        counted = _counted(filters)
        recent = (
            select(day)
            .select_from(Prediction)
            .join(Match, Match.id == Prediction.match_id)
            .where(*counted)
            .group_by(day)
            .order_by(day.desc())
            .limit(days)
        )
        found = sorted(_as_date(d) for d in session.scalars(recent))
        if not found:
            return RankHistory((), {}, ())
        joined = (
            select(Prediction.model_id, func.count(), func.coalesce(func.sum(Prediction.points), 0))
            .join(Match, Match.id == Prediction.match_id)
            .where(*counted)
        )
        earlier = joined.where(_day(session) < found[0]).group_by(Prediction.model_id)
        before = {m: (int(n or 0), int(p or 0)) for m, n, p in session.execute(earlier)}
        window = (
            joined.add_columns(day)
            .where(_day(session) >= found[0])
            .group_by(Prediction.model_id, day)
        )
        per_day = tuple(
            DayTotals(m, _as_date(d), int(n), int(p)) for m, n, p, d in session.execute(window)
        )
    return RankHistory(tuple(found), before, per_day)
