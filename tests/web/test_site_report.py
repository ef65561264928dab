"""The site's pure report rules: matchdays, the league table, the consensus, countdowns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from scoreline.report import consensus, countdown, fold_matchdays, league_table
from scoreline.report.compare import paired_bootstrap
from scoreline.store import DayPoints, PagePrediction, TeamRecord

T0 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


def test_days_fold_into_iso_weeks_with_a_running_average() -> None:
    days = [
        DayPoints(date(2024, 12, 28), 2, 6),  # Saturday, 2024-W52
        DayPoints(date(2024, 12, 30), 2, 2),  # Monday, 2025-W01 (ISO year)
        DayPoints(date(2025, 1, 4), 4, 12),  # Saturday, 2025-W01
        DayPoints(date(2025, 1, 11), 2, 0),  # 2025-W02
    ]
    folded = fold_matchdays(days)
    assert [(m["matchday"], m["scored"], m["points"]) for m in folded] == [
        ("2024-W52", 2, 6),
        ("2025-W01", 6, 14),
        ("2025-W02", 2, 0),
    ]
    assert [m["cumulative_avg"] for m in folded] == [3.0, 2.5, 2.0]
    assert (folded[1]["first_day"], folded[1]["last_day"]) == ("2024-12-30", "2025-01-04")
    assert fold_matchdays([]) == []


def test_league_table_orders_by_points_goal_difference_goals_then_name() -> None:
    table = league_table(
        [
            TeamRecord("A", 1, 1, 0, 0, 3, 0),
            TeamRecord("B", 2, 0, 1, 1, 1, 4),
            TeamRecord("C", 2, 1, 1, 0, 3, 1),
            TeamRecord("D", 1, 0, 0, 1, 0, 2),
            TeamRecord("E", 1, 1, 0, 0, 3, 0),
        ]
    )
    assert [(r["position"], r["team"], r["points"], r["goal_difference"]) for r in table] == [
        (1, "C", 4, 2),
        (2, "A", 3, 3),
        (3, "E", 3, 3),
        (4, "B", 1, -3),
        (5, "D", 0, -2),
    ]
    assert table[0]["goals_for"] == 3 and table[0]["played"] == 2


def test_paired_bootstrap_is_fixed_and_brackets_the_mean() -> None:
    a, b = [7, 8, 4] * 20, [3, 0, 8] * 20
    first = paired_bootstrap(a, b)
    assert first == paired_bootstrap(a, b)
    assert first["mean"] == 2.667
    assert -4 < first["ci_low"] < 2.667 < first["ci_high"] < 8
    assert paired_bootstrap([5] * 10, [5] * 10) == {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    assert paired_bootstrap([], [])["mean"] is None


def test_paired_bootstrap_matches_resampling_the_matches() -> None:
    """The multinomial shortcut agrees with drawing matches with replacement."""
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 8, size=300), rng.integers(0, 8, size=300)
    diffs = a - b
    picks = np.random.default_rng(2).integers(0, diffs.size, size=(4000, diffs.size))
    direct = np.quantile(diffs[picks].mean(axis=1), [0.025, 0.975])
    shortcut = paired_bootstrap(list(a), list(b), resamples=4000)
    assert abs(shortcut["ci_low"] - direct[0]) < 0.05
    assert abs(shortcut["ci_high"] - direct[1]) < 0.05


def _prediction(home: int, away: int) -> PagePrediction:
    result = "H" if home > away else "D" if home == away else "A"
    return PagePrediction("m", f"x{home}{away}", "X", home, away, result, False, False, None)


def test_consensus_shares_of_tendencies_and_top_scores() -> None:
    picks = [_prediction(*s) for s in [(1, 0), (1, 0), (2, 1), (1, 1), (0, 2)]]
    summary = consensus(picks)
    assert summary["count"] == 5
    assert summary["tendencies"] == {
        "H": {"count": 3, "pct": 60.0},
        "D": {"count": 1, "pct": 20.0},
        "A": {"count": 1, "pct": 20.0},
    }
    assert summary["scores"][0] == {"score": "1:0", "count": 2, "pct": 40.0}
    assert [s["score"] for s in summary["scores"]] == ["1:0", "0:2", "1:1", "2:1"]
    assert consensus([])["tendencies"]["H"] == {"count": 0, "pct": 0.0}


def test_countdown_reads_like_people_say_it() -> None:
    assert countdown(T0 + timedelta(days=2, hours=3, minutes=5), T0) == "in 2 d 3 h"
    assert countdown(T0 + timedelta(hours=1, minutes=30), T0) == "in 1 h 30 min"
    assert countdown(T0 + timedelta(minutes=45), T0) == "in 45 min"
    assert countdown(T0 - timedelta(minutes=1), T0) == "kicked off"
