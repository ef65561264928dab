"""Proper scoring rules on hand-checked vectors, and against penaltyblog's own metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoreline.scoring.probabilities import (
    brier_by_match,
    check_forecasts,
    hit_by_match,
    log_loss_by_match,
    outcome_index,
    rps_by_match,
    score_forecasts,
)

# (p_home, p_draw, p_away), outcome, RPS, Brier, log loss, hit -- worked out by hand:
# RPS = ((P_H - O_H)^2 + (P_H + P_D - O_H - O_D)^2) / 2.
HAND = [
    ((1.0, 0.0, 0.0), 0, 0.0, 0.0, 0.0, 1.0),
    ((1.0, 0.0, 0.0), 2, 1.0, 2.0, -math.log(1e-15), 0.0),
    ((0.5, 0.3, 0.2), 0, (0.25 + 0.04) / 2, 0.25 + 0.09 + 0.04, -math.log(0.5), 1.0),
    ((0.5, 0.3, 0.2), 1, (0.25 + 0.04) / 2, 0.25 + 0.49 + 0.04, -math.log(0.3), 0.0),
    ((0.5, 0.3, 0.2), 2, (0.25 + 0.64) / 2, 0.25 + 0.09 + 0.64, -math.log(0.2), 0.0),
    ((1 / 3, 1 / 3, 1 / 3), 1, (1 / 9 + 1 / 9) / 2, 2 / 9 + 4 / 9, math.log(3), 0.0),
]


@pytest.mark.parametrize(("probs", "outcome", "rps", "brier", "log_loss", "hit"), HAND)
def test_hand_checked_vectors(
    probs: tuple[float, float, float],
    outcome: int,
    rps: float,
    brier: float,
    log_loss: float,
    hit: float,
) -> None:
    assert rps_by_match([probs], [outcome])[0] == pytest.approx(rps, abs=1e-12)
    assert brier_by_match([probs], [outcome])[0] == pytest.approx(brier, abs=1e-12)
    assert log_loss_by_match([probs], [outcome])[0] == pytest.approx(log_loss, abs=1e-12)
    assert hit_by_match([probs], [outcome])[0] == hit


def test_rps_punishes_a_far_miss_more_than_a_near_one() -> None:
    # Same probability on the outcome that happened, mass elsewhere placed near or far.
    near = rps_by_match([(0.2, 0.5, 0.3)], [0])[0]
    far = rps_by_match([(0.2, 0.3, 0.5)], [0])[0]
    assert near < far
    assert brier_by_match([(0.2, 0.5, 0.3)], [0])[0] == brier_by_match([(0.2, 0.3, 0.5)], [0])[0]


def test_a_tie_for_most_likely_goes_to_the_home_side_then_the_draw() -> None:
    assert hit_by_match([(0.4, 0.4, 0.2), (0.2, 0.4, 0.4)], [0, 1]).tolist() == [1.0, 1.0]


def test_outcome_index_from_goals() -> None:
    assert outcome_index([2, 1, 0, 3], [1, 1, 2, 3]).tolist() == [0, 1, 2, 1]


def test_means_of_a_small_set() -> None:
    scores = score_forecasts([(0.5, 0.3, 0.2)] * 3, [0, 1, 2])
    assert scores.n == 3
    assert scores.rps == pytest.approx((0.145 + 0.145 + 0.445) / 3)
    assert scores.brier == pytest.approx((0.38 + 0.78 + 0.98) / 3)
    assert scores.log_loss == pytest.approx(-(math.log(0.5) + math.log(0.3) + math.log(0.2)) / 3)
    assert scores.accuracy == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("probs", "outcomes", "problem"),
    [
        ([(0.5, 0.5)], [0], "shape"),
        ([(0.5, 0.3, 0.2)], [0, 1], "outcomes must have shape"),
        ([(0.7, 0.5, -0.2)], [0], "non-negative"),
        ([(float("nan"), 0.5, 0.5)], [0], "finite"),
        ([(0.5, 0.3, 0.3)], [0], "sum to 1"),
        ([(0.5, 0.3, 0.2)], [3], "outcomes must be"),
    ],
)
def test_invalid_forecasts_are_refused(probs: list, outcomes: list, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        check_forecasts(probs, outcomes)


def test_nothing_to_score_is_refused() -> None:
    with pytest.raises(ValueError, match="no forecast"):
        score_forecasts(np.empty((0, 3)), np.empty(0, dtype=int))
