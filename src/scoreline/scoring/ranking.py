"""The leaderboard: models ranked on their scored predictions, with bootstrap intervals.

The counts and per-match values come from the per-model summaries
(``scoreline.store.board_arrays``) or, while a change is not in them yet, from one SQL
``GROUP BY`` over the predictions (``scoreline.store.leaderboard_totals``, the same
figures); this module turns the counts into rates, ranks the models and adds a 95 %
percentile bootstrap interval for each model's average points. The interval resamples
MATCHES, the same resamples for every model (paired), so two models' intervals describe
the same uncertainty about which matches happened to be played.

Rates are exact ratios of integer counts, so equal records compare equal and share a rank
(1, 2, 2, 4) on SQLite and PostgreSQL alike.

Beside points, each row carries the proper scoring rules of the model's outcome
probabilities (``scoring.board_metrics``: RPS, Brier, log loss, accuracy of the most likely
outcome, skill vs the market, on the matches common to every compared model). A model with
fewer than ``min_matches`` scored predictions is provisional: listed after the ranked ones,
without a rank. ``rank_ci`` and ``p_first`` come from the same bootstrap resamples as the
intervals: by points for ``avg`` and ``total``, by the chosen rule for a probability sort
(``skill`` orders as RPS on the common matches); ``exact`` and ``accuracy`` have none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.board_metrics import (
    MARKET_MODEL_ID,
    PROBABILITY_SORTS,
    BoardOptions,
    ProbabilityBoard,
    ProbabilityColumns,
    probability_board,
    rank_interval_rows,
)
from scoreline.scoring.bootstrap import _percentile_bounds, _resampled_means
from scoreline.scoring.forecast_matrix import PROBABILITY_SCALE, ForecastMatrix, build_matrix
from scoreline.scoring.points import rule_name
from scoreline.scoring.probabilities import outcome_index
from scoreline.store import Database, LeaderboardFilters, ModelTotals, leaderboard_totals
from scoreline.store.board_arrays import BoardArrays, board_arrays
from scoreline.store.outcomes import MatchOutcome, match_outcomes
from scoreline.store.scores import PROBABILITY_SCALE as STORE_PROBABILITY_SCALE

if PROBABILITY_SCALE != STORE_PROBABILITY_SCALE:  # pragma: no cover - a build fault
    raise ImportError("scoring and store disagree on the probability scale")

__all__ = [
    "LEADERBOARD_RESAMPLES",
    "LEADERBOARD_SEED",
    "POINT_SORTS",
    "SORT_KEYS",
    "LeaderboardRow",
    "leaderboard",
    "rank_models",
]

POINT_SORTS = ("avg", "total", "exact", "accuracy")
"""Orderings by points: average points, total points, exact-score rate, tendency accuracy."""
SORT_KEYS = (*POINT_SORTS, *PROBABILITY_SORTS)
"""Orderings the leaderboard accepts, always best first: the point ones, then RPS, Brier,
log loss and skill vs the market."""

LEADERBOARD_RESAMPLES = 1000
"""Bootstrap resamples per leaderboard: plenty for a 95 % interval shown to two decimals."""

LEADERBOARD_SEED = 0
"""Seed of the resampling, so the same data always shows the same intervals."""


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One model's line on the leaderboard."""

    rank: int | None
    """Position; models equal on the sort key share it (1, 2, 2, 4); None: unranked."""
    model_id: str
    """The original model (fallback answers are credited to it)."""
    display_name: str
    """Its name for people."""
    scored: int
    """Scored predictions counted."""
    total_points: int
    """Sum of their points."""
    avg_points: float
    """Points per scored prediction."""
    ci_low: float | None
    """Lower bound of the 95 % bootstrap interval of ``avg_points`` (None without intervals)."""
    ci_high: float | None
    """Upper bound of that interval."""
    tendency_pct: float
    """Share of predictions with the right tendency (accuracy), in percent."""
    exact_pct: float
    """Share of exact scores, in percent."""
    goal_diff_pct: float
    """Share that earned the goal-difference bonus (exact scores included), in percent."""
    fallback_rate_pct: float
    """Share answered by the fallback model, in percent."""
    provisional: bool = False
    """Fewer scored predictions than the leaderboard's minimum: listed, not ranked."""
    n_probabilistic: int = 0
    """Scored predictions that carry outcome probabilities."""
    n_common: int | None = None
    """Matches the probability figures are computed on (the common matches of the compared
    models); None: the model is not compared, its figures are on its own matches."""
    rps: float | None = None
    """Mean ranked probability score (lower is better)."""
    rps_ci: tuple[float, float] | None = None
    """Its 95 % paired bootstrap interval."""
    brier: float | None = None
    """Mean multi-class Brier score."""
    log_loss: float | None = None
    """Mean log loss (probabilities clipped at 1e-15)."""
    outcome_accuracy_pct: float | None = None
    """Share of matches whose most likely outcome happened, in percent."""
    skill_vs_market: float | None = None
    """1 - RPS / RPS of the market on the common matches (above 0: better than the market)."""
    skill_ci: tuple[float, float] | None = None
    """Its 95 % paired bootstrap interval."""
    beats_market: float | None = None
    """Share of resamples in which the model's RPS beats the market's."""
    rank_ci: tuple[int, int] | None = None
    """2.5-97.5 % interval of the rank over the bootstrap resamples."""
    p_first: float | None = None
    """Share of resamples in which the model ranks first (alone or tied)."""
    scoring_rule: str = "kicktipp"
    """The draw rule the points were scored under (``kicktipp`` or ``draw-goal-difference``)."""
    betting: dict[str, Any] | None = None
    """With ``betting``: flat-stake and fractional-Kelly returns at the stored odds."""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the web API (NaN becomes None)."""
        return {k: _finite(v) for k, v in asdict(self).items()}


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        values = [_finite(v) for v in value]
        return None if any(v is None for v in values) else values
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _pct(count: int, of: int) -> float:
    return 100 * count / of


def _point_value(totals: ModelTotals, sort: str) -> float:
    if sort == "avg":
        return totals.total_points / totals.scored
    if sort == "total":
        return float(totals.total_points)
    if sort == "exact":
        return totals.exact_hits / totals.scored
    return totals.tendency_hits / totals.scored


def _pair(interval: Any) -> tuple[float, float] | None:
    if interval is None or not np.isfinite(interval.low):
        return None
    return (float(interval.low), float(interval.high))


def _base_row(entry: ModelTotals, figures: ProbabilityColumns | None, rule: str) -> LeaderboardRow:
    row = LeaderboardRow(
        rank=None,
        model_id=entry.model_id,
        display_name=entry.display_name,
        scored=entry.scored,
        total_points=entry.total_points,
        avg_points=entry.total_points / entry.scored,
        ci_low=None,
        ci_high=None,
        tendency_pct=_pct(entry.tendency_hits, entry.scored),
        exact_pct=_pct(entry.exact_hits, entry.scored),
        goal_diff_pct=_pct(entry.goal_diff_hits, entry.scored),
        fallback_rate_pct=_pct(entry.fallback_count, entry.scored),
        n_probabilistic=entry.probabilistic,
        scoring_rule=rule,
    )
    if figures is None:
        return row
    return replace(
        row,
        n_common=figures.n_common,
        rps=None if figures.rps is None else figures.rps.estimate,
        rps_ci=_pair(figures.rps),
        brier=figures.brier,
        log_loss=figures.log_loss,
        outcome_accuracy_pct=figures.outcome_accuracy_pct,
        skill_vs_market=None if figures.skill is None else figures.skill.estimate,
        skill_ci=_pair(figures.skill),
        beats_market=figures.beats_market,
        betting=figures.betting,
    )


def _ordered(
    rows: Sequence[LeaderboardRow], keys: dict[int, float], ranked: Sequence[int], lower: bool
) -> list[LeaderboardRow]:
    """Ranked rows best first (ties share a rank, listed by id), then the rest unranked."""
    sign = 1.0 if lower else -1.0

    def key(i: int) -> tuple[float, str]:
        return (sign * keys.get(i, np.inf * sign), rows[i].model_id)

    first = sorted(ranked, key=key)
    out: list[LeaderboardRow] = []
    for position, i in enumerate(first, start=1):
        tied = position > 1 and keys[first[position - 2]] == keys[i]
        out.append(replace(rows[i], rank=out[-1].rank if tied else position))
    rest = sorted(set(range(len(rows))) - set(ranked), key=key)
    return out + [rows[i] for i in rest]


def _with_rank_ci(
    rows: list[LeaderboardRow], ranked: Sequence[int], found: list[tuple[int, int, int, float]]
) -> None:
    for i, (_, low, high, first) in zip(ranked, found, strict=True):
        rows[i] = replace(rows[i], rank_ci=(low, high), p_first=first)


def _point_ranking(
    rows: list[LeaderboardRow],
    totals: Sequence[ModelTotals],
    sort: str,
    ranked: list[int],
    means: NDArray[np.float64] | None,
) -> list[LeaderboardRow]:
    keys = {i: _point_value(t, sort) for i, t in enumerate(totals)}
    if means is not None and ranked and sort in ("avg", "total"):
        estimates = np.array([totals[i].total_points / totals[i].scored for i in ranked])
        _with_rank_ci(
            rows, ranked, rank_interval_rows(estimates, means[ranked], lower_is_better=False)
        )
    return _ordered(rows, keys, ranked, lower=False)


def _probability_ranking(
    rows: list[LeaderboardRow], sort: str, board: ProbabilityBoard
) -> list[LeaderboardRow]:
    metric = "rps" if sort == "skill" else sort
    ranked = board.compared
    keys = {i: float(v) for i, v in zip(ranked, board.point_means.get(metric, []), strict=False)}
    for i, row in enumerate(rows):
        value = getattr(row, metric)
        if i not in keys and value is not None:
            keys[i] = float(value)
    if board.rank_means:
        found = rank_interval_rows(
            board.point_means[metric], board.rank_means[metric], lower_is_better=True
        )
        _with_rank_ci(rows, ranked, found)
    return _ordered(rows, keys, ranked, lower=True)


def rank_models(
    totals: Sequence[ModelTotals],
    outcomes: Sequence[MatchOutcome],
    *,
    sort: str = "avg",
    intervals: bool = True,
    options: BoardOptions | None = None,
    draw_goal_difference: bool = False,
) -> list[LeaderboardRow]:
    """Rank models from their per-match points and probabilities (no database needed).

    ``totals`` must carry ``match_ids`` and ``points`` (and the probabilities, for the
    probability figures); ``verify`` calls this on a ledger's CSV files, the leaderboard on
    the store's aggregates, so both compute every figure the same way.

    Raises:
        ValueError: ``sort`` is not one of ``SORT_KEYS``.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    if not totals:
        return []
    matrix = build_matrix(totals, outcomes)
    return _rank(totals, matrix, sort, intervals, options or BoardOptions(), draw_goal_difference)


def _rank(
    totals: Sequence[ModelTotals],
    matrix: ForecastMatrix,
    sort: str,
    intervals: bool,
    options: BoardOptions,
    draw_goal_difference: bool,
) -> list[LeaderboardRow]:
    """``rank_models`` on the matrix of ``totals`` (one row per entry, same order)."""
    if not totals:
        return []
    if not intervals:
        options = replace(options, n_resamples=0)
    scored = [t.scored for t in totals]
    board = probability_board(matrix, scored, options, points=intervals)
    rule = rule_name(draw_goal_difference)
    rows = [_base_row(t, board.columns[i], rule) for i, t in enumerate(totals)]
    means = None
    if intervals:
        means = board.points_resampled
        if means is None:
            means = _resampled_means(
                matrix.points, n_resamples=options.n_resamples, seed=options.seed
            )
        bounds = _percentile_bounds(means, 0.95)
        rows = [
            replace(r, ci_low=float(lo), ci_high=float(hi))
            for r, (lo, hi) in zip(rows, bounds, strict=True)
        ]
    ranked = [i for i, n in enumerate(scored) if n >= options.min_matches]
    rows = [replace(r, provisional=r.scored < options.min_matches) for r in rows]
    if sort in POINT_SORTS:
        return _point_ranking(rows, totals, sort, ranked, means)
    return _probability_ranking(rows, sort, board)


def _summary_matrix(board: BoardArrays) -> ForecastMatrix:
    """The forecast matrix of the summaries' arrays (what ``build_matrix`` lays out)."""
    outcomes = np.full(len(board.match_ids), -1, dtype=np.int64)
    known = board.home_goals >= 0
    outcomes[known] = outcome_index(board.home_goals[known], board.away_goals[known])
    model_ids = tuple(t.model_id for t in board.totals)
    return ForecastMatrix(
        model_ids, board.match_ids, board.points, board.probabilities, outcomes, board.odds
    )


def leaderboard(
    db: Database,
    *,
    competition: str | None = None,
    season: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "avg",
    include_after_kickoff: bool = False,
    intervals: bool = True,
    min_matches: int = 0,
    betting: bool = False,
    draw_goal_difference: bool = False,
    market_id: str = MARKET_MODEL_ID,
) -> list[LeaderboardRow]:
    """Rank the models on their scored predictions.

    Args:
        db: The store (read only).
        competition, season, since, until: Only matches of this competition code, season,
            kicking off at or after / at or before these moments (aware UTC).
        sort: One of ``SORT_KEYS``; best first, ties share a rank and are listed by id.
        include_after_kickoff: Count predictions made after kick-off too (flagged ones are
            left out by default: they may have known the result).
        intervals: Add the 95 % bootstrap intervals, rank intervals and ``p_first``.
        min_matches: Fewer scored predictions: provisional and unranked.
        betting: Add the betting simulation at the stored odds.
        draw_goal_difference: The draw rule the points were scored with (for the label).
        market_id: The model skill is measured against.

    Returns:
        One row per model with a counted prediction: the ranked best first, then the rest.

    Raises:
        ValueError: ``sort`` is not one of ``SORT_KEYS``.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    filters = LeaderboardFilters(competition, season, since, until, include_after_kickoff)
    options = BoardOptions(min_matches, market_id, betting, LEADERBOARD_RESAMPLES, LEADERBOARD_SEED)
    rule = draw_goal_difference  # from the summaries; else read from the predictions:
    summary = board_arrays(db, filters, with_odds=betting)
    if summary is not None:
        return _rank(summary.totals, _summary_matrix(summary), sort, intervals, options, rule)
    totals = leaderboard_totals(db, filters, with_probabilities=True)
    outcomes = match_outcomes(db, filters) if totals else []
    return rank_models(
        totals, outcomes, sort=sort, intervals=intervals, options=options, draw_goal_difference=rule
    )
