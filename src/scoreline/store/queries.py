"""Queries on matches, predictions and attempts, for the predict job, scoring and web.

Plain functions over a caller's :class:`~sqlalchemy.orm.Session` (from ``Database.session()``):
they never commit, so a caller can group several into one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.db import rowcount
from scoreline.store.errors import UnknownMatchError
from scoreline.store.tables import Match, Prediction, PredictionAttempt
from scoreline.tendency import tendency_of

__all__ = [
    "NewAttempt",
    "NewPrediction",
    "due_matches",
    "finished_matches_with_pending",
    "get_match",
    "insert_attempts",
    "insert_predictions",
    "predicted_model_ids",
    "result_of",
    "set_match_quotas",
]

_CHUNK = 500


def result_of(home: int, away: int) -> str:
    """The tendency letter of a score (``H``/``D``/``A``), as stored in ``predicted_result``."""
    return tendency_of(home, away).value


@dataclass(frozen=True)
class NewPrediction:
    """A prediction to insert; ``predicted_result`` is derived from the score."""

    match_id: str
    """The match predicted."""
    model_id: str
    """The ORIGINAL model asked, even when its fallback answered."""
    predicted_home: int
    """Predicted home goals (>= 0)."""
    predicted_away: int
    """Predicted away goals (>= 0)."""
    used_fallback: bool
    """Whether the fallback model served the answer."""
    answered_by: str | None
    """Id of the model that actually answered."""
    after_kickoff: bool = False
    """Made after kick-off on explicit request; leaderboards can exclude it."""
    created_at: datetime | None = None
    """When it was made (aware UTC); the current time if ``None``."""

    def row(self) -> dict[str, Any]:
        """Return the column values to insert."""
        values = asdict(self)
        if values["created_at"] is None:
            del values["created_at"]  # the column default fills it in
        values["predicted_result"] = result_of(self.predicted_home, self.predicted_away)
        return values


@dataclass(frozen=True)
class NewAttempt:
    """One provider call to record in ``prediction_attempts``."""

    match_id: str | None
    """The match the call was for, if any."""
    model_id: str
    """The ORIGINAL model."""
    called_model_id: str
    """The model actually called (the fallback's id on a fallback call)."""
    provider: str
    """Provider of the called model."""
    is_fallback: bool
    """Whether this call was the fallback call."""
    ok: bool
    """Whether the call produced an accepted answer."""
    error_class: str | None
    """Error class name when not ok."""
    http_status: int | None
    """HTTP status of the reply, if there was one."""
    latency_ms: float
    """Wall time of the call."""
    prompt_tokens: int | None
    """Prompt tokens billed, if reported."""
    completion_tokens: int | None
    """Completion tokens billed, if reported."""
    created_at: datetime
    """When the call was made (aware UTC)."""


def get_match(session: Session, match_id: str) -> Match | None:
    """Return the match with this id, or ``None``."""
    return session.get(Match, match_id)


def due_matches(session: Session, *, now: datetime, window: timedelta) -> list[Match]:
    """Return scheduled matches kicking off in ``[now, now + window]``, earliest first.

    Args:
        session: Open session.
        now: Current time, aware UTC.
        window: How far ahead to look (the predict window, 30 minutes by default).
    """
    query = (
        select(Match)
        .where(Match.status == "scheduled")
        .where(Match.kickoff_at >= now, Match.kickoff_at <= now + window)
        .order_by(Match.kickoff_at, Match.id)
    )
    return list(session.scalars(query))


def finished_matches_with_pending(session: Session) -> list[str]:
    """Return ids of finished matches that still have pending predictions, sorted."""
    query = (
        select(Match.id)
        .join(Prediction, Prediction.match_id == Match.id)
        .where(Match.status == "finished", Prediction.status == "pending")
        .distinct()
        .order_by(Match.id)
    )
    return list(session.scalars(query))


def predicted_model_ids(session: Session, match_id: str) -> set[str]:
    """Return the ids of the models that already have a prediction for this match."""
    query = select(Prediction.model_id).where(Prediction.match_id == match_id)
    return set(session.scalars(query))


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return (
            postgresql.insert(Prediction)
            .values(rows)
            .on_conflict_do_nothing(constraint="uq_predictions_match_id_model_id")
        )
    if dialect == "sqlite":
        return (
            sqlite.insert(Prediction)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["match_id", "model_id"])
        )
    raise NotImplementedError(f"insert_predictions does not support {dialect}")


def insert_predictions(session: Session, rows: Sequence[NewPrediction]) -> int:
    """Insert predictions, silently skipping any (match, model) pair already stored.

    ``INSERT ... ON CONFLICT (match_id, model_id) DO NOTHING``: a duplicate job running
    concurrently never fails the batch, and a model predicts a match once.

    Args:
        session: Open session.
        rows: The predictions.

    Returns:
        How many rows were actually inserted.
    """
    inserted = 0
    values = [row.row() for row in rows]
    # Multi-row VALUES needs the same keys everywhere: group by key set.
    for keys in {tuple(v) for v in values}:
        group = [v for v in values if tuple(v) == keys]
        for start in range(0, len(group), _CHUNK):
            statement = _insert_ignoring_duplicates(session, group[start : start + _CHUNK])
            # Count RETURNING rows: rowcount is not reliable for multi-row VALUES on psycopg.
            inserted += len(session.execute(statement.returning(Prediction.id)).all())
    return inserted


def insert_attempts(session: Session, rows: Sequence[NewAttempt]) -> int:
    """Record provider calls.

    Returns:
        How many rows were inserted.
    """
    if rows:
        session.execute(insert(PredictionAttempt), [asdict(row) for row in rows])
    return len(rows)


def set_match_quotas(session: Session, match_id: str, home: int, draw: int, away: int) -> None:
    """Store the Kicktipp quotas of a match.

    Raises:
        UnknownMatchError: No match with this id.
    """
    statement = (
        update(Match)
        .where(Match.id == match_id)
        .values(quota_home=home, quota_draw=draw, quota_away=away)
    )
    if rowcount(session.execute(statement)) == 0:
        raise UnknownMatchError(match_id)
