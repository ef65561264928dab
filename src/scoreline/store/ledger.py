"""What the ledger exports: matches, and every prediction with its primary call's prompt.

Predictions come in creation order (``created_at``, then id), the order the ledger's hash
chain runs in. The prompt version and SHA-256 are those of the prediction's first call to
the model itself (its primary attempt); when the primary was skipped (cooldown), of the
first call to the fallback; a forecaster that makes no call (a reference) has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from scoreline.store.db import Database
from scoreline.store.tables import Match, Prediction, PredictionAttempt

__all__ = ["LedgerMatch", "LedgerPrediction", "ledger_matches", "ledger_predictions"]


@dataclass(frozen=True, slots=True)
class LedgerMatch:
    """One match as the ledger lists it."""

    id: str
    competition: str
    season: str
    kickoff_at: datetime
    home_team: str
    away_team: str
    status: str
    home_goals: int | None
    away_goals: int | None
    odds_home: float | None
    odds_draw: float | None
    odds_away: float | None
    quota_home: int | None
    quota_draw: int | None
    quota_away: int | None


@dataclass(frozen=True, slots=True)
class LedgerPrediction:
    """One prediction as the ledger lists it."""

    id: int
    match_id: str
    model_id: str
    answered_by: str | None
    used_fallback: bool
    status: str
    after_kickoff: bool
    created_at: datetime
    requested_at: datetime
    kickoff_at: datetime
    predicted_home: int
    predicted_away: int
    p_home: float | None
    p_draw: float | None
    p_away: float | None
    points: int | None
    points_tendency: int | None
    points_goal_diff: int | None
    points_exact: int | None
    prompt_version: str | None
    prompt_sha256: str | None


def _match_ids(competition: str | None, season: str | None) -> Select[Any]:
    query = select(Match.id)
    if competition is not None:
        query = query.where(Match.competition == competition)
    if season is not None:
        query = query.where(Match.season == season)
    return query


def ledger_matches(
    db: Database, *, competition: str | None = None, season: str | None = None
) -> list[LedgerMatch]:
    """The selected matches, by id."""
    columns = [getattr(Match, name) for name in LedgerMatch.__slots__]
    query = select(*columns).where(Match.id.in_(_match_ids(competition, season)))
    with db.session() as session:
        rows = session.execute(query.order_by(Match.id)).all()
    return [LedgerMatch(*row) for row in rows]


def _primary_attempt(column: Any) -> Any:
    """The prediction's first own call (a primary before a fallback), as a scalar subquery."""
    return (
        select(column)
        .where(
            PredictionAttempt.match_id == Prediction.match_id,
            PredictionAttempt.model_id == Prediction.model_id,
        )
        .order_by(PredictionAttempt.is_fallback, PredictionAttempt.id)
        .limit(1)
        .scalar_subquery()
    )


def ledger_predictions(
    db: Database, *, competition: str | None = None, season: str | None = None
) -> list[LedgerPrediction]:
    """Every prediction of the selected matches, in creation order."""
    own = [getattr(Prediction, name) for name in LedgerPrediction.__slots__[:7]]
    query = (
        select(
            *own,
            Prediction.created_at,
            Prediction.requested_at,
            Match.kickoff_at,
            Prediction.predicted_home,
            Prediction.predicted_away,
            Prediction.p_home,
            Prediction.p_draw,
            Prediction.p_away,
            Prediction.points,
            Prediction.points_tendency,
            Prediction.points_goal_diff,
            Prediction.points_exact,
            _primary_attempt(PredictionAttempt.prompt_version),
            _primary_attempt(PredictionAttempt.prompt_sha256),
        )
        .join(Match, Match.id == Prediction.match_id)
        .where(Prediction.match_id.in_(_match_ids(competition, season)))
        .order_by(Prediction.created_at, Prediction.id)
    )
    with db.session() as session:
        rows = session.execute(query).all()
    return [LedgerPrediction(*row) for row in rows]  # type: ignore[call-arg]
