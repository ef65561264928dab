from __future__ import annotations

import itertools

import numpy as np
import pytest

from scoreline.scoring import (
    NEUTRAL_QUOTAS,
    Quotas,
    best_score_for_expected_points,
    expected_points_matrix,
    poisson_score_matrix,
    score_prediction,
)


def _brute_force(probs: np.ndarray, quotas: Quotas, max_goals: int) -> np.ndarray:
    """Expected points from score_prediction itself, one candidate at a time."""
    probs = probs / probs.sum()
    size = max_goals + 1
    out = np.zeros((size, size))
    for pred in itertools.product(range(size), repeat=2):
        out[pred] = sum(
            probs[actual] * score_prediction(*pred, *actual, quotas).total
            for actual in itertools.product(*map(range, probs.shape))
        )
    return out


@pytest.mark.parametrize(
    ("shape", "quotas", "max_goals"),
    [
        ((8, 8), Quotas(2, 5, 6), 6),
        ((5, 9), Quotas(4, 3, 2), 6),  # rectangular, narrower than the candidates
        ((12, 12), NEUTRAL_QUOTAS, 4),  # wider than the candidates
    ],
)
def test_expected_points_agree_with_score_prediction(
    shape: tuple[int, int], quotas: Quotas, max_goals: int
) -> None:
    probs = np.random.default_rng(3).random(shape)
    fast = expected_points_matrix(probs, quotas=quotas, max_goals=max_goals)
    np.testing.assert_allclose(fast, _brute_force(probs, quotas, max_goals), atol=1e-12)


def test_neutral_quotas_are_those_of_an_even_crowd() -> None:
    assert Quotas(3, 3, 3) == NEUTRAL_QUOTAS


@pytest.mark.parametrize("score", [(3, 1), (1, 1), (0, 2), (0, 0)])
def test_a_certain_score_is_predicted(score: tuple[int, int]) -> None:
    probs = np.zeros((7, 7))
    probs[score] = 1.0
    assert best_score_for_expected_points(probs) == score


def test_draw_wins_only_when_its_quota_pays_for_the_risk() -> None:
    grid = poisson_score_matrix(1.3, 1.2)
    assert best_score_for_expected_points(grid) != (1, 1)
    assert best_score_for_expected_points(grid, quotas=Quotas(2, 6, 2)) == (1, 1)


def test_favourite_tendency_with_neutral_quotas() -> None:
    home, away = best_score_for_expected_points(poisson_score_matrix(2.6, 0.5))
    assert home > away
    home, away = best_score_for_expected_points(poisson_score_matrix(0.7, 2.2))
    assert home < away


def test_unnormalised_grid_gives_the_same_choice() -> None:
    grid = poisson_score_matrix(1.8, 0.9)
    assert best_score_for_expected_points(grid * 17) == best_score_for_expected_points(grid)


@pytest.mark.parametrize(
    "bad", [np.zeros((3, 3)), -np.ones((2, 2)), np.ones(4), np.full((2, 2), np.nan)]
)
def test_invalid_grids_are_rejected(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        best_score_for_expected_points(bad)
