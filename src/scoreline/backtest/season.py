"""The data of a backtest: a season's fixtures with their results kept aside, and history.

The backtest database only ever holds what was known at the replay clock: every match of
the competition that kicked off before the season (finished history), and the season's
matches as scheduled fixtures without goals, written straight into the store
(``upsert_matches``). The results stay in memory here and are revealed one by one as the
clock passes each final whistle. Later seasons are never stored.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from scoreline.store import MatchRecord, read_matches_csv

__all__ = ["Fixture", "SeasonData", "load_season"]


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
    history: list[MatchRecord]
    """Finished matches that kicked off before the season's first match."""
    fixtures: list[Fixture]
    """The season's matches with a result, by kick-off then id."""
    without_odds: int
    """Fixtures with incomplete odds."""
    records: dict[str, MatchRecord]
    """The fixtures as read (with their results), by match id."""
    without_result: int
    """Season matches left out because the file has no result for them."""

    def with_history_days(self, days: int) -> SeasonData:
        """A copy keeping only the history of the ``days`` before the first fixture."""
        if not self.fixtures:
            return self
        oldest = self.fixtures[0].kickoff_at - timedelta(days=days)
        return replace(self, history=[r for r in self.history if r.kickoff_at >= oldest])

    def to_store(self, stored: Collection[str]) -> list[MatchRecord]:
        """What the backtest database gets: the history, and the fixtures not stored yet.

        Fixtures already stored are left out, so a resumed backtest never turns a revealed
        result back into a fixture. Fixtures go in without goals (scheduled).
        """
        fixtures = [
            replace(self.records[f.match_id], status="scheduled", home_goals=None, away_goals=None)
            for f in self.fixtures
            if f.match_id not in stored
        ]
        return [*self.history, *fixtures]


def _played(record: MatchRecord) -> bool:
    return record.home_goals is not None and record.away_goals is not None


def _has_odds(record: MatchRecord) -> bool:
    return None not in (record.odds_home, record.odds_draw, record.odds_away)


@functools.lru_cache(maxsize=4)
def _records(path: Path, mtime_ns: int, size: int) -> tuple[MatchRecord, ...]:
    """The file's validated records, read once per version of the file: replaying every
    season reads the same 10,000 rows five times otherwise (0.4 s each)."""
    return tuple(read_matches_csv(path))


def _read(path: Path) -> Sequence[MatchRecord]:
    try:
        stat = path.stat()
    except OSError:  # read_matches_csv says what is wrong with it
        return read_matches_csv(path)
    return _records(path.resolve(), stat.st_mtime_ns, stat.st_size)


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
        MatchImportError: The file is not a valid matches CSV.
    """
    records = [r for r in _read(path) if r.competition == competition]
    in_season = [r for r in records if r.season == season]
    if not in_season:
        raise ValueError(f"{path.name} has no {competition} match in season {season!r}")
    start = min(r.kickoff_at for r in in_season)
    history = [r for r in records if r.season != season and r.kickoff_at < start and _played(r)]
    played = sorted((r for r in in_season if _played(r)), key=lambda r: (r.kickoff_at, r.id))
    if max_matches is not None:
        played = played[:max_matches]
    return SeasonData(
        competition=competition,
        season=season,
        history=history,
        fixtures=[
            Fixture(r.id, r.kickoff_at, int(r.home_goals or 0), int(r.away_goals or 0))
            for r in played
        ],
        without_odds=sum(1 for r in played if not _has_odds(r)),
        records={r.id: r for r in played},
        without_result=len(in_season) - sum(1 for r in in_season if _played(r)),
    )
