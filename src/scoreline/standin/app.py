"""The stand-in's Starlette app: the three services under their prefixes, and the
unauthenticated control routes under ``/_standin`` (clock, limits, bad-key mode, faults,
state) so a worker in another process can be driven.

- ``/fd/v4/...``   football-data.org v4
- ``/af/...``      API-Football v3
- ``/couk/...``    football-data.co.uk season files
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from scoreline.standin.apifootball import af_routes, fixture_id
from scoreline.standin.couk import csv_routes
from scoreline.standin.fdorg import fd_routes
from scoreline.standin.limits import Fault, Gate
from scoreline.standin.season import Played
from scoreline.standin.world import World

__all__ = ["build_app", "describe"]

SERVICES = ("fd", "af", "csv")


def describe(world: World, gate: Gate) -> dict[str, Any]:
    """The state a test or an operator reads: clock, counters, the special matches."""
    return {
        "now": world.now.isoformat(),
        "requests": dict(gate.requests),
        "not_modified": dict(gate.not_modified),
        "bad_key": gate.bad_key,
        "limits": {
            "fd_per_minute": gate.fd_per_minute,
            "af_daily": gate.af_daily,
            "af_per_minute": gate.af_per_minute,
        },
        "postponed": _match_ref(world.postponed),
        "corrected": _match_ref(world.corrected),
    }


def _match_ref(played: Played | None) -> dict[str, Any] | None:
    if played is None:
        return None
    return {
        "football_data_org_id": 540000 + played.index,
        "api_football_id": fixture_id(played),
        "home": played.home.name,
        "away": played.away.name,
        "kickoff": played.kickoff_at.isoformat(),
    }


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


class _Control:
    """The control routes' handlers."""

    def __init__(self, world: World, gate: Gate) -> None:
        self.world, self.gate = world, gate

    async def state(self, request: Request) -> Response:
        return JSONResponse(describe(self.world, self.gate))

    async def clock(self, request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            if "now" in body:
                moment = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
                self.world.set_now(moment.astimezone(UTC))
            self.world.advance(float(body.get("advance_s", 0)))
        return JSONResponse({"now": self.world.now.isoformat()})

    async def limits(self, request: Request) -> Response:
        body = await _body(request)
        for name in ("fd_per_minute", "af_daily", "af_per_minute"):
            if name in body:
                setattr(self.gate, name, int(body[name]))
        if body.get("reset"):
            self.gate.reset_limits()
        return JSONResponse(describe(self.world, self.gate)["limits"])

    async def bad_key(self, request: Request) -> Response:
        self.gate.bad_key = bool((await _body(request)).get("on", True))
        return JSONResponse({"bad_key": self.gate.bad_key})

    async def faults(self, request: Request) -> Response:
        body = await _body(request)
        service = str(body.get("service", ""))
        if service not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        if "delay_s" in body:
            self.gate.delays[service] = float(body["delay_s"])
        only_delay = "delay_s" in body and "status" not in body
        status, count = int(body.get("status", 503)), int(body.get("count", 0 if only_delay else 1))
        self.gate.set_fault(service, Fault(status, count, bool(body.get("echo"))))
        return JSONResponse({"service": service, "status": status, "count": count})


def _refusing_bad_input(handler: Callable[[Request], Awaitable[Response]]) -> Any:
    async def handle(request: Request) -> Response:
        try:
            return await handler(request)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return handle


def _control_routes(world: World, gate: Gate) -> list[Route]:
    control = _Control(world, gate)
    table = (
        ("state", control.state, ["GET"]),
        ("clock", control.clock, ["GET", "POST"]),
        ("limits", control.limits, ["POST"]),
        ("bad-key", control.bad_key, ["POST"]),
        ("faults", control.faults, ["POST"]),
    )
    return [
        Route(f"/_standin/{name}", _refusing_bad_input(handler), methods=methods)
        for name, handler, methods in table
    ]


def build_app(world: World, gate: Gate) -> Starlette:
    """The whole stand-in as one ASGI app."""
    return Starlette(
        routes=[
            *_control_routes(world, gate),
            Mount("/fd/v4", routes=fd_routes(world, gate)),
            Mount("/af", routes=af_routes(world, gate)),
            Mount("/couk", routes=csv_routes(world, gate)),
        ]
    )
