"""The football-data.org adapter over HTTP against the stand-in, and its documented edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scoreline.sources import (
    Competitions,
    FootballDataOrg,
    ManualClock,
    MatchStatus,
    SourceAuthError,
)
from scoreline.sources.football_data_org import STATUSES, parse_match
from scoreline.standin import StandIn
from tests.sources.conftest import make_source

MATCHDAY = {"date_from": date(2025, 12, 6), "date_to": date(2025, 12, 8)}


def fd(standin: StandIn, clock: ManualClock, **options: object) -> FootballDataOrg:
    source = make_source(standin, "football-data.org", clock, **options)
    assert isinstance(source, FootballDataOrg)
    return source


def test_fixtures_of_a_matchday_in_the_v4_shape(standin: StandIn, clock: ManualClock) -> None:
    fixtures = fd(standin, clock).fixtures("PL", **MATCHDAY)
    assert len(fixtures) == 10
    first = fixtures[0]
    assert (first.home, first.away) == ("Aston Villa FC", "Arsenal FC")
    assert first.kickoff_at == datetime(2025, 12, 6, 12, 30, tzinfo=UTC)
    assert (first.competition, first.season, first.matchday) == ("E0", "2025-26", 15)
    assert (first.status, first.raw_status) == (MatchStatus.SCHEDULED, "TIMED")
    assert first.home_goals is None and first.fetched_at == clock.now()


def test_a_match_goes_live_then_finished_as_the_clock_advances(
    standin: StandIn, clock: ManualClock
) -> None:
    source = fd(standin, clock)
    match_id = source.fixtures("PL", **MATCHDAY)[0].external_id
    standin.world.set_now(datetime(2025, 12, 6, 13, 20, tzinfo=UTC))  # 50' after kick-off
    (half_time,) = source.fixtures_by_id([match_id])
    assert (half_time.status, half_time.raw_status) == (MatchStatus.LIVE, "PAUSED")
    standin.advance(60 * 60)
    (finished,) = source.fixtures_by_id([match_id])
    assert (finished.status, finished.raw_status) == (MatchStatus.FINISHED, "FINISHED")
    assert (finished.home_goals, finished.away_goals) == (2, 1)  # the real result


def test_a_long_range_is_asked_for_in_ten_day_pieces(standin: StandIn, clock: ManualClock) -> None:
    fixtures = fd(standin, clock).fixtures(
        "PL", date_from=date(2025, 12, 6), date_to=date(2025, 12, 19)
    )
    assert standin.gate.requests["fd"] == 2
    assert len(fixtures) == len({f.external_id for f in fixtures}) == 20  # matchdays 15 and 16


def test_postponed_match(standin: StandIn, clock: ManualClock) -> None:
    postponed = standin.world.postponed
    assert postponed is not None
    fixtures = fd(standin, clock).fixtures("PL", **MATCHDAY)
    (found,) = [f for f in fixtures if f.raw_status == "POSTPONED"]
    assert found.status is MatchStatus.POSTPONED
    assert found.home == "AFC Bournemouth" and found.home_goals is None


def test_corrected_result_changes_after_full_time(standin: StandIn, clock: ManualClock) -> None:
    corrected = standin.world.corrected
    assert corrected is not None
    source = fd(standin, clock)
    match_id = str(540000 + corrected.index)
    standin.world.set_now(datetime(2025, 12, 6, 17, 0, tzinfo=UTC))  # 120' after kick-off
    (first,) = source.fixtures_by_id([match_id])
    standin.advance(30 * 60)
    (then,) = source.fixtures_by_id([match_id])
    assert first.status is then.status is MatchStatus.FINISHED
    assert (first.home_goals, first.away_goals) == (corrected.home_goals + 1, corrected.away_goals)
    assert (then.home_goals, then.away_goals) == (corrected.home_goals, corrected.away_goals)
    assert then.updated_at is not None and first.updated_at is not None
    assert then.updated_at > first.updated_at


def test_standings_total_home_and_away(standin: StandIn, clock: ManualClock) -> None:
    rows = fd(standin, clock).standings("E0")
    assert {row.scope for row in rows} == {"total", "home", "away"}
    total = [row for row in rows if row.scope == "total"]
    assert len(total) == 20 and [row.position for row in total] == list(range(1, 21))
    assert total[0].played == 14 and total[0].points >= total[-1].points


def test_rejected_token_is_an_auth_error_that_never_shows_the_token(
    standin: StandIn, clock: ManualClock
) -> None:
    source = fd(standin, clock, key="wrong-token-9f8e7d6c5b4a39281706")
    with pytest.raises(SourceAuthError) as caught:
        source.fixtures("PL", **MATCHDAY)
    assert caught.value.status == 403 and caught.value.error_class == "auth"
    assert "wrong-token-9f8e7d6c5b4a39281706" not in str(caught.value)
    assert standin.gate.requests["fd"] == 1  # an auth failure is not retried


def test_429_waits_what_the_reset_header_says(standin: StandIn, clock: ManualClock) -> None:
    standin.gate.fd_per_minute = 2
    other = fd(standin, clock)  # another client of the same token spends the minute
    other.fixtures("PL", **MATCHDAY)
    other.fixtures("PL", **MATCHDAY)
    source = fd(standin, clock)
    assert len(source.fixtures("PL", **MATCHDAY)) == 10
    assert clock.slept == [60.0]  # X-RequestCounter-Reset, not the back-off
    assert standin.gate.requests["fd"] == 4


def test_pacing_from_the_headers_never_meets_a_429(standin: StandIn, clock: ManualClock) -> None:
    source = fd(standin, clock)
    for _ in range(12):
        source.fixtures("PL", **MATCHDAY)
    assert standin.gate.requests["fd"] == 12  # no refused request, nothing retried
    assert len(clock.slept) == 1 and 59 <= clock.slept[0] <= 60


def test_conditional_request_answered_304_returns_the_cached_body(
    standin: StandIn, clock: ManualClock
) -> None:
    source = fd(standin, clock)
    first = source.fixtures("PL", **MATCHDAY)
    again = source.fixtures("PL", **MATCHDAY)
    assert standin.gate.not_modified["fd"] == 1
    assert source.client.stats.not_modified == 1
    assert [f.external_id for f in again] == [f.external_id for f in first]
    standin.advance(4 * 3600)  # something changed: a full answer again
    source.fixtures("PL", **MATCHDAY)
    assert standin.gate.not_modified["fd"] == 1


def v4_match(status: str, score: dict[str, object]) -> dict[str, object]:
    return {
        "id": 1,
        "utcDate": "2024-05-25T19:00:00Z",
        "status": status,
        "competition": {"code": "CL"},
        "season": {"startDate": "2023-09-19"},
        "homeTeam": {"id": 1, "name": "Home FC"},
        "awayTeam": {"id": 2, "name": "Away FC"},
        "score": score,
    }


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (
            {
                "duration": "EXTRA_TIME",
                "fullTime": {"home": 3, "away": 2},
                "regularTime": {"home": 2, "away": 2},
                "extraTime": {"home": 1, "away": 0},
            },
            (2, 2, "extra_time"),
        ),
        (
            {
                "duration": "PENALTY_SHOOTOUT",
                "fullTime": {"home": 6, "away": 5},
                "regularTime": {"home": 1, "away": 1},
                "extraTime": {"home": 0, "away": 0},
                "penalties": {"home": 5, "away": 4},
            },
            (1, 1, "penalties"),
        ),
        (  # without regularTime: full time less extra time and penalties
            {
                "duration": "PENALTY_SHOOTOUT",
                "fullTime": {"home": 5, "away": 6},
                "extraTime": {"home": 1, "away": 1},
                "penalties": {"home": 3, "away": 4},
            },
            (1, 1, "penalties"),
        ),
    ],
)
def test_extra_time_and_penalties_keep_the_regular_time_result(
    score: dict[str, object], expected: tuple[int, int, str]
) -> None:
    now = datetime(2024, 5, 26, tzinfo=UTC)
    fixture = parse_match(
        v4_match("FINISHED", score), fetched_at=now, competitions=Competitions.bundled()
    )
    assert (fixture.home_goals, fixture.away_goals, fixture.duration) == expected
    assert fixture.went_further and fixture.competition == "CL"


def test_every_documented_status_has_ours() -> None:
    documented = "SCHEDULED TIMED IN_PLAY PAUSED FINISHED SUSPENDED POSTPONED CANCELLED AWARDED"
    assert set(STATUSES) == set(documented.split())
