"""The leaderboard as plain rows, for the public API and the dashboard.

The ranking belongs to ``scoreline.scoring.leaderboard``; this adapter only turns its rows
into dicts of ``LEADERBOARD_COLUMNS`` so the web renders JSON or HTML from plain data.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from typing import Any

from scoreline.scoring import SORT_KEYS, LeaderboardRow, leaderboard
from scoreline.store import Database

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


def leaderboard_rows(
    db: Database,
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
        db: The store.
        competition: Only matches of this competition code (e.g. ``E0``).
        season: Only matches of this season (e.g. ``2024-25``).
        since: Only matches kicking off at or after this moment (aware UTC).
        until: Only matches kicking off at or before this moment (aware UTC).
        sort: One of ``SORT_KEYS``.
        include_after_kickoff: Count predictions made after kick-off too.

    Raises:
        ValueError: ``sort`` is not one of ``SORT_KEYS``.
    """
    rows = leaderboard(
        db,
        competition=competition,
        season=season,
        since=since,
        until=until,
        sort=sort,
        include_after_kickoff=include_after_kickoff,
    )
    return [_as_dict(row) for row in rows]


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: an undefined number (an interval over no data) is None."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _as_dict(row: LeaderboardRow) -> dict[str, Any]:
    values = dataclasses.asdict(row)
    return {name: _finite(values.get(name)) for name in LEADERBOARD_COLUMNS}
