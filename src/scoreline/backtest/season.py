"""The data of a backtest: a season's fixtures with their results kept aside, and history.

The backtest database only ever holds what was known at the replay clock: every match of
the competition that kicked off before the season (finished history), and the season's
matches as scheduled fixtures without goals. The results stay in memory here and are
revealed one by one as the clock passes each final whistle. Later seasons are never
imported.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

__all__ = ["Fixture", "SeasonData", "load_season", "write_import_file"]


@dataclass(frozen=True, slots=True)
class Fixture:
    """A match of the replayed season, with the result the replay reveals later."""

    match_id: str
    """The match."""
    kickoff_at: datetime
    """Kick-off, aware UTC."""
    home_goals: int
    """Final home goals (kept aside until the final whistle)."""
    away_goals: int
    """Final away goals."""


@dataclass(frozen=True)
class SeasonData:
    """One competition's season to replay, and the history before it."""

    competition: str
    """Competition code, e.g. ``E0``."""
    season: str
    """Season, e.g. ``2024-25``."""
    fieldnames: list[str]
    """CSV header of the source file."""
    history: list[dict[str, str]]
    """Rows of matches that kicked off before the season's first match (finished)."""
    fixtures: list[Fixture]
    """The season's matches with a result, by kick-off then id."""
    without_odds: int
    """Fixtures with incomplete odds."""
    rows: dict[str, dict[str, str]]
    """Source rows of the fixtures, by match id."""
    without_result: int
    """Season matches left out because the file has no result for them."""

    def with_history_days(self, days: int) -> SeasonData:
        """A copy keeping only the history of the ``days`` before the first fixture."""
        if not self.fixtures:
            return self
        oldest = self.fixtures[0].kickoff_at - timedelta(days=days)
        return replace(self, history=[r for r in self.history if _kickoff(r) >= oldest])


def _kickoff(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["kickoff_utc"].replace("Z", "+00:00"))


def load_season(
    path: Path, *, competition: str, season: str, max_matches: int | None = None
) -> SeasonData:
    """Read a matches CSV (the bundled columns) and split it into history and season.

    Args:
        path: The CSV, e.g. ``store.bundled_matches_path("E0")``.
        competition: Competition code to replay.
        season: Season to replay.
        max_matches: Replay only the first this many matches (by kick-off).

    Returns:
        The season's fixtures (with results) and the earlier history.

    Raises:
        ValueError: The file has no match of that competition and season.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = [row for row in reader if row["competition"] == competition]
    in_season = [row for row in rows if row["season"] == season]
    if not in_season:
        raise ValueError(f"{path.name} has no {competition} match in season {season!r}")
    start = min(_kickoff(row) for row in in_season)
    history = [row for row in rows if row["season"] != season and _kickoff(row) < start]
    played = [row for row in in_season if row["home_goals"] and row["away_goals"]]
    played.sort(key=lambda row: (_kickoff(row), row["match_id"]))
    if max_matches is not None:
        played = played[:max_matches]
    fixtures = [
        Fixture(row["match_id"], _kickoff(row), int(row["home_goals"]), int(row["away_goals"]))
        for row in played
    ]
    return SeasonData(
        competition=competition,
        season=season,
        fieldnames=fieldnames,
        history=[row for row in history if row["home_goals"] and row["away_goals"]],
        fixtures=fixtures,
        without_odds=sum(
            1 for row in played if not all(row[k] for k in ("odds_home", "odds_draw", "odds_away"))
        ),
        rows={row["match_id"]: row for row in played},
        without_result=sum(1 for r in in_season if not (r["home_goals"] and r["away_goals"])),
    )


def write_import_file(data: SeasonData, target: Path, *, stored: Collection[str]) -> Path:
    """Write the CSV the backtest imports: history, and the fixtures not stored yet.

    Fixtures already in the database are left out, so a resumed backtest never turns a
    revealed result back into a fixture. Fixtures go in without goals (scheduled).

    Args:
        data: The season.
        target: File to write.
        stored: Ids of matches already in the backtest database.

    Returns:
        ``target``.
    """
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=data.fieldnames)
        writer.writeheader()
        writer.writerows(data.history)
        for fixture in data.fixtures:
            if fixture.match_id in stored:
                continue
            row = dict(data.rows[fixture.match_id])
            row["home_goals"] = row["away_goals"] = ""
            if "status" in row:
                row["status"] = "scheduled"
            writer.writerow(row)
    return target
