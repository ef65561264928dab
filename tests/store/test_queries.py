"""Queries on matches, predictions and attempts, including concurrent duplicate inserts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from scoreline.store import (
    Database,
    NewAttempt,
    NewPrediction,
    Prediction,
    PredictionAttempt,
    UnknownMatchError,
    cooling_or_disabled,
    due_matches,
    finished_before,
    finished_matches_with_pending,
    get_match,
    insert_attempts,
    insert_predictions,
    predicted_model_ids,
    prediction_results,
    record_model_failure,
    record_primary_result,
    result_of,
    set_match_quotas,
)

WINDOW = timedelta(minutes=30)


def _prediction(match_id: str, model_id: str, home: int = 1, away: int = 0) -> NewPrediction:
    return NewPrediction(match_id, model_id, home, away, used_fallback=False, answered_by=model_id)


def test_result_of() -> None:
    assert [result_of(2, 1), result_of(1, 1), result_of(0, 3)] == ["H", "D", "A"]


def test_get_match(catalog_db: Database) -> None:
    with catalog_db.session() as session:
        match = get_match(session, "m1")
        assert get_match(session, "nope") is None
    assert match is not None and match.home_team == "Arsenal"


def test_due_matches_window_bounds(catalog_db: Database, now: datetime) -> None:
    with catalog_db.session() as session:
        assert [m.id for m in due_matches(session, now=now, window=WINDOW)] == ["m1"]
        # Both ends are inclusive; a kicked-off match is no longer due.
        at_kickoff = now + WINDOW
        assert [m.id for m in due_matches(session, now=at_kickoff, window=WINDOW)] == ["m1"]
        after = at_kickoff + timedelta(seconds=1)
        assert due_matches(session, now=after, window=WINDOW) == []
        wide = due_matches(session, now=now - timedelta(days=2), window=timedelta(days=3))
        assert [m.id for m in wide] == ["m1", "m2"]  # m0 is finished


def test_due_matches_compares_instants_not_wall_clocks(catalog_db: Database, now: datetime) -> None:
    plus_two = now.astimezone(timezone(timedelta(hours=2)))
    with catalog_db.session() as session:
        assert [m.id for m in due_matches(session, now=plus_two, window=WINDOW)] == ["m1"]


def test_insert_predictions_skips_existing_pairs(catalog_db: Database) -> None:
    with catalog_db.session() as session:
        assert insert_predictions(session, [_prediction("m1", "alpha")]) == 1
    batch = [
        _prediction("m1", "alpha", 3, 3),
        NewPrediction("m1", "beta", 0, 2, used_fallback=True, answered_by="alpha-tg"),
    ]
    with catalog_db.session() as session:
        assert insert_predictions(session, batch) == 1
        assert insert_predictions(session, []) == 0
    with catalog_db.session() as session:
        rows = {p.model_id: p for p in session.scalars(select(Prediction))}
        assert predicted_model_ids(session, "m1") == {"alpha", "beta"}
        assert predicted_model_ids(session, "m2") == set()
    first, fallback = rows["alpha"], rows["beta"]
    assert (first.predicted_home, first.predicted_away, first.predicted_result) == (1, 0, "H")
    assert (fallback.predicted_result, fallback.used_fallback) == ("A", True)
    assert (first.used_fallback, first.after_kickoff, first.status) == (False, False, "pending")
    assert fallback.answered_by == "alpha-tg"


def test_insert_predictions_keeps_given_created_at(catalog_db: Database, now: datetime) -> None:
    row = NewPrediction("m1", "alpha", 1, 1, False, "alpha", after_kickoff=True, created_at=now)
    with catalog_db.session() as session:
        insert_predictions(session, [row, _prediction("m1", "beta")])
    with catalog_db.session() as session:
        stored = {p.model_id: p for p in session.scalars(select(Prediction))}
    assert stored["alpha"].created_at == now
    assert stored["alpha"].after_kickoff is True
    assert stored["beta"].created_at > now


def test_concurrent_duplicate_batches_never_fail(catalog_db: Database) -> None:
    batch = [_prediction(m, model) for m in ("m0", "m1", "m2") for model in ("alpha", "beta")]
    barrier = threading.Barrier(4)
    inserted: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with catalog_db.session() as session:
                barrier.wait()
                # Read first, then write: the predict job's order.
                done = predicted_model_ids(session, "m1")
                inserted.append(insert_predictions(session, batch))
                set_match_quotas(session, "m1", 2, 2, len(done) + 2)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(inserted) == [0, 0, 0, len(batch)]
    with catalog_db.session() as session:
        assert len(session.scalars(select(Prediction)).all()) == len(batch)


def test_finished_matches_with_pending(catalog_db: Database) -> None:
    with catalog_db.session() as session:
        assert finished_matches_with_pending(session) == []
        insert_predictions(session, [_prediction("m0", "alpha"), _prediction("m0", "beta")])
        insert_predictions(session, [_prediction("m1", "alpha")])
    with catalog_db.session() as session:
        assert finished_matches_with_pending(session) == ["m0"]
        for prediction in session.scalars(select(Prediction).where(Prediction.match_id == "m0")):
            prediction.status = "scored"
    with catalog_db.session() as session:
        assert finished_matches_with_pending(session) == []


def test_insert_attempts(catalog_db: Database, now: datetime) -> None:
    attempts = [
        NewAttempt(
            "m1",
            "alpha",
            "alpha",
            "synthetic",
            False,
            False,
            "RateLimitError",
            429,
            12.5,
            None,
            None,
            now,
        ),
        NewAttempt(
            "m1",
            "alpha",
            "alpha-tg",
            "together",
            True,
            True,
            None,
            200,
            250.0,
            120,
            8,
            now + timedelta(seconds=1),
        ),
    ]
    with catalog_db.session() as session:
        assert insert_attempts(session, attempts) == 2
        assert insert_attempts(session, []) == 0
    with catalog_db.session() as session:
        rows = session.scalars(select(PredictionAttempt).order_by(PredictionAttempt.id)).all()
    assert [(r.called_model_id, r.ok, r.http_status) for r in rows] == [
        ("alpha", False, 429),
        ("alpha-tg", True, 200),
    ]
    assert rows[1].created_at == now + timedelta(seconds=1)
    assert (rows[1].prompt_tokens, rows[1].completion_tokens, rows[1].latency_ms) == (120, 8, 250.0)


def test_set_match_quotas(catalog_db: Database) -> None:
    with catalog_db.session() as session:
        set_match_quotas(session, "m0", 2, 4, 6)
    with catalog_db.session() as session:
        match = get_match(session, "m0")
        assert match is not None
        assert (match.quota_home, match.quota_draw, match.quota_away) == (2, 4, 6)
        with pytest.raises(UnknownMatchError, match="unknown match 'nope'"):
            set_match_quotas(session, "nope", 2, 2, 2)


def test_history_queries(catalog_db: Database, now: datetime) -> None:
    with catalog_db.session() as session:
        insert_predictions(
            session, [_prediction("m0", "alpha", 2, 2), _prediction("m0", "beta", 0, 1)]
        )
        record_primary_result(session, "alpha", ok=False, threshold=1, cooldown_s=60, now=now)
        for _ in range(2):
            record_model_failure(
                session, "beta", error="e", counts_toward_disable=True, disable_after=2, now=now
            )
    with catalog_db.session() as session:
        assert sorted(prediction_results(session, "m0")) == ["A", "D"]
        assert [m.id for m in finished_before(session, "E0", now)] == ["m0"]
        assert finished_before(session, "E0", now - timedelta(days=2)) == []
        assert cooling_or_disabled(session, now=now) == ({"alpha"}, {"beta"})
        later = now + timedelta(seconds=60)
        assert cooling_or_disabled(session, now=later) == (set(), {"beta"})
