"""The API-Football adapter over HTTP against the stand-in, and its documented edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scoreline.sources import (
    ApiFootball,
    Competitions,
    ManualClock,
    MatchStatus,
    QuotaExhaustedError,
    SourceAuthError,
    SourceError,
)
from scoreline.sources.api_football import STATUSES, parse_fixture
from scoreline.standin import StandIn
from tests.sources.conftest import make_source

MATCHDAY = {"date_from": date(2025, 12, 6), "date_to": date(2025, 12, 8)}


def af(standin: StandIn, clock: ManualClock, **options: object) -> ApiFootball:
    source = make_source(standin, "api-football", clock, **options)
    assert isinstance(source, ApiFootball)
    return source


def test_fixtures_of_a_matchday_in_the_v3_shape(standin: StandIn, clock: ManualClock) -> None:
    fixtures = af(standin, clock).fixtures("PL", **MATCHDAY)
    assert len(fixtures) == 10
    first = fixtures[0]
    assert (first.home, first.away, first.raw_status) == ("Aston Villa", "Arsenal", "NS")
    assert (first.competition, first.season, first.matchday) == ("E0", "2025-26", 15)
    assert first.home_team_id == "66" and first.kickoff_at == datetime(
        2025, 12, 6, 12, 30, tzinfo=UTC
    )
    postponed = [f for f in fixtures if f.raw_status == "PST"]
    assert [f.status for f in postponed] == [MatchStatus.POSTPONED]


def test_live_then_finished_by_id(standin: StandIn, clock: ManualClock) -> None:
    source = af(standin, clock)
    fixture_id = source.fixtures("39", **MATCHDAY)[0].external_id
    standin.world.set_now(datetime(2025, 12, 6, 12, 40, tzinfo=UTC))
    (live,) = source.fixtures_by_id([fixture_id])
    assert (live.status, live.raw_status) == (MatchStatus.LIVE, "1H")
    standin.advance(2 * 3600)
    (done,) = source.fixtures_by_id([fixture_id])
    assert (done.status, done.raw_status, done.home_goals, done.away_goals) == (
        MatchStatus.FINISHED,
        "FT",
        2,
        1,
    )


def test_team_news_odds_and_statistics(standin: StandIn, clock: ManualClock) -> None:
    source = af(standin, clock)
    fixture = source.fixtures("PL", **MATCHDAY)[6]  # Leeds v Liverpool, 17:30
    odds = source.odds(fixture.external_id)
    assert [(o.bookmaker, o.home, o.draw, o.away) for o in odds] == [("Bet365", 3.95, 3.9, 1.84)]
    assert source.lineups(fixture.external_id) == []  # not published before T-60 min
    standin.world.set_now(datetime(2025, 12, 6, 16, 45, tzinfo=UTC))
    lineups = source.lineups(fixture.external_id)
    assert [(lu.team, len(lu.starters), lu.formation) for lu in lineups] == [
        ("Leeds", 11, "4-3-3"),
        ("Liverpool", 11, "4-3-3"),
    ]
    missing = source.missing_players(fixture.external_id)
    assert {m.kind for m in missing} <= {"injured", "suspended", "doubtful"} and missing
    splits = source.team_splits(fixture.home_team_id or "", competition="PL", season="2025-26")
    assert (splits.team, splits.played_home + splits.played_away) == ("Leeds", 14)
    meetings = source.head_to_head(fixture.home_team_id or "", fixture.away_team_id or "", last=3)
    assert len(meetings) == 3 and all(m.status is MatchStatus.FINISHED for m in meetings)
    assert meetings[0].kickoff_at > meetings[-1].kickoff_at


def test_rejected_key_answered_with_200_is_an_auth_error_not_no_fixtures(
    standin: StandIn, clock: ManualClock
) -> None:
    source = af(standin, clock, key="not-the-key-0a1b2c3d4e5f60718293")
    with pytest.raises(SourceAuthError) as caught:
        source.fixtures("PL", **MATCHDAY)
    assert caught.value.status == 200 and "token" in str(caught.value)
    assert "not-the-key-0a1b2c3d4e5f60718293" not in str(caught.value)
    assert source.client.stats.last_error == str(caught.value)


def test_bad_key_mode_rejects_even_the_right_key(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.bad_key = True
    with pytest.raises(SourceAuthError):
        af(standin, clock).odds("1351666")


def test_quota_stop_sends_nothing_once_the_quota_is_spent(
    standin: StandIn, clock: ManualClock
) -> None:
    standin.gate.af_daily = 3
    source = af(standin, clock)
    for _ in range(3):
        source.odds("1351666")
    assert source.client.stats.quota_remaining == 0
    with pytest.raises(QuotaExhaustedError) as caught:
        source.odds("1351666")
    assert standin.gate.requests["af"] == 3  # the fourth was never sent
    assert "daily quota reached: 0 of 3" in str(caught.value)
    assert caught.value.resets_at == datetime(2025, 12, 2, tzinfo=UTC)


def test_quota_reserve_and_own_count_without_headers(standin: StandIn, clock: ManualClock) -> None:
    source = af(standin, clock, daily_quota=5, quota_reserve=2)
    for _ in range(3):
        source.odds("1351666")
    with pytest.raises(QuotaExhaustedError):
        source.odds("1351666")
    clock.advance(24 * 3600)  # a new UTC day: the quota is ours again
    assert source.client.stats.quota_remaining == 5
    source.odds("1351666")


def test_the_quota_error_of_the_body_is_a_quota_error(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.af_daily = 1
    af(standin, clock).odds("1351666")
    with pytest.raises(QuotaExhaustedError):  # a fresh client knows nothing: the body says it
        af(standin, clock).odds("1351666")


def v3_fixture(short: str, goals: tuple[int, int], fulltime: tuple[int, int]) -> dict[str, object]:
    return {
        "fixture": {"id": 7, "date": "2024-05-25T19:00:00+00:00", "status": {"short": short}},
        "league": {"id": 2, "season": 2023, "round": "Final"},
        "teams": {"home": {"id": 1, "name": "Home"}, "away": {"id": 2, "name": "Away"}},
        "goals": {"home": goals[0], "away": goals[1]},
        "score": {
            "fulltime": {"home": fulltime[0], "away": fulltime[1]},
            "extratime": {"home": goals[0] - fulltime[0], "away": goals[1] - fulltime[1]},
        },
    }


@pytest.mark.parametrize(
    ("short", "goals", "fulltime", "duration"),
    [("AET", (3, 2), (2, 2), "extra_time"), ("PEN", (1, 1), (1, 1), "penalties")],
)
def test_extra_time_and_penalties_keep_the_regular_time_result(
    short: str, goals: tuple[int, int], fulltime: tuple[int, int], duration: str
) -> None:
    fixture = parse_fixture(
        v3_fixture(short, goals, fulltime),
        fetched_at=datetime(2024, 5, 26, tzinfo=UTC),
        competitions=Competitions.bundled(),
    )
    assert (fixture.home_goals, fixture.away_goals) == fulltime
    assert (fixture.status, fixture.duration, fixture.competition) == (
        MatchStatus.FINISHED,
        duration,
        "CL",
    )


def test_every_documented_status_has_ours() -> None:
    documented = "NS TBD 1H HT 2H ET BT P LIVE FT AET PEN PST CANC ABD AWD WO SUSP INT"
    assert set(STATUSES) == set(documented.split())
    assert STATUSES["ABD"] is MatchStatus.CANCELLED and STATUSES["WO"] is MatchStatus.AWARDED


def test_errors_are_source_errors(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.bad_key = True
    with pytest.raises(SourceError) as caught:
        af(standin, clock).lineups("1")
    assert caught.value.source == "api-football"
