"""football-data.org v4: fixtures, live scores, results and standings.

Token in ``X-Auth-Token``; the free tier allows 10 requests a minute and says what is left
in ``X-Requests-Available-Minute`` / ``X-RequestCounter-Reset``. ``score.fullTime`` is the
final (or running) score including extra time and, in v4, the shoot-out; for matches that
went further we use ``score.regularTime`` (or full time less extra time and penalties) and
record the duration.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from scoreline.sources.errors import SourceDataError
from scoreline.sources.http import SourceClient
from scoreline.sources.pacing import PacingRules
from scoreline.sources.parsing import as_int, parse_utc, season_label, season_start_year
from scoreline.sources.records import Duration, Fixture, MatchStatus, StandingRow
from scoreline.sources.teams import Competitions, UnknownCompetitionError

__all__ = ["DEFAULT_BASE_URL", "KIND", "RULES", "FootballDataOrg", "parse_match"]

logger = logging.getLogger(__name__)

KIND = "football-data.org"
DEFAULT_BASE_URL = "https://api.football-data.org/v4"
KEY_HEADER = "X-Auth-Token"
RULES = PacingRules(
    per_minute=10,
    minute_remaining_header="X-Requests-Available-Minute",
    minute_reset_header="X-RequestCounter-Reset",
)
"""The free tier: 10 requests a minute, no daily quota."""
STATUSES = {
    "SCHEDULED": MatchStatus.SCHEDULED,
    "TIMED": MatchStatus.SCHEDULED,
    "IN_PLAY": MatchStatus.LIVE,
    "PAUSED": MatchStatus.LIVE,
    "SUSPENDED": MatchStatus.LIVE,
    "FINISHED": MatchStatus.FINISHED,
    "POSTPONED": MatchStatus.POSTPONED,
    "CANCELLED": MatchStatus.CANCELLED,
    "AWARDED": MatchStatus.AWARDED,
}
"""``SUSPENDED`` stays live: it may resume; one that never ends is reported after 6 h."""
DURATIONS: dict[str, Duration] = {
    "REGULAR": "regular",
    "EXTRA_TIME": "extra_time",
    "PENALTY_SHOOTOUT": "penalties",
    "PENALTIES": "penalties",
}
SCOPES: dict[str, Literal["total", "home", "away"]] = {
    "TOTAL": "total",
    "HOME": "home",
    "AWAY": "away",
}
IDS_PER_REQUEST = 50
MAX_RANGE_DAYS = 10


class FootballDataOrg:
    """The football-data.org v4 adapter (``kind = "football-data.org"``)."""

    kind = KIND

    def __init__(self, client: SourceClient, *, competitions: Competitions | None = None) -> None:
        """Adapt ``client`` (built with the token header and ``RULES``)."""
        self.client = client
        self.competitions = competitions or Competitions.bundled()

    @property
    def name(self) -> str:
        """The configured name of the source."""
        return self.client.source

    def fixtures(self, competition: str, *, date_from: date, date_to: date) -> list[Fixture]:
        """The competition's matches kicking off between the two days (both included).

        A range longer than ten days is asked for in ten-day pieces (the documented limit
        of the date filter), so the daily 14-day look-ahead costs two requests.

        Raises:
            SourceError: when the source cannot answer.
            UnknownCompetitionError: for a competition football-data.org does not cover.
        """
        code = self._code(competition)
        found: list[Fixture] = []
        start = date_from
        while start <= date_to:
            end = min(date_to, start + timedelta(days=MAX_RANGE_DAYS - 1))
            params = {"dateFrom": start.isoformat(), "dateTo": end.isoformat()}
            path = f"competitions/{code}/matches"
            response = self.client.get_json(path, params, check=self._check)
            found += self._parse(response.data, response.fetched_at)
            start = end + timedelta(days=1)
        return found

    def fixtures_by_id(self, external_ids: Sequence[str]) -> list[Fixture]:
        """The matches with these ids (status and score now), in batches of 50.

        Raises:
            SourceError: when the source cannot answer.
        """
        found: list[Fixture] = []
        for start in range(0, len(external_ids), IDS_PER_REQUEST):
            ids = ",".join(external_ids[start : start + IDS_PER_REQUEST])
            response = self.client.get_json("matches", {"ids": ids}, check=self._check)
            found += self._parse(response.data, response.fetched_at)
        return found

    def standings(self, competition: str, *, season: str | None = None) -> list[StandingRow]:
        """The league table (whole, home and away), of ``season`` or the current one.

        Raises:
            SourceError: when the source cannot answer.
        """
        code = self._code(competition)
        params = {"season": season_start_year(season)} if season else None
        response = self.client.get_json(f"competitions/{code}/standings", params)
        return parse_standings(
            response.data,
            competition=self.competitions.resolve(code).code,
            fetched_at=response.fetched_at,
        )

    def _code(self, competition: str) -> str:
        found = self.competitions.resolve(competition)
        if found.football_data_org is None:
            raise UnknownCompetitionError(f"{KIND} has no code for competition {found.code}")
        return found.football_data_org

    def _check(self, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("matches"), list):
            raise self.client.fail(SourceDataError, "no 'matches' list in the answer")

    def _parse(self, body: Any, fetched_at: datetime) -> list[Fixture]:
        fixtures = []
        for item in body["matches"]:
            try:
                fixtures.append(
                    parse_match(item, fetched_at=fetched_at, competitions=self.competitions)
                )
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning("%s: match %s skipped: %s", self.name, item.get("id"), exc)
        return fixtures


def parse_match(
    item: Mapping[str, Any], *, fetched_at: datetime, competitions: Competitions
) -> Fixture:
    """One v4 match object as a ``Fixture``.

    Raises:
        KeyError, TypeError, ValueError: for a match without the documented fields, or
            with a status or competition we do not know.
    """
    raw_status = item["status"]
    if raw_status not in STATUSES:
        raise ValueError(f"unknown status {raw_status!r}")
    score = item.get("score") or {}
    home_goals, away_goals, duration = regular_time(score)
    updated = item.get("lastUpdated")
    return Fixture(
        source=KIND,
        external_id=str(item["id"]),
        competition=competitions.resolve(item["competition"]["code"]).code,
        season=season_label(int(item["season"]["startDate"][:4])),
        kickoff_at=parse_utc(item["utcDate"]),
        home=item["homeTeam"]["name"],
        away=item["awayTeam"]["name"],
        status=STATUSES[raw_status],
        raw_status=raw_status,
        home_goals=home_goals,
        away_goals=away_goals,
        duration=duration,
        fetched_at=fetched_at,
        matchday=item.get("matchday"),
        home_team_id=str(item["homeTeam"]["id"]),
        away_team_id=str(item["awayTeam"]["id"]),
        updated_at=parse_utc(updated) if updated else None,
    )


def regular_time(score: Mapping[str, Any]) -> tuple[int | None, int | None, Duration]:
    """The goals after 90 minutes and how the match ended (or runs)."""
    duration = DURATIONS.get(score.get("duration") or "REGULAR", "regular")
    full = score.get("fullTime") or {}
    home, away = as_int(full, "home"), as_int(full, "away")
    if duration == "regular" or home is None or away is None:
        return home, away, duration
    regular = score.get("regularTime") or {}
    if as_int(regular, "home") is not None and as_int(regular, "away") is not None:
        return as_int(regular, "home"), as_int(regular, "away"), duration
    for part in ("extraTime", "penalties"):
        home -= as_int(score.get(part), "home") or 0
        away -= as_int(score.get(part), "away") or 0
    return home, away, duration


def parse_standings(
    body: Mapping[str, Any], *, competition: str, fetched_at: datetime
) -> list[StandingRow]:
    """The v4 standings answer as rows (``TOTAL``, ``HOME`` and ``AWAY`` tables)."""
    season = season_label(int(body["season"]["startDate"][:4]))
    rows = []
    for standing in body.get("standings", []):
        scope = SCOPES.get(str(standing.get("type", "TOTAL")))
        if scope is None:
            continue
        for entry in standing.get("table", []):
            rows.append(
                StandingRow(
                    source=KIND,
                    competition=competition,
                    season=season,
                    scope=scope,
                    position=int(entry["position"]),
                    team=entry["team"]["name"],
                    played=int(entry["playedGames"]),
                    won=int(entry["won"]),
                    drawn=int(entry["draw"]),
                    lost=int(entry["lost"]),
                    goals_for=int(entry["goalsFor"]),
                    goals_against=int(entry["goalsAgainst"]),
                    points=int(entry["points"]),
                    fetched_at=fetched_at,
                    form=(entry.get("form") or "").replace(",", "") or None,
                )
            )
    return rows
