"""The ``ref-market`` forecaster: what the betting market implies.

Odds -> margin removed (``DEMARGIN_METHOD``) -> the market's 1X2 probabilities, which are
the forecaster's probabilities and the bar every other forecaster is measured against ->
Poisson goal means matching them -> score grid -> the expected-points-maximising score.
Score and probabilities come from the same de-margined odds, so they never disagree.
Without odds it falls back to a league-average Poisson grid from earlier results of the
same competition (probabilities from that grid), and to 2-1 with the base rates
(``scoring.base_rates``) when there are too few of those.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from scoreline.forecast import Estimate
from scoreline.scoring.base_rates import base_rates
from scoreline.scoring.expected import best_score_for_expected_points
from scoreline.scoring.extras import MissingExtraError, import_lean
from scoreline.scoring.goals import (
    fit_poisson_means,
    league_average_means,
    outcome_probabilities,
    poisson_score_matrix,
)
from scoreline.scoring.history import MatchInfo, PastResult, results_before

__all__ = [
    "DEMARGIN_METHOD",
    "DEMARGIN_METHODS",
    "DemarginMethod",
    "demargin",
    "estimate_market",
    "market_probabilities",
    "market_score_matrix",
    "predict_market",
]

DemarginMethod = Literal["multiplicative", "shin", "power"]
"""How the bookmaker's margin is taken out of 1X2 odds."""
DEMARGIN_METHODS: tuple[str, ...] = get_args(DemarginMethod)
"""The methods ``demargin`` accepts."""

NO_DATA_SCORE = (2, 1)
"""The prediction when neither odds nor enough history exist."""
DEMARGIN_METHOD: DemarginMethod = "multiplicative"
"""How ``ref-market`` takes the margin out: each inverse price divided by their sum."""


def demargin(
    odds_home: float,
    odds_draw: float,
    odds_away: float,
    *,
    method: DemarginMethod = "shin",
) -> tuple[float, float, float]:
    """Return the market's ``(p_home, p_draw, p_away)``: 1X2 odds without the margin.

    penaltyblog's implementations (``penaltyblog.implied``): ``multiplicative`` divides each
    inverse price by their sum; ``shin`` models the margin as the bookmaker's protection
    against insiders, which takes more off long shots; ``power`` raises the inverse prices
    to the power that makes them sum to 1, which does the same by another rule. A book
    without margin (inverse prices summing to 1 or less, a stale price) has no Shin
    solution and is normalised multiplicatively. The result is renormalised to sum to 1
    exactly (the root finders stop about 1e-12 short).

    Raises:
        ValueError: A price is not above 1, or the method is unknown.
        MissingExtraError: penaltyblog is not installed (``scoreline[reference]``).
    """
    if method not in DEMARGIN_METHODS:
        raise ValueError(f"unknown de-margining method {method!r} ({', '.join(DEMARGIN_METHODS)})")
    odds = [float(odds_home), float(odds_draw), float(odds_away)]
    if not all(price > 1.0 for price in odds):
        raise ValueError(f"decimal odds must be > 1, got {odds}")
    if method == "shin" and sum(1.0 / price for price in odds) <= 1.0:
        method = "multiplicative"
    try:
        calculate_implied = import_lean("penaltyblog.implied").calculate_implied
    except ImportError as exc:
        raise MissingExtraError(
            "de-margining odds needs penaltyblog: pip install 'scoreline[reference]'"
        ) from exc
    probs = np.asarray(calculate_implied(odds, method=method).probabilities, dtype=float)
    probs = probs / probs.sum()
    return (float(probs[0]), float(probs[1]), float(probs[2]))


def market_probabilities(
    odds: tuple[float, float, float], method: DemarginMethod = DEMARGIN_METHOD
) -> tuple[float, float, float]:
    """The market's ``(p_home, p_draw, p_away)`` from valid 1X2 odds.

    ``multiplicative`` is computed here (the same division penaltyblog does, so
    ``ref-market`` needs no extra); ``shin`` and ``power`` are ``demargin``'s.
    """
    if method == "multiplicative":
        inverse = [1.0 / price for price in odds]
        total = sum(inverse)
        return (inverse[0] / total, inverse[1] / total, inverse[2] / total)
    return demargin(*odds, method=method)


def market_score_matrix(
    match: MatchInfo,
    history: Iterable[PastResult],
    *,
    method: DemarginMethod = DEMARGIN_METHOD,
) -> NDArray[np.float64] | None:
    """Return the score grid ``ref-market`` predicts from, or None without data.

    Args:
        match: The match; its odds are used when all three are valid.
        history: Earlier results; only those before kick-off in the match's
            competition are used, and only when there are no odds.
        method: How the margin is taken out of the odds.

    Returns:
        The normalised score grid (rows home goals), or None when there are
        neither odds nor enough earlier results.
    """
    odds = match.odds
    means: tuple[float, float] | None
    if odds is not None:
        means = fit_poisson_means(*market_probabilities(odds, method))
    else:
        earlier = results_before(history, match.kickoff_at, competition=match.competition)
        means = league_average_means(earlier)
    if means is None:
        return None
    return poisson_score_matrix(*means)


def estimate_market(
    match: MatchInfo,
    history: Iterable[PastResult],
    *,
    method: DemarginMethod = DEMARGIN_METHOD,
) -> Estimate:
    """``ref-market``'s score and probabilities (see the module docstring)."""
    history = list(history)
    matrix = market_score_matrix(match, history, method=method)
    if matrix is None:
        return Estimate(*NO_DATA_SCORE, probabilities=base_rates(match, history))
    odds = match.odds
    probabilities = (
        market_probabilities(odds, method) if odds is not None else outcome_probabilities(matrix)
    )
    return Estimate(*best_score_for_expected_points(matrix), probabilities=probabilities)


def predict_market(match: MatchInfo, history: Iterable[PastResult]) -> tuple[int, int]:
    """Predict the expected-points-best score implied by the odds (``ref-market``).

    Args:
        match: The match to forecast.
        history: Earlier results, used only when the match has no odds.

    Returns:
        ``(home, away)``.
    """
    matrix = market_score_matrix(match, history)
    if matrix is None:
        return NO_DATA_SCORE
    return best_score_for_expected_points(matrix)
