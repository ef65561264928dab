"""Percentile bootstrap confidence intervals for mean points per match.

Matches are the resampling unit: a model's points on one match are one draw.
The batched variant resamples the SAME matches for every model (a paired
bootstrap), so intervals of different models are comparable and the work is a
single matrix product per chunk of resamples instead of a loop over models.

Resamples are drawn as per-match multiplicities (how often each match appears
in a resample); both functions use the same stream for the same seed, so the
single-model interval equals the batched one for that model's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scoreline.scoring.extras import single_threaded_blas
from scoreline.scoring.uncertainty import CELLS_PER_CHUNK as LOSS_CELLS_PER_CHUNK
from scoreline.scoring.uncertainty import resample_counts

__all__ = ["bootstrap_mean_ci", "bootstrap_mean_ci_many", "shared_resampled_means"]

_MAX_CELLS_PER_CHUNK = 500_000
"""Upper bound on resamples x matches held in memory at once (~4 MB of int64 counts):
small enough to stay in cache, which is faster than one big chunk."""
_FLOAT32_EXACT = 2**24
"""Integers below this are exact in float32."""


def bootstrap_mean_ci(
    values_by_match: Sequence[float] | NDArray[np.floating],
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Return a percentile bootstrap interval for the mean of per-match values.

    Args:
        values_by_match: One value per match (e.g. points); NaN marks a match
            that does not count (it is ignored in every resample).
        n_resamples: Number of bootstrap resamples.
        confidence: Coverage of the interval, in (0, 1).
        seed: Seed of the random generator; the same inputs and seed give the
            same interval.

    Returns:
        ``(lower, upper)``.

    Raises:
        ValueError: If there is no value or an argument is out of range.
    """
    values = np.asarray(values_by_match, dtype=float)
    if values.ndim != 1:
        raise ValueError("values_by_match must be one-dimensional")
    bounds = bootstrap_mean_ci_many(
        values[np.newaxis, :], n_resamples=n_resamples, confidence=confidence, seed=seed
    )
    return float(bounds[0, 0]), float(bounds[0, 1])


def bootstrap_mean_ci_many(
    values: ArrayLike,
    *,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> NDArray[np.float64]:
    """Return paired percentile bootstrap intervals for many models at once.

    Args:
        values: Array of shape ``(n_models, n_matches)``; row ``m`` holds model
            ``m``'s value on each match, NaN where the model has no value (for
            example it did not predict that match).
        n_resamples: Number of bootstrap resamples (shared by all models).
        confidence: Coverage of the intervals, in (0, 1).
        seed: Seed of the random generator.

    Returns:
        Array of shape ``(n_models, 2)``: lower and upper bound per model. A
        model with no value at all gets NaN bounds.

    Raises:
        ValueError: If the array is not 2-D with at least one match, or an
            argument is out of range.
    """
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError("values must have shape (n_models, n_matches) with n_matches >= 1")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be positive, got {n_resamples}")
    means = _resampled_means(matrix, n_resamples=n_resamples, seed=seed)
    return _percentile_bounds(means, confidence)


def _percentile_bounds(means: NDArray[np.float64], confidence: float) -> NDArray[np.float64]:
    """Percentile bounds per row; NaN-aware only for the rows that need it (it is slow)."""
    alpha = (1 - confidence) / 2
    levels = [alpha, 1 - alpha]
    bounds = np.full((means.shape[0], 2), np.nan)
    missing = np.isnan(means)
    complete = ~missing.any(axis=1)
    if complete.any():
        bounds[complete] = np.quantile(means[complete], levels, axis=1).T
    partial = ~complete & ~missing.all(axis=1)
    if partial.any():
        bounds[partial] = np.nanquantile(means[partial], levels, axis=1).T
    return bounds


def _product_dtype(filled: NDArray[np.float64]) -> type[np.floating[Any]]:
    """float32 when every product sum stays an exactly representable integer, else float64.

    Points are small integers, so a float32 matrix product gives bit-identical sums at
    about a tenth of the cost of float64 on large leaderboards.
    """
    n_matches = filled.shape[1]
    if filled.size == 0:
        return np.float64
    largest = float(np.abs(filled).max())
    if (largest + 1) * n_matches < _FLOAT32_EXACT and np.array_equal(filled, np.rint(filled)):
        return np.float32
    return np.float64


@dataclass(frozen=True)
class _PointProduct:
    """Per-match points ready for the product with each chunk's multiplicities."""

    values: NDArray[np.floating[Any]]
    weights: NDArray[np.floating[Any]] | None
    """Where a model has a value; None when every model has every match."""
    dtype: type[np.floating[Any]]
    means: NDArray[np.float64]
    """``(models, resamples)``, filled chunk by chunk."""

    @classmethod
    def of(cls, matrix: NDArray[np.float64], n_resamples: int) -> _PointProduct:
        present = ~np.isnan(matrix)
        filled = np.where(present, matrix, 0.0)
        dtype = _product_dtype(filled)
        # Every resample holds n_matches draws: with no gaps the denominator is that constant.
        weights = None if present.all() else present.astype(dtype)
        means = np.empty((matrix.shape[0], n_resamples))
        return cls(filled.astype(dtype), weights, dtype, means)

    def add(self, counts: NDArray[np.int64], start: int) -> None:
        """Fill the means of the resamples ``start...`` from their ``(size, matches)`` counts."""
        size, n_matches = counts.shape
        columns = counts.astype(self.dtype).T
        sums = (self.values @ columns).astype(np.float64)
        if self.weights is None:
            self.means[:, start : start + size] = sums / n_matches
            return
        totals = (self.weights @ columns).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.means[:, start : start + size] = np.where(totals > 0, sums / totals, np.nan)


def _resampled_means(
    matrix: NDArray[np.float64], *, n_resamples: int, seed: int
) -> NDArray[np.float64]:
    """Return the mean of every model over every resample, shape (models, resamples)."""
    n_matches = matrix.shape[1]
    product = _PointProduct.of(matrix, n_resamples)
    rng = np.random.default_rng(seed)
    chunk = max(1, _MAX_CELLS_PER_CHUNK // n_matches)
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        product.add(resample_counts(rng, size=size, n_matches=n_matches), start)
    return product.means


def shared_resampled_means(
    points: NDArray[np.float64], losses: NDArray[np.float64], *, n_resamples: int, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Points' and losses' resampled means from ONE draw of the resamples, or None.

    ``_resampled_means(points)`` and ``uncertainty.resampled_means(losses)`` with the same
    seed draw the same multiplicities when both have as many matches (numpy's stream does
    not depend on how the draws are chunked), so the leaderboard draws and counts them once.
    The losses' product is taken in ``uncertainty``'s chunks and precision, and the points'
    sums are exact integers (float32 only; otherwise None), so every figure stays the same.
    """
    n_matches = points.shape[1]
    if losses.ndim != 2 or losses.shape[1] != n_matches or n_matches == 0:
        return None
    product = _PointProduct.of(points, n_resamples)
    if product.dtype is not np.float32 or not np.all(np.isfinite(losses)):
        return None
    rng = np.random.default_rng(seed)
    chunk = max(1, LOSS_CELLS_PER_CHUNK // n_matches)
    loss_means = np.empty((losses.shape[0], n_resamples))
    with single_threaded_blas():
        for start in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - start)
            counts = resample_counts(rng, size=size, n_matches=n_matches)
            sums = counts.astype(np.float64) @ losses.T
            loss_means[:, start : start + size] = sums.T / n_matches
            product.add(counts, start)
    return product.means, loss_means
