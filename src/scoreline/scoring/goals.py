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

import json
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, least_squares
from scipy.special import gammaln

from scoreline.scoring.history import PastResult

__all__ = [
    "fit_poisson_means",
    "implied_probabilities",
    "league_average_means",
    "outcome_probabilities",
    "poisson_score_matrix",
    "score_matrix_json",
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


_GOALS = np.arange(GRID_MAX_GOALS + 1)
_LOG_FACTORIALS = gammaln(_GOALS + 1)
"""log(k!) for k = 0..15: every pmf of a grid uses them (the market's root finder ~15 times
a match)."""


def _poisson_pmf(mean: float, max_goals: int) -> NDArray[np.float64]:
    """P(0..max_goals goals) for a Poisson mean, in log space (scipy.stats is slow per call)."""
    if max_goals <= GRID_MAX_GOALS:
        goals, log_factorials = _GOALS[: max_goals + 1], _LOG_FACTORIALS[: max_goals + 1]
    else:
        goals = np.arange(max_goals + 1)
        log_factorials = gammaln(goals + 1)
    return np.asarray(np.exp(goals * np.log(mean) - mean - log_factorials), dtype=float)


def outcome_probabilities(prob_matrix: NDArray[np.float64]) -> tuple[float, float, float]:
    """Return ``(p_home, p_draw, p_away)`` of a score grid (rows home goals)."""
    matrix = np.asarray(prob_matrix, dtype=float)
    total = matrix.sum()
    home = np.tril(matrix, k=-1).sum() / total
    away = np.triu(matrix, k=1).sum() / total
    return (float(home), float(1.0 - home - away), float(away))


STORED_MAX_GOALS = 10
"""Largest goal count per team in a stored score matrix."""
STORED_PLACES = 6
"""Decimal places of a stored score matrix's probabilities."""


def score_matrix_json(prob_matrix: NDArray[np.float64]) -> str:
    """A score grid as compact JSON for storage: rows home goals 0..10, six decimals.

    The grid is cut to ``STORED_MAX_GOALS`` and rounded, not renormalised: what is stored
    is what the forecaster computed, to a millionth.
    """
    size = STORED_MAX_GOALS + 1
    rows = np.round(np.asarray(prob_matrix, dtype=float)[:size, :size], STORED_PLACES)
    return json.dumps(rows.tolist(), separators=(",", ":"))


def fit_poisson_means(p_home: float, p_draw: float, p_away: float) -> tuple[float, float]:
    """Find Poisson goal means whose 1X2 probabilities match the given ones.

    The home-win and away-win equations (the draw follows) are solved by Newton's method
    with their exact Jacobian (``_newton_means``), from a typical 2.7-goal match shifted
    towards the favourite: exact to about 1e-15 in a handful of steps, in half the time of
    the MINPACK hybrid solver it replaced (same roots, measured within 3e-14 on every
    bundled match with odds). When that
    finds no root inside the bounds (targets no pair of means can reach), bounded least
    squares gives the closest means.

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

    means = _newton_means(target[0], target[2], start)
    if means is None or np.abs(residuals(means)).max() > 1e-9:
        means = least_squares(residuals, start, bounds=_MEAN_BOUNDS, xtol=1e-10, ftol=1e-12).x
    return (float(means[0]), float(means[1]))


_HOME_WINS = np.tril(np.ones((GRID_MAX_GOALS + 1, GRID_MAX_GOALS + 1)), k=-1)
"""Cells of a score grid where the home side wins (rows home goals)."""


def _newton_means(
    p_home: float, p_away: float, start: NDArray[np.float64], *, steps: int = 30
) -> NDArray[np.float64] | None:
    """Newton's method on the home-win and away-win equations; None if it does not settle.

    With ``h``, ``a`` the two Poisson pmfs on 0..15 goals and ``W`` the home-win cells,
    P(home win) = h'Wa / (Σh Σa), and d pmf_k / dλ = pmf_(k-1) - pmf_k.
    """
    means = np.array(start, dtype=float)
    for _ in range(steps):
        pmfs = [_poisson_pmf(m, GRID_MAX_GOALS) for m in means]
        slopes = [np.append(0.0, pmf[:-1]) - pmf for pmf in pmfs]
        sums = [pmf.sum() for pmf in pmfs]
        norm = sums[0] * sums[1]
        home = pmfs[0] @ _HOME_WINS @ pmfs[1] / norm
        away = pmfs[1] @ _HOME_WINS @ pmfs[0] / norm
        residual = np.array([home - p_home, away - p_away])
        if np.abs(residual).max() < 1e-15:
            return means
        shrink = [slope.sum() / total for slope, total in zip(slopes, sums, strict=True)]
        jacobian = np.array(
            [
                [
                    slopes[0] @ _HOME_WINS @ pmfs[1] / norm - home * shrink[0],
                    pmfs[0] @ _HOME_WINS @ slopes[1] / norm - home * shrink[1],
                ],
                [
                    pmfs[1] @ _HOME_WINS @ slopes[0] / norm - away * shrink[0],
                    slopes[1] @ _HOME_WINS @ pmfs[0] / norm - away * shrink[1],
                ],
            ]
        )
        try:
            step = np.linalg.solve(jacobian, residual)
        except np.linalg.LinAlgError:
            return None
        means = np.clip(means - step, *_MEAN_BOUNDS)
        if np.abs(step).max() < 1e-13:
            return means
    return None


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
