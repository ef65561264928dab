"""``scoreline demo`` end to end, in-process: real matches, the sandbox, the queue, scoring."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scoreline.demo import run_demo

pytestmark = pytest.mark.slow


def test_demo_predicts_scores_and_reports(tmp_path: Path) -> None:
    threads_before = set(threading.enumerate())
    seen: list[int] = []
    result = run_demo(
        tmp_path / "demo", progress=lambda counts, expected: seen.append(sum(counts.values()))
    )

    assert len(result.matches) == 10 and seen and seen[-1] == result.predictions
    # 15 of the 16 (or 15 without the optional Dixon-Coles extra) models predict every match;
    # glm-4.6-syn fails outright with no fallback.
    assert [m["model_id"] for m in result.missing] == ["glm-4.6-syn"]
    assert result.predictions == (result.models - 1) * 10
    ranked = {row["model_id"]: row for row in result.leaderboard}
    assert {"ref-market", "ref-home-2-1", "kimi-k2.5-syn"} <= set(ranked)
    assert all(row["scored"] == 10 for row in ranked.values())
    assert ranked["kimi-k2.5-syn"]["fallback_rate_pct"] == 100
    stats = {s["model_id"]: s for s in result.fallback["stats"]}
    assert set(stats) == {"kimi-k2.5-syn", "deepseek-r1-0528-syn", "qwen3-235b-thinking-syn"}
    assert stats["deepseek-r1-0528-syn"]["exceeds_2x"] and not stats["kimi-k2.5-syn"]["exceeds_2x"]
    assert all(s["fallbacks"] == 10 for s in stats.values())
    # the cooldown spared the dead primaries most doomed calls
    assert all(sum(s["primary_failures"].values()) < 10 for s in stats.values())
    assert result.highlight is not None and any(
        p["used_fallback"] for p in result.highlight["predictions"]
    )
    assert (tmp_path / "demo" / "scoreline.toml").is_file()
    leftover = [t for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert leftover == []


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_live_demo_predicts_and_scores_a_matchday_from_the_sources_alone(
    tmp_path: Path,
) -> None:
    from scoreline.demo.live import run_live_demo
    from scoreline.store import Database, predictions_of

    result = run_live_demo(tmp_path)
    played = [m for m in result.matches if m.status != "postponed"]
    assert played and all(m.status == "finished" for m in played)
    assert any(m.status == "postponed" for m in result.matches)  # the stand-in postpones one
    db = Database(f"sqlite:///{tmp_path / 'scoreline.db'}")
    try:
        for match in played:
            tips = predictions_of(db, [match.id])
            assert len(tips) >= 10 and all(t.points is not None for t in tips)
    finally:
        db.dispose()
    assert {row["model_id"] for row in result.leaderboard} >= {"ref-market", "ref-dixon-coles"}
    assert result.requests["fd"] > 0 and result.requests["af"] > 0
