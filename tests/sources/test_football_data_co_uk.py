"""The football-data.co.uk adapter over HTTP against the stand-in's season files."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from scoreline.sources import (
    FootballDataCoUk,
    ManualClock,
    MatchStatus,
    SourceRequestError,
    UnknownCompetitionError,
)
from scoreline.standin import StandIn
from tests.sources.conftest import make_source


def couk(standin: StandIn, clock: ManualClock) -> FootballDataCoUk:
    source = make_source(standin, "football-data.co.uk", clock)
    assert isinstance(source, FootballDataCoUk)
    return source


def bundled(season: str, before: datetime) -> set[tuple[str, str, str, int, int]]:
    text = resources.files("scoreline.data").joinpath("matches/E0.csv").read_text("utf-8")
    return {
        (
            r["kickoff_utc"],
            r["home_team"],
            r["away_team"],
            int(r["home_goals"]),
            int(r["away_goals"]),
        )
        for r in csv.DictReader(text.splitlines())
        if r["season"] == season and r["kickoff_utc"] < before.strftime("%Y-%m-%dT%H:%M:%SZ")
    }


def test_season_file_results_match_the_bundled_season(standin: StandIn, clock: ManualClock) -> None:
    season = couk(standin, clock).season_file("PL", "2025-26")
    got = {
        (f.kickoff_at.strftime("%Y-%m-%dT%H:%M:%SZ"), f.home, f.away, f.home_goals, f.away_goals)
        for f in season.fixtures
    }
    assert got == bundled("2025-26", standin.world.now)  # UK local times read back as UTC
    assert len(got) == 140 and all(f.status is MatchStatus.FINISHED for f in season.fixtures)
    summer = min(season.fixtures, key=lambda f: f.kickoff_at)
    assert summer.kickoff_at == datetime(2025, 8, 15, 19, 0, tzinfo=UTC)  # 20:00 BST in the file


def test_closing_odds_are_marked_closing(standin: StandIn, clock: ManualClock) -> None:
    season = couk(standin, clock).season_file("E0", "2025-26")
    assert len(season.odds) == 140
    assert {(o.timing, o.bookmaker) for o in season.odds} == {
        ("closing", "market average (closing)")
    }


def test_an_unchanged_file_is_answered_304(standin: StandIn, clock: ManualClock) -> None:
    source = couk(standin, clock)
    source.season_file("E0", "2025-26")
    again = source.season_file("E0", "2025-26")
    assert len(again.fixtures) == 140
    assert standin.gate.not_modified["csv"] == 1 and source.client.stats.not_modified == 1
    standin.world.set_now(datetime(2025, 12, 6, 14, 30, tzinfo=UTC))  # one more result
    assert len(source.season_file("E0", "2025-26").fixtures) == 141


def test_fixtures_between_two_days(standin: StandIn, clock: ManualClock) -> None:
    standin.world.set_now(datetime(2025, 12, 9, tzinfo=UTC))
    fixtures = couk(standin, clock).fixtures(
        "E0", date_from=date(2025, 12, 6), date_to=date(2025, 12, 7)
    )
    assert len(fixtures) == 8  # the postponed match never plays


def test_a_past_season_is_complete(standin: StandIn, clock: ManualClock) -> None:
    assert len(couk(standin, clock).season_file("E0", "2021-22").fixtures) == 380


def test_a_competition_without_a_file_and_a_missing_file(
    standin: StandIn, clock: ManualClock
) -> None:
    source = couk(standin, clock)
    with pytest.raises(UnknownCompetitionError):
        source.season_file("CL", "2025-26")
    with pytest.raises(SourceRequestError, match="HTTP 404"):
        source.season_file("D1", "2025-26")  # the stand-in serves E0 only
