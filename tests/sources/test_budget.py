"""A matchday under the typical schedule, against the stand-in: the free tiers hold.

The default schedule: fixtures every 3 h for the next 48 h and daily for 14 days, standings
daily, odds at T-2 h, injuries at T-6 h and T-60 min, line-ups at T-60 min, live scores
every 60 s while a match is between kick-off and its result (at most 3 h). Live and
fixtures from football-data.org; odds and team news from API-Football.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scoreline.sources import (
    ApiFootball,
    Fixture,
    FootballDataOrg,
    ManualClock,
    MatchStatus,
    SourceConfig,
    build_source,
)
from scoreline.standin import Gate, StandIn

START = datetime(2025, 12, 5, tzinfo=UTC)  # the Friday before matchday 15 (6-8 Dec)
END = datetime(2025, 12, 9, tzinfo=UTC)
CONTEXT = (("odds", timedelta(hours=2)), ("injuries", timedelta(hours=6)))
CONTEXT += (("injuries", timedelta(minutes=60)), ("lineups", timedelta(minutes=60)))


class Schedule:
    """The due fetches of one simulated minute, and the requests they cost."""

    def __init__(self, fd: FootballDataOrg, af: ApiFootball) -> None:
        self.fd, self.af = fd, af
        self.known: dict[str, Fixture] = {}
        self.context: dict[str, datetime] = {}
        self.fetched: set[tuple[str, str, timedelta]] = set()
        self.seen_finished: dict[str, datetime] = {}

    def minute(self, now: datetime) -> None:
        if now.minute == 0 and now.hour % 3 == 0:
            self.fixtures(now, timedelta(hours=48))
        if now.hour == 4 and now.minute == 0:
            self.fixtures(now, timedelta(days=14))
            self.fd.standings("PL")
        for fixture_id, kickoff in self.context.items():
            for what, before in CONTEXT:
                if (
                    kickoff - before <= now < kickoff
                    and (fixture_id, what, before) not in self.fetched
                ):
                    self.fetched.add((fixture_id, what, before))
                    getattr(self.af, {"injuries": "missing_players"}.get(what, what))(fixture_id)
        live = [
            f.external_id
            for f in self.known.values()
            if f.kickoff_at <= now < f.kickoff_at + timedelta(hours=3)
            and f.status in (MatchStatus.SCHEDULED, MatchStatus.LIVE)
        ]
        for fixture in self.fd.fixtures_by_id(live) if live else []:
            self.known[fixture.external_id] = fixture
            if fixture.status is MatchStatus.FINISHED:
                self.seen_finished.setdefault(fixture.external_id, now)

    def fixtures(self, now: datetime, ahead: timedelta) -> None:
        days = {"date_from": now.date(), "date_to": (now + ahead).date()}
        for fixture in self.fd.fixtures("PL", **days):
            self.known.setdefault(fixture.external_id, fixture)
        for fixture in self.af.fixtures("PL", **days):
            if fixture.status is MatchStatus.SCHEDULED:
                self.context[fixture.external_id] = fixture.kickoff_at


@pytest.mark.slow
def test_a_matchday_fits_the_free_tiers() -> None:
    clock = ManualClock(START)
    gate = Gate(timer=clock.monotonic)
    with StandIn(now=START, gate=gate).in_thread() as standin:
        fd = build_source(
            "fd",
            SourceConfig(
                kind="football-data.org", base_url=standin.football_data_org_url, api_key_env="K"
            ),
            env={"K": standin.fd_token},
            clock=clock,
        )
        af = build_source(
            "af",
            SourceConfig(kind="api-football", base_url=standin.api_football_url, api_key_env="K"),
            env={"K": standin.af_key},
            clock=clock,
        )
        assert isinstance(fd, FootballDataOrg) and isinstance(af, ApiFootball)
        schedule = Schedule(fd, af)
        per_day: Counter[tuple[str, str]] = Counter()
        peak: Counter[str] = Counter()
        now = START
        while now < END:
            standin.world.set_now(now)
            before = Counter(gate.requests)
            schedule.minute(now)
            for service in ("fd", "af"):
                spent = gate.requests[service] - before[service]
                per_day[(service, now.date().isoformat())] += spent
                peak[service] = max(peak[service], spent)
            now += timedelta(minutes=1)
            clock.advance(60)
    assert max(n for (service, _), n in per_day.items() if service == "af") <= 100
    assert peak["fd"] <= 10 and peak["af"] <= 10
    assert len(schedule.seen_finished) == 9  # the postponed match never finishes
    for fixture_id, seen in schedule.seen_finished.items():
        available = schedule.known[fixture_id].kickoff_at + timedelta(minutes=110)
        assert timedelta(0) <= seen - available <= timedelta(minutes=1)
    assert fd.client.stats.outcomes.keys() <= {"ok", "not_modified"}
    assert af.client.stats.outcomes.keys() == {"ok"}
    print(
        f"\nrequests: {dict(gate.requests)}; per day: {dict(per_day)}; peak a minute: {dict(peak)}"
    )
