"""Spend over the attempt records, the budget rule, and recorded skips (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoreline.store import (
    Database,
    NewAttempt,
    budget_of,
    cost_rows,
    insert_attempts,
    list_skips,
    period_spend,
    recent_job_costs,
    record_skips,
)

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)


def _call(
    model: str,
    at: datetime,
    cost: float | None,
    *,
    match: str = "m1",
    provider: str = "alpha",
    fallback: str | None = None,
    tokens: tuple[int, int, int | None] = (100, 20, None),
) -> NewAttempt:
    called = fallback or model
    return NewAttempt(
        match,
        model,
        called,
        provider,
        fallback is not None,
        True,
        None,
        200,
        5.0,
        tokens[0],
        tokens[1],
        at,
        reasoning_tokens=tokens[2],
        cost_usd=cost,
    )


@pytest.fixture
def spent(db: Database) -> Database:
    insert_attempts(
        db,
        [
            _call("a", NOW - timedelta(hours=1), 0.010, tokens=(1000, 200, 50)),
            _call("a", NOW - timedelta(hours=1), 0.030, fallback="b", provider="beta"),
            _call("a", NOW - timedelta(days=2), 0.100, match="m0"),  # this month, not today
            _call("b", NOW - timedelta(minutes=5), None),  # usage not reported
            _call("b", NOW - timedelta(days=20), 5.000, match="old"),  # last month
            _call("c", NOW.replace(hour=0, minute=0), 0.001, provider="beta"),  # today's start
        ],
    )
    return db


def test_period_spend_sums_today_and_this_month_and_counts_unpriced(spent: Database) -> None:
    spend = period_spend(spent, NOW)
    assert spend.day_start == datetime(2025, 3, 15, tzinfo=UTC)
    assert spend.month_start == datetime(2025, 3, 1, tzinfo=UTC)
    assert spend.day_usd == pytest.approx(0.041)
    assert spend.month_usd == pytest.approx(0.141)
    assert (spend.day_unpriced, spend.month_unpriced) == (1, 1)
    tomorrow = period_spend(spent, NOW.replace(day=16, hour=0, minute=0, second=1))
    assert tomorrow.day_usd == 0 and tomorrow.month_usd == pytest.approx(0.141)
    next_month = period_spend(spent, datetime(2025, 4, 1, tzinfo=UTC))
    assert next_month.month_usd == 0


def test_the_budget_closes_when_spend_and_estimate_cross_a_limit(spent: Database) -> None:
    spend = period_spend(spent, NOW)
    assert budget_of(spend, daily_usd=None, monthly_usd=None, estimate_usd=99).open
    assert budget_of(spend, daily_usd=0.05, monthly_usd=None, estimate_usd=0.009).open
    closed = budget_of(spend, daily_usd=0.05, monthly_usd=None, estimate_usd=0.01)
    assert not closed.open and closed.reason is not None and closed.reason.startswith("daily")
    assert closed.reopens_at == datetime(2025, 3, 16, tzinfo=UTC)
    monthly = budget_of(spend, daily_usd=1.0, monthly_usd=0.15, estimate_usd=0.01)
    assert not monthly.open and monthly.reopens_at == datetime(2025, 4, 1, tzinfo=UTC)
    reached = budget_of(spend, daily_usd=0.041, monthly_usd=None)  # a status, no job
    assert not reached.open and budget_of(spend, daily_usd=0.042, monthly_usd=None).open


def test_cost_rows_by_model_provider_and_day(spent: Database) -> None:
    since = NOW - timedelta(days=3)
    by_model = {r.key: r for r in cost_rows(spent, by="model", since=since)}
    assert set(by_model) == {"a", "b", "c"}
    a = by_model["a"]  # the fallback's call is charged to the model it served
    assert (a.calls, a.prompt_tokens, a.completion_tokens, a.reasoning_tokens) == (3, 1200, 240, 50)
    assert a.cost_usd == pytest.approx(0.14) and a.fallback_cost_usd == pytest.approx(0.03)
    assert (by_model["b"].unpriced, by_model["b"].cost_usd) == (1, 0)
    by_provider = {r.key: r.cost_usd for r in cost_rows(spent, by="provider", since=since)}
    assert by_provider == pytest.approx({"alpha": 0.11, "beta": 0.031})
    by_day = {r.key: r.calls for r in cost_rows(spent, by="day")}
    assert by_day == {"2025-02-23": 1, "2025-03-13": 1, "2025-03-15": 4}
    with pytest.raises(ValueError, match="cost rows by"):
        cost_rows(spent, by="week")


def test_recent_job_costs_sum_each_match_newest_first(spent: Database) -> None:
    costs = recent_job_costs(spent, ["a", "b", "z"], limit=20)
    assert costs["a"] == pytest.approx([0.04, 0.1])  # m1: primary + fallback; then m0
    assert costs["b"] == pytest.approx([5.0])  # the unpriced call is not a cost
    assert "z" not in costs
    assert recent_job_costs(spent, ["a"], limit=1)["a"] == pytest.approx([0.03])


def test_skips_are_recorded_once_per_match_model_and_reason(db: Database) -> None:
    assert record_skips(db, "m1", ["a", "b"], reason="budget", at=NOW) == 2
    assert record_skips(db, "m1", ["b", "c"], reason="budget", at=NOW + timedelta(minutes=1)) == 1
    assert record_skips(db, "m1", [], reason="budget", at=NOW) == 0
    rows = list_skips(db, match_id="m1", reason="budget")
    assert [(r.model_id, r.at) for r in rows] == [
        ("a", NOW),
        ("b", NOW),
        ("c", NOW + timedelta(minutes=1)),
    ]
    assert list_skips(db, since=NOW + timedelta(seconds=30))[0].model_id == "c"
