"""Scoring: Kicktipp quotas and points, the score job, the leaderboard, reference forecasters.

The rules (quotas, points, bootstrap, reference forecasters) are pure functions that touch
neither the database nor a provider, so the score job, the backtest and notebooks share
them. Two modules use the store: ``settle`` (the score job: ``score_match``, ``score_all``,
``rescore_changed``, and ``score_matches`` for a batch) and ``ranking`` (``leaderboard``).
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
from scoreline.scoring.ranking import SORT_KEYS, LeaderboardRow, leaderboard
from scoreline.scoring.reference import (
    REFERENCE_CLASSES,
    REFERENCE_FORECASTERS,
    ReferenceForecaster,
    UnknownReferenceModelError,
    predict_reference,
    reference_class,
)
from scoreline.scoring.settle import (
    ScoreSummary,
    match_quotas,
    rescore_changed,
    score_all,
    score_match,
    score_matches,
)

__all__ = [
    "NEUTRAL_QUOTAS",
    "REFERENCE_CLASSES",
    "REFERENCE_FORECASTERS",
    "SORT_KEYS",
    "DixonColesCache",
    "DixonColesSettings",
    "LeaderboardRow",
    "MatchInfo",
    "MissingExtraError",
    "PastResult",
    "PointsBreakdown",
    "Quotas",
    "ReferenceForecaster",
    "ScoreSummary",
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
    "leaderboard",
    "league_average_means",
    "market_score_matrix",
    "match_quotas",
    "outcome_probabilities",
    "poisson_score_matrix",
    "predict_dixon_coles",
    "predict_market",
    "predict_reference",
    "quota_for_share",
    "reference_class",
    "rescore_changed",
    "results_before",
    "score_all",
    "score_match",
    "score_matches",
    "score_prediction",
    "tendency_of",
]
