"""The budget gate: real predict jobs against the sandbox on SQLite and PostgreSQL.

Paid models sit out a job that would cross ``[budget]``, recorded as skipped; free models and
the reference forecasters still run; the budget reopens with the next UTC day or month.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scoreline.config import Config, load_config
from scoreline.predict.budget import estimate_costs, gate_paid_models, is_paid, price_estimate
from scoreline.predict.job import predict_match
from scoreline.report.costs import budget_status
from scoreline.sandbox import SandboxServer
from scoreline.store import (
    Database,
    NewAttempt,
    get_model,
    insert_attempts,
    list_skips,
    predicted_model_ids,
)
from tests.predict.conftest import import_with_fixtures

MATCH = "E0-2024-25-0210"  # kicks off 2025-01-18 12:30 UTC
FIXTURES = {MATCH, "E0-2024-25-0211"}
LATE_EVENING = datetime(2025, 1, 16, 23, 50, tzinfo=UTC)
NEXT_DAY = datetime(2025, 1, 17, 0, 10, tzinfo=UTC)


def budget_config(
    tmp_path: Path, base_url: str, budget: str, *, reference: bool = False, extra: str = ""
) -> Config:
    """A free model, a paid one, and a free one falling back to it (``extra``: more TOML
    sections before ``[budget]``)."""
    path = tmp_path / "budget.toml"
    path.write_text(
        f"""reference_models = {"true" if reference else "false"}
{extra}
[budget]
{budget}
[providers.alpha]
base_url = "{base_url}"
[[models]]
id = "paid"
provider = "alpha"
model = "w-paid"
price_prompt_per_1m = 1.0
price_completion_per_1m = 2.0
[[models]]
id = "free"
provider = "alpha"
model = "w-free"
[[models]]
id = "free-with-paid-fallback"
provider = "alpha"
model = "w-ffb"
fallback = "paid"
"""
    )
    return load_config(path)


def _spend(
    db: Database, at: datetime, usd: float, *, model: str = "earlier", match: str = "other"
) -> None:
    """A call already made: what the period has spent so far."""
    call = NewAttempt(match, model, model, "alpha", False, True, None, 200, 5.0, 10, 10, at)
    insert_attempts(db, [replace(call, cost_usd=usd)])


@pytest.fixture
def store(db: Database, tmp_path: Path) -> Database:
    import_with_fixtures(db, tmp_path, FIXTURES)
    return db


async def test_paid_models_sit_out_a_job_that_would_cross_the_day(
    store: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = budget_config(tmp_path, fresh_sandbox.base_url, "daily_usd = 0.01", reference=True)
    _spend(store, LATE_EVENING - timedelta(hours=1), 0.0095)  # + ~0.0015 estimated > 0.01
    summary = await predict_match(store, config, MATCH, now=LATE_EVENING)
    assert summary.budget_skipped == ["paid", "free-with-paid-fallback"]
    assert fresh_sandbox.request_counts() == {"w-free": 1}
    predicted = predicted_model_ids(store, MATCH)
    assert "free" in predicted and any(m.startswith("ref-") for m in predicted)
    assert not {"paid", "free-with-paid-fallback"} & predicted
    skips = list_skips(store, match_id=MATCH)
    assert {(s.model_id, s.reason) for s in skips} == {
        ("paid", "budget"),
        ("free-with-paid-fallback", "budget"),
    }
    paid = get_model(store, "paid", now=LATE_EVENING)
    assert paid is not None and (paid.auto_disabled, paid.consecutive_failures) == (False, 0)
    status = budget_status(store, config, LATE_EVENING)
    assert status.open and status.spent_today_usd == pytest.approx(0.0095)

    again = await predict_match(store, config, MATCH, now=LATE_EVENING + timedelta(minutes=5))
    assert again.budget_skipped == ["paid", "free-with-paid-fallback"] and again.asked == 0
    assert len(list_skips(store, match_id=MATCH)) == 2  # recorded once

    reopened = await predict_match(store, config, MATCH, now=NEXT_DAY)  # a new UTC day
    assert reopened.budget_skipped == [] and reopened.predicted == 2
    assert {"paid", "free-with-paid-fallback"} <= predicted_model_ids(store, MATCH)


async def test_the_month_closes_across_days_and_reopens_with_the_next_month(
    store: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = budget_config(tmp_path, fresh_sandbox.base_url, "daily_usd = 5\nmonthly_usd = 0.05")
    _spend(store, datetime(2025, 1, 2, tzinfo=UTC), 0.05)  # the month's limit, reached
    status = budget_status(store, config, NEXT_DAY)
    assert not status.open and status.reopens_at == datetime(2025, 2, 1, tzinfo=UTC)
    assert status.reason is not None and status.reason.startswith("monthly budget")
    summary = await predict_match(store, config, MATCH, now=NEXT_DAY)
    assert summary.budget_skipped == ["paid", "free-with-paid-fallback"]
    assert budget_status(store, config, datetime(2025, 2, 1, tzinfo=UTC)).open


async def test_no_limit_reads_no_spend_and_skips_nothing(
    store: Database, tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = budget_config(tmp_path, fresh_sandbox.base_url, "")
    _spend(store, LATE_EVENING, 1000.0)
    summary = await predict_match(store, config, MATCH, now=LATE_EVENING)
    assert (summary.budget_skipped, summary.predicted) == ([], 3)
    assert budget_status(store, config, LATE_EVENING).open


def test_the_estimate_uses_history_then_prices(store: Database, tmp_path: Path) -> None:
    config = budget_config(tmp_path, "http://127.0.0.1:9/v1", "daily_usd = 1")
    assert [is_paid(config, m) for m in ("paid", "free", "free-with-paid-fallback")] == [
        True,
        False,
        True,
    ]
    prompt = "x" * 2999
    by_price = price_estimate(config, "paid", prompt)
    assert by_price > (3000 / 3 * 1.0 + 512 * 2.0) / 1e6  # the system prompt counts too
    assert estimate_costs(store, config, ["paid"], prompt) == {"paid": pytest.approx(by_price)}
    _spend(store, LATE_EVENING, 0.004, model="paid", match="m1")
    _spend(store, LATE_EVENING, 0.002, model="paid", match="m2")
    assert estimate_costs(store, config, ["paid"], prompt) == {"paid": pytest.approx(0.003)}
    gate = gate_paid_models(store, config, ["free", "paid"], prompt, LATE_EVENING)
    assert gate.kept == ("free", "paid") and gate.status is not None and gate.status.open
