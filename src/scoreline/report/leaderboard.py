"""The leaderboard as plain rows, for the public API and the dashboard.

The ranking itself belongs to ``scoreline.scoring.leaderboard``; it is imported lazily so
the web keeps working while scoring is being built. Without it, a minimal SQL ranking is
used (same columns, no confidence intervals).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from scoreline.store import Match, Model, Prediction

__all__ = ["LEADERBOARD_COLUMNS", "SORT_KEYS", "leaderboard_rows"]

LEADERBOARD_COLUMNS = (
    "rank",
    "model_id",
    "display_name",
    "scored",
    "total_points",
    "avg_points",
    "ci_low",
    "ci_high",
    "tendency_pct",
    "exact_pct",
    "goal_diff_pct",
    "fallback_rate_pct",
)
"""Fields of every leaderboard row, in display order."""

SORT_KEYS = ("avg", "total")
"""Orderings the leaderboard accepts."""


def _scoring_leaderboard() -> Callable[..., list[Any]] | None:
    try:
        from scoreline.scoring import leaderboard  # type: ignore[attr-defined]
    except ImportError:
        return None
    return leaderboard if callable(leaderboard) else None


def leaderboard_rows(
    session: Session,
    *,
    competition: str | None = None,
    season: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "avg",
    include_after_kickoff: bool = False,
) -> list[dict[str, Any]]:
    """Rank the models on scored predictions; each row a dict of ``LEADERBOARD_COLUMNS``.

    Args:
        session: Open session.
        competition: Only matches of this competition code (e.g. ``E0``).
        season: Only matches of this season (e.g. ``2024-25``).
        since: Only matches kicking off at or after this moment (aware UTC).
        until: Only matches kicking off at or before this moment (aware UTC).
        sort: ``avg`` (average points) or ``total`` (total points).
        include_after_kickoff: Count predictions made after kick-off too.

    Raises:
        ValueError: ``sort`` is not one the leaderboard knows.
    """
    filters: dict[str, Any] = {
        "competition": competition,
        "season": season,
        "since": since,
        "until": until,
        "sort": sort,
        "include_after_kickoff": include_after_kickoff,
    }
    ranking = _scoring_leaderboard()
    if ranking is not None:
        return [_as_dict(row) for row in ranking(session, **filters)]
    return _sql_leaderboard(session, **filters)


def _as_dict(row: Any) -> dict[str, Any]:
    values = dataclasses.asdict(row) if dataclasses.is_dataclass(row) else dict(row)
    return {name: values.get(name) for name in LEADERBOARD_COLUMNS}


def _pct(flag: Any) -> Any:
    return 100.0 * func.avg(case((flag, 1.0), else_=0.0))


def _sql_leaderboard(
    session: Session,
    *,
    competition: str | None,
    season: str | None,
    since: datetime | None,
    until: datetime | None,
    sort: str,
    include_after_kickoff: bool,
) -> list[dict[str, Any]]:
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, got {sort!r}")
    total = func.sum(Prediction.points)
    average = func.avg(cast(Prediction.points, Float))
    query = (
        select(
            Prediction.model_id,
            Model.display_name,
            func.count().label("scored"),
            total.label("total_points"),
            average.label("avg_points"),
            _pct(Prediction.points_tendency > 0).label("tendency_pct"),
            _pct(Prediction.points_exact > 0).label("exact_pct"),
            _pct(Prediction.points_goal_diff > 0).label("goal_diff_pct"),
            _pct(Prediction.used_fallback).label("fallback_rate_pct"),
        )
        .join(Match, Match.id == Prediction.match_id)
        .join(Model, Model.id == Prediction.model_id)
        .where(Prediction.status == "scored", Prediction.points.is_not(None))
        .group_by(Prediction.model_id, Model.display_name)
    )
    if competition is not None:
        query = query.where(Match.competition == competition)
    if season is not None:
        query = query.where(Match.season == season)
    if since is not None:
        query = query.where(Match.kickoff_at >= since)
    if until is not None:
        query = query.where(Match.kickoff_at <= until)
    if not include_after_kickoff:
        query = query.where(Prediction.after_kickoff.is_(False))
    first = total if sort == "total" else average
    query = query.order_by(first.desc(), Prediction.model_id)
    percentages = ("tendency_pct", "exact_pct", "goal_diff_pct", "fallback_rate_pct")
    rows = []
    for rank, row in enumerate(session.execute(query), start=1):
        values = row._asdict()
        values.update({name: round(float(values[name] or 0), 1) for name in percentages})
        values.update(
            rank=rank,
            total_points=int(row.total_points or 0),
            avg_points=round(float(row.avg_points or 0), 3),
        )
        rows.append(_as_dict(values))
    return rows
