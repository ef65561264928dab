"""A model's calibration from its own forecasts: the same figures as over the whole
forecast matrix, on both engines, with filters and on a model with gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoreline.report.cache import report_cache
from scoreline.report.evaluation import EvaluationError, model_calibration
from scoreline.scoring.calibration import calibration, murphy_decomposition
from scoreline.store import Database, LeaderboardFilters
from tests.report import forecasts
from tests.report.forecasts import N_MATCHES, forecast, outcome


@pytest.fixture
def seeded(db: Database, tmp_path: Path) -> Database:
    report_cache.clear()
    forecasts.seed(db, tmp_path)
    return db


def _expected(model_id: str, matches: range) -> tuple[np.ndarray, np.ndarray]:
    given = [(n, forecast(model_id, n)) for n in matches]
    probs = np.array([p for _, p in given if p is not None])
    return probs, np.array([outcome(n) for n, p in given if p is not None])


@pytest.mark.parametrize("model_id", ["sharp", "patchy", "flat"])
def test_figures_match_the_model_forecasts(seeded: Database, model_id: str) -> None:
    found = model_calibration(seeded, model_id, bins=5)
    probs, outcomes = _expected(model_id, range(N_MATCHES))
    per_outcome, ece = calibration(probs, outcomes, bins=5)
    assert found["n"] == len(outcomes)  # patchy: its 30 matches with probabilities
    assert found["ece"] == pytest.approx(ece, abs=1e-12)
    for got, want in zip(found["outcomes"], per_outcome, strict=True):
        assert [b["count"] for b in got["bins"]] == [b.count for b in want.bins]
        assert [b["observed"] for b in got["bins"]] == pytest.approx(
            [b.observed for b in want.bins], abs=1e-12
        )
    parts = murphy_decomposition(probs, outcomes, bins=5)
    assert found["brier_decomposition"]["brier"] == pytest.approx(parts.brier, abs=1e-12)


def test_a_filter_narrows_the_matches(seeded: Database) -> None:
    until = forecasts.kickoff(9)
    found = model_calibration(seeded, "sharp", filters=LeaderboardFilters(until=until))
    probs, outcomes = _expected("sharp", range(10))
    assert found["n"] == 10
    assert found["ece"] == pytest.approx(calibration(probs, outcomes)[1], abs=1e-12)


def test_no_probabilities_or_no_model_is_an_evaluation_error(seeded: Database) -> None:
    late = LeaderboardFilters(since=forecasts.kickoff(31))
    with pytest.raises(EvaluationError, match="no scored prediction with probabilities"):
        model_calibration(seeded, "patchy", filters=late)
    with pytest.raises(EvaluationError, match="no scored prediction in this selection"):
        model_calibration(seeded, "late", filters=late)
    with pytest.raises(EvaluationError, match="unknown model 'ghost'"):
        model_calibration(seeded, "ghost")
