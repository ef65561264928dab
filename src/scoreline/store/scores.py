"""Aggregates of scored predictions: the leaderboard's counting query.

The leaderboard is one ``GROUP BY`` over ``predictions``, which the covering index
``ix_predictions_leaderboard`` serves model by model without touching the table. Match
filters are an ``IN (SELECT id FROM matches ...)`` rather than a join: a selective filter
then reads only its matches' predictions, and no filter reads no ``matches`` row at all.
With ``with_points`` every group also carries its points per match: the match ids as one
comma-separated string and the points in the same row order, so a million predictions
travel as 50 rows instead of a million, which keeps the bootstrap's data fetch fast.
``with_probabilities`` adds the outcome probabilities per model from a second query over
the predictions that have them (with their own match ids): the first stays on the covering
index ``ix_predictions_leaderboard``, which holds no probabilities.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, cast, func, literal_column, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from scoreline.store.db import Database
from scoreline.store.predictions import is_scored
from scoreline.store.tables import Match, Model, Prediction

__all__ = [
    "PROBABILITY_SCALE",
    "LeaderboardFilters",
    "ModelTotals",
    "leaderboard_totals",
    "matching_ids",
]


@dataclass(frozen=True, slots=True)
class LeaderboardFilters:
    """Which scored predictions the leaderboard counts."""

    competition: str | None = None
    """Only matches of this competition code."""
    season: str | None = None
    """Only matches of this season."""
    since: datetime | None = None
    """Only matches kicking off at or after this moment."""
    until: datetime | None = None
    """Only matches kicking off at or before this moment."""
    include_after_kickoff: bool = False
    """Count predictions made after kick-off too."""

    def filters_matches(self) -> bool:
        """Whether a condition on ``matches`` is needed (else the join is skipped)."""
        return any(v is not None for v in (self.competition, self.season, self.since, self.until))


@dataclass(frozen=True, slots=True)
class ModelTotals:
    """One model's counts over the filtered scored predictions."""

    model_id: str
    """The original model."""
    display_name: str
    """Its name on leaderboards."""
    scored: int
    """Scored predictions counted."""
    total_points: int
    """Sum of their points."""
    tendency_hits: int
    """Predictions with the right tendency."""
    goal_diff_hits: int
    """Predictions that earned the goal-difference bonus."""
    exact_hits: int
    """Exact scores."""
    fallback_count: int
    """Predictions served by the fallback model."""
    match_ids: str | None = None
    """With ``with_points``: the match ids, comma separated."""
    points: str | list[int] | None = None
    """With ``with_points``: the points in the order of ``match_ids``, comma separated
    (SQLite) or as a list (PostgreSQL)."""
    probabilistic: int = 0
    """With ``with_probabilities``: predictions counted that carry outcome probabilities."""
    probability_ids: str | None = None
    """With ``with_probabilities``: the match ids of the probabilities, comma separated;
    None: they are in the order of ``match_ids`` (negative where a prediction has none)."""
    p_home: str | list[float] | None = None
    """Home-win probabilities in the order of ``probability_ids``: on SQLite a comma-separated
    string of integers in units of ``1 / PROBABILITY_SCALE``, on PostgreSQL floats."""
    p_draw: str | list[float] | None = None
    """Draw probabilities, as ``p_home``."""
    p_away: str | list[float] | None = None
    """Away-win probabilities, as ``p_home``."""


COMMA: ColumnClause[str] = literal_column("','")
"""The separator of ``group_concat``/``string_agg`` lists, written into the SQL: as a bound
parameter SQLite reads it again for every row, which made a 20,000-row list take twice as
long."""


def _hits(condition: Any) -> Any:
    # COUNT(*) FILTER (WHERE ...): the same on SQLite and PostgreSQL, and cheaper than
    # SUM(CASE ...) on SQLite.
    return func.count().filter(condition)


def _points_columns(session: Session) -> list[Any]:
    # No ORDER BY inside the aggregates: the order does not matter (ids travel with the
    # points), only that both aggregates see the group's rows in the SAME order, which
    # holds on both engines because one aggregation step feeds every input row to all
    # of its aggregates in turn. Ordering would cost PostgreSQL a sort per group (+40 %).
    if _is_postgresql(session):
        # An int[] is cheaper to build than text, and psycopg hands it over as a list.
        return [
            func.string_agg(Prediction.match_id, COMMA).label("match_ids"),
            func.array_agg(Prediction.points).label("points"),
        ]
    return [
        func.group_concat(Prediction.match_id, COMMA).label("match_ids"),
        func.group_concat(Prediction.points, COMMA).label("points"),
    ]


PROBABILITY_SCALE = 10**15
"""SQLite sends probabilities as integers in units of 1e-15 (truncated): integer text is
several times cheaper to build and to parse than a double's, and 1e-15 is below what any
figure shows (RPS, Brier and log loss move by less than 1e-14)."""


_SCALE: ColumnClause[Any] = literal_column(str(PROBABILITY_SCALE))
_MISSING: ColumnClause[Any] = literal_column("-1")


def _probability_query(
    session: Session,
    filters: LeaderboardFilters,
    models: Collection[str] | None,
    *,
    aligned: bool = False,
) -> Select[Any]:
    """Each model's probabilities; ``aligned``: in the order of the points query's ids
    (every counted prediction, -1 where it has none), so no id list travels again."""
    columns = (Prediction.p_home, Prediction.p_draw, Prediction.p_away)
    names = ("p_home", "p_draw", "p_away")
    if _is_postgresql(session):
        values = [func.array_agg(c).label(n) for c, n in zip(columns, names, strict=True)]
        ids = func.string_agg(Prediction.match_id, COMMA)
    else:
        values = [
            func.group_concat(func.coalesce(cast(c * _SCALE, Integer), _MISSING), COMMA).label(n)
            for c, n in zip(columns, names, strict=True)
        ]
        ids = func.group_concat(Prediction.match_id, COMMA)
    if aligned:
        probabilistic = _hits(Prediction.p_home.is_not(None)).label("probabilistic")
        return _filtered(select(Prediction.model_id, probabilistic, *values), filters, models)
    query = select(
        Prediction.model_id, func.count().label("probabilistic"), ids.label("match_ids"), *values
    )
    return _filtered(query.where(Prediction.p_home.is_not(None)), filters, models)


def _walks(session: Session, query: Select[Any], index: str) -> bool:
    """Whether SQLite answers ``query`` by walking ``index`` in its order (no sort, no
    other index): then two such queries over indexes that start alike (model_id, status,
    after_kickoff, match_id) feed every group its rows in the same order."""
    try:
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
    except Exception:  # a filter that cannot be written as a literal: take the safe way
        return False
    steps = " | ".join(str(row[-1]) for row in plan)
    return f"COVERING INDEX {index} " in steps + " " and "TEMP B-TREE" not in steps


def _filtered(
    query: Select[Any], filters: LeaderboardFilters, models: Collection[str] | None = None
) -> Select[Any]:
    query = query.where(is_scored())
    if models is not None:
        query = query.where(Prediction.model_id.in_(sorted(models)))
    if not filters.include_after_kickoff:
        query = query.where(Prediction.after_kickoff.is_(False))
    if filters.filters_matches():
        query = query.where(Prediction.match_id.in_(matching_ids(filters)))
    return query.group_by(Prediction.model_id)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def _work_mem(session: Session, size: str) -> Iterator[None]:
    """Raise PostgreSQL's ``work_mem`` for one statement, inside the caller's transaction.

    The per-model aggregates of a million predictions need ~20 MB; at the default 4 MB
    the hash aggregate spills to disk and takes half as long again.
    """
    if not _is_postgresql(session):
        yield
        return
    previous = session.execute(text("SELECT current_setting('work_mem')")).scalar_one()
    session.execute(text("SELECT set_config('work_mem', :size, true)"), {"size": size})
    try:
        yield
    finally:
        session.execute(text("SELECT set_config('work_mem', :size, true)"), {"size": previous})


def _leaderboard_query(
    session: Session,
    filters: LeaderboardFilters,
    *,
    with_points: bool,
    models: Collection[str] | None = None,
) -> Select[Any]:
    columns = [
        Prediction.model_id,
        func.count().label("scored"),
        func.coalesce(func.sum(Prediction.points), 0).label("total_points"),
        _hits(Prediction.points_tendency > 0).label("tendency_hits"),
        _hits(Prediction.points_goal_diff > 0).label("goal_diff_hits"),
        _hits(Prediction.points_exact > 0).label("exact_hits"),
        _hits(Prediction.used_fallback.is_(True)).label("fallback_count"),
    ]
    if with_points:
        columns += _points_columns(session)
    return _filtered(select(*columns), filters, models)


def matching_ids(filters: LeaderboardFilters) -> Select[Any]:
    """The ids of the matches the filters select, as a subquery."""
    matches = select(Match.id)
    if filters.competition is not None:
        matches = matches.where(Match.competition == filters.competition)
    if filters.season is not None:
        matches = matches.where(Match.season == filters.season)
    if filters.since is not None:
        matches = matches.where(Match.kickoff_at >= filters.since)
    if filters.until is not None:
        matches = matches.where(Match.kickoff_at <= filters.until)
    return matches


def leaderboard_totals(
    db: Database,
    filters: LeaderboardFilters,
    *,
    with_points: bool = False,
    with_probabilities: bool = False,
    models: Collection[str] | None = None,
) -> list[ModelTotals]:
    """Per-model counts over the filtered scored predictions, sorted by model id.

    Args:
        db: The store.
        filters: What to count.
        with_points: Also return each model's points per match (for intervals).
        with_probabilities: Also return its points and its probabilities per match.
        models: Only these models (a page or a comparison needs a few of fifty).

    Returns:
        One entry per model with at least one counted prediction.
    """
    detail = with_points or with_probabilities
    with db.session() as session:
        query = _leaderboard_query(session, filters, with_points=detail, models=models)
        with _work_mem(session, "64MB") if detail else nullcontext():
            rows = session.execute(query).all()
            probabilities = {}
            if with_probabilities and rows:
                found = session.execute(_probabilities(session, query, filters, models)).all()
                probabilities = {row.model_id: row for row in found}
        ids = [row.model_id for row in rows]
        named = select(Model.id, Model.display_name).where(Model.id.in_(ids))
        names = {model_id: name for model_id, name in session.execute(named)}
    totals = [_totals(row, names, probabilities.get(row.model_id), detail) for row in rows]
    return sorted(totals, key=lambda t: t.model_id)


def _probabilities(
    session: Session,
    points: Select[Any],
    filters: LeaderboardFilters,
    models: Collection[str] | None,
) -> Select[Any]:
    """The probability query, aligned with ``points`` where SQLite's plans show it is."""
    if _is_postgresql(session):
        return _probability_query(session, filters, models)
    aligned = _probability_query(session, filters, models, aligned=True)
    if _walks(session, points, "ix_predictions_leaderboard") and _walks(
        session, aligned, "ix_predictions_probabilities"
    ):
        return aligned
    return _probability_query(session, filters, models)


def _totals(row: Any, names: dict[str, str], probs: Any, detail: bool) -> ModelTotals:
    return ModelTotals(
        model_id=row.model_id,
        display_name=names.get(row.model_id, row.model_id),
        scored=int(row.scored),
        total_points=int(row.total_points),
        tendency_hits=int(row.tendency_hits),
        goal_diff_hits=int(row.goal_diff_hits),
        exact_hits=int(row.exact_hits),
        fallback_count=int(row.fallback_count),
        match_ids=row.match_ids if detail else None,
        points=row.points if detail else None,
        probabilistic=0 if probs is None else int(probs.probabilistic),
        probability_ids=getattr(probs, "match_ids", None),
        p_home=None if probs is None else probs.p_home,
        p_draw=None if probs is None else probs.p_draw,
        p_away=None if probs is None else probs.p_away,
    )
