"""Operator commands: ``fallback-stats``, ``serve`` and ``models enable``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import SQLAlchemyError

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    err_console,
    get_config,
    open_db,
    parse_when,
    print_json,
    render_table,
    utc_now,
)
from scoreline.config import load_config

__all__ = ["register"]


def register(app: typer.Typer, models_app: typer.Typer) -> None:
    """Add ``fallback-stats`` and ``serve`` to the app and ``enable`` to ``models``."""
    app.command("fallback-stats")(fallback_stats_command)
    app.command("serve")(serve)
    models_app.command("enable")(models_enable)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database failure becomes one red line and exit code 1, never a traceback."""
    try:
        yield
    except SQLAlchemyError as exc:
        err_console.print(
            f"[red]DatabaseError[/red]: {type(exc).__name__}: the database is unreachable or "
            "has no schema (run `scoreline init`)",
            highlight=False,
        )
        raise typer.Exit(1) from None


def _rate(rate: float) -> str:
    text = f"{rate * 100:.1f} %"
    if rate > 0.5:
        return f"[bold red]{text}[/bold red]"
    return f"[yellow]{text}[/yellow]" if rate > 0.2 else text


def _stat_row(s: dict[str, Any]) -> list[Any]:
    multiplier = s["cost_multiplier"]
    return [
        s["model_id"] + (" [cyan](cooldown)[/cyan]" if s["in_cooldown"] else ""),
        s["fallback_to"],
        s["predictions"],
        s["fallbacks"],
        _rate(s["fallback_rate"]),
        f"${s['fallback_cost_usd']:.4f}" + ("~" if s["estimated"] else ""),
        f"${s['original_cost_usd']:.4f}",
        f"{multiplier:.2f}x" if multiplier is not None else "-",
        "[bold red]over 2x[/bold red]" if s["exceeds_2x"] else "",
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
    from scoreline.report import fallback_stats, today_window

    cfg = get_config(config)
    now = utc_now()
    start, end = today_window(now)
    since_at = parse_when(since) or start
    until_at = parse_when(until, end_of_day=True) or end
    if since_at > until_at:
        raise typer.BadParameter("--since is after --until")
    db = open_db(cfg)
    try:
        with _database_errors(), db.session() as session:
            data = fallback_stats(session, cfg, since=since_at, until=until_at, now=now)
    finally:
        db.dispose()
    if as_json:
        print_json(data)
        return
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


def models_enable(
    model_id: Annotated[str, typer.Argument(help="The model to re-enable.")],
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-enable an auto-disabled model and restart its consecutive-failure count."""
    from scoreline.report import model_health_of
    from scoreline.store import enable_model

    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with _database_errors(), db.session() as session:
            enable_model(session, model_id)
            row = model_health_of(session, model_id, now=utc_now())
    finally:
        db.dispose()
    if as_json:
        print_json(row)
        return
    console.print(f"[green]ok[/green]: {model_id} re-enabled (consecutive failures reset)")
