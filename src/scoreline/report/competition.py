"""A competition's hub as plain data: its table computed from the stored results, its next
and last fixtures, and the models that predict it best.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from scoreline.report.browse import countdown, matches_page
from scoreline.report.cache import report_cache
from scoreline.scoring import leaderboard
from scoreline.store import (
    Database,
    MatchFilters,
    TeamRecord,
    competition_table,
    list_competitions,
)

__all__ = ["BEST_MODELS", "FIXTURES", "competition_page", "competitions_index", "league_table"]

FIXTURES = 10
"""How many next and last fixtures the hub lists."""
BEST_MODELS = 10
"""How many models the hub ranks."""


def league_table(records: Iterable[TeamRecord]) -> list[dict[str, Any]]:
    """The table: 3 points a win, 1 a draw; ordered by points, goal difference, goals
    scored, then name.

    Args:
        records: Each team's record (``store.competition_table``).
    """
    table: list[dict[str, Any]] = [
        dataclasses.asdict(r)
        | {"goal_difference": r.goals_for - r.goals_against, "points": 3 * r.won + r.drawn}
        for r in records
    ]
    table.sort(key=lambda r: (-r["points"], -r["goal_difference"], -r["goals_for"], r["team"]))
    return [{"position": i, **row} for i, row in enumerate(table, start=1)]


def competitions_index(db: Database) -> list[dict[str, Any]]:
    """Every competition the store knows, by code (kept until the store changes; callers
    read it, never change it).

    Args:
        db: The store.
    """
    return report_cache.get(
        db,
        "competitions",
        (),
        lambda: [
            dataclasses.asdict(c) | {"seasons": list(c.seasons)} for c in list_competitions(db)
        ],
    )


def _best_models(db: Database, code: str, season: str) -> list[dict[str, Any]]:
    rows = leaderboard(db, competition=code, season=season, intervals=False)[:BEST_MODELS]
    return [
        {
            "rank": r.rank,
            "model_id": r.model_id,
            "display_name": r.display_name,
            "scored": r.scored,
            "total_points": r.total_points,
            "avg_points": round(r.avg_points, 3),
            "tendency_pct": round(r.tendency_pct, 1),
            "exact_pct": round(r.exact_pct, 1),
        }
        for r in rows
    ]


def _hub(db: Database, info: dict[str, Any], season: str, now: datetime) -> dict[str, Any]:
    code = info["code"]
    upcoming = matches_page(
        db, MatchFilters(upcoming=True, competition=code), now=now, limit=FIXTURES
    )
    finished = matches_page(
        db, MatchFilters(upcoming=False, competition=code), now=now, limit=FIXTURES
    )
    return {
        "code": code,
        "name": info["name"],
        "seasons": list(info["seasons"]),
        "season": season,
        "table": league_table(competition_table(db, code, season)),
        "next": upcoming["matches"],
        "last": finished["matches"],
        "best_models": _best_models(db, code, season),
    }


def _counted_down(rows: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """The fixtures with their countdown as of ``now`` (the rest is kept with the hub)."""
    return [
        row | {"countdown": countdown(datetime.fromisoformat(row["kickoff_at"]), now)}
        if "countdown" in row
        else row
        for row in rows
    ]


def competition_page(
    db: Database, code: str, *, now: datetime, season: str | None = None
) -> dict[str, Any] | None:
    """The hub of one competition and season, or ``None`` when the store has no such
    competition or season.

    Everything but the countdowns is kept until the store changes: the table and the best
    models read every match and prediction of the season.

    Args:
        db: The store.
        code: Competition code, e.g. ``E0``.
        now: Current time, aware UTC (countdowns of the next fixtures).
        season: The season; its latest by default.
    """
    with report_cache.pinned(db):
        info = next((c for c in competitions_index(db) if c["code"] == code), None)
        if info is None or (season is not None and season not in info["seasons"]):
            return None
        chosen = season or info["seasons"][0]
        hub = report_cache.get(
            db, "competition", (code, chosen), lambda: _hub(db, info, chosen, now)
        )
    return hub | {"next": _counted_down(hub["next"], now)}
