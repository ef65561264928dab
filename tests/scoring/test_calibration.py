"""Reliability bins, ECE and the Murphy decomposition of the Brier score."""

from __future__ import annotations

import numpy as np
import pytest

from scoreline.scoring.calibration import calibration, murphy_decomposition
from scoreline.scoring.probabilities import brier_by_match

# Ten matches, two distinct forecasts (so each outcome's forecasts are constant per bin).
FAVOURITE = (0.6, 0.25, 0.15)
OPEN = (0.35, 0.3, 0.35)
PROBS = [FAVOURITE] * 5 + [OPEN] * 5
OUTCOMES = [0, 0, 0, 1, 2, 0, 1, 1, 2, 2]  # favourite: H H H D A; open: H D D A A


def _random(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([4, 2.5, 3], size=n)
    outcomes = np.array([rng.choice(3, p=p) for p in probs])
    return probs, outcomes


def test_bins_hold_counts_mean_forecasts_and_observed_frequencies() -> None:
    per_outcome, _ = calibration(PROBS, OUTCOMES, bins=10)
    home = per_outcome[0]
    assert home.outcome == "home"
    assert len(home.bins) == 10
    filled = {(b.low, b.high): b for b in home.bins if b.count}
    assert set(filled) == {(0.3, 0.4), (0.6, 0.7)}
    assert filled[(0.6, 0.7)].count == 5
    assert filled[(0.6, 0.7)].mean_forecast == pytest.approx(0.6)
    assert filled[(0.6, 0.7)].observed == pytest.approx(3 / 5)
    assert filled[(0.3, 0.4)].observed == pytest.approx(1 / 5)
    assert home.bins[0].mean_forecast is None and home.bins[0].observed is None


def test_ece_by_hand() -> None:
    per_outcome, ece = calibration(PROBS, OUTCOMES, bins=10)
    # home: |0.6-0.6|*5 + |0.35-0.2|*5 -> 0.75/10; draw: |0.25-0.2|*5 + |0.3-0.4|*5 -> 0.075;
    # away: |0.15-0.2|*5 + |0.35-0.4|*5 -> 0.05.
    assert [c.ece for c in per_outcome] == pytest.approx([0.075, 0.075, 0.05])
    assert ece == pytest.approx(0.2 / 3)


def test_probability_one_goes_in_the_last_bin() -> None:
    per_outcome, _ = calibration([(1.0, 0.0, 0.0)], [0], bins=5)
    assert per_outcome[0].bins[-1].count == 1
    assert per_outcome[1].bins[0].count == 1


def test_murphy_identity_is_exact_for_forecasts_constant_within_bins() -> None:
    parts = murphy_decomposition(PROBS, OUTCOMES, bins=10)
    assert parts.brier == pytest.approx(brier_by_match(PROBS, OUTCOMES).mean(), abs=1e-12)
    assert parts.within_bin == pytest.approx(0.0, abs=1e-12)
    assert parts.reliability - parts.resolution + parts.uncertainty == pytest.approx(
        parts.brier, abs=1e-12
    )
    # Base rates 0.4 / 0.3 / 0.3.
    assert parts.uncertainty == pytest.approx(0.24 + 0.21 + 0.21)


@pytest.mark.parametrize("bins", [1, 5, 10, 20])
def test_murphy_parts_add_up_to_the_brier_score_for_continuous_forecasts(bins: int) -> None:
    probs, outcomes = _random(2000, seed=bins)
    parts = murphy_decomposition(probs, outcomes, bins=bins)
    total = parts.reliability - parts.resolution + parts.uncertainty + parts.within_bin
    assert total == pytest.approx(brier_by_match(probs, outcomes).mean(), abs=1e-12)
    assert parts.reliability >= 0 and parts.resolution >= 0


def test_a_calibrated_forecaster_has_small_ece_and_reliability() -> None:
    probs, outcomes = _random(20000, seed=1)
    overconfident = probs**3 / (probs**3).sum(axis=1, keepdims=True)
    _, honest = calibration(probs, outcomes)
    _, bold = calibration(overconfident, outcomes)
    assert honest < 0.02 < bold
    assert (
        murphy_decomposition(probs, outcomes).reliability
        < murphy_decomposition(overconfident, outcomes).reliability
    )


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="bins"):
        calibration(PROBS, OUTCOMES, bins=0)
    with pytest.raises(ValueError, match="no forecast"):
        murphy_decomposition(np.empty((0, 3)), np.empty(0, dtype=int))
