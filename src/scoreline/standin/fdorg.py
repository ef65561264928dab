"""football-data.org v4, as the stand-in answers it: ``/competitions/PL/matches``,
``/matches?ids=``, ``/competitions/PL/standings``, with ``X-Auth-Token``, the per-minute
counter headers, 429 with ``X-RequestCounter-Reset``, 403 for a rejected token, and ETags.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreline.standin.limits import Gate
from scoreline.standin.season import Club, Played
from scoreline.standin.table import table_rows
from scoreline.standin.wire import fault_reply, json_reply
from scoreline.standin.world import Moment, World

__all__ = ["fd_routes"]

AREA = {
    "id": 2072,
    "name": "England",
    "code": "ENG",
    "flag": "https://crests.football-data.org/770.svg",
}
COMPETITION = {
    "id": 2021,
    "name": "Premier League",
    "code": "PL",
    "type": "LEAGUE",
    "emblem": "https://crests.football-data.org/PL.png",
}
STATUS = {
    "first_half": "IN_PLAY",
    "half_time": "PAUSED",
    "second_half": "IN_PLAY",
    "finished": "FINISHED",
    "postponed": "POSTPONED",
}
FORBIDDEN = {
    "message": "The resource you are looking for is restricted and apparently not within"
    " your permissions. Please check your subscription.",
    "errorCode": 403,
}


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def team(club: Club) -> dict[str, Any]:
    """A v4 team reference."""
    return {
        "id": club.fd_id,
        "name": club.fd_name,
        "shortName": club.fd_short,
        "tla": club.tla,
        "crest": f"https://crests.football-data.org/{club.fd_id}.png",
    }


def season_node(world: World, start: int) -> dict[str, Any]:
    """A v4 season object (dates from the bundled matches)."""
    games = [m for m in world.matches if m.season_start == start]
    done = [m for m in games if m.kickoff_at <= world.now]
    return {
        "id": 1500 + start,
        "startDate": games[0].kickoff_at.date().isoformat() if games else f"{start}-08-01",
        "endDate": games[-1].kickoff_at.date().isoformat() if games else f"{start + 1}-05-31",
        "currentMatchday": max((m.matchday for m in done), default=1),
        "winner": None,
    }


def match(
    world: World, played: Played, now: datetime, season: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One v4 match object as the world shows it at ``now`` (``season``: its season node,
    when the caller has it already)."""
    shown = world.moment(played, now)
    status = STATUS.get(shown.phase)
    if status is None:
        status = "SCHEDULED" if played.kickoff_at - now > timedelta(days=14) else "TIMED"
    return {
        "area": AREA,
        "competition": COMPETITION,
        "season": season or season_node(world, played.season_start),
        "id": 540000 + played.index,
        "utcDate": _z(played.kickoff_at),
        "status": status,
        "matchday": played.matchday,
        "stage": "REGULAR_SEASON",
        "group": None,
        "lastUpdated": _z(shown.updated_at),
        "homeTeam": team(played.home),
        "awayTeam": team(played.away),
        "score": _score(shown),
        "odds": {"msg": "Activate Odds-Package in User-Panel to retrieve odds."},
        "referees": [],
    }


def _score(shown: Moment) -> dict[str, Any]:
    winner = None
    if shown.home is not None and shown.away is not None:
        winner = "DRAW"
        if shown.home != shown.away:
            winner = "HOME_TEAM" if shown.home > shown.away else "AWAY_TEAM"
    half = shown.halftime or (None, None)
    return {
        "winner": winner,
        "duration": "REGULAR",
        "fullTime": {"home": shown.home, "away": shown.away},
        "halfTime": {"home": half[0], "away": half[1]},
    }


class _Service:
    """The v4 handlers over one world: each returns (status, body)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def competition_matches(self, request: Request, now: datetime) -> tuple[int, Any]:
        if request.path_params["code"] != "PL":
            return 404, _missing()
        params = request.query_params
        try:
            first = date.fromisoformat(params.get("dateFrom", "1900-01-01"))
            last = date.fromisoformat(params.get("dateTo", "2100-01-01"))
        except ValueError:
            return 400, {"message": "dateFrom/dateTo must be YYYY-MM-DD.", "errorCode": 400}
        chosen = [m for m in self.world.matches if first <= m.kickoff_at.date() <= last]
        if "season" in params:
            chosen = [m for m in chosen if str(m.season_start) == params["season"]]
        filters = {k: params[k] for k in ("dateFrom", "dateTo", "season") if k in params}
        return 200, _listing(self.world, chosen, now, filters, competition=True)

    def matches_by_id(self, request: Request, now: datetime) -> tuple[int, Any]:
        wanted = {part for part in request.query_params.get("ids", "").split(",") if part}
        chosen = [m for m in self.world.matches if str(540000 + m.index) in wanted]
        filters = {"ids": sorted(int(i) for i in wanted if i.isdigit())}
        return 200, _listing(self.world, chosen, now, filters)

    def standings(self, request: Request, now: datetime) -> tuple[int, Any]:
        if request.path_params["code"] != "PL":
            return 404, _missing()
        season = request.query_params.get("season")
        start = int(season) if season and season.isdigit() else _current_season(self.world, now)
        return 200, _standings(self.world, start, now)


Handler = Callable[[Request, datetime], tuple[int, Any]]


def fd_routes(world: World, gate: Gate) -> list[Route]:
    """The v4 routes, to mount under ``/fd/v4``."""
    service = _Service(world)

    def endpoint(path: str, handler: Handler) -> Route:
        async def handle(request: Request) -> Response:
            delay = gate.delays.get("fd", 0.0)
            if delay > 0:
                await asyncio.sleep(delay)
            return _answer(request, handler, world, gate)

        return Route(path, handle)

    return [
        endpoint("/competitions/{code}/matches", service.competition_matches),
        endpoint("/competitions/{code}/standings", service.standings),
        endpoint("/matches", service.matches_by_id),
    ]


def _answer(request: Request, handler: Handler, world: World, gate: Gate) -> Response:
    """Count, inject a fault, check the token and the minute's counter, then answer."""
    gate.count("fd")
    fault = gate.take_fault("fd")
    if fault is not None:
        return fault_reply(request, fault.status, fault.echo)
    token = request.headers.get("x-auth-token")
    if not gate.key_ok("fd", token):
        return json_reply(request, FORBIDDEN, status=403)
    allowed, left, reset = gate.take_minute("fd", token or "", gate.fd_per_minute)
    headers = {
        "X-API-Version": "v4",
        "X-Requests-Available-Minute": str(left),
        "X-RequestCounter-Reset": str(reset),
    }
    if not allowed:
        message = f"You reached your request limit. Wait {reset} seconds."
        body = {"message": message, "errorCode": 429}
        return json_reply(request, body, status=429, headers=headers)
    status, data = handler(request, world.now)
    return json_reply(
        request, data, status=status, headers=headers, etag=True, gate=gate, service="fd"
    )


def _missing() -> dict[str, Any]:
    return {"message": "The resource you are looking for does not exist.", "errorCode": 404}


def _current_season(world: World, now: datetime) -> int:
    started = [m.season_start for m in world.matches if m.kickoff_at <= now]
    return max(started) if started else world.matches[0].season_start


def _listing(
    world: World,
    chosen: list[Played],
    now: datetime,
    filters: dict[str, Any],
    *,
    competition: bool = False,
) -> dict[str, Any]:
    seasons = {start: season_node(world, start) for start in {m.season_start for m in chosen}}
    rendered = [match(world, m, now, seasons[m.season_start]) for m in chosen]
    body: dict[str, Any] = {
        "filters": {**filters, "permission": "TIER_ONE"},
        "resultSet": {
            "count": len(rendered),
            "first": rendered[0]["utcDate"][:10] if rendered else None,
            "last": rendered[-1]["utcDate"][:10] if rendered else None,
            "played": sum(1 for m in rendered if m["status"] == "FINISHED"),
        },
        "matches": rendered,
    }
    if competition:
        body["competition"] = COMPETITION
    return body


def _standings(world: World, start: int, now: datetime) -> dict[str, Any]:
    tables = []
    for kind in ("TOTAL", "HOME", "AWAY"):
        rows = table_rows(world, start, now, scope=kind.lower())
        table = [
            {
                "position": position,
                "team": team(row.club),
                "playedGames": row.played,
                "form": ",".join(row.form[-5:][::-1]) or None,
                "won": row.won,
                "draw": row.drawn,
                "lost": row.lost,
                "points": row.points,
                "goalsFor": row.goals_for,
                "goalsAgainst": row.goals_against,
                "goalDifference": row.goals_for - row.goals_against,
            }
            for position, row in enumerate(rows, start=1)
        ]
        tables.append({"stage": "REGULAR_SEASON", "type": kind, "group": None, "table": table})
    return {
        "filters": {"season": str(start)},
        "area": AREA,
        "competition": COMPETITION,
        "season": season_node(world, start),
        "standings": tables,
    }
