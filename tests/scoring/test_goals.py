from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from scoreline.scoring import (
    PastResult,
    fit_poisson_means,
    implied_probabilities,
    league_average_means,
    outcome_probabilities,
    poisson_score_matrix,
)


@pytest.mark.parametrize("method", ["shin", "proportional"])
@pytest.mark.parametrize("odds", [(1.18, 7.64, 15.67), (2.69, 3.44, 2.64), (9.02, 5.35, 1.35)])
def test_implied_probabilities_sum_to_one_and_keep_the_order(
    odds: tuple[float, float, float], method: str
) -> None:
    probs = implied_probabilities(*odds, method=method)  # type: ignore[arg-type]
    assert sum(probs) == pytest.approx(1.0)
    assert np.argsort(probs).tolist() == np.argsort([-o for o in odds]).tolist()


def test_shin_moves_margin_onto_the_long_shot() -> None:
    shin = implied_probabilities(1.18, 7.64, 15.67)
    proportional = implied_probabilities(1.18, 7.64, 15.67, method="proportional")
    assert shin[0] > proportional[0]
    assert shin[2] < proportional[2]


def test_a_book_without_margin_is_normalised_proportionally() -> None:
    # Like the stale I1 Genoa v Inter book (sum 0.994): Shin has no solution.
    odds = (11.0, 6.0, 1.35)
    assert 1 / 11 + 1 / 6 + 1 / 1.35 < 1
    assert implied_probabilities(*odds) == implied_probabilities(*odds, method="proportional")


@pytest.mark.parametrize(
    ("odds", "method"), [((1.0, 3.0, 4.0), "shin"), ((2.0, 3.0, 4.0), "magic")]
)
def test_invalid_odds_or_method_are_rejected(odds: tuple[float, float, float], method: str) -> None:
    with pytest.raises(ValueError):
        implied_probabilities(*odds, method=method)  # type: ignore[arg-type]


def test_poisson_score_matrix_is_a_normalised_grid() -> None:
    grid = poisson_score_matrix(1.6, 1.1)
    assert grid.shape == (16, 16)
    assert grid.sum() == pytest.approx(1.0)
    assert np.unravel_index(grid.argmax(), grid.shape) == (1, 1)
    assert poisson_score_matrix(1.6, 1.1, max_goals=6).shape == (7, 7)


def test_outcome_probabilities_rows_are_home_goals() -> None:
    grid = np.zeros((3, 3))
    grid[2, 0], grid[1, 1], grid[0, 1] = 0.5, 0.3, 0.2
    assert outcome_probabilities(grid) == pytest.approx((0.5, 0.3, 0.2))


@pytest.mark.parametrize(
    "target", [(0.45, 0.27, 0.28), (0.80, 0.13, 0.07), (0.20, 0.25, 0.55), (0.34, 0.33, 0.33)]
)
def test_fitted_means_reproduce_the_outcome_probabilities(
    target: tuple[float, float, float],
) -> None:
    home, away = fit_poisson_means(*target)
    assert outcome_probabilities(poisson_score_matrix(home, away)) == pytest.approx(
        target, abs=1e-5
    )
    assert (home > away) == (target[0] > target[2])


def _result(home: int, away: int, day: int) -> PastResult:
    kickoff = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=day)
    return PastResult("A", "B", home, away, kickoff)


def test_league_average_means() -> None:
    results = [_result(2, 1, d) for d in range(10)] + [_result(0, 1, d) for d in range(10)]
    assert league_average_means(results) == pytest.approx((1.0, 1.0))
    assert league_average_means(results[:9]) is None
    assert league_average_means([_result(0, 0, d) for d in range(10)]) == (0.05, 0.05)
