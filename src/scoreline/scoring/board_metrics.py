"""The leaderboard's proper-scoring-rule columns, on the same matches for everyone compared.

Who is compared: the models with at least ``min_matches`` scored predictions (the others are
provisional) that gave probabilities on at least ``min_matches`` of them (at least one when
``min_matches`` is 0). The **common matches** are the matches on which every one of them
gave probabilities; their RPS, Brier, log loss, accuracy of the most likely outcome, skill
vs the market and rank intervals are all computed there, so the figures compare like with
like. A model outside that group is scored on its own probabilistic matches
(``n_common`` is None for it): its figures are listed but not ranked.

Every interval comes from ONE paired bootstrap over the common matches (a fixed number of
resamples from a fixed seed, ``scoring.uncertainty.resampled_means``), so RPS intervals,
skill intervals and rank intervals describe the same resampled seasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.betting import betting_return
from scoreline.scoring.bootstrap import shared_resampled_means
from scoreline.scoring.forecast_matrix import ForecastMatrix, common_columns
from scoreline.scoring.probabilities import LOG_LOSS_CLIP
from scoreline.scoring.uncertainty import Interval, percentile_bounds, rank_samples
from scoreline.scoring.uncertainty import resampled_means as _resampled

__all__ = [
    "MARKET_MODEL_ID",
    "PROBABILITY_SORTS",
    "BoardOptions",
    "ProbabilityBoard",
    "ProbabilityColumns",
    "compared_rows",
    "loss_matrices",
    "probability_board",
    "rank_interval_rows",
]

MARKET_MODEL_ID = "ref-market"
"""The reference forecaster holding the de-margined market's probabilities."""
PROBABILITY_SORTS = ("rps", "brier", "log_loss", "skill")
"""Orderings by a proper scoring rule (``skill`` orders as RPS on the common matches)."""


@dataclass(frozen=True, slots=True)
class BoardOptions:
    """How the leaderboard compares models."""

    min_matches: int = 0
    """Fewer scored predictions: provisional and unranked."""
    market_id: str = MARKET_MODEL_ID
    """The model skill is measured against."""
    betting: bool = False
    """Add the betting simulation."""
    n_resamples: int = 1000
    """Bootstrap resamples."""
    seed: int = 0
    """Seed of the resampling."""


@dataclass(frozen=True, slots=True)
class ProbabilityColumns:
    """One model's probability figures."""

    n_probabilistic: int
    n_common: int | None
    rps: Interval | None
    brier: float | None
    log_loss: float | None
    outcome_accuracy_pct: float | None
    skill: Interval | None
    beats_market: float | None
    betting: dict[str, object] | None


def loss_matrices(
    probs: NDArray[np.float64], outcomes: NDArray[np.int64]
) -> dict[str, NDArray[np.float64]]:
    """RPS, Brier, log loss and hit of every ``(model, match)`` cell (NaN where no forecast).

    ``probs`` is ``(models, matches, 3)``, ``outcomes`` ``(matches,)`` with -1 for unknown;
    the formulas are those of ``scoring.probabilities``, applied to the whole cube at once.
    """
    known = outcomes >= 0
    observed = np.where(known, outcomes, 0)
    onehot = np.eye(3)[observed]
    home_gap = probs[:, :, 0] - onehot[:, 0]
    not_away_gap = probs[:, :, 0] + probs[:, :, 1] - onehot[:, 0] - onehot[:, 1]
    chosen = np.take_along_axis(probs, observed[np.newaxis, :, np.newaxis], axis=2)[:, :, 0]
    squares = np.einsum("ijk,ijk->ij", probs, probs)
    with np.errstate(invalid="ignore"):
        hit = np.where(np.isnan(chosen), np.nan, np.argmax(np.nan_to_num(probs), 2) == observed)
    losses = {
        "rps": (home_gap**2 + not_away_gap**2) / 2.0,
        "brier": squares - 2.0 * chosen + 1.0,
        "log_loss": -np.log(np.clip(chosen, LOG_LOSS_CLIP, 1.0)),
        "hit": hit.astype(np.float64),
    }
    return {k: np.where(known, v, np.nan) for k, v in losses.items()}


def compared_rows(matrix: ForecastMatrix, scored: Sequence[int], min_matches: int) -> list[int]:
    """Rows compared on the proper scoring rules (see the module docstring)."""
    n_prob = matrix.has_probs().sum(axis=1)
    floor = max(min_matches, 1)
    return [i for i, n in enumerate(scored) if n >= min_matches and n_prob[i] >= floor]


@dataclass(frozen=True)
class _Bootstrap:
    rows: list[int]
    columns: NDArray[np.intp]
    means: dict[str, NDArray[np.float64]]
    """Per loss: ``(len(rows), resamples)``."""
    points: NDArray[np.float64] | None = None
    """The points' resampled means, when drawn with the losses' (``shared_resampled_means``)."""


def _bootstrap(
    losses: dict[str, NDArray[np.float64]],
    rows: list[int],
    options: BoardOptions,
    columns: NDArray[np.intp],
    points: NDArray[np.float64] | None = None,
) -> _Bootstrap | None:
    if not rows or columns.size == 0:
        return None
    names = ("rps", "brier", "log_loss")
    if options.n_resamples < 1:
        return _Bootstrap(rows, columns, {})
    picked = np.asarray(rows, dtype=np.intp)
    stacked = np.vstack([losses[name][np.ix_(picked, columns)] for name in names])
    resamples, seed = options.n_resamples, options.seed
    shared = None
    if points is not None:
        shared = shared_resampled_means(points, stacked, n_resamples=resamples, seed=seed)
    if shared is None:
        point_means, means = None, _resampled(stacked, n_resamples=resamples, seed=seed)
    else:
        point_means, means = shared
    k = len(rows)
    by_loss = {n: means[i * k : (i + 1) * k] for i, n in enumerate(names)}
    return _Bootstrap(rows, columns, by_loss, point_means)


def _interval(values: NDArray[np.float64], samples: NDArray[np.float64] | None) -> Interval:
    estimate = float(values.mean())
    if samples is None:
        return Interval(estimate, float("nan"), float("nan"))
    return Interval(estimate, *percentile_bounds(samples))


def _skill(
    boot: _Bootstrap, rps: NDArray[np.float64], position: int, market: int
) -> tuple[Interval, float] | None:
    columns = boot.columns
    reference = rps[boot.rows[market], columns].mean()
    if reference <= 0:
        return None
    estimate = 1.0 - rps[boot.rows[position], columns].mean() / reference
    if not boot.means:
        return Interval(float(estimate), float("nan"), float("nan")), float("nan")
    means = boot.means["rps"]
    with np.errstate(divide="ignore", invalid="ignore"):
        samples = np.where(means[market] > 0, 1.0 - means[position] / means[market], np.nan)
    beats = float((means[position] < means[market]).mean())
    return Interval(float(estimate), *percentile_bounds(samples)), beats


def _betting(
    matrix: ForecastMatrix, row: int, columns: NDArray[np.intp], options: BoardOptions
) -> dict[str, object]:
    priced = columns[~np.isnan(matrix.odds[columns]).any(axis=1)]
    figures: dict[str, object] = {"bets_on": int(priced.size)}
    for staking in ("flat", "kelly"):
        if priced.size == 0:
            figures[staking] = None
            continue
        result = betting_return(
            matrix.probs[row, priced],
            matrix.odds[priced],
            matrix.outcomes[priced],
            staking=staking,
            n_resamples=options.n_resamples,
            seed=options.seed,
        )
        roi = result.roi
        figures[staking] = {
            "bets": result.bets,
            "staked": result.staked,
            "profit": result.profit,
            "roi": None if roi is None else roi.estimate,
            "roi_ci": None if roi is None else [roi.low, roi.high],
        }
    return figures


def _columns_of(row: int, boot: _Bootstrap | None, mask: NDArray[np.bool_]) -> NDArray[np.intp]:
    """The common matches for a compared model, its own probabilistic matches otherwise."""
    if boot is not None and row in boot.rows:
        return boot.columns
    return np.flatnonzero(mask[row])


def _model_figures(
    row: int,
    matrix: ForecastMatrix,
    losses: dict[str, NDArray[np.float64]],
    boot: _Bootstrap | None,
    options: BoardOptions,
    mask: NDArray[np.bool_],
) -> ProbabilityColumns:
    columns = _columns_of(row, boot, mask)
    n_prob = int(mask[row].sum())
    if columns.size == 0:
        return ProbabilityColumns(n_prob, None, None, None, None, None, None, None, None)
    compared = boot is not None and row in boot.rows
    position = boot.rows.index(row) if compared and boot is not None else None
    rps_samples = None
    if boot is not None and position is not None and boot.means:
        rps_samples = boot.means["rps"][position]
    skill = None
    if boot is not None and position is not None and options.market_id in matrix.model_ids:
        market_row = matrix.model_ids.index(options.market_id)
        if market_row in boot.rows:
            skill = _skill(boot, losses["rps"], position, boot.rows.index(market_row))
    return ProbabilityColumns(
        n_probabilistic=n_prob,
        n_common=int(columns.size) if compared else None,
        rps=_interval(losses["rps"][row, columns], rps_samples),
        brier=float(losses["brier"][row, columns].mean()),
        log_loss=float(losses["log_loss"][row, columns].mean()),
        outcome_accuracy_pct=float(100 * losses["hit"][row, columns].mean()),
        skill=None if skill is None else skill[0],
        beats_market=None if skill is None else skill[1],
        betting=_betting(matrix, row, columns, options) if options.betting else None,
    )


@dataclass(frozen=True)
class ProbabilityBoard:
    """Every model's probability figures and the compared group's bootstrap."""

    columns: list[ProbabilityColumns]
    """Per matrix row."""
    compared: list[int]
    """Rows compared on the common matches."""
    rank_means: dict[str, NDArray[np.float64]]
    """Per loss, the compared rows' resampled means (empty when nobody is compared)."""
    point_means: dict[str, NDArray[np.float64]]
    """Per loss, the compared rows' means on the common matches."""
    points_resampled: NDArray[np.float64] | None = None
    """Every row's resampled mean points, when drawn with the losses' resamples."""


def probability_board(
    matrix: ForecastMatrix, scored: Sequence[int], options: BoardOptions, *, points: bool = False
) -> ProbabilityBoard:
    """Compute every model's probability figures (see the module docstring for the rules).

    With ``points``, also the resampled means of ``matrix.points`` when they can be drawn
    with the losses' (``points_resampled``; else None and the caller draws them).
    """
    losses = loss_matrices(matrix.probs, matrix.outcomes)
    mask = matrix.has_probs()
    rows = compared_rows(matrix, scored, options.min_matches)
    columns = common_columns(mask, rows)
    boot = _bootstrap(losses, rows, options, columns, matrix.points if points else None)
    figures = [_model_figures(i, matrix, losses, boot, options, mask) for i in range(len(scored))]
    if boot is None:
        return ProbabilityBoard(figures, [], {}, {})
    names = ("rps", "brier", "log_loss")
    picked = np.asarray(boot.rows, dtype=np.intp)
    point_means = {k: losses[k][np.ix_(picked, columns)].mean(axis=1) for k in names}
    return ProbabilityBoard(figures, boot.rows, boot.means, point_means, boot.points)


def rank_interval_rows(
    estimates: NDArray[np.float64], samples: NDArray[np.float64], *, lower_is_better: bool
) -> list[tuple[int, int, int, float]]:
    """``(rank, low, high, p_first)`` per row: 95 % percentile interval of bootstrap ranks."""
    rank = rank_samples(estimates[:, np.newaxis], lower_is_better=lower_is_better)[:, 0]
    ranks = rank_samples(samples, lower_is_better=lower_is_better)
    low = np.quantile(ranks, 0.025, axis=1, method="inverted_cdf")
    high = np.quantile(ranks, 0.975, axis=1, method="inverted_cdf")
    first = (ranks == 1).mean(axis=1)
    return [
        (int(r), int(lo), int(hi), float(p))
        for r, lo, hi, p in zip(rank, low, high, first, strict=True)
    ]
