"""Predictions: storing them (exactly once per model and match) and finding work on them.

``is_scored()`` is the one definition of a scored prediction; every query that selects
scored predictions uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Insert, Table, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.db import Database
from scoreline.store.tables import Match, Prediction
from scoreline.tendency import tendency_of

__all__ = [
    "VOIDING_STATUSES",
    "NewPrediction",
    "PredictionToScore",
    "finished_matches_with_pending",
    "insert_predictions",
    "is_scored",
    "matches_to_score",
    "predicted_model_ids",
    "prediction_results",
    "result_of",
]

VOIDING_STATUSES = ("cancelled", "postponed")
"""Match statuses that void the match's predictions."""
_PREDICTIONS = cast(Table, Prediction.__table__)


def is_scored() -> ColumnElement[bool]:
    """The condition selecting scored predictions (points set, neither pending nor void)."""
    return Prediction.status == "scored"


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
    """When the row is written (aware UTC); the current time if ``None``."""
    requested_at: datetime | None = None
    """When the job asking the model started (aware UTC); ``created_at`` if ``None``."""
    p_home: float | None = None
    """Probability of a home win (``None``: the forecaster gave none)."""
    p_draw: float | None = None
    p_away: float | None = None
    probability_note: str | None = None
    """Why given probabilities were dropped; the score still counts."""
    score_matrix: str | None = None
    """The full score distribution as JSON, for forecasters that have one."""

    def row(self) -> dict[str, Any]:
        """Return the column values to insert (every field is a scalar: no deep copy)."""
        values = {name: getattr(self, name) for name in _FIELDS}
        values["created_at"] = self.created_at or datetime.now(UTC)
        values["requested_at"] = self.requested_at or values["created_at"]
        values["predicted_result"] = result_of(self.predicted_home, self.predicted_away)
        return values


_FIELDS = tuple(f.name for f in fields(NewPrediction))


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


_INSERTS: dict[str, Insert] = {}
"""One statement per dialect, built once: SQLAlchemy then finds it compiled in its cache."""


def _insert_ignoring_duplicates(session: Session) -> Insert:
    """``INSERT INTO predictions ... ON CONFLICT (match_id, model_id) DO NOTHING RETURNING id``."""
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get(dialect)
    if statement is not None:
        return statement
    if dialect == "postgresql":
        statement = postgresql.insert(_PREDICTIONS).on_conflict_do_nothing(
            constraint="uq_predictions_match_id_model_id"
        )
    elif dialect == "sqlite":
        statement = sqlite.insert(_PREDICTIONS).on_conflict_do_nothing(
            index_elements=["match_id", "model_id"]
        )
    else:
        raise NotImplementedError(f"insert_predictions does not support {dialect}")
    _INSERTS[dialect] = statement = statement.returning(_PREDICTIONS.c.id)
    return statement


def add_predictions(session: Session, rows: Sequence[NewPrediction]) -> int:
    """Insert predictions in the caller's transaction, skipping stored (match, model) pairs.

    ``INSERT ... ON CONFLICT (match_id, model_id) DO NOTHING``: a duplicate job running
    concurrently never fails the batch, and a model predicts a match once. One cached
    statement runs as an executemany (SQLAlchemy batches it into multi-row ``VALUES``
    itself): a multi-row ``VALUES`` built here was compiled anew for every job.

    Returns:
        How many rows were actually inserted (the ``RETURNING`` rows: a skipped row
        returns none, and rowcount is not reliable for batched inserts on psycopg).
    """
    if not rows:
        return 0
    statement = _insert_ignoring_duplicates(session)
    return len(session.execute(statement, [row.row() for row in rows]).all())


def insert_predictions(db: Database, rows: Sequence[NewPrediction]) -> int:
    """``add_predictions`` in a transaction of its own.

    Returns:
        How many rows were actually inserted.
    """
    with db.session() as session:
        return add_predictions(session, rows)


def done_model_ids(session: Session, match_id: str) -> set[str]:
    """The ids of the models that already have a prediction for this match."""
    query = select(Prediction.model_id).where(Prediction.match_id == match_id)
    return set(session.scalars(query))


def predicted_model_ids(db: Database, match_id: str) -> set[str]:
    """Return the ids of the models that already have a prediction for this match."""
    with db.session() as session:
        return done_model_ids(session, match_id)


def prediction_results(db: Database, match_id: str) -> list[str]:
    """The tendency (``H``/``D``/``A``) of every prediction of the match."""
    query = select(Prediction.predicted_result).where(Prediction.match_id == match_id)
    with db.session() as session:
        return list(session.scalars(query))


def finished_matches_with_pending(db: Database) -> list[str]:
    """Return ids of finished matches that still have pending predictions, sorted."""
    query = (
        select(Match.id)
        .join(Prediction, Prediction.match_id == Match.id)
        .where(Match.status == "finished", Prediction.status == "pending")
        .distinct()
        .order_by(Match.id)
    )
    with db.session() as session:
        return list(session.scalars(query))


SCORE_INPUT_COLUMNS = (
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
"""What the score job reads of a prediction (``to_score`` turns a row of them into one)."""


def to_score(row: Any) -> PredictionToScore:
    """A row of ``SCORE_INPUT_COLUMNS`` as the score job's input."""
    return PredictionToScore(
        id=row.id,
        predicted_home=row.predicted_home,
        predicted_away=row.predicted_away,
        predicted_result=row.predicted_result,
        status=row.status,
        after_kickoff=bool(row.after_kickoff),
        points=(row.points, row.points_tendency, row.points_goal_diff, row.points_exact),
        scored_at=row.scored_at,
    )


def predictions_to_score(session: Session, match_id: str) -> list[PredictionToScore]:
    """Every prediction of the match, void ones included (the caller skips them)."""
    query = (
        select(*SCORE_INPUT_COLUMNS).where(Prediction.match_id == match_id).order_by(Prediction.id)
    )
    return [to_score(row) for row in session.execute(query)]


def matches_to_score(db: Database) -> list[str]:
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
        and_(finished, is_scored(), Prediction.scored_at < Match.updated_at),
        and_(Match.status.in_(VOIDING_STATUSES), Prediction.status != "void"),
    )
    query = (
        select(Match.id)
        .join(Prediction, Prediction.match_id == Match.id)
        .where(needs_work)
        .distinct()
        .order_by(Match.id)
    )
    with db.session() as session:
        return list(session.scalars(query))
