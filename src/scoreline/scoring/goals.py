"""Goal models without an LLM: implied odds, Poisson score grids, league averages.

Overround: bookmaker odds sum to more than 100 % implied probability. scoreline
removes it with Shin's method by default: it models the margin as protection
against insiders, which takes relatively more margin off long shots than off
favourites (the favourite-longshot bias), so the favourite's probability, the
one that usually decides a predicted tendency, is not understated.
Proportional normalisation is available too and is used whenever Shin's model
has no solution (a book with no margin, like the stale 0.994 book in the data).

Score grids are independent Poisson. With two free means fitted to the three
1X2 probabilities (two independent equations) the fit reproduces the market's
draw probability itself, which is what a Dixon-Coles low-score correction
would otherwise be added for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, fsolve, least_squares
from scipy.special import gammaln

from scoreline.scoring.history import PastResult

__all__ = [
    "fit_poisson_means",
    "implied_probabilities",
    "league_average_means",
    "outcome_probabilities",
    "poisson_score_matrix",
]

GRID_MAX_GOALS = 15
"""Largest goal count per team kept in a score grid (the tail beyond is ~1e-6)."""
MIN_LEAGUE_MATCHES = 10
"""Fewest earlier results for a league-average goal model to be trusted."""
_MEAN_BOUNDS = (0.05, 8.0)


def implied_probabilities(
    odds_home: float,
    odds_draw: float,
    odds_away: float,
    *,
    method: Literal["shin", "proportional"] = "shin",
) -> tuple[float, float, float]:
    """Turn 1X2 decimal odds into probabilities that sum to 1.

    Args:
        odds_home: Decimal odds of a home win (> 1).
        odds_draw: Decimal odds of a draw (> 1).
        odds_away: Decimal odds of an away win (> 1).
        method: ``"shin"`` (default, see the module docstring) or
            ``"proportional"`` (divide each inverse price by their sum).

    Returns:
        ``(p_home, p_draw, p_away)``.

    Raises:
        ValueError: If any price is not above 1 or the method is unknown.
    """
    odds = np.array([odds_home, odds_draw, odds_away], dtype=float)
    if not np.all(odds > 1.0):
        raise ValueError(f"decimal odds must be > 1, got {odds.tolist()}")
    inverse = 1.0 / odds
    booksum = float(inverse.sum())
    if method == "proportional" or (method == "shin" and booksum <= 1.0):
        probs = inverse / booksum
    elif method == "shin":
        probs = _shin(inverse, booksum)
    else:
        raise ValueError(f"unknown overround method {method!r}")
    return (float(probs[0]), float(probs[1]), float(probs[2]))


def _shin(inverse: NDArray[np.float64], booksum: float) -> NDArray[np.float64]:
    """Shin's probabilities: solve the insider share ``z`` so they sum to 1."""

    def shin_probs(z: float) -> NDArray[np.float64]:
        root = np.sqrt(z * z + 4 * (1 - z) * inverse**2 / booksum)
        return np.asarray((root - z) / (2 * (1 - z)), dtype=float)

    z = brentq(lambda z: float(shin_probs(z).sum()) - 1.0, 0.0, 0.9)
    probs = shin_probs(z)
    return probs / probs.sum()


def poisson_score_matrix(
    lambda_home: float, lambda_away: float, *, max_goals: int = GRID_MAX_GOALS
) -> NDArray[np.float64]:
    """Return the independent-Poisson score grid, normalised to sum to 1.

    Args:
        lambda_home: Expected home goals (> 0).
        lambda_away: Expected away goals (> 0).
        max_goals: Largest goal count per team in the grid.

    Returns:
        Array ``P`` of shape ``(max_goals + 1, max_goals + 1)``, ``P[h, a]`` the
        probability of the score h-a.
    """
    matrix = np.outer(_poisson_pmf(lambda_home, max_goals), _poisson_pmf(lambda_away, max_goals))
    return np.asarray(matrix / matrix.sum(), dtype=float)


def _poisson_pmf(mean: float, max_goals: int) -> NDArray[np.float64]:
    """P(0..max_goals goals) for a Poisson mean, in log space (scipy.stats is slow per call)."""
    goals = np.arange(max_goals + 1)
    return np.asarray(np.exp(goals * np.log(mean) - mean - gammaln(goals + 1)), dtype=float)


def outcome_probabilities(prob_matrix: NDArray[np.float64]) -> tuple[float, float, float]:
    """Return ``(p_home, p_draw, p_away)`` of a score grid (rows home goals)."""
    matrix = np.asarray(prob_matrix, dtype=float)
    total = matrix.sum()
    home = np.tril(matrix, k=-1).sum() / total
    away = np.triu(matrix, k=1).sum() / total
    return (float(home), float(1.0 - home - away), float(away))


def fit_poisson_means(p_home: float, p_draw: float, p_away: float) -> tuple[float, float]:
    """Find Poisson goal means whose 1X2 probabilities match the given ones.

    The home-win and away-win equations (the draw follows) are solved with MINPACK's
    hybrid method from a typical 2.7-goal match shifted towards the favourite: exact to
    about 1e-15, in a third of the time of the bounded least squares it replaced, which
    stopped within 2e-7 of the targets. When that finds no root inside the bounds
    (targets no pair of means can reach), bounded least squares gives the closest means.

    Args:
        p_home: Target home-win probability.
        p_draw: Target draw probability.
        p_away: Target away-win probability.

    Returns:
        ``(lambda_home, lambda_away)``.
    """
    target = np.array([p_home, p_draw, p_away], dtype=float)
    target = target / target.sum()
    supremacy = float(target[0] - target[2])
    start = np.clip([1.35 + supremacy, 1.35 - supremacy], 0.2, 4.0)

    def residuals(means: NDArray[np.float64]) -> NDArray[np.float64]:
        grid = poisson_score_matrix(means[0], means[1])
        return np.asarray(outcome_probabilities(grid)) - target

    def win_residuals(means: NDArray[np.float64]) -> NDArray[np.float64]:
        return residuals(np.clip(means, *_MEAN_BOUNDS))[::2]  # never a log of a negative

    solved, _, found, _ = fsolve(win_residuals, start, full_output=True, xtol=1e-12)
    means = np.clip(solved, *_MEAN_BOUNDS)
    if found != 1 or np.abs(residuals(means)).max() > 1e-9:
        means = least_squares(residuals, start, bounds=_MEAN_BOUNDS, xtol=1e-10, ftol=1e-12).x
    return (float(means[0]), float(means[1]))


def league_average_means(
    results: Sequence[PastResult], *, min_matches: int = MIN_LEAGUE_MATCHES
) -> tuple[float, float] | None:
    """Return the mean home and away goals of ``results``.

    Args:
        results: Earlier results (already filtered to before kick-off).
        min_matches: Fewest results for the averages to be used.

    Returns:
        ``(lambda_home, lambda_away)``, or None when there are too few results.
    """
    if len(results) < min_matches:
        return None
    home = np.mean([r.home_goals for r in results])
    away = np.mean([r.away_goals for r in results])
    low = _MEAN_BOUNDS[0]
    return (max(float(home), low), max(float(away), low))
