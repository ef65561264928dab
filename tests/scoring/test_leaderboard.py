"""The leaderboard on the hand-checked mini-season (see season.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from scoreline.scoring import LeaderboardRow, bootstrap_mean_ci_many, leaderboard, score_all
from scoreline.scoring.ranking import LEADERBOARD_RESAMPLES, LEADERBOARD_SEED
from scoreline.store import Database
from tests.scoring import season
from tests.scoring.season import MODELS, POINTS, SCORED_AT, kickoff, mid


@pytest.fixture
def scored(db: Database, tmp_path: Path) -> Database:
    season.seed(db, tmp_path)
    score_all(db, now=SCORED_AT)
    return db


def board(db: Database, **options: object) -> list[LeaderboardRow]:
    return leaderboard(db, **options)  # type: ignore[arg-type]


def test_mini_season_numbers(scored: Database) -> None:
    rows = board(scored)
    assert [(r.rank, r.model_id, r.display_name) for r in rows] == [
        (1, "bravo", "Bravo"),
        (1, "charlie", "Charlie"),
        (3, "delta", "Delta"),
        (4, "alpha", "Alpha"),
    ]
    by_id = {r.model_id: r for r in rows}
    expected = {
        # scored, total, tendency, exact, goal-diff bonus, fallback (counts of 6)
        "alpha": (6, 8, 2, 1, 1, 2),
        "bravo": (6, 19, 6, 1, 2, 0),
        "charlie": (6, 19, 6, 1, 2, 1),
        "delta": (6, 12, 2, 2, 2, 0),
    }
    for model_id, (n, total, tendency, exact, diff, fallback) in expected.items():
        row = by_id[model_id]
        assert (row.scored, row.total_points) == (n, total)
        assert row.avg_points == pytest.approx(total / 6)
        assert row.tendency_pct == pytest.approx(100 * tendency / 6)
        assert row.exact_pct == pytest.approx(100 * exact / 6)
        assert row.goal_diff_pct == pytest.approx(100 * diff / 6)
        assert row.fallback_rate_pct == pytest.approx(100 * fallback / 6)
    assert by_id["alpha"].tendency_pct == pytest.approx(33.333, abs=1e-3)
    assert by_id["charlie"].fallback_rate_pct == pytest.approx(16.667, abs=1e-3)


def test_intervals_are_the_paired_bootstrap_over_matches(scored: Database) -> None:
    rows = {r.model_id: r for r in board(scored)}
    matrix = np.array([POINTS[m] for m in sorted(MODELS)], dtype=float)
    expected = bootstrap_mean_ci_many(
        matrix, n_resamples=LEADERBOARD_RESAMPLES, seed=LEADERBOARD_SEED
    )
    for model_id, (low, high) in zip(sorted(MODELS), expected, strict=True):
        row = rows[model_id]
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high))
        assert row.ci_low is not None and row.ci_high is not None
        assert row.ci_low <= row.avg_points <= row.ci_high
    plain = board(scored, intervals=False)
    assert {(r.ci_low, r.ci_high) for r in plain} == {(None, None)}
    assert [r.model_id for r in plain] == [r.model_id for r in board(scored)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("avg", [(1, "bravo"), (1, "charlie"), (3, "delta"), (4, "alpha")]),
        ("total", [(1, "bravo"), (1, "charlie"), (3, "delta"), (4, "alpha")]),
        ("accuracy", [(1, "bravo"), (1, "charlie"), (3, "alpha"), (3, "delta")]),
        ("exact", [(1, "delta"), (2, "alpha"), (2, "bravo"), (2, "charlie")]),
    ],
)
def test_sort_keys_and_shared_ranks(
    scored: Database, sort: str, expected: list[tuple[int, str]]
) -> None:
    assert [(r.rank, r.model_id) for r in board(scored, sort=sort, intervals=False)] == expected


def test_unknown_sort_is_refused(scored: Database) -> None:
    with pytest.raises(ValueError, match="accuracy"):
        board(scored, sort="luck")


def test_after_kickoff_predictions_only_with_the_flag(scored: Database) -> None:
    season.add_models(scored, ("echo",))
    season.predict(
        scored,
        "echo",
        mid(1),
        (2, 1),
        made_at=kickoff(1) + timedelta(minutes=5),
        after_kickoff=True,
    )
    score_all(scored, now=SCORED_AT)
    default = board(scored, intervals=False)
    assert "echo" not in {r.model_id for r in default}
    assert [r.total_points for r in default] == [19, 19, 12, 8]
    included = {r.model_id: r for r in board(scored, include_after_kickoff=True)}
    assert (included["echo"].scored, included["echo"].total_points) == (1, 6)
    assert included["echo"].rank == 1
    assert included["alpha"].total_points == 8


def test_filters_on_competition_season_and_kickoff(db: Database, tmp_path: Path) -> None:
    extra = [
        season.row("D1-2024-25-9001", kickoff(3), (1, 0), competition="D1"),
        season.row(
            "E0-2023-24-9001", datetime(2024, 1, 10, 15, tzinfo=UTC), (1, 0), season="2023-24"
        ),
    ]
    season.seed(db, tmp_path, extra)
    for match_id, made in (("D1-2024-25-9001", kickoff(3)), ("E0-2023-24-9001", extra_kickoff())):
        season.predict(db, "alpha", match_id, (1, 0), made_at=made - timedelta(hours=1))
    score_all(db, now=SCORED_AT)

    def totals(**options: object) -> dict[str, tuple[int, int]]:
        rows = board(db, intervals=False, **options)
        return {r.model_id: (r.scored, r.total_points) for r in rows}

    # Alone on a match, alpha's exact 1-0 earns quota 2 + 1 + 3 = 6 each time.
    assert totals()["alpha"] == (8, 20)
    assert totals(competition="E0")["alpha"] == (7, 14)
    assert totals(season="2024-25")["alpha"] == (7, 14)
    assert totals(competition="E0", season="2024-25")["alpha"] == (6, 8)
    assert totals(season="2023-24") == {"alpha": (1, 6)}
    assert totals(competition="D1") == {"alpha": (1, 6)}
    first_two = totals(since=kickoff(1), until=kickoff(2), competition="E0")
    assert first_two == {"alpha": (2, 6), "bravo": (2, 9), "charlie": (2, 4), "delta": (2, 6)}
    assert totals(since=kickoff(6)) == {m: (1, POINTS[m][5]) for m in MODELS}
    assert totals(until=kickoff(1) - timedelta(seconds=1), season="2024-25") == {}


def extra_kickoff() -> datetime:
    return datetime(2024, 1, 10, 15, tzinfo=UTC)


def test_empty_store_gives_an_empty_leaderboard(db: Database) -> None:
    assert board(db) == []
