"""The leaderboard's rank sparklines: the store's day totals and the fold into ranks."""

from __future__ import annotations

from datetime import date

from scoreline.report.rank_history import fold, rank_trails
from scoreline.store import Database
from scoreline.store.rank_history import DayTotals, RankHistory, rank_history_totals
from scoreline.store.scores import LeaderboardFilters
from tests.report.seed import MATCHES, seed_all

D1, D2, D3 = date(2025, 3, 1), date(2025, 3, 8), date(2025, 3, 15)


def test_ranks_follow_the_cumulative_average_with_shared_ties_and_late_entrants() -> None:
    history = RankHistory(
        days=(D1, D2, D3),
        before={"a": (2, 10), "b": (2, 6)},  # a 5.0, b 3.0 before the window
        per_day=(
            DayTotals("a", D1, 1, 0),  # a 10/3 = 3.33
            DayTotals("b", D1, 1, 9),  # b 15/3 = 5.0 -> b overtakes
            DayTotals("c", D2, 1, 5),  # c enters at 5.0, level with b
            DayTotals("a", D3, 1, 20),  # a 30/4 = 7.5 -> back on top
        ),
    )
    days, trails = fold(history)
    assert days == (D1, D2, D3)
    assert trails["a"] == [2, 3, 1]
    assert trails["b"] == [1, 1, 2]
    assert trails["c"] == [None, 1, 2]


def test_the_store_totals_split_before_and_within_the_last_days(db: Database) -> None:
    seed_all(db)
    history = rank_history_totals(db, LeaderboardFilters(), days=2)
    finished = sorted(k.date() for _id, k, *_rest in MATCHES[:3])
    assert history.days == tuple(finished[1:])
    assert history.before == {"alpha": (1, 7), "beta": (1, 4), "delta": (1, 0), "solo": (1, 3)}
    day_two = {t.model_id: (t.scored, t.points) for t in history.per_day if t.day == finished[1]}
    assert day_two == {"alpha": (1, 8), "beta": (1, 5), "solo": (1, 0)}
    days, trails = rank_trails(db, days=8)
    assert len(days) == 3 and trails["alpha"] == [1, 1, 1] and trails["delta"] == [4, 4, 4]
    assert rank_trails(db, competition="XX") == ((), {})
