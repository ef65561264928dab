"""The leaderboard: models ranked on their scored predictions, with bootstrap intervals.

The counting is one SQL ``GROUP BY`` (``scoreline.store.leaderboard_totals``); this module turns
the counts into rates, ranks the models and adds a 95 % percentile bootstrap interval for
each model's average points. The interval resamples MATCHES, the same resamples for every
model (paired), so two models' intervals describe the same uncertainty about which matches
happened to be played.

Rates are exact ratios of integer counts, so equal records compare equal and share a rank
(1, 2, 2, 4) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoreline.scoring.bootstrap import bootstrap_mean_ci_many
from scoreline.store import Database, LeaderboardFilters, ModelTotals, leaderboard_totals

__all__ = ["LEADERBOARD_RESAMPLES", "SORT_KEYS", "LeaderboardRow", "leaderboard"]

SORT_KEYS = ("avg", "total", "exact", "accuracy")
"""Orderings the leaderboard accepts: average points, total points, exact-score rate and
tendency accuracy; always best first."""

LEADERBOARD_RESAMPLES = 1000
"""Bootstrap resamples per leaderboard: plenty for a 95 % interval shown to two decimals."""

LEADERBOARD_SEED = 0
"""Seed of the resampling, so the same data always shows the same intervals."""


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One model's line on the leaderboard."""

    rank: int
    """Position; models equal on the sort key share it (1, 2, 2, 4)."""
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

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and the web API."""
        return asdict(self)


def _pct(count: int, of: int) -> float:
    return 100 * count / of


def _sort_value(totals: ModelTotals, sort: str) -> float:
    if sort == "avg":
        return totals.total_points / totals.scored
    if sort == "total":
        return float(totals.total_points)
    if sort == "exact":
        return totals.exact_hits / totals.scored
    return totals.tendency_hits / totals.scored


def _points_matrix(totals: Sequence[ModelTotals]) -> NDArray[np.float64]:
    """Rows per model, columns per match (sorted ids), NaN where a model has no score.

    Models usually predicted the same matches, so each distinct id list is parsed once.
    """
    id_lists = {key: key.split(",") for key in {t.match_ids or "" for t in totals}}
    match_ids = sorted(set().union(*id_lists.values()))
    column = {match_id: i for i, match_id in enumerate(match_ids)}
    columns = {
        key: np.fromiter(map(column.__getitem__, ids), dtype=np.intp, count=len(ids))
        for key, ids in id_lists.items()
    }
    matrix = np.full((len(totals), len(match_ids)), np.nan)
    for row, entry in enumerate(totals):
        where = columns[entry.match_ids or ""]
        points = _points_array(entry.points)
        if len(points) != len(where):
            raise RuntimeError(f"points of {entry.model_id} do not match its matches")
        matrix[row, where] = points
    return matrix


def _points_array(points: str | list[int] | None) -> NDArray[np.int64]:
    if isinstance(points, str):
        return np.fromstring(points, dtype=np.int64, sep=",")
    return np.asarray(points or [], dtype=np.int64)


def _intervals(totals: Sequence[ModelTotals]) -> dict[str, tuple[float, float]]:
    if not totals:
        return {}
    bounds = bootstrap_mean_ci_many(
        _points_matrix(totals), n_resamples=LEADERBOARD_RESAMPLES, seed=LEADERBOARD_SEED
    )
    return {t.model_id: (float(lo), float(hi)) for t, (lo, hi) in zip(totals, bounds, strict=True)}


def _rank(
    totals: Sequence[ModelTotals], sort: str, intervals: dict[str, tuple[float, float]]
) -> list[LeaderboardRow]:
    ordered = sorted(totals, key=lambda t: (-_sort_value(t, sort), t.model_id))
    rows: list[LeaderboardRow] = []
    for position, entry in enumerate(ordered, start=1):
        value = _sort_value(entry, sort)
        tied = position > 1 and _sort_value(ordered[position - 2], sort) == value
        low, high = intervals.get(entry.model_id, (None, None))
        rows.append(
            LeaderboardRow(
                rank=rows[-1].rank if tied else position,
                model_id=entry.model_id,
                display_name=entry.display_name,
                scored=entry.scored,
                total_points=entry.total_points,
                avg_points=entry.total_points / entry.scored,
                ci_low=low,
                ci_high=high,
                tendency_pct=_pct(entry.tendency_hits, entry.scored),
                exact_pct=_pct(entry.exact_hits, entry.scored),
                goal_diff_pct=_pct(entry.goal_diff_hits, entry.scored),
                fallback_rate_pct=_pct(entry.fallback_count, entry.scored),
            )
        )
    return rows


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
) -> list[LeaderboardRow]:
    """Rank the models on their scored predictions.

    Args:
        db: The store (read only).
        competition: Only matches of this competition code (e.g. ``E0``).
        season: Only matches of this season (e.g. ``2024-25``).
        since: Only matches kicking off at or after this moment (aware UTC).
        until: Only matches kicking off at or before this moment (aware UTC).
        sort: ``avg`` (points per prediction), ``total`` (points), ``exact`` (exact-score
            rate) or ``accuracy`` (tendency rate); best first, ties share a rank and are
            listed by model id.
        include_after_kickoff: Count predictions made after kick-off too (flagged ones are
            left out by default: they may have known the result).
        intervals: Add the 95 % paired bootstrap interval of each average; without it
            ``ci_low`` and ``ci_high`` are None and only the counting query runs.

    Returns:
        One row per model with at least one counted prediction, best first.

    Raises:
        ValueError: ``sort`` is not one of ``SORT_KEYS``.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    filters = LeaderboardFilters(
        competition=competition,
        season=season,
        since=since,
        until=until,
        include_after_kickoff=include_after_kickoff,
    )
    totals = leaderboard_totals(db, filters, with_points=intervals)
    return _rank(totals, sort, _intervals(totals) if intervals else {})
