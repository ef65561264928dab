"""Aggregates of ``prediction_attempts`` on the hand-built data set of ``tests.report.seed``."""

from __future__ import annotations

import pytest

from scoreline.store import Database
from scoreline.store.attempt_stats import (
    LATENCY_BUCKETS_S,
    FallbackCalls,
    attempt_counts,
    fallback_attempts,
)
from tests.report.seed import SINCE, UNTIL, seed_all


@pytest.fixture
def seeded(db: Database) -> Database:
    seed_all(db)
    return db


def test_fallback_attempts_count_the_window(seeded: Database) -> None:
    found = fallback_attempts(seeded, model_ids=["gamma"], since=SINCE, until=UNTIL)
    assert found.model_ids == ("alpha", "beta", "delta", "gamma")
    assert found.asked == {"alpha": 4, "beta": 4, "delta": 1}
    assert found.served == {"alpha": 3, "beta": 2, "delta": 1}
    assert found.primary_failures["alpha"] == {"rate_limited": 1, "timeout": 1}
    assert found.primary_failures["beta"] == {
        "invalid_body": 1,
        "server_error": 1,
        "timeout": 1,
        "unparseable": 1,
    }
    assert "gamma" not in found.primary_failures
    calls = {c.model_id: c for c in found.calls}
    assert calls["alpha"] == FallbackCalls(
        "alpha", "alpha-tg", 3, 4000, 400, 0, 0, pytest.approx(25999.75), 2599.75
    )
    beta = calls["beta"]
    # m1 succeeded without counts (billed, missing); m3 timed out without them (unbilled).
    assert (beta.calls, beta.prompt_tokens, beta.completion_tokens) == (4, 1100, 75)
    assert (beta.missing_prompt, beta.missing_completion) == (1, 1)
    assert (beta.average_prompt, beta.average_completion) == (700.0, 45.0)
    assert (calls["delta"].average_prompt, calls["delta"].average_completion) == (None, None)


def test_an_empty_window_has_only_the_models_asked_about(seeded: Database) -> None:
    day_after = UNTIL.replace(day=11)
    found = fallback_attempts(seeded, model_ids=["beta"], since=day_after, until=day_after)
    assert (found.model_ids, found.calls, found.asked) == (("beta",), (), {})


def test_attempt_counts_group_every_call(seeded: Database) -> None:
    counts = attempt_counts(seeded)
    assert ("alpha", "syn", False, False, 2) in counts.calls
    assert ("alpha-tg", "tg", True, True, 4) in counts.calls
    assert ("beta-tg", "tg", "timeout", 1) in counts.failures
    assert ("beta", "beta-tg", False, 2) in counts.fallbacks
    assert ("alpha", True, 3) in counts.predictions
    latency = {(row.model, row.provider): row for row in counts.latency}
    alpha = latency[("alpha", "syn")]
    # 50 ms, 300 ms and 20 s: cumulative counts per bound.
    assert alpha.count == 3 and alpha.sum_s == pytest.approx(20.35)
    expected = tuple(sum(ms <= b * 1000 for ms in (50, 300, 20000)) for b in LATENCY_BUCKETS_S)
    assert alpha.buckets == expected
