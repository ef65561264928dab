"""Queries of the score job: predictions to score, their points, voiding and rescoring.

Like every store query these take a caller's session and never commit, so the score job
writes a whole match in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from scoreline.store.db import rowcount
from scoreline.store.tables import Match, Prediction

__all__ = [
    "VOIDING_STATUSES",
    "PredictionToScore",
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
