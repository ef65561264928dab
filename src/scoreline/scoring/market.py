"""The ``ref-market`` forecaster: what the betting market implies.

Odds -> overround removed (Shin) -> Poisson goal means matching the 1X2
probabilities -> score grid -> the expected-points-maximising score. Without
odds it falls back to a league-average Poisson grid from earlier results of
the same competition, and to 2-1 when there are too few of those.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.expected import best_score_for_expected_points
from scoreline.scoring.goals import (
    fit_poisson_means,
    implied_probabilities,
    league_average_means,
    poisson_score_matrix,
)
from scoreline.scoring.history import MatchInfo, PastResult, results_before

__all__ = ["market_score_matrix", "predict_market"]

NO_DATA_SCORE = (2, 1)
"""The prediction when neither odds nor enough history exist."""


def market_score_matrix(
    match: MatchInfo, history: Iterable[PastResult]
) -> NDArray[np.float64] | None:
    """Return the score grid ``ref-market`` predicts from, or None without data.

    Args:
        match: The match; its odds are used when all three are valid.
        history: Earlier results; only those before kick-off in the match's
            competition are used, and only when there are no odds.

    Returns:
        The normalised score grid (rows home goals), or None when there are
        neither odds nor enough earlier results.
    """
    odds = match.odds
    means: tuple[float, float] | None
    if odds is not None:
        means = fit_poisson_means(*implied_probabilities(*odds))
    else:
        earlier = results_before(history, match.kickoff_at, competition=match.competition)
        means = league_average_means(earlier)
    if means is None:
        return None
    return poisson_score_matrix(*means)


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
