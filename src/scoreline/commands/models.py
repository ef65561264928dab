"""``scoreline models``: list, validate and check the catalog."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.markup import escape

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    get_config,
    print_json,
    render_table,
    utc_now,
)
from scoreline.predict import check as checks

models_app = typer.Typer(help="List, validate, check and re-enable models.")


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """List the models with their provider, fallback and whether they can be called."""
    if ctx.invoked_subcommand is not None:
        return
    rows = checks.list_models(get_config(config))
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
                "active" if r["active"] else f"[dim]inactive: {escape(r['inactive_reason'])}[/dim]",
            ]
            for r in rows
        ],
    )


@models_app.command("validate")
def models_validate(config: ConfigOpt = None) -> None:
    """Check the configuration and the fallback map; exit 1 naming every bad entry."""
    cfg = get_config(config)
    with_fallback = sum(1 for m in cfg.models if m.fallback)
    console.print(
        f"[green]ok[/green]: {cfg.source}: {len(cfg.models)} models on "
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

    Exits 0 even when models fail: it is a report. Exits 1 only when it cannot run.
    """
    cfg = get_config(config)
    rows = asyncio.run(checks.check_models(cfg, model_ids or None, now=utc_now()))
    if as_json:
        print_json(rows)
        return
    render_table(
        "model check",
        ["model", "ok", "fallback", "answered by", "error", "latency ms"],
        [
            [
                r["model_id"],
                "[green]ok[/green]" if r["ok"] else "[red]failed[/red]",
                "[yellow]yes[/yellow]" if r["used_fallback"] else "no",
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
