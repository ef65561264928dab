"""The results and stored odds of finished matches: what forecasts are scored against."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, cast, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from scoreline.store.db import Database
from scoreline.store.scores import COMMA, PROBABILITY_SCALE, LeaderboardFilters, matching_ids
from scoreline.store.tables import Match, Prediction

__all__ = [
    "FinishedResults",
    "MatchOutcome",
    "ModelForecasts",
    "finished_results",
    "match_outcomes",
    "model_forecasts",
]


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """A finished match's result and stored 1X2 decimal odds (None: unknown)."""

    match_id: str
    home_goals: int
    away_goals: int
    odds_home: float | None
    odds_draw: float | None
    odds_away: float | None


def _finished() -> Any:
    return and_(
        Match.status == "finished", Match.home_goals.is_not(None), Match.away_goals.is_not(None)
    )


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
        .where(_finished())
        .order_by(Match.id)
    )
    if filters.filters_matches():
        query = query.where(Match.id.in_(matching_ids(filters)))
    with db.session() as session:
        rows = session.execute(query).all()
    return [MatchOutcome(r[0], r[1] or 0, r[2] or 0, r[3], r[4], r[5]) for r in rows]


@dataclass(frozen=True, slots=True)
class ModelForecasts:
    """One model's counted outcome probabilities, in the order of ``match_ids``.

    On SQLite comma-separated strings (the probabilities as integers in units of
    ``1 / PROBABILITY_SCALE``), on PostgreSQL lists.
    """

    count: int
    """Counted predictions with probabilities."""
    match_ids: str | list[str] | None
    p_home: str | list[float] | None
    p_draw: str | list[float] | None
    p_away: str | list[float] | None


@dataclass(frozen=True, slots=True)
class FinishedResults:
    """The results of the filtered finished matches, in the order of ``match_ids``
    (comma-separated strings on SQLite, lists on PostgreSQL)."""

    match_ids: str | list[str] | None
    home_goals: str | list[int] | None
    away_goals: str | list[int] | None


def _concat(postgresql: bool, column: Any, order: Any) -> Any:
    if postgresql:
        return func.array_agg(aggregate_order_by(column, order))
    return func.group_concat(column, COMMA)


def model_forecasts(db: Database, model_id: str, filters: LeaderboardFilters) -> ModelForecasts:
    """A model's counted predictions that carry outcome probabilities, as one row.

    Its own rows of ``ix_predictions_probabilities`` only, and no join: SQLite would drive
    a join from ``matches`` and probe the index once per match.
    """
    with db.session() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        values: list[Any] = [Prediction.p_home, Prediction.p_draw, Prediction.p_away]
        if not postgresql:
            values = [cast(c * PROBABILITY_SCALE, Integer) for c in values]
        ids = _concat(postgresql, Prediction.match_id, Prediction.match_id)
        query = select(
            func.count(), ids, *(_concat(postgresql, c, Prediction.match_id) for c in values)
        ).where(Prediction.model_id == model_id, Prediction.p_home.is_not(None))
        query = query.where(Prediction.status == "scored")
        if not filters.include_after_kickoff:
            query = query.where(Prediction.after_kickoff.is_(False))
        if filters.filters_matches():
            query = query.where(Prediction.match_id.in_(matching_ids(filters)))
        row = session.execute(query).one()
    return ModelForecasts(int(row[0]), *row[1:])


def finished_results(db: Database, filters: LeaderboardFilters) -> FinishedResults:
    """Every filtered finished match's result, as one row."""
    columns = (Match.id, Match.home_goals, Match.away_goals)
    with db.session() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        query = select(*(_concat(postgresql, c, Match.id) for c in columns)).where(_finished())
        if filters.filters_matches():
            query = query.where(Match.id.in_(matching_ids(filters)))
        row = session.execute(query).one()
    return FinishedResults(*row)
