"""Scoring: Kicktipp quotas and points, bootstrap intervals, reference forecasters.

Pure functions only: nothing here touches the database or a provider, so the
store, the score job, the backtest and notebooks all share one set of rules.
``ref-dixon-coles`` needs the optional extra ``scoreline[reference]``.
"""

from scoreline.scoring.bootstrap import bootstrap_mean_ci, bootstrap_mean_ci_many
from scoreline.scoring.dixon_coles import (
    DixonColesCache,
    DixonColesSettings,
    MissingExtraError,
    dixon_coles_score_matrix,
    predict_dixon_coles,
)
from scoreline.scoring.expected import (
    NEUTRAL_QUOTAS,
    best_score_for_expected_points,
    expected_points_matrix,
)
from scoreline.scoring.goals import (
    fit_poisson_means,
    implied_probabilities,
    league_average_means,
    outcome_probabilities,
    poisson_score_matrix,
)
from scoreline.scoring.history import MatchInfo, PastResult, results_before
from scoreline.scoring.market import market_score_matrix, predict_market
from scoreline.scoring.points import PointsBreakdown, score_prediction
from scoreline.scoring.quotas import Quotas, Tendency, compute_quotas, quota_for_share, tendency_of
from scoreline.scoring.reference import (
    REFERENCE_FORECASTERS,
    ReferenceForecaster,
    UnknownReferenceModelError,
    predict_reference,
)

__all__ = [
    "NEUTRAL_QUOTAS",
    "REFERENCE_FORECASTERS",
    "DixonColesCache",
    "DixonColesSettings",
    "MatchInfo",
    "MissingExtraError",
    "PastResult",
    "PointsBreakdown",
    "Quotas",
    "ReferenceForecaster",
    "Tendency",
    "UnknownReferenceModelError",
    "best_score_for_expected_points",
    "bootstrap_mean_ci",
    "bootstrap_mean_ci_many",
    "compute_quotas",
    "dixon_coles_score_matrix",
    "expected_points_matrix",
    "fit_poisson_means",
    "implied_probabilities",
    "league_average_means",
    "market_score_matrix",
    "outcome_probabilities",
    "poisson_score_matrix",
    "predict_dixon_coles",
    "predict_market",
    "predict_reference",
    "quota_for_share",
    "results_before",
    "score_prediction",
    "tendency_of",
]
