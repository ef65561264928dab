"""What part of the pipeline can ask of a source: one small protocol, and optional ones.

Every adapter is a ``FixtureSource``. The others are capabilities a caller checks with
``isinstance`` (they are runtime-checkable): football-data.org gives live scores by id and
standings; API-Football gives live scores, odds, team news and statistics;
football-data.co.uk gives results and closing odds by season file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from scoreline.sources.http import SourceClient
from scoreline.sources.records import (
    Fixture,
    Lineup,
    MissingPlayer,
    OddsSnapshot,
    StandingRow,
    TeamSplits,
)

__all__ = [
    "FixtureSource",
    "LiveSource",
    "OddsSource",
    "StandingsSource",
    "TeamNewsSource",
    "TeamStatsSource",
]


@runtime_checkable
class FixtureSource(Protocol):
    """Fixtures and results of a competition over a range of days."""

    kind: str
    client: SourceClient

    @property
    def name(self) -> str:
        """The configured name (``[sources.NAME]``)."""
        ...

    def fixtures(self, competition: str, *, date_from: date, date_to: date) -> list[Fixture]:
        """Matches kicking off between the two days, both included (any competition code)."""
        ...


@runtime_checkable
class LiveSource(Protocol):
    """Status and score of known matches now, by the source's ids."""

    def fixtures_by_id(self, external_ids: Sequence[str]) -> list[Fixture]:
        """The matches with these ids."""
        ...


@runtime_checkable
class OddsSource(Protocol):
    """Pre-match 1X2 odds."""

    def odds(self, external_id: str) -> list[OddsSnapshot]:
        """Every bookmaker's odds for the match now."""
        ...


@runtime_checkable
class TeamNewsSource(Protocol):
    """Missing players and confirmed line-ups."""

    def missing_players(self, external_id: str) -> list[MissingPlayer]:
        """Injured, suspended and doubtful players of both sides."""
        ...

    def lineups(self, external_id: str) -> list[Lineup]:
        """Both line-ups once published (empty before)."""
        ...


@runtime_checkable
class TeamStatsSource(Protocol):
    """Season splits of one side and the last meetings of two."""

    def team_splits(self, team_id: str, *, competition: str, season: str) -> TeamSplits:
        """Home and away goals and form so far."""
        ...

    def head_to_head(self, home_team_id: str, away_team_id: str, *, last: int = 5) -> list[Fixture]:
        """The last meetings."""
        ...


@runtime_checkable
class StandingsSource(Protocol):
    """League tables."""

    def standings(self, competition: str, *, season: str | None = None) -> list[StandingRow]:
        """The table (whole, home, away) of the season, the current one by default."""
        ...
