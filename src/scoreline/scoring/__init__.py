"""Scoring: Kicktipp quotas and points, the score job, the leaderboard, reference forecasters.

The rules (quotas, points, bootstrap, reference forecasters) are pure functions that touch
neither the database nor a provider, so the score job, the backtest and notebooks share
them. Two modules use the store: ``settle`` (the score job: ``score_match``, ``score_all``,
``rescore_changed``, and ``score_matches`` for a batch) and ``ranking`` (``leaderboard``).
``ref-dixon-coles`` needs the optional extra ``scoreline[reference]``.

The names load on first use (PEP 562): a predict job that needs ``PastResult`` does not pay
for SciPy, and the score job does not load Dixon-Coles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoreline.lazy_names import lazy_names

if TYPE_CHECKING:
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
    from scoreline.scoring.quotas import (
        Quotas,
        Tendency,
        compute_quotas,
        quota_for_share,
        tendency_of,
    )
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

_HOMES = {
    "bootstrap_mean_ci": "scoreline.scoring.bootstrap",
    "bootstrap_mean_ci_many": "scoreline.scoring.bootstrap",
    "DixonColesCache": "scoreline.scoring.dixon_coles",
    "DixonColesSettings": "scoreline.scoring.dixon_coles",
    "MissingExtraError": "scoreline.scoring.dixon_coles",
    "dixon_coles_score_matrix": "scoreline.scoring.dixon_coles",
    "predict_dixon_coles": "scoreline.scoring.dixon_coles",
    "NEUTRAL_QUOTAS": "scoreline.scoring.expected",
    "best_score_for_expected_points": "scoreline.scoring.expected",
    "expected_points_matrix": "scoreline.scoring.expected",
    "fit_poisson_means": "scoreline.scoring.goals",
    "implied_probabilities": "scoreline.scoring.goals",
    "league_average_means": "scoreline.scoring.goals",
    "outcome_probabilities": "scoreline.scoring.goals",
    "poisson_score_matrix": "scoreline.scoring.goals",
    "MatchInfo": "scoreline.scoring.history",
    "PastResult": "scoreline.scoring.history",
    "results_before": "scoreline.scoring.history",
    "market_score_matrix": "scoreline.scoring.market",
    "predict_market": "scoreline.scoring.market",
    "PointsBreakdown": "scoreline.scoring.points",
    "score_prediction": "scoreline.scoring.points",
    "Quotas": "scoreline.scoring.quotas",
    "Tendency": "scoreline.scoring.quotas",
    "compute_quotas": "scoreline.scoring.quotas",
    "quota_for_share": "scoreline.scoring.quotas",
    "tendency_of": "scoreline.scoring.quotas",
    "SORT_KEYS": "scoreline.scoring.ranking",
    "LeaderboardRow": "scoreline.scoring.ranking",
    "leaderboard": "scoreline.scoring.ranking",
    "REFERENCE_CLASSES": "scoreline.scoring.reference",
    "REFERENCE_FORECASTERS": "scoreline.scoring.reference",
    "ReferenceForecaster": "scoreline.scoring.reference",
    "UnknownReferenceModelError": "scoreline.scoring.reference",
    "predict_reference": "scoreline.scoring.reference",
    "reference_class": "scoreline.scoring.reference",
    "ScoreSummary": "scoreline.scoring.settle",
    "match_quotas": "scoreline.scoring.settle",
    "rescore_changed": "scoreline.scoring.settle",
    "score_all": "scoreline.scoring.settle",
    "score_match": "scoreline.scoring.settle",
    "score_matches": "scoreline.scoring.settle",
}
"""Each public name and the module that defines it."""


__getattr__, __dir__ = lazy_names("scoreline.scoring", _HOMES, __all__, globals())
