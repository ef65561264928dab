"""``scoreline models``: list, validate and check the catalog; disable, enable, events.

Each model's state (``scoreline.health.model_state``): active, cooling down, recovering
(a probe due, or its time), disabled, pinned, or inactive in the configuration.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    refuse,
    render_table,
    utc_now,
)
from scoreline.commands.evidence import models_probe
from scoreline.config import Config
from scoreline.health import model_state

if TYPE_CHECKING:
    from scoreline.store import StoredModel

models_app = typer.Typer(help="List, validate, check and re-enable models.")
models_app.command("probe")(models_probe)


def _stored_models(cfg: Config) -> list[StoredModel] | None:
    """The models as the store knows them, or ``None`` without a database.

    Listing the catalog must work before ``scoreline init``, so a missing SQLite file is not
    created and a database that cannot be read is a note, not an error.
    """
    from scoreline.store import DatabaseError, list_models

    db = open_db(cfg)
    try:
        if db.dialect == "sqlite" and not Path(db.url.database or "").is_file():
            return None
        return list_models(db, now=utc_now(), cooldown=cfg.cooldown)
    except DatabaseError as exc:
        err_console.print(f"[yellow]note[/yellow]: health not shown: {escape(str(exc))}")
        return None
    finally:
        db.dispose()


def _learned_outputs(cfg: Config) -> dict[str, str]:
    """The output modes the store learned (probed or lowered), so a check asks each model as
    its jobs do; none without a database (a check works before ``scoreline init``)."""
    from scoreline.predict.plan import learned_modes
    from scoreline.store import DatabaseError

    db = open_db(cfg)
    try:
        if db.dialect == "sqlite" and not Path(db.url.database or "").is_file():
            return {}
        return learned_modes(db)
    except DatabaseError:
        return {}
    finally:
        db.dispose()


def _with_state(row: dict[str, Any], stored: StoredModel | None) -> dict[str, Any]:
    """The catalog row plus ``state``, ``state_detail``, ``recover_at`` and ``pinned``."""
    state, detail = model_state(
        active=row["active"] or bool(row["auto_disabled"]),
        disabled=bool(stored and stored.auto_disabled),
        pinned=bool(stored and stored.pinned),
        recover_at=stored.recover_at if stored else None,
        cooldown_until=stored.cooldown_until if stored else None,
        now=utc_now(),
    )
    if stored is not None and stored.pinned and row["auto_disabled"]:
        row["inactive_reason"] = f"pinned disabled (scoreline models enable {row['model_id']})"
    return row | {
        "state": state,
        "state_detail": detail,
        "recover_at": stored.recover_at.isoformat() if stored and stored.recover_at else None,
        "pinned": bool(stored and stored.pinned),
    }


def _rows(cfg: Config) -> list[dict[str, Any]]:
    stored = _stored_models(cfg)
    by_id = {m.id: m for m in stored or []}
    health = (
        None
        if stored is None
        else {m.id: m.consecutive_failures for m in stored if m.auto_disabled}
    )
    return [_with_state(row, by_id.get(row["model_id"])) for row in catalog_rows(cfg, health)]


_STATE_STYLES = {"active": "", "cooling down": "cyan", "recovering": "yellow", "disabled": "red"}


def _status(row: dict[str, Any]) -> str | Text:
    state, detail = row["state"], row["state_detail"]
    if state == "inactive":
        return Text(f"{row['status']}: {row['inactive_reason']}", style="dim")
    if state in ("disabled", "recovering"):
        state = "auto-disabled" if state == "disabled" else "auto-disabled, recovering"
    text = state if detail is None else f"{state}: {detail}"
    return Text(text, style=_STATE_STYLES.get(row["state"], "red"))


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """List the models with their provider, fallback, health and whether they can be called."""
    if ctx.invoked_subcommand is not None:
        return
    cfg = get_config(config)
    rows = _rows(cfg)
    if as_json:
        print_json(rows)
        return
    render_table(
        f"{len(rows)} models, {sum(r['active'] for r in rows)} active",
        ["model", "provider", "tier", "$/1M in", "$/1M out", "fallback", "state"],
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
    outputs = _learned_outputs(cfg)
    rows = asyncio.run(checks.check_models(cfg, model_ids or None, now=utc_now(), outputs=outputs))
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
    """Re-enable a disabled or pinned model and restart its consecutive-failure count."""
    from scoreline.report import model_health_of
    from scoreline.store import enable_model

    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            enable_model(db, model_id, now=utc_now())
            row = model_health_of(db, model_id, now=utc_now(), cooldown=cfg.cooldown)
    finally:
        db.dispose()
    if as_json:
        print_json(row)
        return
    console.print(
        f"[green]ok[/green]: {escape(model_id)} re-enabled (unpinned, consecutive failures reset)"
    )


@models_app.command("disable")
def models_disable(
    model_id: Annotated[str, typer.Argument(help="The model to disable.")],
    pin: Annotated[
        bool, typer.Option("--pin", help="Never probe it again until 'models enable'.")
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Disable a model; without --pin it is probed after [health] recover_after_s."""
    from scoreline.store import UnknownModelError, disable_model, sync_models

    cfg = get_config(config)
    if not cfg.has_model(model_id):
        refuse(f"unknown model {model_id!r}")
    db = open_db(cfg)
    try:
        with database_errors():
            sync_models(db, _catalog(cfg))
            wait = cfg.health.recover_after_s
            disable_model(db, model_id, pin=pin, now=utc_now(), wait_s=wait)
    except UnknownModelError as exc:
        refuse(str(exc))
    finally:
        db.dispose()
    then = "pinned: never probed" if pin else f"probed again in {wait:.0f} s"
    console.print(f"[green]ok[/green]: {escape(model_id)} disabled ({then})")


def _catalog(cfg: Config) -> list[Any]:
    from scoreline.predict.plan import model_rows

    return list(model_rows(cfg))


@models_app.command("events")
def models_events(
    model_id: Annotated[str | None, typer.Argument(help="One model (default: all).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 50,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the models' state changes (disabled, probe failed, recovered...) with reasons."""
    from scoreline.store import list_model_events

    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            events = list_model_events(db, model_id, limit=limit)
    finally:
        db.dispose()
    if as_json:
        print_json(
            [
                {
                    "at": e.at.isoformat(),
                    "model_id": e.model_id,
                    "event": e.event,
                    "reason": e.reason,
                }
                for e in events
            ]
        )
        return
    render_table(
        f"{len(events)} model events" + (f" of {model_id}" if model_id else ""),
        ["at", "model", "event", "reason"],
        [[f"{e.at:%Y-%m-%d %H:%M:%S}", e.model_id, e.event, e.reason or ""] for e in events],
    )
