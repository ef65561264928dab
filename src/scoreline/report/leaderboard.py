"""The leaderboard as plain rows, for the public API and the dashboard.

The ranking belongs to ``scoreline.scoring.ranking``; this adapter only turns its rows
into dicts of ``LEADERBOARD_COLUMNS`` so the web renders JSON or HTML from plain data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scoreline.scoring.ranking import SORT_KEYS, LeaderboardRow, leaderboard
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
    "provisional",
    "n_probabilistic",
    "n_common",
    "rps",
    "rps_ci",
    "brier",
    "log_loss",
    "outcome_accuracy_pct",
    "skill_vs_market",
    "skill_ci",
    "beats_market",
    "rank_ci",
    "p_first",
    "scoring_rule",
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
    min_matches: int = 0,
    draw_goal_difference: bool = False,
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
        min_matches: Fewer scored predictions: provisional and unranked.
        draw_goal_difference: The draw rule the points were scored with (the label).

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
        min_matches=min_matches,
        draw_goal_difference=draw_goal_difference,
    )
    return [_as_dict(row) for row in rows]


def _as_dict(row: LeaderboardRow) -> dict[str, Any]:
    values = row.as_dict()
    return {name: values.get(name) for name in LEADERBOARD_COLUMNS}
