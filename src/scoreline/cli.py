"""The ``scoreline`` command line: parse options, call one service, render what it returns.

Every command that reports data prints a Rich table, or JSON with ``--json``. Domain errors
are printed as ``ErrorClass: message`` in red with exit code 1; nothing prints a traceback
or a secret.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from scoreline.config import Config, ConfigError, load_config
from scoreline.predict import check as checks

app = typer.Typer(
    help="Run many large language models as football forecasters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="List, validate, check and re-enable models.")
app.add_typer(models_app, name="models")

console = Console()
err_console = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Configuration file (default: $SCORELINE_CONFIG, ./scoreline.toml)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class State:
    """Options given before the command name."""

    config_path: Path | None = None


STATE = State()


@app.callback()
def _root(config: ConfigOpt = None) -> None:
    """scoreline: every model's predicted score before kick-off, scored and ranked."""
    STATE.config_path = config


def get_config(path: Path | None) -> Config:
    """The configuration from the command's ``--config``, the global one, or the defaults."""
    return load_config(path or STATE.config_path)


def print_json(data: Any) -> None:
    """JSON on stdout, for ``--json``."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def render_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A Rich table on stdout."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if cell is None else str(cell) for cell in row])
    console.print(table)


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
                "active" if r["active"] else f"inactive: {r['inactive_reason']}",
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
    """Send a sample prediction prompt to each model, through the fallback, and report."""
    cfg = get_config(config)
    rows = asyncio.run(checks.check_models(cfg, model_ids or None, now=datetime.now(UTC)))
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


@app.command("sandbox")
def sandbox(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 8900,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    latency_ms: Annotated[float, typer.Option(help="Latency of every answer.")] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(help="MODEL=MODE[:STATUS][@P], e.g. m1=status:503, m2=hang, m3=prose@0.3."),
    ] = None,
    faults_file: Annotated[
        Path | None, typer.Option(help="TOML file of [faults.MODEL] tables.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fault probability draws.")] = 0,
) -> None:
    """Run a local OpenAI-compatible server with fault injection, for rehearsing outages."""
    from scoreline.sandbox import load_faults, parse_fault_spec, serve_forever

    faults = load_faults(faults_file) if faults_file else {}
    for spec in fault or []:
        model, parsed = parse_fault_spec(spec)
        faults[model] = parsed
    serve_forever(host=host, port=port, latency_s=latency_ms / 1000, faults=faults, seed=seed)


def main() -> None:
    """Entry point: run the app and turn domain errors into one red line and exit code 1."""
    try:
        app()
    except ConfigError as exc:
        err_console.print(f"[red]ConfigError[/red]: {exc}", highlight=False)
        sys.exit(1)
    except (ValueError, KeyError) as exc:
        err_console.print(f"[red]{type(exc).__name__}[/red]: {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
