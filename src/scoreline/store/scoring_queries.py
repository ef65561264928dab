"""Queries of the score job and the leaderboard (used by ``scoreline.scoring``).

Not exported from ``scoreline.store``: import this module by path. Like every store query
these take a caller's session and never commit, so the score job writes a whole match in
one transaction.

The leaderboard is one ``GROUP BY`` over ``predictions``, which the covering index
``ix_predictions_leaderboard`` serves model by model without touching the table. Match
filters are an ``IN (SELECT id FROM matches ...)`` rather than a join: a selective filter
then reads only its matches' predictions, and no filter reads no ``matches`` row at all.
With ``with_points`` every group also carries its points per match: the match ids as one
comma-separated string and the points in the same row order, so a million predictions
travel as 50 rows instead of a million, which keeps the bootstrap's data fetch fast.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from scoreline.store.db import rowcount
from scoreline.store.tables import Match, Model, Prediction

__all__ = [
    "VOIDING_STATUSES",
    "LeaderboardFilters",
    "ModelTotals",
    "PredictionToScore",
    "leaderboard_totals",
    "matches_to_score",
    "predictions_to_score",
    "unscore_predictions",
    "void_predictions",
    "write_points",
]

VOIDING_STATUSES = ("cancelled", "postponed")
"""Match statuses that void the match's predictions."""


@dataclass(frozen=True, slots=True)
class PredictionToScore:
    """A prediction as the score job sees it: the score and what is stored now."""

    id: int
    """Primary key."""
    predicted_home: int
    """Predicted home goals."""
    predicted_away: int
    """Predicted away goals."""
    predicted_result: str
    """Tendency letter (``H``/``D``/``A``), for the quotas."""
    status: str
    """``pending``, ``scored`` or ``void``."""
    after_kickoff: bool
    """Made after kick-off (on request)."""
    points: tuple[int | None, int | None, int | None, int | None]
    """Stored ``(points, tendency, goal_diff, exact)``; NULLs until scored."""
    scored_at: datetime | None
    """When it was last scored."""


def predictions_to_score(session: Session, match_id: str) -> list[PredictionToScore]:
    """Every prediction of the match, void ones included (the caller skips them)."""
    query = (
        select(
            Prediction.id,
            Prediction.predicted_home,
            Prediction.predicted_away,
            Prediction.predicted_result,
            Prediction.status,
            Prediction.after_kickoff,
            Prediction.points,
            Prediction.points_tendency,
            Prediction.points_goal_diff,
            Prediction.points_exact,
            Prediction.scored_at,
        )
        .where(Prediction.match_id == match_id)
        .order_by(Prediction.id)
    )
    return [
        PredictionToScore(
            id=row.id,
            predicted_home=row.predicted_home,
            predicted_away=row.predicted_away,
            predicted_result=row.predicted_result,
            status=row.status,
            after_kickoff=bool(row.after_kickoff),
            points=(row.points, row.points_tendency, row.points_goal_diff, row.points_exact),
            scored_at=row.scored_at,
        )
        for row in session.execute(query)
    ]


def write_points(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Store points by primary key: one executemany ``UPDATE``.

    Args:
        session: Open session.
        rows: Dicts with ``id`` and the columns to set (the same keys in every dict).

    Returns:
        How many rows were written.
    """
    if rows:
        session.execute(update(Prediction), list(rows))
    return len(rows)


def _clear_points(status: str, *, scored_at: datetime | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "points": None,
        "points_tendency": None,
        "points_goal_diff": None,
        "points_exact": None,
        "scored_at": scored_at,
    }


def void_predictions(session: Session, match_id: str, *, now: datetime) -> int:
    """Void every prediction of the match that is not void yet (points back to NULL).

    Returns:
        How many predictions were voided.
    """
    statement = (
        update(Prediction)
        .where(Prediction.match_id == match_id, Prediction.status != "void")
        .values(**_clear_points("void", scored_at=now))
        .execution_options(synchronize_session=False)
    )
    return rowcount(session.execute(statement))


def unscore_predictions(session: Session, match_id: str) -> int:
    """Put scored predictions of a match back to pending (its result was withdrawn).

    Returns:
        How many predictions went back to pending.
    """
    statement = (
        update(Prediction)
        .where(Prediction.match_id == match_id, Prediction.status == "scored")
        .values(**_clear_points("pending"))
        .execution_options(synchronize_session=False)
    )
    return rowcount(session.execute(statement))


def matches_to_score(session: Session) -> list[str]:
    """Ids of the matches the score job has work on, sorted.

    * finished with a result and a pending prediction (score it);
    * finished, with a prediction scored before the match row last changed (a corrected
      result that nobody rescored: check it again);
    * cancelled or postponed with a prediction not yet void (void it).
    """
    finished = and_(
        Match.status == "finished",
        Match.home_goals.is_not(None),
        Match.away_goals.is_not(None),
    )
    needs_work = or_(
        and_(finished, Prediction.status == "pending"),
        and_(finished, Prediction.status == "scored", Prediction.scored_at < Match.updated_at),
        and_(Match.status.in_(VOIDING_STATUSES), Prediction.status != "void"),
    )
    query = (
        select(Match.id)
        .join(Prediction, Prediction.match_id == Match.id)
        .where(needs_work)
        .distinct()
        .order_by(Match.id)
    )
    return list(session.scalars(query))


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
            func.string_agg(Prediction.match_id, literal_column("','")).label("match_ids"),
            func.array_agg(Prediction.points).label("points"),
        ]
    return [
        func.group_concat(Prediction.match_id, ",").label("match_ids"),
        func.group_concat(Prediction.points, ",").label("points"),
    ]


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
    session: Session, filters: LeaderboardFilters, *, with_points: bool
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
    query = select(*columns).where(Prediction.status == "scored")
    if not filters.include_after_kickoff:
        query = query.where(Prediction.after_kickoff.is_(False))
    if filters.filters_matches():
        query = query.where(Prediction.match_id.in_(_matching_ids(filters)))
    return query.group_by(Prediction.model_id)


def _matching_ids(filters: LeaderboardFilters) -> Select[Any]:
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
    session: Session, filters: LeaderboardFilters, *, with_points: bool = False
) -> list[ModelTotals]:
    """Per-model counts over the filtered scored predictions, sorted by model id.

    Args:
        session: Open session.
        filters: What to count.
        with_points: Also return each model's points per match (for intervals).

    Returns:
        One entry per model with at least one counted prediction.
    """
    query = _leaderboard_query(session, filters, with_points=with_points)
    with _work_mem(session, "64MB") if with_points else nullcontext():
        rows = session.execute(query).all()
    ids = [row.model_id for row in rows]
    names = {
        model.id: model.display_name
        for model in session.execute(select(Model.id, Model.display_name).where(Model.id.in_(ids)))
    }
    totals = [
        ModelTotals(
            model_id=row.model_id,
            display_name=names.get(row.model_id, row.model_id),
            scored=int(row.scored),
            total_points=int(row.total_points),
            tendency_hits=int(row.tendency_hits),
            goal_diff_hits=int(row.goal_diff_hits),
            exact_hits=int(row.exact_hits),
            fallback_count=int(row.fallback_count),
            match_ids=row.match_ids if with_points else None,
            points=row.points if with_points else None,
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: t.model_id)
