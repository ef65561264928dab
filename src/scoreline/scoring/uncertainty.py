"""How sure a comparison is: paired bootstrap intervals, rank intervals and tests.

Everything here compares forecasters on the same matches (the caller keeps only the matches
every compared forecaster has a value for), and the match is the resampling unit: one
resample draws ``n`` matches with replacement and every forecaster is scored on those same
matches (a paired bootstrap), so a difference or a rank is judged on like for like.
Resamples are a fixed number and come from ``numpy.random.default_rng(seed)``: the same
values and seed give the same figures, which is what lets anyone recompute them.

Direction: ``lower_is_better`` is true for RPS, Brier and log loss, false for points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import bdtr

from scoreline.scoring.extras import single_threaded_blas

__all__ = [
    "DEFAULT_RESAMPLES",
    "Interval",
    "PairedDifference",
    "RankInterval",
    "SkillScore",
    "mean_interval",
    "paired_difference",
    "percentile_bounds",
    "permutation_test",
    "rank_intervals",
    "rank_samples",
    "resample_counts",
    "resampled_means",
    "sign_test",
    "skill_vs_reference",
]

DEFAULT_RESAMPLES = 1000
"""Bootstrap resamples and permutations unless the caller asks for another number."""
CELLS_PER_CHUNK = 1_000_000
"""Resamples x matches drawn at once: bounds memory on a million-prediction leaderboard."""
ROW_BY_ROW_MATCHES = 2048
"""From this many matches a resample's counts are taken row by row (a quarter faster on a
20,000-match leaderboard than one count over offset rows; the same counts)."""


@dataclass(frozen=True, slots=True)
class Interval:
    """An estimate with its percentile bootstrap interval."""

    estimate: float
    """The value on the matches as they are."""
    low: float
    """Lower bound."""
    high: float
    """Upper bound."""


@dataclass(frozen=True, slots=True)
class PairedDifference:
    """Mean of ``a - b`` on common matches, with interval and how often ``a`` is better."""

    n: int
    """Common matches."""
    difference: Interval
    """Mean of ``a - b`` per match."""
    share_better: float
    """Share of resamples in which ``a`` beats ``b`` (ties count for neither)."""


@dataclass(frozen=True, slots=True)
class SkillScore:
    """``1 - score / reference score`` on common matches (above 0: better than the reference)."""

    n: int
    """Common matches."""
    skill: Interval
    """Skill with its paired bootstrap interval."""
    share_better: float
    """Share of resamples in which the forecaster beats the reference."""


@dataclass(frozen=True, slots=True)
class RankInterval:
    """Where a forecaster ranks, and how sure that is."""

    rank: int
    """Rank on the matches as they are (1 is best; ties share the better rank)."""
    low: int
    """Best rank at the interval's lower percentile (2.5 % for 95 %)."""
    high: int
    """Worst rank at the interval's upper percentile (97.5 % for 95 %)."""
    p_first: float
    """Share of resamples in which it ranks first (alone or tied)."""


def _matrix(values: ArrayLike) -> NDArray[np.float64]:
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[np.newaxis, :]
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError("values must have shape (forecasters, matches) with at least one match")
    if not np.all(np.isfinite(matrix)):
        raise ValueError("values must be finite: keep only the matches every forecaster has")
    return matrix


def _pair(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Two forecasters' values on the same matches as a ``(2, matches)`` array."""
    first, second = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if first.ndim != 1 or first.shape != second.shape:
        raise ValueError(
            f"need two 1-D arrays of equal length, got {first.shape} and {second.shape}"
        )
    return _matrix(np.vstack([first, second]))


def _check(n_resamples: int, confidence: float = 0.95) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be positive, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def resample_counts(rng: np.random.Generator, *, size: int, n_matches: int) -> NDArray[np.int64]:
    """Draw ``size`` resamples of the matches as counts of each match, shape
    ``(size, n_matches)``: every bootstrap here draws through this one function, so two
    bootstraps with the same seed and match count draw the same resamples."""
    picks = rng.integers(0, n_matches, size=(size, n_matches))
    if n_matches >= ROW_BY_ROW_MATCHES:  # one cache-sized count per resample: no offsets
        counts = np.empty((size, n_matches), dtype=np.int64)
        for row, drawn in zip(counts, picks, strict=True):
            row[:] = np.bincount(drawn, minlength=n_matches)
        return counts
    flat = (picks + (np.arange(size) * n_matches)[:, np.newaxis]).ravel()
    return np.bincount(flat, minlength=size * n_matches).reshape(size, n_matches)


def resampled_means(
    values: ArrayLike, *, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> NDArray[np.float64]:
    """Return every row's mean over every bootstrap resample of the columns (matches).

    Args:
        values: Shape ``(forecasters, matches)`` (one row may be given as 1-D), all finite.
        n_resamples: Resamples drawn.
        seed: Seed of the random generator.

    Returns:
        Shape ``(forecasters, n_resamples)``.

    Raises:
        ValueError: Not 2-D (or 1-D), no match, a non-finite value, or ``n_resamples < 1``.
    """
    _check(n_resamples)
    matrix = _matrix(values)
    n = matrix.shape[1]
    rng = np.random.default_rng(seed)
    chunk = max(1, CELLS_PER_CHUNK // n)
    means = np.empty((matrix.shape[0], n_resamples))
    with single_threaded_blas():
        for start in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - start)
            counts = resample_counts(rng, size=size, n_matches=n)
            # float64 on both sides keeps the product in BLAS (int64 x float64 is a slow loop).
            sums = counts.astype(np.float64) @ matrix.T
            means[:, start : start + size] = sums.T / n
    return means


def _bounds(samples: NDArray[np.float64], confidence: float) -> tuple[float, float]:
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(samples, [alpha, 1 - alpha])
    return float(low), float(high)


def mean_interval(
    values: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Return the mean of per-match values with its percentile bootstrap interval."""
    _check(n_resamples, confidence)
    row = _matrix(values)[0]
    low, high = _bounds(resampled_means(row, n_resamples=n_resamples, seed=seed)[0], confidence)
    return Interval(float(row.mean()), low, high)


def paired_difference(
    a: ArrayLike,
    b: ArrayLike,
    *,
    lower_is_better: bool,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDifference:
    """Compare two forecasters' per-match values on the same matches.

    Args:
        a: Per-match values of the first forecaster (points, RPS, ...).
        b: The second's, same matches in the same order.
        lower_is_better: True for losses (RPS, Brier, log loss), false for points.
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the interval.
        seed: Seed of the random generator.

    Raises:
        ValueError: Different lengths, no match, non-finite values or bad arguments.
    """
    _check(n_resamples, confidence)
    pair = _pair(a, b)
    diff = pair[0] - pair[1]
    samples = resampled_means(diff, n_resamples=n_resamples, seed=seed)[0]
    better = samples < 0 if lower_is_better else samples > 0
    low, high = _bounds(samples, confidence)
    return PairedDifference(
        n=int(diff.size),
        difference=Interval(float(diff.mean()), low, high),
        share_better=float(better.mean()),
    )


def skill_vs_reference(
    scores: ArrayLike,
    reference: ArrayLike,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> SkillScore:
    """Return the skill ``1 - mean(scores) / mean(reference)`` of a loss such as RPS.

    With the de-margined market as the reference this is the skill vs the market. Both
    means come from the same resampled matches; a resample where the reference's mean is 0
    has no skill and is left out of the interval.

    Raises:
        ValueError: Different lengths, no match, non-finite values, a reference whose mean
            loss is 0, or bad arguments.
    """
    _check(n_resamples, confidence)
    pair = _pair(scores, reference)
    if pair[1].mean() <= 0:
        raise ValueError("the reference's mean loss is 0: skill is undefined")
    means = resampled_means(pair, n_resamples=n_resamples, seed=seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        skills = np.where(means[1] > 0, 1.0 - means[0] / means[1], np.nan)
    low, high = _bounds(skills, confidence)
    estimate = 1.0 - pair[0].mean() / pair[1].mean()
    return SkillScore(
        n=int(pair.shape[1]),
        skill=Interval(float(estimate), low, high),
        share_better=float((means[0] < means[1]).mean()),
    )


def percentile_bounds(samples: ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap samples (NaN samples left out)."""
    return _bounds(np.asarray(samples, dtype=np.float64), confidence)


def rank_samples(means: ArrayLike, *, lower_is_better: bool) -> NDArray[np.int64]:
    """Ranks (1 best, ties share the better rank) per column of ``(forecasters, k)`` means."""
    return _ranks(np.asarray(means, dtype=np.float64), lower_is_better)


def _ranks(means: NDArray[np.float64], lower_is_better: bool) -> NDArray[np.int64]:
    """Rank per column (1 best; ties share the better rank) of a ``(forecasters, k)`` array."""
    signed = means if lower_is_better else -means
    beaten_by = signed[np.newaxis, :, :] < signed[:, np.newaxis, :]
    return np.asarray(1 + beaten_by.sum(axis=1), dtype=np.int64)


def rank_intervals(
    values: ArrayLike,
    *,
    lower_is_better: bool,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[RankInterval]:
    """Return each forecaster's rank, its bootstrap rank interval and ``p_first``.

    Args:
        values: Shape ``(forecasters, matches)``: per-match values on common matches.
        lower_is_better: True for losses (RPS, ...), false for points.
        n_resamples: Bootstrap resamples.
        confidence: Coverage of the rank interval (0.95: 2.5-97.5 %).
        seed: Seed of the random generator.

    Returns:
        One ``RankInterval`` per row, in row order.
    """
    _check(n_resamples, confidence)
    matrix = _matrix(values)
    rank = _ranks(matrix.mean(axis=1)[:, np.newaxis], lower_is_better)[:, 0]
    ranks = _ranks(resampled_means(matrix, n_resamples=n_resamples, seed=seed), lower_is_better)
    alpha = (1 - confidence) / 2
    low = np.quantile(ranks, alpha, axis=1, method="inverted_cdf")
    high = np.quantile(ranks, 1 - alpha, axis=1, method="inverted_cdf")
    first = (ranks == 1).mean(axis=1)
    return [
        RankInterval(int(r), int(lo), int(hi), float(p))
        for r, lo, hi, p in zip(rank, low, high, first, strict=True)
    ]


def sign_test(a: ArrayLike, b: ArrayLike) -> float:
    """Two-sided exact sign test p-value of ``a`` vs ``b`` on the same matches.

    Matches where both are equal carry no sign and are dropped; none left gives 1.0.
    """
    pair = _pair(a, b)
    diff = pair[0] - pair[1]
    above, below = int((diff > 0).sum()), int((diff < 0).sum())
    n = above + below
    if n == 0:
        return 1.0
    return float(min(1.0, 2.0 * bdtr(min(above, below), n, 0.5)))


def permutation_test(
    a: ArrayLike, b: ArrayLike, *, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> float:
    """Two-sided paired permutation p-value of the mean of ``a - b``.

    Under "no difference" each match's difference is as likely to have either sign; the
    p-value is the share of random sign flips whose mean is at least as far from 0 as the
    observed one, counting the observed one (so it is never 0).
    """
    _check(n_resamples)
    pair = _pair(a, b)
    diff = pair[0] - pair[1]
    observed = abs(diff.mean())
    rng = np.random.default_rng(seed)
    chunk = max(1, CELLS_PER_CHUNK // diff.size)
    extreme = 0
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        signs = rng.integers(0, 2, size=(size, diff.size)) * 2 - 1
        flipped = np.abs(signs @ diff) / diff.size
        extreme += int((flipped >= observed - 1e-12 * max(1.0, observed)).sum())
    return (extreme + 1) / (n_resamples + 1)
