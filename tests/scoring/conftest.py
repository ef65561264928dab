"""Fixtures for the scoring tests: real Premier League rows.

``data/e0_2022_2024.csv`` is the E0 2022-23 and 2023-24 slice of the project's
football-data.co.uk set (shared/data/matches.csv), rows unchanged, kept here so
the tests do not depend on where shared/ is mounted.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from scoreline.scoring import MatchInfo, PastResult

DATA = Path(__file__).parent / "data" / "e0_2022_2024.csv"


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _odds(text: str) -> float | None:
    return float(text) if text else None


@pytest.fixture(scope="session")
def e0_rows() -> list[dict[str, str]]:
    """Every CSV row, as read."""
    with DATA.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def e0_results(e0_rows: list[dict[str, str]]) -> list[PastResult]:
    """Every row as a finished result."""
    return [
        PastResult(
            home_team=row["home_team"],
            away_team=row["away_team"],
            home_goals=int(row["home_goals"]),
            away_goals=int(row["away_goals"]),
            kickoff_at=_utc(row["kickoff_utc"]),
            competition=row["competition"],
        )
        for row in e0_rows
    ]


@pytest.fixture(scope="session")
def e0_matches(e0_rows: list[dict[str, str]]) -> dict[str, MatchInfo]:
    """Every row as a match to forecast, by match id."""
    return {
        row["match_id"]: MatchInfo(
            home_team=row["home_team"],
            away_team=row["away_team"],
            kickoff_at=_utc(row["kickoff_utc"]),
            odds_home=_odds(row["odds_home"]),
            odds_draw=_odds(row["odds_draw"]),
            odds_away=_odds(row["odds_away"]),
            competition=row["competition"],
        )
        for row in e0_rows
    }
