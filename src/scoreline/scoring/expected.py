"""Pick the score that maximises expected Kicktipp points under a score grid.

The most likely score is not the best prediction: a 1-0 may be the single
likeliest score while 2-1 collects more goal-difference and tendency mass, and
the quotas change what a tendency is worth.

Quota assumption: the real quotas depend on what every other forecaster
predicts, which is unknown before kick-off. Reference models therefore use
``NEUTRAL_QUOTAS`` = 3/3/3, the quotas a crowd split evenly over home win,
draw and away win would produce (``compute_quotas("HDA")``). It makes the
reference a fixed, crowd-independent yardstick: the same inputs give the same
prediction whoever else takes part. Callers who want to play against an
assumed crowd (e.g. the quotas of earlier matches) pass ``quotas=``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.points import EXACT_BONUS, GOAL_DIFF_BONUS
from scoreline.scoring.quotas import Quotas, Tendency, compute_quotas

__all__ = ["NEUTRAL_QUOTAS", "best_score_for_expected_points", "expected_points_matrix"]

NEUTRAL_QUOTAS: Quotas = compute_quotas([Tendency.HOME, Tendency.DRAW, Tendency.AWAY])
"""3/3/3: the quotas of an evenly split crowd (see the module docstring)."""
CANDIDATE_MAX_GOALS = 6
"""Predictions considered: every score from 0-0 to 6-6."""


def expected_points_matrix(
    prob_matrix: NDArray[np.float64],
    *,
    quotas: Quotas = NEUTRAL_QUOTAS,
    max_goals: int = CANDIDATE_MAX_GOALS,
) -> NDArray[np.float64]:
    """Return the expected points of every candidate prediction.

    Uses the rules of ``score_prediction``: the tendency's quota, the
    goal-difference bonus for wins only, and the full bonus for an exact score
    (draws included).

    Args:
        prob_matrix: Score grid, ``prob_matrix[h, a]`` proportional to the
            probability of h-a (normalised here); any shape, rows home goals.
        quotas: Quotas assumed for the match.
        max_goals: Largest goal count per team among the candidates.

    Returns:
        Array ``E`` of shape ``(max_goals + 1, max_goals + 1)``, ``E[h, a]`` the
        expected points of predicting h-a.

    Raises:
        ValueError: If the grid is not 2-D, has negative entries or sums to 0.
    """
    probs = _normalised(prob_matrix)
    rows, cols = probs.shape
    size = max_goals + 1
    exact = np.zeros((size, size))
    exact[: min(rows, size), : min(cols, size)] = probs[:size, :size]
    # P(home - away = d) for d in -(cols-1)..(rows-1); index d + cols - 1.
    diff_probs = np.array([np.trace(probs, offset=-d) for d in range(-(cols - 1), rows)])
    home_goals, away_goals = np.indices((size, size))
    diffs = home_goals - away_goals
    in_range = (diffs > -cols) & (diffs < rows)
    diff_prob = np.where(in_range, diff_probs[np.clip(diffs + cols - 1, 0, rows + cols - 2)], 0.0)

    p_home = float(np.tril(probs, k=-1).sum())
    p_away = float(np.triu(probs, k=1).sum())
    p_draw = 1.0 - p_home - p_away
    wins = quotas.home * p_home * (diffs > 0) + quotas.away * p_away * (diffs < 0)
    win_points = wins + GOAL_DIFF_BONUS * diff_prob + EXACT_BONUS * exact
    draw_points = quotas.draw * p_draw + (GOAL_DIFF_BONUS + EXACT_BONUS) * exact
    return np.where(diffs == 0, draw_points, win_points)


def best_score_for_expected_points(
    prob_matrix: NDArray[np.float64],
    *,
    quotas: Quotas = NEUTRAL_QUOTAS,
    max_goals: int = CANDIDATE_MAX_GOALS,
) -> tuple[int, int]:
    """Return the candidate score with the highest expected points.

    Args:
        prob_matrix: Score grid, rows home goals, columns away goals.
        quotas: Quotas assumed for the match (default: neutral 3/3/3).
        max_goals: Largest goal count per team among the candidates.

    Returns:
        ``(home, away)``. Ties go to the fewest home goals, then the fewest
        away goals, so the choice is deterministic.
    """
    points = expected_points_matrix(prob_matrix, quotas=quotas, max_goals=max_goals)
    home, away = np.unravel_index(int(np.argmax(points)), points.shape)
    return (int(home), int(away))


def _normalised(prob_matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """Check a score grid and scale it to sum to 1."""
    probs = np.asarray(prob_matrix, dtype=float)
    if probs.ndim != 2 or probs.size == 0:
        raise ValueError("prob_matrix must be a non-empty 2-D array")
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError("prob_matrix must hold finite, non-negative numbers")
    total = probs.sum()
    if total <= 0:
        raise ValueError("prob_matrix sums to 0")
    return np.asarray(probs / total, dtype=float)
