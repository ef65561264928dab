"""Fallback statistics checked exactly against the hand-built attempts of ``seed``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from scoreline.report import fallback_stats
from scoreline.store import Database
from tests.report.seed import NOW, SINCE, UNTIL, seed_attempts, seed_catalog, write_config


@pytest.fixture
def stats(db: Database, tmp_path: Path) -> dict:
    seed_catalog(db)
    seed_attempts(db)
    config = write_config(tmp_path)
    return fallback_stats(db, config, since=SINCE, until=UNTIL, now=NOW)


def by_id(stats: dict) -> dict[str, dict]:
    return {row["model_id"]: row for row in stats["stats"]}


def test_lists_models_with_a_fallback_worst_rate_first(stats: dict) -> None:
    assert [row["model_id"] for row in stats["stats"]] == ["delta", "alpha", "beta", "gamma"]


def test_fallback_costing_over_twice_the_original_is_flagged(stats: dict) -> None:
    alpha = by_id(stats)["alpha"]
    assert alpha == {
        "model_id": "alpha",
        "fallback_to": "alpha-tg",
        "predictions": 4,
        "fallbacks": 3,
        "fallback_rate": 0.75,
        "fallback_calls": 3,
        "fallback_cost_usd": pytest.approx(0.0152),
        "original_cost_usd": pytest.approx(0.0048),
        "cost_multiplier": 3.1667,
        "exceeds_2x": True,
        "estimated": False,
        "primary_failures": {"rate_limited": 1, "timeout": 1},
        "in_cooldown": True,
        "cooldown_until": "2025-01-10T12:10:00+00:00",
    }


def test_missing_tokens_are_estimated_from_the_called_models_other_attempts(stats: dict) -> None:
    beta = by_id(stats)["beta"]
    assert beta["predictions"] == 4
    assert beta["fallbacks"] == 2
    assert beta["fallback_rate"] == 0.5
    assert beta["fallback_calls"] == 4
    # 700/45 estimated + 400/30 + 700/45 billed; the timed-out fallback is unbilled.
    assert beta["fallback_cost_usd"] == pytest.approx((1800 * 1.5 + 120 * 1.0) / 1e6)
    assert beta["original_cost_usd"] == pytest.approx((1800 + 120) / 1e6)
    assert beta["cost_multiplier"] == 1.4688
    assert beta["exceeds_2x"] is False
    assert beta["estimated"] is True
    assert beta["primary_failures"] == {
        "invalid_body": 1,
        "server_error": 1,
        "timeout": 1,
        "unparseable": 1,
    }
    assert beta["in_cooldown"] is False


def test_a_model_that_never_reported_tokens_gets_the_default_estimate(stats: dict) -> None:
    delta = by_id(stats)["delta"]
    assert delta["fallback_rate"] == 1.0
    assert delta["fallback_cost_usd"] == pytest.approx(640 / 1e6)
    assert delta["original_cost_usd"] == pytest.approx(640 / 1e6)
    assert delta["cost_multiplier"] == 1.0
    assert delta["estimated"] is True


def test_a_model_without_activity_has_zeros_and_no_multiplier(stats: dict) -> None:
    gamma = by_id(stats)["gamma"]
    assert (gamma["predictions"], gamma["fallbacks"], gamma["fallback_rate"]) == (0, 0, 0.0)
    assert gamma["cost_multiplier"] is None
    assert gamma["exceeds_2x"] is False
    assert gamma["primary_failures"] == {}


def test_summary_counts_models_fallbacks_and_those_over_2x(stats: dict) -> None:
    assert stats["summary"] == {
        "models_with_fallback": 4,
        "models_using_fallback": 3,
        "predictions": 9,
        "fallbacks": 6,
        "models_over_2x": 1,
        "models_in_cooldown": 1,
        "fallback_cost_usd": pytest.approx(0.0152 + 0.00282 + 0.00064),
        "original_cost_usd": pytest.approx(0.0048 + 0.00192 + 0.00064),
    }
    assert stats["since"] == "2025-01-10T00:00:00+00:00"


def test_the_window_excludes_earlier_calls(db: Database, tmp_path: Path) -> None:
    seed_catalog(db)
    seed_attempts(db)
    config = write_config(tmp_path)
    earlier = fallback_stats(
        db,
        config,
        since=SINCE.replace(day=9),
        until=SINCE.replace(day=9, hour=23),
        now=NOW,
    )
    alpha = by_id(earlier)["alpha"]
    assert (alpha["predictions"], alpha["fallbacks"]) == (1, 1)
    assert alpha["fallback_cost_usd"] == pytest.approx((99999 * 3 + 9999 * 8) / 1e6)


def test_aggregates_in_a_few_grouped_queries(db: Database, tmp_path: Path) -> None:
    """The attempts are never loaded row by row: a handful of GROUP BY statements."""
    seed_catalog(db)
    seed_attempts(db)
    config = write_config(tmp_path)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        fallback_stats(db, config, since=SINCE, until=UNTIL, now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    attempt_queries = [s for s in statements if "prediction_attempts" in s]
    # Besides the aggregates, the cooldown reads each primary's last few calls (LIMIT).
    aggregates = [s for s in attempt_queries if "LIMIT" not in s]
    assert len(statements) <= 6
    assert len(aggregates) >= 3
    assert all("GROUP BY" in s for s in aggregates)
    assert all("LIMIT" in s for s in attempt_queries if s not in aggregates)


def test_naive_datetimes_are_refused(sqlite_db: Database, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    with pytest.raises(ValueError, match="naive"):
        fallback_stats(sqlite_db, config, since=SINCE.replace(tzinfo=None), until=UNTIL)
