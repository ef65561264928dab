"""Bulk writes of a replay: many predictions and their attempt rows in one transaction.

A backtest keeps a week of predictions and attempts and writes them together.
``insert_predictions`` and ``insert_attempts`` build each row with ``dataclasses.asdict``
(a deep copy) and insert through the ORM as one multi-row ``VALUES`` statement, which SQLAlchemy
compiles anew for every batch size; for 1,520 rows that was most of a season's write time.
Here each row is read attribute by attribute and the same ``INSERT`` runs once per batch as an
``executemany``. The rows stored are the same: the same columns and defaults, the same
``ON CONFLICT (match_id, model_id) DO NOTHING`` for predictions, the same prompts and learned
output modes for attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scoreline.store.attempts import NewAttempt
from scoreline.store.db import Database
from scoreline.store.outputs import add_prompts, lower_refused_outputs
from scoreline.store.predictions import NewPrediction, result_of
from scoreline.store.tables import Prediction, PredictionAttempt

__all__ = ["write_replay_rows"]

_PREDICTIONS = cast(Table, Prediction.__table__)
_ATTEMPTS = cast(Table, PredictionAttempt.__table__)
_PREDICTION_FIELDS = tuple(f.name for f in fields(NewPrediction))
_ATTEMPT_FIELDS = tuple(
    f.name for f in fields(NewAttempt) if f.name not in ("prompt_text", "output_lowered")
)


def _prediction_values(row: NewPrediction) -> dict[str, Any]:
    """The columns ``NewPrediction.row`` gives, without its deep copy."""
    values = {name: getattr(row, name) for name in _PREDICTION_FIELDS}
    values["created_at"] = row.created_at or datetime.now(UTC)
    values["requested_at"] = row.requested_at or values["created_at"]
    values["predicted_result"] = result_of(row.predicted_home, row.predicted_away)
    return values


def _ignoring_duplicates(session: Session) -> Insert:
    """``INSERT INTO predictions ... ON CONFLICT (match_id, model_id) DO NOTHING``."""
    table = _PREDICTIONS
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(
            constraint="uq_predictions_match_id_model_id"
        )
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=["match_id", "model_id"])
    raise NotImplementedError(f"bulk prediction writes do not support {dialect}")


def add_replay_rows(
    session: Session, predictions: Sequence[NewPrediction], attempts: Sequence[NewAttempt]
) -> None:
    """Insert attempts, then predictions, in the caller's transaction (executemany each).

    A prediction already stored for its (match, model) is skipped, as ``add_predictions``
    does; attempts are always recorded, with their prompts and refused output modes.
    """
    if attempts:
        rows = [{name: getattr(a, name) for name in _ATTEMPT_FIELDS} for a in attempts]
        session.execute(insert(_ATTEMPTS), rows)
        add_prompts(session, attempts)
        lower_refused_outputs(session, attempts)
    if predictions:
        statement = _ignoring_duplicates(session)
        session.execute(statement, [_prediction_values(p) for p in predictions])


def write_replay_rows(
    db: Database, predictions: Sequence[NewPrediction], attempts: Sequence[NewAttempt]
) -> None:
    """``add_replay_rows`` in one transaction of its own: a prediction is never stored
    without the attempt that made it."""
    if not predictions and not attempts:
        return
    with db.session() as session:
        add_replay_rows(session, predictions, attempts)
