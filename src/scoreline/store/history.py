"""A model's record for the public site: points by day and competition, cost, recent rows.

Read-only aggregates over ``predictions`` (served by ``ix_predictions_leaderboard``, which
starts with ``model_id``), ``prediction_attempts`` and ``matches``. Only predictions made
before kick-off count, as on the leaderboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from scoreline.store.calendar import kickoff_day
from scoreline.store.db import Database
from scoreline.store.scores import COMMA
from scoreline.store.tables import Match, Model, Prediction, PredictionAttempt

__all__ = [
    "CompetitionRecord",
    "DayPoints",
    "HeadToHead",
    "ModelBreakdown",
    "ModelPrediction",
    "ModelUsage",
    "PairedPrediction",
    "head_to_head",
    "latest_predictions",
    "model_breakdown",
    "model_competitions",
    "model_days",
    "model_usage",
]


@dataclass(frozen=True, slots=True)
class DayPoints:
    """A model's scored predictions of matches kicking off on one UTC day."""

    day: date
    """The kick-off day (UTC)."""
    scored: int
    """Scored predictions that day."""
    points: int
    """Their points."""


@dataclass(frozen=True, slots=True)
class CompetitionRecord:
    """A model's record in one competition and season."""

    competition: str
    """Competition code."""
    competition_name: str | None
    """Its name, when the data gives one."""
    season: str
    """Season, e.g. ``2024-25``."""
    scored: int
    """Scored predictions."""
    points: int
    """Their points."""
    tendency_hits: int
    """Scored predictions with the right tendency."""
    exact_hits: int
    """Scored predictions with the exact score."""


@dataclass(frozen=True, slots=True)
class ModelBreakdown:
    """A model's scored record by day and by competition."""

    days: tuple[DayPoints, ...]
    """Points per UTC kick-off day, oldest first."""
    competitions: tuple[CompetitionRecord, ...]
    """Record per competition and season, newest season first."""


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """How a model's predictions were served and what its calls cost."""

    predictions: int
    """Stored predictions (any status)."""
    fallbacks: int
    """Of those, served by the fallback."""
    calls: int
    """Provider calls made for the model (primary and fallback)."""
    priced_calls: int
    """Calls that reported their tokens (the cost covers these only)."""
    cost_usd: float
    """Tokens of the priced calls times the called model's prices."""


@dataclass(frozen=True, slots=True)
class ModelPrediction:
    """One of a model's predictions with its match."""

    match_id: str
    competition: str
    kickoff_at: datetime
    home_team: str
    away_team: str
    match_status: str
    home_goals: int | None
    away_goals: int | None
    predicted_home: int
    predicted_away: int
    used_fallback: bool
    status: str
    """Prediction status: pending, scored or void."""
    points: int | None


@dataclass(frozen=True, slots=True)
class PairedPrediction:
    """Two models' scored predictions of the same finished match."""

    match_id: str
    kickoff_at: datetime
    competition: str
    home_team: str
    away_team: str
    home_goals: int
    away_goals: int
    a_home: int
    a_away: int
    a_points: int
    b_home: int
    b_away: int
    b_points: int


@dataclass(frozen=True, slots=True)
class HeadToHead:
    """Two models' points on their common scored matches, and the latest where they differ."""

    a: tuple[int, ...]
    """The first model's points, one per common match."""
    b: tuple[int, ...]
    """The second model's points on the same matches, in the same order."""
    differing: tuple[PairedPrediction, ...]
    """The latest common matches where their points differ, newest kick-off first."""


def _counted(model_id: str) -> Any:
    return and_(
        Prediction.model_id == model_id,
        Prediction.status == "scored",
        Prediction.after_kickoff.is_(False),
    )


def _day(session: Session) -> Any:
    return kickoff_day(session.get_bind().dialect.name)


def _hits(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _breakdown(session: Session, model_id: str) -> list[tuple[Any, ...]]:
    """Counted predictions grouped by competition, season and UTC kick-off day: one pass
    that both the per-day and the per-competition views fold."""
    day = _day(session).label("day")
    query = (
        select(
            Match.competition,
            func.max(Match.competition_name),
            Match.season,
            day,
            func.count(),
            func.coalesce(func.sum(Prediction.points), 0),
            _hits(Prediction.points_tendency > 0),
            _hits(Prediction.points_exact > 0),
        )
        .join(Match, Match.id == Prediction.match_id)
        .where(_counted(model_id))
        .group_by(Match.competition, Match.season, day)
    )
    return [tuple(row) for row in session.execute(query)]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _days(rows: list[tuple[Any, ...]]) -> list[DayPoints]:
    by_day: dict[date, list[int]] = {}
    for _c, _name, _s, day, n, points, _t, _e in rows:
        total = by_day.setdefault(_as_date(day), [0, 0])
        total[0] += int(n)
        total[1] += int(points)
    return [DayPoints(d, n, p) for d, (n, p) in sorted(by_day.items())]


def _competitions(rows: list[tuple[Any, ...]]) -> list[CompetitionRecord]:
    found: dict[tuple[str, str], list[Any]] = {}
    for code, name, season, _day, n, points, tendency, exact in rows:
        total = found.setdefault((code, season), [name, 0, 0, 0, 0])
        total[0] = total[0] or name
        for i, value in enumerate((n, points, tendency, exact), start=1):
            total[i] += int(value)
    ordered = sorted(found.items(), key=lambda item: item[0][0])  # by code, then
    ordered.sort(key=lambda item: item[0][1], reverse=True)  # newest season first (stable)
    return [CompetitionRecord(c, t[0], s, t[1], t[2], t[3], t[4]) for (c, s), t in ordered]


def model_breakdown(db: Database, model_id: str) -> ModelBreakdown:
    """A model's scored record per kick-off day and per competition, from one query.

    Args:
        db: The store.
        model_id: The model.
    """
    with db.session() as session:
        rows = _breakdown(session, model_id)
    return ModelBreakdown(tuple(_days(rows)), tuple(_competitions(rows)))


def model_days(db: Database, model_id: str) -> list[DayPoints]:
    """A model's scored points per kick-off day, oldest first.

    Args:
        db: The store.
        model_id: The model.
    """
    return list(model_breakdown(db, model_id).days)


def model_competitions(db: Database, model_id: str) -> list[CompetitionRecord]:
    """A model's scored record per competition and season, newest season first.

    Args:
        db: The store.
        model_id: The model.
    """
    return list(model_breakdown(db, model_id).competitions)


def model_usage(db: Database, model_id: str) -> ModelUsage:
    """Predictions, fallback share and the cost of every call made for a model.

    Args:
        db: The store.
        model_id: The model (the original one: calls to its fallback count for it).
    """
    called = aliased(Model)
    priced = and_(
        PredictionAttempt.prompt_tokens.is_not(None),
        PredictionAttempt.completion_tokens.is_not(None),
    )
    cost = (
        PredictionAttempt.prompt_tokens * called.price_prompt_per_1m
        + PredictionAttempt.completion_tokens * called.price_completion_per_1m
    ) / 1_000_000
    calls = (
        select(func.count(), _hits(priced), func.coalesce(func.sum(cost), 0.0))
        .select_from(PredictionAttempt)
        .outerjoin(called, called.id == PredictionAttempt.called_model_id)
        .where(PredictionAttempt.model_id == model_id)
    )
    stored = select(func.count(), _hits(Prediction.used_fallback.is_(True))).where(
        Prediction.model_id == model_id
    )
    with db.session() as session:
        n_calls, n_priced, usd = session.execute(calls).one()
        n_predictions, n_fallbacks = session.execute(stored).one()
    return ModelUsage(int(n_predictions), int(n_fallbacks), int(n_calls), int(n_priced), float(usd))


def latest_predictions(db: Database, model_id: str, *, limit: int = 20) -> list[ModelPrediction]:
    """A model's latest predictions by kick-off, newest first.

    Args:
        db: The store.
        model_id: The model.
        limit: How many at most.
    """
    query = (
        select(Prediction, Match)
        .join(Match, Match.id == Prediction.match_id)
        .where(Prediction.model_id == model_id)
        .order_by(Match.kickoff_at.desc(), Match.id)
        .limit(limit)
    )
    with db.session() as session:
        return [
            ModelPrediction(
                m.id,
                m.competition,
                m.kickoff_at,
                m.home_team,
                m.away_team,
                m.status,
                m.home_goals,
                m.away_goals,
                p.predicted_home,
                p.predicted_away,
                p.used_fallback,
                p.status,
                p.points,
            )
            for p, m in session.execute(query)
        ]


_SCAN = 500
"""Matches read per step while looking for the latest differing ones."""


def _counted_points(session: Session, model_id: str) -> tuple[list[str], list[int]]:
    """A model's counted match ids and points, aligned: one scan of its part of the covering
    ``ix_predictions_leaderboard``, sent as one row of two lists (rows cost more to fetch)."""
    points = func.coalesce(Prediction.points, 0)
    if session.get_bind().dialect.name == "postgresql":
        columns: list[Any] = [func.array_agg(Prediction.match_id), func.array_agg(points)]
    else:
        columns = [func.group_concat(Prediction.match_id, COMMA), func.group_concat(points, COMMA)]
    # Both aggregates of one group see its rows in the same order, so the lists align.
    ids, values = session.execute(select(*columns).where(_counted(model_id))).one()
    if isinstance(ids, str):
        return ids.split(","), list(map(int, values.split(",")))
    return list(ids or []), list(map(int, values or []))


def _common(
    a: tuple[list[str], list[int]], b: tuple[list[str], list[int]]
) -> tuple[list[str], tuple[int, ...], tuple[int, ...]]:
    """The common match ids, sorted, and each model's points on them."""
    if a[0] == b[0] == sorted(a[0]):  # the usual case: the same matches
        return a[0], tuple(a[1]), tuple(b[1])
    of_a, of_b = dict(zip(*a, strict=True)).__getitem__, dict(zip(*b, strict=True)).__getitem__
    common = sorted(set(a[0]) & set(b[0]))
    return common, tuple(map(of_a, common)), tuple(map(of_b, common))


def _latest_of(session: Session, wanted: set[str], limit: int) -> list[str]:
    """The ``limit`` latest-kicking-off ids of ``wanted``, walking the kick-off index down."""
    chosen: list[str] = []
    offset = 0
    while len(chosen) < limit and wanted:
        query = select(Match.id).order_by(Match.kickoff_at.desc(), Match.id)
        ids = session.scalars(query.limit(_SCAN).offset(offset)).all()
        chosen += [match_id for match_id in ids if match_id in wanted]
        if len(ids) < _SCAN:
            break
        offset += _SCAN
    return chosen[:limit]


def _details(
    session: Session, model_a: str, model_b: str, match_ids: list[str]
) -> list[PairedPrediction]:
    a, b = aliased(Prediction), aliased(Prediction)
    query = (
        select(
            Match.id,
            Match.kickoff_at,
            Match.competition,
            Match.home_team,
            Match.away_team,
            Match.home_goals,
            Match.away_goals,
            a.predicted_home,
            a.predicted_away,
            a.points,
            b.predicted_home,
            b.predicted_away,
            b.points,
        )
        .join(a, and_(a.match_id == Match.id, a.model_id == model_a))
        .join(b, and_(b.match_id == Match.id, b.model_id == model_b))
        .where(Match.id.in_(match_ids))
        .order_by(Match.kickoff_at.desc(), Match.id)
    )
    rows: list[Any] = list(session.execute(query))
    # Finished and scored: the goals are set (the query's types cannot say so).
    return [PairedPrediction(*row) for row in rows]


def head_to_head(db: Database, model_a: str, model_b: str, *, shown: int = 30) -> HeadToHead:
    """Two models on every match both predicted before kick-off and that is scored.

    Args:
        db: The store.
        model_a: The first model.
        model_b: The second model.
        shown: How many of the latest common matches where their points differ to detail.
    """
    with db.session() as session:
        common, a, b = _common(_counted_points(session, model_a), _counted_points(session, model_b))
        differing = {m for m, x, y in zip(common, a, b, strict=True) if x != y}
        latest = _latest_of(session, differing, shown)
        details = _details(session, model_a, model_b, latest) if latest else []
    return HeadToHead(a, b, tuple(details))
