"""``scoreline sources-standin``: the football data stand-in in the foreground."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from scoreline.commands.common import parse_when, refuse

if TYPE_CHECKING:
    from scoreline.standin import StandIn

__all__ = ["sources_standin"]


def sources_standin(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 8901,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    start: Annotated[
        str | None,
        typer.Option(
            help="Start of the simulated clock (ISO time, UTC); default 2025-12-06 09:00."
        ),
    ] = None,
    fd_per_minute: Annotated[
        int, typer.Option(min=1, help="football-data.org requests a minute per token.")
    ] = 10,
    af_daily: Annotated[
        int, typer.Option(min=1, help="API-Football requests a day per key.")
    ] = 100,
    bad_key: Annotated[bool, typer.Option(help="Reject every key from the start.")] = False,
) -> None:
    """Serve stand-ins of football-data.org, API-Football and football-data.co.uk, offline.

    They are built from the bundled seasons and answer in each service's wire format, with a
    simulated clock (POST /_standin/clock {"advance_s": N}).
    """
    from scoreline.standin import DEFAULT_START, Gate, StandIn, serve_forever

    moment: datetime = parse_when(start, "--start") or DEFAULT_START
    gate = Gate(fd_per_minute=fd_per_minute, af_daily=af_daily, bad_key=bad_key)
    try:
        standin = StandIn(host, port, now=moment, gate=gate)
        serve_forever(standin, _announce)
    except OSError as exc:
        refuse(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _announce(standin: StandIn) -> None:
    print(
        f"scoreline stand-in at {standin.url} (simulated clock {standin.world.now:%Y-%m-%d %H:%M}"
        " UTC; Ctrl-C to stop)\n"
        f"  football-data.org   base_url = {standin.football_data_org_url}"
        f"  token {standin.fd_token}\n"
        f"  api-football        base_url = {standin.api_football_url}"
        f"  key {standin.af_key}\n"
        f"  football-data.co.uk base_url = {standin.football_data_co_uk_url}\n"
        f"  clock: curl -X POST {standin.url}/_standin/clock -d '{{\"advance_s\": 3600}}'",
        flush=True,
    )
