"""The latencies a hedge's p95 reads: the model's own primary calls that answered or were
cancelled by a hedge, newest first; failures and fallback calls left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoreline.store import Database
from scoreline.store.attempts import CANCELLED, NewAttempt, insert_attempts, primary_latencies

T0 = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _call(i: int, latency: float, **options: object) -> NewAttempt:
    values: dict[str, object] = {
        "match_id": "m1",
        "model_id": "m",
        "called_model_id": "m",
        "provider": "p",
        "is_fallback": False,
        "ok": True,
        "error_class": None,
        "http_status": 200,
        "latency_ms": latency,
        "prompt_tokens": None,
        "completion_tokens": None,
        "created_at": T0 + timedelta(minutes=i),
    }
    values.update(options)
    return NewAttempt(**values)  # type: ignore[arg-type]


def test_answered_and_cancelled_calls_count_newest_first(db: Database) -> None:
    insert_attempts(
        db,
        [
            _call(0, 100.0),
            _call(1, 900.0, ok=False, error_class="timeout"),
            _call(2, 450.0, ok=False, error_class=CANCELLED),
            _call(3, 70.0, is_fallback=True, called_model_id="f"),
            _call(4, 120.0, model_id="other", called_model_id="other"),
            _call(5, 130.0),
        ],
    )
    assert primary_latencies(db, ["m", "nobody"]) == {"m": [130.0, 450.0, 100.0], "nobody": []}
    assert primary_latencies(db, ["m"], limit=2) == {"m": [130.0, 450.0]}
