"""The sweep and a closed budget: real predict jobs against the sandbox, SQLite and PostgreSQL.

Once a match's job has run the free models and skipped the paid ones for the budget, the
sweep holds the match instead of enqueuing a job that would only skip them again; it
enqueues it once more when the budget reopens before kick-off.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scoreline.config import Config
from scoreline.predict.job import predict_match
from scoreline.queue.reconcile import ReconcileReport, reconcile
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, NewAttempt, insert_attempts, predicted_model_ids
from tests.predict.conftest import import_with_fixtures
from tests.predict.test_budget import budget_config

MATCH = "E0-2024-25-0210"  # kicks off 2025-01-18 12:30 UTC
LATE_EVENING = datetime(2025, 1, 16, 23, 50, tzinfo=UTC)
NEXT_DAY = datetime(2025, 1, 17, 0, 10, tzinfo=UTC)
PAID = {"paid", "free-with-paid-fallback"}


def _config(tmp_path: Path, base_url: str, budget: str) -> Config:
    """Reference forecasters, a free model, a paid one, and a free one falling back to it,
    predicted up to two days ahead."""
    extra = "[schedule]\npredict_window_min = 2880"
    return budget_config(tmp_path, base_url, budget, reference=True, extra=extra)


def _spend(db: Database, at: datetime, usd: float) -> None:
    call = NewAttempt("other", "earlier", "earlier", "alpha", False, True, None, 200, 5.0, 9, 9, at)
    insert_attempts(db, [replace(call, cost_usd=usd)])


def _sweep(db: Database, config: Config, now: datetime) -> ReconcileReport:
    enqueued: list[str] = []
    report = reconcile(db, config, now=now, enqueue_predict=enqueued.append, enqueue_score=id)
    assert enqueued == report.predict
    return report


@pytest.fixture
def store(db: Database, tmp_path: Path) -> Database:
    import_with_fixtures(db, tmp_path, {MATCH})
    return db


async def test_a_closed_day_holds_the_match_until_the_next_day(
    store: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = _config(tmp_path, fresh_sandbox.base_url, "daily_usd = 0.01")
    _spend(store, LATE_EVENING - timedelta(hours=1), 0.0095)  # + ~0.0015 estimated > 0.01
    assert _sweep(store, config, LATE_EVENING).predict == [MATCH]
    first = await predict_match(store, config, MATCH, now=LATE_EVENING)
    assert set(first.budget_skipped) == PAID
    assert any(m.startswith("ref-") for m in predicted_model_ids(store, MATCH))

    for minutes in (1, 5, 9):  # the sweeps of the rest of the day: nothing to run
        held = _sweep(store, config, LATE_EVENING + timedelta(minutes=minutes))
        assert (held.predict, held.held) == ([], [MATCH])
    assert fresh_sandbox.request_counts() == {"w-free": 1}

    reopened = _sweep(store, config, NEXT_DAY)  # a new UTC day: the budget reopens
    assert (reopened.predict, reopened.held) == ([MATCH], [])
    second = await predict_match(store, config, MATCH, now=NEXT_DAY)
    assert second.budget_skipped == [] and second.predicted == 2
    done = _sweep(store, config, NEXT_DAY + timedelta(minutes=1))
    assert (done.predict, done.held) == ([], [])


async def test_a_closed_month_holds_across_days_and_a_free_model_still_retries(
    store: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = _config(tmp_path, fresh_sandbox.base_url, "monthly_usd = 0.05")
    _spend(store, datetime(2025, 1, 2, tzinfo=UTC), 0.05)  # the month's limit, reached
    fresh_sandbox.set_fault("w-free", Fault(FaultMode.STATUS, status=503))
    first = await predict_match(store, config, MATCH, now=LATE_EVENING)
    assert set(first.budget_skipped) == PAID and "free" not in predicted_model_ids(store, MATCH)

    retry = _sweep(store, config, NEXT_DAY)  # the free model failed: its retry is due
    assert (retry.predict, retry.held) == ([MATCH], [])
    fresh_sandbox.clear_faults()
    await predict_match(store, config, MATCH, now=NEXT_DAY)
    assert "free" in predicted_model_ids(store, MATCH)

    held = _sweep(store, config, NEXT_DAY + timedelta(hours=12))  # still January
    assert (held.predict, held.held) == ([], [MATCH])


def test_no_limit_holds_nothing(store: Database, tmp_path: Path) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9/v1", "")
    _spend(store, LATE_EVENING, 1000.0)
    report = _sweep(store, config, LATE_EVENING)
    assert (report.predict, report.held) == ([MATCH], [])
