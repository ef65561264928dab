"""A replay's bulk writes store the very rows the per-row inserts store (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from scoreline.store import (
    Database,
    NewAttempt,
    NewPrediction,
    Prediction,
    PredictionAttempt,
    insert_attempts,
    insert_predictions,
)
from scoreline.store.backtest_writes import write_replay_rows
from tests.scoring import season
from tests.scoring.season import MODELS, mid

ASKED_AT = datetime(2025, 1, 1, 14, 30, tzinfo=UTC)
WRITTEN_AT = datetime(2025, 1, 1, 14, 31, tzinfo=UTC)


def _prediction(model_id: str, n: int, *, matrix: str | None = None) -> NewPrediction:
    return NewPrediction(
        match_id=mid(n),
        model_id=model_id,
        predicted_home=n % 3,
        predicted_away=1,
        used_fallback=model_id == "bravo",
        answered_by=f"{model_id}-fb" if model_id == "bravo" else model_id,
        created_at=WRITTEN_AT,
        requested_at=ASKED_AT + timedelta(days=n),
        p_home=0.5,
        p_draw=0.3,
        p_away=0.2,
        score_matrix=matrix,
    )


def _attempt(model_id: str, n: int) -> NewAttempt:
    return NewAttempt(
        match_id=mid(n),
        model_id=model_id,
        called_model_id=model_id,
        provider="reference",
        is_fallback=False,
        ok=n != 2,
        error_class=None if n != 2 else "reference_error",
        http_status=None,
        latency_ms=1.5 * n,
        prompt_tokens=None,
        completion_tokens=None,
        created_at=ASKED_AT + timedelta(days=n),
    )


def _rows(db: Database, table: Any) -> list[tuple[Any, ...]]:
    columns = [c for c in table.__table__.c if c.name != "id"]
    with db.session() as session:
        return [tuple(r) for r in session.execute(select(*columns).order_by(table.id))]


def _emptied(db: Database) -> None:
    with db.session() as session:
        session.query(Prediction).delete()
        session.query(PredictionAttempt).delete()


def test_bulk_rows_equal_the_per_row_inserts(db: Database, tmp_path: Path) -> None:
    season.seed(db, tmp_path)
    _emptied(db)
    predictions = [
        _prediction(m, n, matrix='{"n": 1}' if m == "alpha" else None)
        for n in range(1, 7)
        for m in MODELS
    ]
    attempts = [_attempt(m, n) for n in range(1, 7) for m in MODELS]
    insert_attempts(db, attempts)
    insert_predictions(db, predictions)
    expected = (_rows(db, Prediction), _rows(db, PredictionAttempt))
    _emptied(db)

    write_replay_rows(db, predictions, attempts)
    assert (_rows(db, Prediction), _rows(db, PredictionAttempt)) == expected
    assert len(expected[0]) == len(expected[1]) == 24


def test_a_stored_prediction_is_skipped_not_doubled(db: Database, tmp_path: Path) -> None:
    season.seed(db, tmp_path)  # stores the 24 predictions of the mini-season
    before = _rows(db, Prediction)
    write_replay_rows(db, [_prediction("alpha", 1)], [_attempt("alpha", 1)])
    assert _rows(db, Prediction) == before
    assert len(_rows(db, PredictionAttempt)) == 1
    write_replay_rows(db, [], [])
    assert len(_rows(db, PredictionAttempt)) == 1
