"""The data sources' commands: ``sync``, ``matches``, ``sources``, ``teams alias`` and
``sources-standin`` (the football data stand-in in the foreground)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    get_config,
    open_db,
    parse_when,
    print_json,
    refuse,
    render_table,
    utc_now,
)

if TYPE_CHECKING:
    from scoreline.standin import StandIn
    from scoreline.store import KnownMatch

__all__ = [
    "matches_command",
    "sources_command",
    "sources_standin",
    "sync_command",
    "teams_app",
]

STATUSES = ("scheduled", "live", "finished", "postponed", "cancelled")


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


def sync_command(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (repeatable).")
    ] = None,
    days_ahead: Annotated[
        int | None, typer.Option(min=0, max=60, help="Fixtures this many days ahead.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="Run as at this moment (ISO, UTC): a stand-in's simulated clock."),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch fixtures, results and statuses from every configured source now."""
    from scoreline.live import LiveSources

    cfg = get_config(config)
    unknown = sorted(set(source or ()) - set(cfg.sources))
    if not cfg.sources:
        refuse(f"{cfg.source}: no [sources.NAME] table: nothing to sync")
    if unknown:
        refuse(f"--source: unknown source {unknown[0]!r} (configured: {', '.join(cfg.sources)})")
    with database_errors():
        live = LiveSources(open_db(cfg), cfg)
        try:
            now = parse_when(at, "--at") or utc_now()
            summaries = live.sync(now=now, only=source, days_ahead=days_ahead)
        finally:
            live.close()
    if as_json:
        print_json([s.as_dict() for s in summaries])
        return
    columns = ["source", "requests", "created", "updated", "results", "postponed", "cancelled"]
    rows = [
        [getattr(s, key) for key in ("source", "requests", "fixtures_created")]
        + [getattr(s, key) for key in ("fixtures_updated", "results", "postponed", "cancelled")]
        for s in summaries
    ]
    render_table("sync", columns, rows)
    for s in summaries:
        for name in s.unknown_teams:
            console.print(f"{s.source}: unknown team {name!r}: add an alias (teams alias)")
        for error in s.errors:
            console.print(f"[red]{s.source}[/red]: {error}", highlight=False)


def matches_command(
    status: Annotated[
        str | None, typer.Option(help="scheduled, live, finished, postponed or cancelled.")
    ] = None,
    competition: Annotated[str | None, typer.Option(help="Competition code (E0).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Kick-off from (ISO).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Kick-off until (ISO).")] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the matches the store knows, with their sources and prediction counts."""
    from scoreline.store import known_matches

    if status is not None and status not in STATUSES:
        refuse(f"--status: {status!r} is not one of {', '.join(STATUSES)}")
    start = parse_when(date_from, "--from")
    end = parse_when(date_to, "--to", end_of_day=True)
    with database_errors():
        rows = known_matches(
            open_db(get_config(config)),
            status=status,
            competition=competition,
            kickoff_from=start,
            kickoff_to=end,
        )
    if as_json:
        print_json([{**_row(m), "kickoff": m.kickoff.isoformat()} for m in rows])
        return
    columns = ["id", "kick-off", "home", "away", "status", "score", "predictions", "sources"]
    render_table("matches", columns, [_cells(m) for m in rows])


def _cells(m: KnownMatch) -> list[object]:
    when = f"{m.kickoff:%Y-%m-%d %H:%M}"
    return [m.id, when, m.home, m.away, m.status, _score(m), m.predictions, ", ".join(m.sources)]


def _row(match: KnownMatch) -> dict[str, object]:
    from dataclasses import asdict

    row = asdict(match)
    row["sources"] = list(row["sources"])
    return row


def _score(match: KnownMatch) -> str:
    home, away = match.home_goals, match.away_goals
    return "" if home is None or away is None else f"{home}-{away}"


def sources_command(config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Show each configured source: last success, last error, requests today, quota left."""
    from scoreline.store import source_health

    cfg = get_config(config)
    with database_errors():
        health = source_health(open_db(cfg))
    today = utc_now().date().isoformat()
    rows = []
    for name, table in cfg.sources.items():
        state = health.get(name)
        rows.append(
            {
                "source": name,
                "kind": table.kind,
                "priority": table.priority,
                "last_success": state and state.last_success_at,
                "last_error": state and state.last_error,
                "last_error_at": state and state.last_error_at,
                "requests_today": state.requests_today if state and state.day == today else 0,
                "quota_left": state.quota_remaining if state else None,
            }
        )
    if as_json:
        print_json(rows)
        return
    render_table("sources", list(rows[0]) if rows else ["source"], [list(r.values()) for r in rows])


teams_app = typer.Typer(no_args_is_help=True)


@teams_app.callback()
def teams() -> None:
    """Team names: the operator's aliases."""


@teams_app.command("alias")
def teams_alias(
    alias: Annotated[str, typer.Argument(help="A source's spelling (Man Utd).")],
    team: Annotated[str, typer.Argument(help="Our name of the team (Man United).")],
    config: ConfigOpt = None,
) -> None:
    """Map a source's spelling of a team onto our name."""
    from scoreline.sources import AliasConflictError, TeamResolver
    from scoreline.store import add_team_alias, team_aliases

    cfg = get_config(config)
    with database_errors():
        db = open_db(cfg)
        known = TeamResolver.bundled(team_aliases(db))
        canonical = known.lookup(team)
        try:
            TeamResolver.bundled({**team_aliases(db), alias: canonical or team})
        except AliasConflictError as exc:
            refuse(str(exc))
        add_team_alias(db, alias, canonical or team, now=utc_now())
    note = "" if canonical else " (a new team: no alias knew that name)"
    console.print(f"[green]ok[/green]: {alias!r} -> {canonical or team!r}{note}")
