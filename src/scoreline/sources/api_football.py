"""API-Football v3: fixtures, results, pre-match odds, injuries, line-ups, team statistics
and head-to-head.

Key in ``x-apisports-key``. A rejected key is answered with **HTTP 200** and a non-empty
``errors`` object (``{"token": "..."}``): that is an auth failure, never "no fixtures". The
daily quota (free tier: 100) is read from ``x-ratelimit-requests-remaining``; we stop before
it. For ``AET``/``PEN`` we use ``score.fulltime`` (the 90-minute score), not ``goals``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from scoreline.sources.errors import (
    QuotaExhaustedError,
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceRateLimitedError,
    SourceRequestError,
)
from scoreline.sources.http import SourceClient
from scoreline.sources.pacing import PacingRules
from scoreline.sources.parsing import as_int, parse_utc, season_label, season_of, season_start_year
from scoreline.sources.records import (
    Duration,
    Fixture,
    Lineup,
    MatchStatus,
    MissingPlayer,
    OddsSnapshot,
    TeamSplits,
)
from scoreline.sources.teams import Competitions, UnknownCompetitionError

__all__ = ["DEFAULT_BASE_URL", "KIND", "RULES", "ApiFootball", "parse_fixture"]

logger = logging.getLogger(__name__)

KIND = "api-football"
DEFAULT_BASE_URL = "https://v3.football.api-sports.io"
KEY_HEADER = "x-apisports-key"
RULES = PacingRules(
    per_minute=10,
    daily_quota=100,
    minute_remaining_header="X-RateLimit-Remaining",
    daily_remaining_header="x-ratelimit-requests-remaining",
    daily_limit_header="x-ratelimit-requests-limit",
)
"""The free tier: 100 requests a day, 10 a minute."""
_SCHEDULED = ("NS", "TBD")
_LIVE = ("1H", "HT", "2H", "ET", "BT", "P", "LIVE", "SUSP", "INT")
STATUSES = {
    **dict.fromkeys(_SCHEDULED, MatchStatus.SCHEDULED),
    **dict.fromkeys(_LIVE, MatchStatus.LIVE),
    **dict.fromkeys(("FT", "AET", "PEN"), MatchStatus.FINISHED),
    "PST": MatchStatus.POSTPONED,
    **dict.fromkeys(("CANC", "ABD"), MatchStatus.CANCELLED),
    **dict.fromkeys(("AWD", "WO"), MatchStatus.AWARDED),
}
"""``ABD`` (abandoned) is void like a cancellation; ``SUSP``/``INT`` may resume."""
DURATIONS: dict[str, Duration] = {"ET": "extra_time", "BT": "extra_time", "AET": "extra_time"}
DURATIONS |= {"P": "penalties", "PEN": "penalties"}
IDS_PER_REQUEST = 20
MATCH_WINNER_BET = 1


class ApiFootball:
    """The API-Football v3 adapter (``kind = "api-football"``)."""

    kind = KIND

    def __init__(self, client: SourceClient, *, competitions: Competitions | None = None) -> None:
        """Adapt ``client`` (built with the key header and ``RULES``)."""
        self.client = client
        self.competitions = competitions or Competitions.bundled()

    @property
    def name(self) -> str:
        """The configured name of the source."""
        return self.client.source

    def fixtures(self, competition: str, *, date_from: date, date_to: date) -> list[Fixture]:
        """The competition's fixtures between the two days (both included).

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        league = self._league(competition)
        params = {
            "league": league,
            "season": season_of(date_from),
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
        }
        items, fetched_at = self._get("fixtures", params)
        return self._fixtures(items, fetched_at)

    def fixtures_by_id(self, external_ids: Sequence[str]) -> list[Fixture]:
        """The fixtures with these ids, 20 a request.

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        found: list[Fixture] = []
        for start in range(0, len(external_ids), IDS_PER_REQUEST):
            ids = "-".join(external_ids[start : start + IDS_PER_REQUEST])
            items, fetched_at = self._get("fixtures", {"ids": ids})
            found += self._fixtures(items, fetched_at)
        return found

    def head_to_head(self, home_team_id: str, away_team_id: str, *, last: int = 5) -> list[Fixture]:
        """The two sides' last meetings (team ids of this source).

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        params = {"h2h": f"{home_team_id}-{away_team_id}", "last": last}
        items, fetched_at = self._get("fixtures/headtohead", params)
        return self._fixtures(items, fetched_at)

    def odds(self, external_id: str) -> list[OddsSnapshot]:
        """Pre-match 1X2 odds of every bookmaker the source has for the fixture.

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        items, fetched_at = self._get("odds", {"fixture": external_id, "bet": MATCH_WINNER_BET})
        return [snap for item in items for snap in parse_odds(item, fetched_at=fetched_at)]

    def missing_players(self, external_id: str) -> list[MissingPlayer]:
        """Injured, suspended and doubtful players of both sides for the fixture.

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        items, fetched_at = self._get("injuries", {"fixture": external_id})
        return [parse_injury(item, external_id, fetched_at=fetched_at) for item in items]

    def lineups(self, external_id: str) -> list[Lineup]:
        """Confirmed line-ups (empty until the source publishes them, ~1 h before).

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        items, fetched_at = self._get("fixtures/lineups", {"fixture": external_id})
        return [parse_lineup(item, external_id, fetched_at=fetched_at) for item in items]

    def team_splits(self, team_id: str, *, competition: str, season: str) -> TeamSplits:
        """A side's home/away goals and form in a competition's season so far.

        Raises:
            SourceError: when the source cannot answer or rejects the key.
        """
        params = {
            "league": self._league(competition),
            "season": season_start_year(season),
            "team": team_id,
        }
        body, fetched_at = self._get("teams/statistics", params)
        try:
            return parse_team_splits(body, season=season, fetched_at=fetched_at)
        except (KeyError, TypeError, ValueError) as exc:
            raise self.client.fail(SourceDataError, f"team statistics unreadable: {exc}") from None

    def _league(self, competition: str) -> int:
        found = self.competitions.resolve(competition)
        if found.api_football is None:
            raise UnknownCompetitionError(f"{KIND} has no league id for competition {found.code}")
        return found.api_football

    def _get(self, path: str, params: Mapping[str, Any]) -> tuple[Any, datetime]:
        def check(body: Any) -> None:
            if not isinstance(body, dict) or "response" not in body:
                raise self.client.fail(SourceDataError, f"no 'response' in the answer to /{path}")
            if body.get("errors"):
                raise self._refusal(body["errors"])

        response = self.client.get_json(path, params, check=check)
        return response.data["response"], response.fetched_at

    def _refusal(self, errors: Any) -> SourceError:
        """API-Football's HTTP 200 with ``errors``, as the error it means."""
        items = errors.items() if isinstance(errors, dict) else enumerate(errors)
        text = "; ".join(f"{key}: {value}" for key, value in items)
        keys = set(errors) if isinstance(errors, dict) else set()
        cls: type[SourceError] = SourceRequestError
        if keys & {"token", "access"}:
            cls = SourceAuthError
        elif "requests" in keys:
            cls = QuotaExhaustedError
        elif "rateLimit" in keys:
            cls = SourceRateLimitedError
        return self.client.fail(cls, f"refused (HTTP 200 with errors): {text}", 200)

    def _fixtures(self, items: Any, fetched_at: datetime) -> list[Fixture]:
        fixtures = []
        for item in items:
            try:
                fixtures.append(
                    parse_fixture(item, fetched_at=fetched_at, competitions=self.competitions)
                )
            except (KeyError, TypeError, ValueError) as exc:
                fixture_id = (
                    (item.get("fixture") or {}).get("id") if isinstance(item, dict) else None
                )
                logger.warning("%s: fixture %s skipped: %s", self.name, fixture_id, exc)
        return fixtures


def parse_fixture(
    item: Mapping[str, Any], *, fetched_at: datetime, competitions: Competitions
) -> Fixture:
    """One v3 fixture object as a ``Fixture``.

    Raises:
        KeyError, TypeError, ValueError: for a fixture without the documented fields, or
            with a status or league we do not know.
    """
    fixture, league, teams = item["fixture"], item["league"], item["teams"]
    raw_status = fixture["status"]["short"]
    if raw_status not in STATUSES:
        raise ValueError(f"unknown status {raw_status!r}")
    duration = DURATIONS.get(raw_status, "regular")
    goals = item.get("goals") or {}
    regular = (item.get("score") or {}).get("fulltime") or {}
    if duration != "regular" and as_int(regular, "home") is not None:
        goals = regular
    return Fixture(
        source=KIND,
        external_id=str(fixture["id"]),
        competition=competitions.resolve(league["id"]).code,
        season=season_label(int(league["season"])),
        kickoff_at=parse_utc(fixture["date"]),
        home=teams["home"]["name"],
        away=teams["away"]["name"],
        status=STATUSES[raw_status],
        raw_status=raw_status,
        home_goals=as_int(goals, "home"),
        away_goals=as_int(goals, "away"),
        duration=duration,
        fetched_at=fetched_at,
        matchday=_matchday(league.get("round")),
        home_team_id=str(teams["home"]["id"]),
        away_team_id=str(teams["away"]["id"]),
    )


def _matchday(round_name: str | None) -> int | None:
    tail = (round_name or "").rsplit("-", 1)[-1].strip()
    return int(tail) if tail.isdigit() else None


def parse_odds(item: Mapping[str, Any], *, fetched_at: datetime) -> list[OddsSnapshot]:
    """The 1X2 ("Match Winner") odds of each bookmaker in one ``/odds`` item."""
    external_id = str(item["fixture"]["id"])
    updated = item.get("update")
    snapshots = []
    for bookmaker in item.get("bookmakers", []):
        for bet in bookmaker.get("bets", []):
            if bet.get("id") != MATCH_WINNER_BET:
                continue
            prices = {value["value"]: float(value["odd"]) for value in bet.get("values", [])}
            if {"Home", "Draw", "Away"} <= prices.keys():
                snapshots.append(
                    OddsSnapshot(
                        source=KIND,
                        external_id=external_id,
                        bookmaker=bookmaker["name"],
                        home=prices["Home"],
                        draw=prices["Draw"],
                        away=prices["Away"],
                        fetched_at=fetched_at,
                        updated_at=parse_utc(updated) if updated else None,
                    )
                )
    return snapshots


def parse_injury(
    item: Mapping[str, Any], external_id: str, *, fetched_at: datetime
) -> MissingPlayer:
    """One ``/injuries`` item: ``type`` is "Missing Fixture" or "Questionable"."""
    player = item["player"]
    reason = str(player.get("reason") or "")
    kind: Any = "injured"
    if any(word in reason.lower() for word in ("suspend", "red card", "yellow card")):
        kind = "suspended"
    elif str(player.get("type", "")).lower() == "questionable":
        kind = "doubtful"
    return MissingPlayer(
        source=KIND,
        external_id=external_id,
        team=item["team"]["name"],
        player=player["name"],
        reason=reason,
        kind=kind,
        fetched_at=fetched_at,
    )


def parse_lineup(item: Mapping[str, Any], external_id: str, *, fetched_at: datetime) -> Lineup:
    """One side of ``/fixtures/lineups``."""
    return Lineup(
        source=KIND,
        external_id=external_id,
        team=item["team"]["name"],
        formation=item.get("formation"),
        starters=tuple(entry["player"]["name"] for entry in item.get("startXI") or []),
        substitutes=tuple(entry["player"]["name"] for entry in item.get("substitutes") or []),
        coach=(item.get("coach") or {}).get("name"),
        fetched_at=fetched_at,
    )


def parse_team_splits(body: Mapping[str, Any], *, season: str, fetched_at: datetime) -> TeamSplits:
    """``/teams/statistics``: its ``response`` is one object, not a list."""
    played = body["fixtures"]["played"]
    scored, conceded = body["goals"]["for"]["total"], body["goals"]["against"]["total"]
    return TeamSplits(
        source=KIND,
        team=body["team"]["name"],
        season=season,
        played_home=int(played["home"]),
        played_away=int(played["away"]),
        goals_for_home=int(scored["home"]),
        goals_for_away=int(scored["away"]),
        goals_against_home=int(conceded["home"]),
        goals_against_away=int(conceded["away"]),
        fetched_at=fetched_at,
        form=body.get("form") or None,
    )
