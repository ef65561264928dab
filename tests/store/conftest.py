"""Fixtures for the store's own tests (the database fixtures live in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scoreline.store import Database, ModelRow, import_matches, sync_models

HEADER = (
    "match_id,competition,competition_name,season,kickoff_utc,home_team,away_team,"
    "home_goals,away_goals,odds_home,odds_draw,odds_away"
)
NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)

WriteCsv = Callable[..., Path]
MatchLine = Callable[..., str]


def _match_line(
    match_id: str,
    kickoff: str = "2025-01-11T15:00:00Z",
    home: str = "Arsenal",
    away: str = "Chelsea",
    goals: str = ",",
    odds: str = "2.1,3.4,3.5",
) -> str:
    """Return one CSV data line in the bundled data set's layout."""
    return f"{match_id},E0,English Premier League,2024-25,{kickoff},{home},{away},{goals},{odds}"


@pytest.fixture
def match_line() -> MatchLine:
    """Return the function building one CSV data line (id, kickoff, home, away, goals, odds)."""
    return _match_line


@pytest.fixture
def now() -> datetime:
    """Return the fixed 'current time' of the store tests."""
    return NOW


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Return a function writing lines under a header into a fresh CSV file."""
    counter = iter(range(1_000_000))

    def write(lines: Sequence[str], header: str = HEADER) -> Path:
        path = tmp_path / f"matches-{next(counter)}.csv"
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return path

    return write


CATALOG = (
    ModelRow("alpha", "synthetic", "hf:alpha", "Alpha", fallback_id="alpha-tg"),
    ModelRow("alpha-tg", "together", "tg/alpha", "Alpha (Together)", tier="budget"),
    ModelRow("beta", "together", "tg/beta", "Beta", price_prompt_per_1m=0.5),
)


@pytest.fixture
def catalog_db(db: Database, write_csv: WriteCsv) -> Database:
    """Return a migrated database holding the test catalog and three matches.

    m1 kicks off at NOW + 30 min (scheduled), m2 at NOW + 2 h (scheduled), m0 is finished.
    """
    sync_models(db, CATALOG)
    path = write_csv(
        [
            _match_line("m0", "2025-01-09T15:00:00Z", "Leeds", "Wolves", "2,1"),
            _match_line("m1", "2025-01-10T12:30:00Z", "Arsenal", "Chelsea"),
            _match_line("m2", "2025-01-10T14:00:00Z", "Fulham", "Brentford"),
        ]
    )
    import_matches(db, path, now=NOW)
    return db
