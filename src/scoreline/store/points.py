"""Points of predictions: the score job's writes for one match, in one transaction.

The store reads the match and its predictions, hands them to the scoring rule (which lives
in ``scoreline.scoring``, above the store) and writes what the rule decided: quotas, points,
voids, or predictions put back to pending. The leaderboard's per-model summaries
(``board_summaries``) are brought up to date in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from scoreline.store.db import Database, rowcount
from scoreline.store.errors import UnknownMatchError
from scoreline.store.matches import StoredMatch, stored_match, write_quotas
from scoreline.store.predictions import PredictionToScore, is_scored, predictions_to_score
from scoreline.store.tables import Match, Prediction

__all__ = ["PointsRow", "SettleRule", "Settled", "Settlement", "settle_match"]


@dataclass(frozen=True, slots=True)
class PointsRow:
    """The points of one prediction, to store with status ``scored``."""

    prediction_id: int
    """Primary key of the prediction."""
    points: int
    """All points."""
    tendency: int
    """Quota earned by the right tendency."""
    goal_diff: int
    """Goal-difference bonus."""
    exact: int
    """Exact-score bonus."""


@dataclass(frozen=True)
class Settlement:
    """What the scoring rule decided for one match."""

    quotas: tuple[int, int, int] | None = None
    """New quotas ``(home, draw, away)`` to store; ``None`` leaves them."""
    points: Sequence[PointsRow] = ()
    """Points to write."""
    void: bool = False
    """Void every prediction not void yet."""
    unscore: bool = False
    """Put scored predictions back to pending (the result was withdrawn)."""


@dataclass(frozen=True)
class Settled:
    """What ``settle_match`` wrote."""

    match: StoredMatch
    """The match as read."""
    written: int
    """Points rows written."""
    voided: int
    """Predictions voided."""
    unscored: int
    """Predictions put back to pending."""


SettleRule = Callable[[StoredMatch, list[PredictionToScore]], Settlement]
"""Decides a match's settlement from the match and all of its predictions."""


def _clear_points(status: str, *, scored_at: datetime | None = None) -> dict[str, Any]:
    return {
        "status": status,
        "points": None,
        "points_tendency": None,
        "points_goal_diff": None,
        "points_exact": None,
        "scored_at": scored_at,
    }


def void_predictions(session: Session, match_id: str, now: datetime) -> int:
    """Void every prediction of a cancelled match, clearing its points."""
    statement = (
        update(Prediction)
        .where(Prediction.match_id == match_id, Prediction.status != "void")
        .values(**_clear_points("void", scored_at=now))
        .execution_options(synchronize_session=False)
    )
    return rowcount(session.execute(statement))


def unscore_predictions(session: Session, match_id: str) -> int:
    """Back to pending: the match has no result any more (a correction removed it)."""
    statement = (
        update(Prediction)
        .where(Prediction.match_id == match_id, is_scored())
        .values(**_clear_points("pending"))
        .execution_options(synchronize_session=False)
    )
    return rowcount(session.execute(statement))


def _write_points(session: Session, rows: Sequence[PointsRow], now: datetime) -> int:
    """One executemany ``UPDATE`` by primary key."""
    if rows:
        values = [
            {
                "id": r.prediction_id,
                "status": "scored",
                "points": r.points,
                "points_tendency": r.tendency,
                "points_goal_diff": r.goal_diff,
                "points_exact": r.exact,
                "scored_at": now,
            }
            for r in rows
        ]
        session.execute(update(Prediction), values)
    return len(rows)


def refresh_board_summaries(session: Session) -> int:
    """``board_summaries.refresh_summaries``, imported on first use: it loads numpy, which a
    predict job must not pay for (it reaches this module through ``match_quotas``)."""
    from scoreline.store.board_summaries import refresh_summaries

    return refresh_summaries(session)


def settle_match(db: Database, match_id: str, rule: SettleRule, *, now: datetime) -> Settled:
    """Apply the scoring rule to one match and write its decision, in one transaction.

    Args:
        db: The store.
        match_id: The match.
        rule: Decides quotas, points, voiding or unscoring from the match and its predictions.
        now: Current time, aware UTC (``scored_at``).

    Returns:
        The match as read and how many predictions each kind of write touched.

    Raises:
        UnknownMatchError: No match with this id.
    """
    with db.session() as session:
        row = session.get(Match, match_id)
        if row is None:
            raise UnknownMatchError(match_id)
        match = stored_match(row)
        decided = rule(match, predictions_to_score(session, match_id))
        if decided.quotas is not None:
            write_quotas(session, match_id, decided.quotas)
        voided = void_predictions(session, match_id, now) if decided.void else 0
        unscored = unscore_predictions(session, match_id) if decided.unscore else 0
        written = _write_points(session, decided.points, now)
        refresh_board_summaries(session)
    return Settled(match=match, written=written, voided=voided, unscored=unscored)
