"""Calibration of 1X2 forecasts: reliability bins, ECE and the Murphy decomposition.

A forecaster is calibrated when, of the matches it gives a 30 % home win, about 30 % end
in a home win. Per outcome (home, draw, away), forecasts are put in ``bins`` equal-width
bins of forecast probability (``[0, 0.1)``, ..., ``[0.9, 1]`` for 10; a probability of 1
goes in the last bin), and each bin's mean forecast is set beside its observed frequency.

**ECE** (expected calibration error) of an outcome is the count-weighted mean of
``|observed - forecast|`` over its bins; the overall ECE is the mean over the three
outcomes (class-wise ECE), so a draw miscalibration counts as much as a home one.

**Murphy decomposition** of the multi-class Brier score, summed over the outcomes:
``Brier = reliability - resolution + uncertainty + within_bin``. Reliability (lower is
better) is the count-weighted squared gap between a bin's mean forecast and its observed
frequency; resolution (higher is better) how far the bins' frequencies are from the base
rate; uncertainty the base rate's own Brier score, ``sum_k o_k (1 - o_k)``. Murphy's
identity ``Brier = REL - RES + UNC`` is exact when the forecasts within a bin are equal;
binning continuous forecasts leaves the within-bin variance and covariance terms
(Stephenson, Coelho and Jolliffe, 2008), reported as ``within_bin`` so the parts always add
up to the Brier score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scoreline.scoring.probabilities import check_forecasts

__all__ = [
    "OUTCOMES",
    "BrierDecomposition",
    "CalibrationBin",
    "OutcomeCalibration",
    "calibration",
    "murphy_decomposition",
]

OUTCOMES = ("home", "draw", "away")
"""The outcomes in column order."""


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One bin of forecast probability for one outcome."""

    low: float
    """Lower edge (inclusive)."""
    high: float
    """Upper edge (exclusive, except 1.0 for the last bin)."""
    count: int
    """Forecasts in the bin."""
    mean_forecast: float | None
    """Mean forecast probability in the bin; None when empty."""
    observed: float | None
    """Share of the bin's matches where the outcome happened; None when empty."""


@dataclass(frozen=True, slots=True)
class OutcomeCalibration:
    """The reliability diagram and ECE of one outcome."""

    outcome: str
    """``home``, ``draw`` or ``away``."""
    bins: tuple[CalibrationBin, ...]
    """The bins, lowest first (empty ones included, so every diagram has the same axis)."""
    ece: float
    """Expected calibration error of this outcome."""


@dataclass(frozen=True, slots=True)
class BrierDecomposition:
    """Murphy's parts of the mean multi-class Brier score, summed over the outcomes."""

    brier: float
    """Mean multi-class Brier score."""
    reliability: float
    """Squared gap between bins' mean forecasts and observed frequencies (lower is better)."""
    resolution: float
    """Spread of the bins' observed frequencies around the base rate (higher is better)."""
    uncertainty: float
    """Brier score of always forecasting the base rates: what the matches make inevitable."""
    within_bin: float
    """Within-bin variance minus twice the within-bin covariance (0 for bin-constant
    forecasts): ``brier == reliability - resolution + uncertainty + within_bin``."""


def _bin_index(probs: NDArray[np.float64], bins: int) -> NDArray[np.int64]:
    """The bin of each probability (shape kept); 1.0 goes in the last bin."""
    return np.asarray(np.minimum((probs * bins).astype(np.int64), bins - 1), dtype=np.int64)


def _bin_sums(
    index: NDArray[np.int64], values: NDArray[np.float64], bins: int
) -> NDArray[np.float64]:
    return np.bincount(index, weights=values, minlength=bins).astype(np.float64)


def _outcome_calibration(
    name: str, forecast: NDArray[np.float64], happened: NDArray[np.float64], bins: int
) -> OutcomeCalibration:
    index = _bin_index(forecast, bins)
    counts = np.bincount(index, minlength=bins)
    forecast_sums = _bin_sums(index, forecast, bins)
    observed_sums = _bin_sums(index, happened, bins)
    rows = []
    for b in range(bins):
        n = int(counts[b])
        rows.append(
            CalibrationBin(
                low=b / bins,
                high=(b + 1) / bins,
                count=n,
                mean_forecast=float(forecast_sums[b] / n) if n else None,
                observed=float(observed_sums[b] / n) if n else None,
            )
        )
    ece = float(np.abs(observed_sums - forecast_sums).sum() / forecast.size)
    return OutcomeCalibration(outcome=name, bins=tuple(rows), ece=ece)


def _checked(
    probs: ArrayLike, outcomes: ArrayLike, bins: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    forecasts, observed = check_forecasts(probs, outcomes)
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {bins}")
    if observed.size == 0:
        raise ValueError("no forecast to calibrate")
    return forecasts, np.asarray(np.eye(3)[observed], dtype=np.float64)


def calibration(
    probs: ArrayLike, outcomes: ArrayLike, *, bins: int = 10
) -> tuple[tuple[OutcomeCalibration, ...], float]:
    """Return the reliability bins and ECE of each outcome, and the overall ECE.

    Args:
        probs: Shape ``(n, 3)``: ``(p_home, p_draw, p_away)`` per match.
        outcomes: Shape ``(n,)``: 0 home, 1 draw, 2 away.
        bins: Equal-width bins of forecast probability per outcome.

    Returns:
        ``(per_outcome, ece)``: home, draw and away in that order, and the mean of their ECEs.

    Raises:
        ValueError: Invalid forecasts, no forecast, or ``bins < 1``.
    """
    forecasts, happened = _checked(probs, outcomes, bins)
    per_outcome = tuple(
        _outcome_calibration(name, forecasts[:, k], happened[:, k], bins)
        for k, name in enumerate(OUTCOMES)
    )
    return per_outcome, float(np.mean([c.ece for c in per_outcome]))


def murphy_decomposition(
    probs: ArrayLike, outcomes: ArrayLike, *, bins: int = 10
) -> BrierDecomposition:
    """Return the Murphy decomposition of the mean multi-class Brier score.

    Args:
        probs: Shape ``(n, 3)``: ``(p_home, p_draw, p_away)`` per match.
        outcomes: Shape ``(n,)``: 0 home, 1 draw, 2 away.
        bins: Equal-width bins of forecast probability per outcome (as ``calibration``).

    Raises:
        ValueError: Invalid forecasts, no forecast, or ``bins < 1``.
    """
    forecasts, happened = _checked(probs, outcomes, bins)
    n = forecasts.shape[0]
    parts = np.zeros(4)  # reliability, resolution, uncertainty, within-bin
    for k in range(3):
        forecast, hit = forecasts[:, k], happened[:, k]
        index = _bin_index(forecast, bins)
        counts = np.bincount(index, minlength=bins).astype(np.float64)
        safe = np.maximum(counts, 1.0)
        mean_forecast = _bin_sums(index, forecast, bins) / safe
        frequency = _bin_sums(index, hit, bins) / safe
        base_rate = hit.mean()
        spread = forecast - mean_forecast[index]
        parts += [
            (counts * (mean_forecast - frequency) ** 2).sum() / n,
            (counts * (frequency - base_rate) ** 2).sum() / n,
            base_rate * (1.0 - base_rate),
            ((spread**2).sum() - 2.0 * (spread * (hit - frequency[index])).sum()) / n,
        ]
    brier = float(((forecasts - happened) ** 2).sum(axis=1).mean())
    reliability, resolution, uncertainty, within_bin = (float(x) for x in parts)
    return BrierDecomposition(brier, reliability, resolution, uncertainty, within_bin)
