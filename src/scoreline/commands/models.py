"""``scoreline models``: list, validate and check the catalog."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from scoreline.catalog import catalog_rows
from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    err_console,
    get_config,
    open_db,
    print_json,
    render_table,
    utc_now,
)
from scoreline.commands.evidence import models_probe
from scoreline.config import Config

models_app = typer.Typer(help="List, validate, check and re-enable models.")
models_app.command("probe")(models_probe)


def _stored_health(cfg: Config) -> dict[str, int] | None:
    """The auto-disabled models (id -> consecutive failures), or ``None`` without a database.

    Listing the catalog must work before ``scoreline init``, so a missing SQLite file is not
    created and a database that cannot be read is a note, not an error.
    """
    from scoreline.store import DatabaseError, list_models

    db = open_db(cfg)
    try:
        if db.dialect == "sqlite" and not Path(db.url.database or "").is_file():
            return None
        stored = list_models(db, now=utc_now(), cooldown=cfg.cooldown)
    except DatabaseError as exc:
        err_console.print(f"[yellow]note[/yellow]: health not shown: {escape(str(exc))}")
        return None
    finally:
        db.dispose()
    return {m.id: m.consecutive_failures for m in stored if m.auto_disabled}


def _status(row: dict[str, object]) -> str | Text:
    if row["active"]:
        return "active"
    style = "red" if row["auto_disabled"] else "dim"
    return Text(f"{row['status']}: {row['inactive_reason']}", style=style)


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """List the models with their provider, fallback, health and whether they can be called."""
    if ctx.invoked_subcommand is not None:
        return
    cfg = get_config(config)
    rows = catalog_rows(cfg, _stored_health(cfg))
    if as_json:
        print_json(rows)
        return
    render_table(
        f"{len(rows)} models, {sum(r['active'] for r in rows)} active",
        ["model", "provider", "tier", "$/1M in", "$/1M out", "fallback", "status"],
        [
            [
                r["model_id"],
                r["provider"],
                r["tier"],
                f"{r['price_prompt_per_1m']:.2f}",
                f"{r['price_completion_per_1m']:.2f}",
                r["fallback"] or "",
                _status(r),
            ]
            for r in rows
        ],
    )


@models_app.command("validate")
def models_validate(config: ConfigOpt = None) -> None:
    """Check the configuration and the fallback map; exit 2 naming every bad entry."""
    cfg = get_config(config)
    with_fallback = sum(1 for m in cfg.models if m.fallback)
    console.print(
        f"[green]ok[/green]: {escape(cfg.source)}: {len(cfg.models)} models on "
        f"{len(cfg.providers)} providers, {with_fallback} fallbacks, no cycles"
    )


@models_app.command("check")
def models_check(
    model_ids: Annotated[
        list[str] | None, typer.Argument(help="Models to check (default: all active).")
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Send a sample prediction prompt to each model, through the fallback, and report.

    Exits 1 when any model failed (saying how many), so a script or CI job notices.
    """
    from scoreline.predict import check as checks

    cfg = get_config(config)
    rows = asyncio.run(checks.check_models(cfg, model_ids or None, now=utc_now()))
    failed = sum(not r["ok"] for r in rows)
    if as_json:
        print_json(rows)
    else:
        _render_check(rows)
    if failed:
        err_console.print(f"[red]{failed} of {len(rows)} models failed[/red]", highlight=False)
        raise typer.Exit(1)


def _render_check(rows: list[dict[str, object]]) -> None:
    render_table(
        "model check",
        ["model", "ok", "fallback", "answered by", "error", "latency ms"],
        [
            [
                r["model_id"],
                Text("ok", style="green") if r["ok"] else Text("failed", style="red"),
                Text("yes", style="yellow") if r["used_fallback"] else "no",
                r["answered_by"],
                r["error_class"],
                f"{r['latency_ms']:.0f}",
            ]
            for r in rows
        ],
    )
    failed = sum(not r["ok"] for r in rows)
    served = sum(bool(r["used_fallback"]) for r in rows)
    console.print(f"{len(rows) - failed} of {len(rows)} answered, {served} through a fallback")


@models_app.command("enable")
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
        with database_errors():
            enable_model(db, model_id)
            row = model_health_of(db, model_id, now=utc_now(), cooldown=cfg.cooldown)
    finally:
        db.dispose()
    if as_json:
        print_json(row)
        return
    console.print(f"[green]ok[/green]: {escape(model_id)} re-enabled (consecutive failures reset)")
