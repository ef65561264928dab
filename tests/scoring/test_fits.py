"""The faster fits solve the same problems: Dixon-Coles with an exact constraint Jacobian,
Poisson means from 1X2 probabilities with a root finder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.util import find_spec

import numpy as np
import pytest

from scoreline.scoring import PastResult, fit_poisson_means, outcome_probabilities
from scoreline.scoring.dixon_coles import _minimise
from scoreline.scoring.goals import poisson_score_matrix


@pytest.mark.skipif(find_spec("penaltyblog") is None, reason="needs scoreline[reference]")
@pytest.mark.parametrize(
    "cutoff", [datetime(2023, 8, 11, tzinfo=UTC), datetime(2024, 3, 2, tzinfo=UTC)]
)
def test_dixon_coles_fit_equals_penaltyblogs_own_fit(
    e0_results: list[PastResult], cutoff: datetime
) -> None:
    from penaltyblog.models import DixonColesGoalModel

    window = [r for r in e0_results if cutoff - timedelta(days=400) <= r.kickoff_at < cutoff]
    ages = np.array([(cutoff - r.kickoff_at).total_seconds() / 86400 for r in window])

    def model() -> DixonColesGoalModel:
        return DixonColesGoalModel(
            [r.home_goals for r in window],
            [r.away_goals for r in window],
            [r.home_team for r in window],
            [r.away_team for r in window],
            weights=np.exp(-0.0018 * ages),
        )

    theirs, ours = model(), model()
    theirs.fit()
    _minimise(ours)
    assert ours.fitted
    assert np.abs(np.asarray(ours._params) - np.asarray(theirs._params)).max() < 1e-7
    grid_ours = ours.predict("Arsenal", "Chelsea", max_goals=11).goal_matrix
    grid_theirs = theirs.predict("Arsenal", "Chelsea", max_goals=11).goal_matrix
    assert np.abs(np.asarray(grid_ours) - np.asarray(grid_theirs)).max() < 1e-8


@pytest.mark.parametrize(
    "target",
    [
        (0.45, 0.27, 0.28),
        (0.2, 0.25, 0.55),
        (0.9, 0.05, 0.05),
        (0.97, 0.02, 0.01),
        (1 / 3, 1 / 3, 1 / 3),
    ],
)
def test_poisson_means_reproduce_reachable_targets_exactly(
    target: tuple[float, float, float],
) -> None:
    means = fit_poisson_means(*target)
    assert outcome_probabilities(poisson_score_matrix(*means)) == pytest.approx(target, abs=1e-12)


def test_an_unreachable_target_gets_the_closest_means_within_bounds() -> None:
    # 90 % draws: no pair of means gets there; the bounded least squares takes over.
    home, away = fit_poisson_means(0.05, 0.9, 0.05)
    assert 0.05 <= home <= 0.06 and 0.05 <= away <= 0.06
    assert home == pytest.approx(away, abs=1e-9)
