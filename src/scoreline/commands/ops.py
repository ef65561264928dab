"""Operator commands: ``fallback-stats`` and ``serve``."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    err_console,
    get_config,
    open_db,
    parse_window,
    print_json,
    refuse,
    render_table,
    utc_now,
)
from scoreline.config import load_config


def _rate(rate: float) -> Text:
    text = f"{rate * 100:.1f} %"
    if rate > 0.5:
        return Text(text, style="bold red")
    return Text(text, style="yellow" if rate > 0.2 else "")


def _stat_row(s: dict[str, Any]) -> list[Any]:
    multiplier = s["cost_multiplier"]
    return [
        Text(s["model_id"]) + (Text(" (cooldown)", style="cyan") if s["in_cooldown"] else ""),
        s["fallback_to"],
        s["predictions"],
        s["fallbacks"],
        _rate(s["fallback_rate"]),
        f"${s['fallback_cost_usd']:.4f}" + ("~" if s["estimated"] else ""),
        f"${s['original_cost_usd']:.4f}",
        f"{multiplier:.2f}x" if multiplier is not None else "-",
        Text("over 2x", style="bold red") if s["exceeds_2x"] else "",
        ", ".join(f"{k} {v}" for k, v in s["primary_failures"].items()),
    ]


def fallback_stats_command(
    since: Annotated[
        str | None, typer.Option(help="From this date or ISO datetime (UTC); default today.")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Up to this date (inclusive) or ISO datetime (UTC); default today."),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Per-model fallback rate, and what the fallbacks cost against the original model."""
    from scoreline.report import fallback_stats

    cfg = get_config(config)
    now = utc_now()
    since_at, until_at = _window(since, until, now)
    db = open_db(cfg)
    try:
        with database_errors():
            data = fallback_stats(db, cfg, since=since_at, until=until_at, now=now)
    finally:
        db.dispose()
    if as_json:
        print_json(data)
        return
    _render_stats(data)


def _window(since: str | None, until: str | None, now: datetime) -> tuple[datetime, datetime]:
    """``--since``/``--until`` as aware UTC, each defaulting to today's bound."""
    from scoreline.report import today_window

    start, end = today_window(now)
    since_at, until_at = parse_window(since, until)
    since_at, until_at = since_at or start, until_at or end
    if since_at > until_at:  # one bound given, beyond today's other bound
        refuse(
            f"--since/--until: since ({since_at.isoformat()}) is after until "
            f"({until_at.isoformat()})"
        )
    return since_at, until_at


def _render_stats(data: dict[str, Any]) -> None:
    render_table(
        f"fallbacks {data['since'][:19]} .. {data['until'][:19]} UTC",
        [
            "model",
            "fallback",
            "predictions",
            "fallbacks",
            "rate",
            "fallback $",
            "original $",
            "x",
            "warning",
            "primary failures",
        ],
        [_stat_row(s) for s in data["stats"]],
    )
    summary = data["summary"]
    console.print(
        f"{summary['models_with_fallback']} models with a fallback, "
        f"{summary['fallbacks']} fallbacks in the window, "
        f"{summary['models_over_2x']} over 2x the original cost"
        + (" (~ some token counts estimated)" if any(s["estimated"] for s in data["stats"]) else "")
    )


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Deployment directory: use DIR/scoreline.toml and resolve relative paths "
            "in it (the SQLite file) from DIR.",
            file_okay=False,
            exists=True,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the admin API, /metrics and the dashboard with uvicorn."""
    import uvicorn

    from scoreline.web import ADMIN_TOKEN_ENV, create_app

    if directory is not None:
        if config is not None:
            raise typer.BadParameter("give --dir or --config, not both")
        os.chdir(directory)
        cfg = load_config(Path("scoreline.toml"))
    else:
        cfg = get_config(config)
    if not os.environ.get(ADMIN_TOKEN_ENV):
        err_console.print(f"[yellow]note[/yellow]: {ADMIN_TOKEN_ENV} is not set: admin disabled")
    uvicorn.run(create_app(cfg), host=host, port=port, log_level="info")
