"""Queries on matches, predictions and attempts, including concurrent duplicate inserts."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from scoreline.config import CooldownConfig
from scoreline.store import (
    Database,
    NewAttempt,
    NewPrediction,
    Prediction,
    PredictionAttempt,
    PredictionBatch,
    StoredMatch,
    UnknownMatchError,
    due_matches,
    finished_matches_with_pending,
    get_match,
    insert_attempts,
    insert_predictions,
    predicted_model_ids,
    prediction_results,
    read_batch_inputs,
    record_batch,
    result_of,
    set_match_quotas,
)

WINDOW = timedelta(minutes=30)


def _prediction(match_id: str, model_id: str, home: int = 1, away: int = 0) -> NewPrediction:
    return NewPrediction(match_id, model_id, home, away, used_fallback=False, answered_by=model_id)


def test_result_of() -> None:
    assert [result_of(2, 1), result_of(1, 1), result_of(0, 3)] == ["H", "D", "A"]


def test_get_match(catalog_db: Database, now: datetime) -> None:
    match = get_match(catalog_db, "m1")
    assert get_match(catalog_db, "nope") is None
    assert isinstance(match, StoredMatch) and match.home_team == "Arsenal"
    assert (match.status, match.kickoff_at, match.updated_at) == (
        "scheduled",
        now + timedelta(minutes=30),
        now,
    )
    assert (match.odds_home, match.quota_home, match.home_goals) == (2.1, None, None)


def test_due_matches_window_bounds(catalog_db: Database, now: datetime) -> None:
    assert [m.id for m in due_matches(catalog_db, now=now, window=WINDOW)] == ["m1"]
    # Both ends are inclusive; a kicked-off match is no longer due.
    at_kickoff = now + WINDOW
    assert [m.id for m in due_matches(catalog_db, now=at_kickoff, window=WINDOW)] == ["m1"]
    after = at_kickoff + timedelta(seconds=1)
    assert due_matches(catalog_db, now=after, window=WINDOW) == []
    wide = due_matches(catalog_db, now=now - timedelta(days=2), window=timedelta(days=3))
    assert [m.id for m in wide] == ["m1", "m2"]  # m0 is finished


def test_due_matches_compares_instants_not_wall_clocks(catalog_db: Database, now: datetime) -> None:
    plus_two = now.astimezone(timezone(timedelta(hours=2)))
    assert [m.id for m in due_matches(catalog_db, now=plus_two, window=WINDOW)] == ["m1"]


def test_insert_predictions_skips_existing_pairs(catalog_db: Database) -> None:
    assert insert_predictions(catalog_db, [_prediction("m1", "alpha")]) == 1
    batch = [
        _prediction("m1", "alpha", 3, 3),
        NewPrediction("m1", "beta", 0, 2, used_fallback=True, answered_by="alpha-tg"),
    ]
    assert insert_predictions(catalog_db, batch) == 1
    assert insert_predictions(catalog_db, []) == 0
    assert predicted_model_ids(catalog_db, "m1") == {"alpha", "beta"}
    assert predicted_model_ids(catalog_db, "m2") == set()
    with catalog_db.session() as session:
        rows = {p.model_id: p for p in session.scalars(select(Prediction))}
    first, fallback = rows["alpha"], rows["beta"]
    assert (first.predicted_home, first.predicted_away, first.predicted_result) == (1, 0, "H")
    assert (fallback.predicted_result, fallback.used_fallback) == ("A", True)
    assert (first.used_fallback, first.after_kickoff, first.status) == (False, False, "pending")
    assert fallback.answered_by == "alpha-tg"


def test_insert_predictions_keeps_given_created_at(catalog_db: Database, now: datetime) -> None:
    row = NewPrediction("m1", "alpha", 1, 1, False, "alpha", after_kickoff=True, created_at=now)
    insert_predictions(catalog_db, [row, _prediction("m1", "beta")])
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
            barrier.wait()
            # Read first, then write: the predict job's order.
            done = predicted_model_ids(catalog_db, "m1")
            record = PredictionBatch(
                "m1", batch, [], now=datetime.now().astimezone(), disable_after=5
            )
            quotas = (2, 2, len(done) + 2)
            inserted.append(record_batch(catalog_db, record, quotas=lambda rows: quotas).inserted)
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
    assert finished_matches_with_pending(catalog_db) == []
    insert_predictions(catalog_db, [_prediction("m0", "alpha"), _prediction("m0", "beta")])
    insert_predictions(catalog_db, [_prediction("m1", "alpha")])
    assert finished_matches_with_pending(catalog_db) == ["m0"]
    with catalog_db.session() as session:
        for prediction in session.scalars(select(Prediction).where(Prediction.match_id == "m0")):
            prediction.status = "scored"
    assert finished_matches_with_pending(catalog_db) == []


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
    assert insert_attempts(catalog_db, attempts) == 2
    assert insert_attempts(catalog_db, []) == 0
    with catalog_db.session() as session:
        rows = session.scalars(select(PredictionAttempt).order_by(PredictionAttempt.id)).all()
    assert [(r.called_model_id, r.ok, r.http_status) for r in rows] == [
        ("alpha", False, 429),
        ("alpha-tg", True, 200),
    ]
    assert rows[1].created_at == now + timedelta(seconds=1)
    assert (rows[1].prompt_tokens, rows[1].completion_tokens, rows[1].latency_ms) == (120, 8, 250.0)


def test_set_match_quotas(catalog_db: Database) -> None:
    set_match_quotas(catalog_db, "m0", 2, 4, 6)
    match = get_match(catalog_db, "m0")
    assert match is not None
    assert (match.quota_home, match.quota_draw, match.quota_away) == (2, 4, 6)
    with pytest.raises(UnknownMatchError, match="unknown match 'nope'"):
        set_match_quotas(catalog_db, "nope", 2, 2, 2)


def _failed_call(model_id: str, error_class: str, now: datetime) -> NewAttempt:
    return NewAttempt(
        "m0", model_id, model_id, "p", False, False, error_class, None, 1.0, None, None, now
    )


def test_history_queries(catalog_db: Database, now: datetime) -> None:
    insert_predictions(
        catalog_db, [_prediction("m0", "alpha", 2, 2), _prediction("m0", "beta", 0, 1)]
    )
    calls = [_failed_call("alpha", "timeout", now)] + [
        _failed_call("beta", "unparseable", now) for _ in range(2)
    ]
    batch = PredictionBatch("m0", [], calls, now=now, disable_after=2)
    assert record_batch(catalog_db, batch, quotas=lambda rows: (2, 2, 2)).disabled == ["beta"]
    assert sorted(prediction_results(catalog_db, "m0")) == ["A", "D"]
    rule = CooldownConfig(threshold=1, seconds=60)
    inputs = read_batch_inputs(catalog_db, "m1", catalog=[], now=now, cooldown=rule)
    assert inputs is not None
    assert [m.id for m in inputs.history] == ["m0"]
    assert (inputs.match.id, inputs.done) == ("m1", frozenset())
    assert (inputs.cooling, inputs.disabled) == ({"alpha"}, {"beta"})
    later = now + timedelta(seconds=60)
    inputs = read_batch_inputs(catalog_db, "m0", catalog=[], now=later, cooldown=rule)
    assert inputs is not None
    assert inputs.history == ()  # nothing finished before m0
    assert inputs.done == {"alpha", "beta"}
    assert (inputs.cooling, inputs.disabled) == (set(), {"beta"})
    assert read_batch_inputs(catalog_db, "nope", catalog=[], now=now) is None
