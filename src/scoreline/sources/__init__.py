"""Football data sources: one adapter per source behind one small protocol.

Example:
    source = build_source("fd", SourceConfig(kind="football-data.org",
                                             api_key_env="FOOTBALL_DATA_TOKEN"))
    fixtures = source.fixtures("PL", date_from=today, date_to=today + timedelta(days=2))
    names = TeamResolver.bundled()
    home = names.resolve(fixtures[0].home)   # "Manchester United FC" -> "Man United"

Every request goes through ``SourceClient`` (timeouts, retries with back-off, pacing, the
daily quota, conditional requests, the key redacted from every message). ``sources``
imports nothing of scoreline but ``errors`` and ``redaction``: it knows nothing of models,
the store or the queue.
"""

from scoreline.sources.api_football import ApiFootball
from scoreline.sources.build import Adapter, build_source
from scoreline.sources.clock import Clock, ManualClock, SystemClock
from scoreline.sources.config import SourceConfig
from scoreline.sources.errors import (
    QuotaExhaustedError,
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceRateLimitedError,
    SourceRequestError,
    SourceUnavailableError,
)
from scoreline.sources.football_data_co_uk import FootballDataCoUk, SeasonFile
from scoreline.sources.football_data_org import FootballDataOrg
from scoreline.sources.http import RetryPolicy, SourceClient, SourceResponse, SourceStats
from scoreline.sources.pacing import PacingRules
from scoreline.sources.protocol import (
    FixtureSource,
    LiveSource,
    OddsSource,
    StandingsSource,
    TeamNewsSource,
    TeamStatsSource,
)
from scoreline.sources.records import (
    Fixture,
    Lineup,
    MatchStatus,
    MissingPlayer,
    OddsSnapshot,
    StandingRow,
    TeamSplits,
)
from scoreline.sources.teams import (
    AliasConflictError,
    Competition,
    Competitions,
    TeamResolver,
    UnknownCompetitionError,
    UnknownTeamError,
)

__all__ = [
    "Adapter",
    "AliasConflictError",
    "ApiFootball",
    "Clock",
    "Competition",
    "Competitions",
    "Fixture",
    "FixtureSource",
    "FootballDataCoUk",
    "FootballDataOrg",
    "Lineup",
    "LiveSource",
    "ManualClock",
    "MatchStatus",
    "MissingPlayer",
    "OddsSnapshot",
    "OddsSource",
    "PacingRules",
    "QuotaExhaustedError",
    "RetryPolicy",
    "SeasonFile",
    "SourceAuthError",
    "SourceClient",
    "SourceConfig",
    "SourceDataError",
    "SourceError",
    "SourceRateLimitedError",
    "SourceRequestError",
    "SourceResponse",
    "SourceStats",
    "SourceUnavailableError",
    "StandingRow",
    "StandingsSource",
    "SystemClock",
    "TeamNewsSource",
    "TeamResolver",
    "TeamSplits",
    "TeamStatsSource",
    "UnknownCompetitionError",
    "UnknownTeamError",
    "build_source",
]
