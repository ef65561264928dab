"""football-data.co.uk's season files, as the stand-in serves them: ``/mmz4281/2526/E0.csv``
holds the season's matches finished by the simulated clock, UK local dates and times, full-
time goals, and market-average odds before the weekend (``AvgH``…) and at kick-off
(``AvgCH``…). ``Last-Modified`` is the last result's time; ``If-Modified-Since`` gets 304.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreline.standin.limits import Gate
from scoreline.standin.world import World

__all__ = ["csv_routes"]

UK = ZoneInfo("Europe/London")
COLUMNS = (
    *("Div", "Date", "Time", "HomeTeam", "AwayTeam", "FTHG", "FTAG", "FTR", "HTHG", "HTAG"),
    *("HTR", "B365H", "B365D", "B365A", "AvgH", "AvgD", "AvgA"),
    *("B365CH", "B365CD", "B365CA", "AvgCH", "AvgCD", "AvgCA"),
)


def season_csv(world: World, season_start: int, now: datetime) -> tuple[str, datetime | None]:
    """The season file at ``now`` and when it last changed (``None``: no result yet)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    changed = None
    for match in world.matches:
        if match.season_start != season_start:
            continue
        final = world.final_score(match, now)
        if final is None:
            continue
        shown = world.moment(match, now)
        changed = max(changed or shown.updated_at, shown.updated_at)
        local = match.kickoff_at.astimezone(UK)
        half = shown.halftime or (0, 0)
        odds = [f"{o:.2f}" for o in match.odds] if match.odds else ["", "", ""]
        closing = [f"{float(o) * 0.98:.2f}" if o else "" for o in odds]
        writer.writerow(
            [
                "E0",
                local.strftime("%d/%m/%Y"),
                local.strftime("%H:%M"),
                match.home.name,
                match.away.name,
                final[0],
                final[1],
                _result(*final),
                half[0],
                half[1],
                _result(*half),
                *odds,
                *odds,
                *closing,
                *closing,
            ]
        )
    return out.getvalue(), changed


def _result(home: int, away: int) -> str:
    return "H" if home > away else "A" if away > home else "D"


def csv_routes(world: World, gate: Gate) -> list[Route]:
    """The season-file route, to mount under ``/couk``."""

    async def season_file(request: Request) -> Response:
        gate.count("csv")
        fault = gate.take_fault("csv")
        if fault is not None:
            return Response(f"stand-in fault: HTTP {fault.status}", status_code=fault.status)
        code, div = request.path_params["season"], request.path_params["div"]
        if div != "E0" or len(code) != 4 or not code.isdigit():
            return Response("Not Found", status_code=404)
        start = 2000 + int(code[:2])
        if not any(m.season_start == start for m in world.matches):
            return Response("Not Found", status_code=404)
        text, changed = season_csv(world, start, world.now)
        headers = {}
        if changed is not None:
            changed = changed.replace(microsecond=0)
            headers["Last-Modified"] = format_datetime(changed, usegmt=True)
            since = request.headers.get("if-modified-since")
            if since and _not_after(changed, since):
                gate.count_not_modified("csv")
                return Response(status_code=304, headers=headers)
        return Response(text, headers=headers, media_type="text/csv")

    return [Route("/mmz4281/{season}/{div}.csv", season_file)]


def _not_after(changed: datetime, since: str) -> bool:
    try:
        return changed <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
