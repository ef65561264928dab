"""Proper scoring rules for 1X2 forecasts, one value per match, vectorised with numpy.

A forecast is a row ``(p_home, p_draw, p_away)``; an outcome is ``0`` (home win), ``1``
(draw) or ``2`` (away win), the ordering penaltyblog's metrics use as well. Every score
here is returned per match, so that the bootstrap in ``scoring.uncertainty`` can resample
matches; the score of a forecaster is the mean.

- **RPS** (ranked probability score): the outcomes are ordered (a draw is nearer a home win
  than an away win is), so it compares cumulative distributions,
  ``((P_H - O_H)^2 + (P_H + P_D - O_H - O_D)^2) / 2``. 0 is perfect, lower is better.
- **Brier** (multi-class): ``sum_k (p_k - o_k)^2``, from 0 to 2.
- **Log loss**: ``-ln p_outcome`` with ``p`` clipped at ``1e-15``, so a confident miss costs
  about 34.5, not infinity.
- **Hit**: 1 when the most likely outcome happened. Ties go to the first of home, draw,
  away, so the rule is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "LOG_LOSS_CLIP",
    "ProbabilityScores",
    "brier_by_match",
    "check_forecasts",
    "hit_by_match",
    "log_loss_by_match",
    "outcome_index",
    "rps_by_match",
    "score_forecasts",
]

LOG_LOSS_CLIP = 1e-15
"""Smallest probability the log loss takes the logarithm of."""
SUM_TOLERANCE = 1e-6
"""How far a row's sum may be from 1 (stored probabilities are renormalised already)."""


def outcome_index(home_goals: ArrayLike, away_goals: ArrayLike) -> NDArray[np.int64]:
    """Return the outcome of each result: 0 home win, 1 draw, 2 away win.

    Args:
        home_goals: Home goals per match.
        away_goals: Away goals per match, same length.
    """
    diff = np.asarray(home_goals, dtype=np.int64) - np.asarray(away_goals, dtype=np.int64)
    return np.asarray(1 - np.sign(diff), dtype=np.int64)


def check_forecasts(
    probs: ArrayLike, outcomes: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return forecasts and outcomes as arrays, refusing what no score is defined for.

    Args:
        probs: Shape ``(n, 3)``: ``(p_home, p_draw, p_away)`` per match.
        outcomes: Shape ``(n,)``: 0, 1 or 2 per match.

    Returns:
        ``(probs, outcomes)`` as float and int arrays.

    Raises:
        ValueError: Wrong shapes, a negative or non-finite probability, a row that does not
            sum to 1, or an outcome outside 0-2.
    """
    forecasts = np.asarray(probs, dtype=np.float64)
    observed = np.asarray(outcomes, dtype=np.int64)
    if forecasts.ndim != 2 or forecasts.shape[1] != 3:
        raise ValueError(f"probabilities must have shape (n, 3), got {forecasts.shape}")
    if observed.shape != (forecasts.shape[0],):
        raise ValueError(f"outcomes must have shape ({forecasts.shape[0]},), got {observed.shape}")
    if observed.size == 0:
        return forecasts, observed
    sums = forecasts.sum(axis=1)  # a NaN or an infinity anywhere makes its row's sum so
    if not np.all(np.isfinite(sums)) or forecasts.min() < 0:
        raise ValueError("probabilities must be finite and non-negative")
    if np.abs(sums - 1.0).max() > SUM_TOLERANCE:
        raise ValueError("every row of probabilities must sum to 1")
    if observed.min() < 0 or observed.max() > 2:
        raise ValueError("outcomes must be 0 (home), 1 (draw) or 2 (away)")
    return forecasts, observed


def _rps(forecasts: NDArray[np.float64], observed: NDArray[np.int64]) -> NDArray[np.float64]:
    home_gap = forecasts[:, 0] - (observed == 0)
    not_away_gap = forecasts[:, 0] + forecasts[:, 1] - (observed <= 1)
    return np.asarray((home_gap**2 + not_away_gap**2) / 2.0, dtype=np.float64)


def _chosen(forecasts: NDArray[np.float64], observed: NDArray[np.int64]) -> NDArray[np.float64]:
    """The probability each forecast gave the outcome that happened."""
    return np.asarray(forecasts[np.arange(observed.size), observed], dtype=np.float64)


def _brier(forecasts: NDArray[np.float64], observed: NDArray[np.int64]) -> NDArray[np.float64]:
    # sum_k (p_k - o_k)^2 = sum_k p_k^2 - 2 p_outcome + 1
    squares = np.einsum("ij,ij->i", forecasts, forecasts)
    return np.asarray(squares - 2.0 * _chosen(forecasts, observed) + 1.0, dtype=np.float64)


def _log_loss(forecasts: NDArray[np.float64], observed: NDArray[np.int64]) -> NDArray[np.float64]:
    chosen = np.clip(_chosen(forecasts, observed), LOG_LOSS_CLIP, 1.0)
    return np.asarray(-np.log(chosen), dtype=np.float64)


def _hits(forecasts: NDArray[np.float64], observed: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.asarray(np.argmax(forecasts, axis=1) == observed, dtype=np.float64)


def rps_by_match(probs: ArrayLike, outcomes: ArrayLike) -> NDArray[np.float64]:
    """Return the ranked probability score of every forecast (lower is better)."""
    return _rps(*check_forecasts(probs, outcomes))


def brier_by_match(probs: ArrayLike, outcomes: ArrayLike) -> NDArray[np.float64]:
    """Return the multi-class Brier score of every forecast (0 to 2, lower is better)."""
    return _brier(*check_forecasts(probs, outcomes))


def log_loss_by_match(probs: ArrayLike, outcomes: ArrayLike) -> NDArray[np.float64]:
    """Return ``-ln p`` of the outcome that happened, ``p`` clipped at ``LOG_LOSS_CLIP``."""
    return _log_loss(*check_forecasts(probs, outcomes))


def hit_by_match(probs: ArrayLike, outcomes: ArrayLike) -> NDArray[np.float64]:
    """Return 1.0 where the most likely outcome happened, else 0.0 (ties: home, draw, away)."""
    return _hits(*check_forecasts(probs, outcomes))


@dataclass(frozen=True, slots=True)
class ProbabilityScores:
    """Mean scores of a set of forecasts."""

    n: int
    """Forecasts scored."""
    rps: float
    """Mean ranked probability score."""
    brier: float
    """Mean multi-class Brier score."""
    log_loss: float
    """Mean log loss (natural logarithm)."""
    accuracy: float
    """Share of matches whose most likely outcome happened."""


def score_forecasts(probs: ArrayLike, outcomes: ArrayLike) -> ProbabilityScores:
    """Return the mean RPS, Brier, log loss and accuracy of the forecasts.

    Raises:
        ValueError: As ``check_forecasts``, or there is no forecast.
    """
    forecasts, observed = check_forecasts(probs, outcomes)
    if observed.size == 0:
        raise ValueError("no forecast to score")
    return ProbabilityScores(
        n=int(observed.size),
        rps=float(_rps(forecasts, observed).mean()),
        brier=float(_brier(forecasts, observed).mean()),
        log_loss=float(_log_loss(forecasts, observed).mean()),
        accuracy=float(_hits(forecasts, observed).mean()),
    )
