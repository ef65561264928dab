"""API-Football v3, as the stand-in answers it: ``/fixtures`` (league/season/from/to, ids,
id), ``/fixtures/headtohead``, ``/fixtures/lineups``, ``/odds``, ``/injuries`` and
``/teams/statistics``, with ``x-apisports-key``, the daily-quota headers, and a rejected key
answered with HTTP 200 and a non-empty ``errors`` object, as the real service does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreline.standin.limits import Gate
from scoreline.standin.season import Club, Played
from scoreline.standin.table import table_rows
from scoreline.standin.wire import fault_reply, json_reply
from scoreline.standin.world import World

__all__ = ["af_routes", "fixture_id"]

LEAGUE = {
    "id": 39,
    "name": "Premier League",
    "country": "England",
    "logo": "https://media.api-sports.io/football/leagues/39.png",
    "flag": "https://media.api-sports.io/flags/gb-eng.svg",
}
STATUS = {
    "scheduled": ("NS", "Not Started"),
    "first_half": ("1H", "First Half"),
    "half_time": ("HT", "Halftime"),
    "second_half": ("2H", "Second Half"),
    "finished": ("FT", "Match Finished"),
    "postponed": ("PST", "Match Postponed"),
}
BAD_KEY = {
    "token": "Error/Missing application key. Go to https://www.api-football.com/documentation-v3"
    " to learn how to get your API application key."
}
DAY_SPENT = {
    "requests": "You have reached the request limit for the day, Go to"
    " https://dashboard.api-football.com to upgrade your plan."
}
REASONS = (
    ("Missing Fixture", "Knee Injury"),
    ("Missing Fixture", "Suspended"),
    ("Questionable", "Hamstring Injury"),
)
Handler = Callable[[Mapping[str, str], datetime], list[Any] | dict[str, Any]]


def fixture_id(played: Played) -> int:
    """The stand-in's API-Football id of a match."""
    return 1350000 + played.index


def _team(club: Club, winner: bool | None = None) -> dict[str, Any]:
    logo = f"https://media.api-sports.io/football/teams/{club.af_id}.png"
    return {"id": club.af_id, "name": club.af_name, "logo": logo, "winner": winner}


def fixture(world: World, played: Played, now: datetime) -> dict[str, Any]:
    """One v3 fixture object as the world shows it at ``now``."""
    shown = world.moment(played, now)
    short, long = STATUS[shown.phase]
    home_won = away_won = None
    if shown.phase == "finished" and shown.home is not None and shown.away is not None:
        home_won, away_won = shown.home > shown.away, shown.away > shown.home
    kickoff = int(played.kickoff_at.timestamp())
    started = shown.phase not in ("scheduled", "postponed")
    half = shown.halftime or (None, None)
    full = (shown.home, shown.away) if shown.phase == "finished" else (None, None)
    return {
        "fixture": {
            "id": fixture_id(played),
            "referee": None,
            "timezone": "UTC",
            "date": played.kickoff_at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "timestamp": kickoff,
            "periods": {"first": kickoff if started else None, "second": None},
            "venue": {"id": None, "name": None, "city": None},
            "status": {"long": long, "short": short, "elapsed": shown.minute, "extra": None},
        },
        "league": {
            **LEAGUE,
            "season": played.season_start,
            "round": f"Regular Season - {played.matchday}",
        },
        "teams": {"home": _team(played.home, home_won), "away": _team(played.away, away_won)},
        "goals": {"home": shown.home, "away": shown.away},
        "score": {
            "halftime": {"home": half[0], "away": half[1]},
            "fulltime": {"home": full[0], "away": full[1]},
            "extratime": {"home": None, "away": None},
            "penalty": {"home": None, "away": None},
        },
    }


class _Service:
    """The v3 handlers over one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_id = {fixture_id(m): m for m in world.matches}

    def _match(self, params: Mapping[str, str]) -> Played | None:
        value = params.get("fixture", "")
        return self.by_id.get(int(value)) if value.isdigit() else None

    def fixtures(self, params: Mapping[str, str], now: datetime) -> list[Any]:
        if "ids" in params or "id" in params:
            wanted = (params.get("ids") or params.get("id") or "").split("-")
            chosen = [self.by_id[int(i)] for i in wanted if i.isdigit() and int(i) in self.by_id]
        elif params.get("league") != "39":
            chosen = []
        else:
            first = date.fromisoformat(params.get("from", "1900-01-01"))
            last = date.fromisoformat(params.get("to", "2100-01-01"))
            chosen = [
                m
                for m in self.world.matches
                if first <= m.kickoff_at.date() <= last
                and ("season" not in params or str(m.season_start) == params["season"])
            ]
        return [fixture(self.world, m, now) for m in chosen]

    def head_to_head(self, params: Mapping[str, str], now: datetime) -> list[Any]:
        ids = {int(i) for i in params.get("h2h", "").split("-") if i.isdigit()}
        met = [
            m
            for m in self.world.matches
            if {m.home.af_id, m.away.af_id} == ids and self.world.final_score(m, now)
        ]
        last = int(params.get("last", "0") or 0)
        met = met[-last:] if last else met
        return [fixture(self.world, m, now) for m in reversed(met)]

    def odds(self, params: Mapping[str, str], now: datetime) -> list[Any]:
        played = self._match(params)
        if played is None or played.odds is None or now >= played.kickoff_at:
            return []
        home, draw, away = played.odds
        values = [
            {"value": "Home", "odd": f"{home:.2f}"},
            {"value": "Draw", "odd": f"{draw:.2f}"},
            {"value": "Away", "odd": f"{away:.2f}"},
        ]
        bets = [{"id": 1, "name": "Match Winner", "values": values}]
        return [
            {
                "league": {**LEAGUE, "season": played.season_start},
                "fixture": _fixture_ref(played),
                "update": now.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "bookmakers": [{"id": 8, "name": "Bet365", "bets": bets}],
            }
        ]

    def injuries(self, params: Mapping[str, str], now: datetime) -> list[Any]:
        played = self._match(params)
        if played is None or now < played.kickoff_at - timedelta(days=2):
            return []
        found = []
        for offset, club in enumerate((played.home, played.away)):
            for n in range((played.index + offset) % 3):
                kind, reason = REASONS[(played.index + n + offset) % len(REASONS)]
                player = {"id": club.af_id * 100 + n, "name": f"{club.af_name} Player {n + 12}"}
                found.append(
                    {
                        "player": {**player, "photo": None, "type": kind, "reason": reason},
                        "team": {"id": club.af_id, "name": club.af_name, "logo": None},
                        "fixture": _fixture_ref(played),
                        "league": {**LEAGUE, "season": played.season_start},
                    }
                )
        return found

    def lineups(self, params: Mapping[str, str], now: datetime) -> list[Any]:
        played = self._match(params)
        if played is None or now < played.kickoff_at - timedelta(minutes=60):
            return []
        return [_lineup(club) for club in (played.home, played.away)]

    def statistics(self, params: Mapping[str, str], now: datetime) -> dict[str, Any]:
        season, team_id = int(params.get("season", "0")), int(params.get("team", "0"))
        home = _row(self.world, season, now, "home", team_id)
        away = _row(self.world, season, now, "away", team_id)
        total = _row(self.world, season, now, "total", team_id)
        if total is None or home is None or away is None:
            return {}
        return _statistics(total, home, away, season)


def _fixture_ref(played: Played) -> dict[str, Any]:
    return {
        "id": fixture_id(played),
        "timezone": "UTC",
        "date": played.kickoff_at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        "timestamp": int(played.kickoff_at.timestamp()),
    }


def _lineup(club: Club) -> dict[str, Any]:
    def player(n: int) -> dict[str, Any]:
        name = f"{club.af_name} Player {n}"
        return {
            "player": {
                "id": club.af_id * 100 + n,
                "name": name,
                "number": n,
                "pos": "M",
                "grid": None,
            }
        }

    return {
        "team": {"id": club.af_id, "name": club.af_name, "logo": None, "colors": None},
        "formation": "4-3-3",
        "startXI": [player(n) for n in range(1, 12)],
        "substitutes": [player(n) for n in range(12, 21)],
        "coach": {"id": club.af_id, "name": f"{club.af_name} Coach", "photo": None},
    }


def _row(world: World, season: int, now: datetime, scope: str, team_id: int) -> Any:
    rows = table_rows(world, season, now, scope=scope)
    return next((row for row in rows if row.club.af_id == team_id), None)


def _statistics(total: Any, home: Any, away: Any, season: int) -> dict[str, Any]:
    def split(attr: str) -> dict[str, int]:
        return {
            "home": getattr(home, attr),
            "away": getattr(away, attr),
            "total": getattr(total, attr),
        }

    def goals(attr: str) -> dict[str, Any]:
        sums = split(attr)
        played = split("played")
        average = {k: f"{sums[k] / played[k]:.1f}" if played[k] else "0.0" for k in sums}
        return {"total": sums, "average": average}

    return {
        "league": {**LEAGUE, "season": season},
        "team": {"id": total.club.af_id, "name": total.club.af_name, "logo": None},
        "form": "".join(total.form),
        "fixtures": {
            "played": split("played"),
            "wins": split("won"),
            "draws": split("drawn"),
            "loses": split("lost"),
        },
        "goals": {"for": goals("goals_for"), "against": goals("goals_against")},
    }


def af_routes(world: World, gate: Gate) -> list[Route]:
    """The v3 routes, to mount under ``/af``."""
    service = _Service(world)

    def endpoint(name: str, handler: Handler) -> Route:
        async def handle(request: Request) -> Response:
            delay = gate.delays.get("af", 0.0)
            if delay > 0:
                await asyncio.sleep(delay)
            return _answer(request, name, handler, world, gate)

        return Route(f"/{name}", handle)

    return [
        endpoint("fixtures", service.fixtures),
        endpoint("fixtures/headtohead", service.head_to_head),
        endpoint("fixtures/lineups", service.lineups),
        endpoint("odds", service.odds),
        endpoint("injuries", service.injuries),
        endpoint("teams/statistics", service.statistics),
    ]


def _answer(request: Request, name: str, handler: Handler, world: World, gate: Gate) -> Response:
    gate.count("af")
    fault = gate.take_fault("af")
    if fault is not None:
        return fault_reply(request, fault.status, fault.echo)
    params, now = dict(request.query_params), world.now
    key = request.headers.get("x-apisports-key")
    if not gate.key_ok("af", key):
        return json_reply(request, _envelope(name, params, [], BAD_KEY))
    allowed_minute, minute_left, _ = gate.take_minute("af", key or "", gate.af_per_minute)
    headers = {
        "X-RateLimit-Limit": str(gate.af_per_minute),
        "X-RateLimit-Remaining": str(minute_left),
    }
    if not allowed_minute:
        limit = gate.af_per_minute
        errors = {
            "rateLimit": f"Too many requests. Your rate limit is {limit} requests per minute."
        }
        return json_reply(request, _envelope(name, params, [], errors), status=429, headers=headers)
    allowed_day, day_left = gate.take_day(key or "", now.date())
    headers["x-ratelimit-requests-limit"] = str(gate.af_daily)
    headers["x-ratelimit-requests-remaining"] = str(day_left)
    if not allowed_day:
        return json_reply(request, _envelope(name, params, [], DAY_SPENT), headers=headers)
    return json_reply(request, _envelope(name, params, handler(params, now), []), headers=headers)


def _envelope(name: str, params: dict[str, str], response: Any, errors: Any) -> dict[str, Any]:
    count = len(response) if isinstance(response, list) else int(bool(response))
    return {
        "get": name,
        "parameters": params,
        "errors": errors,
        "results": count,
        "paging": {"current": 1, "total": 1},
        "response": response,
    }
