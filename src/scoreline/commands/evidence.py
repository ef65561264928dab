"""Evidence commands: ``attempts``, ``parse-stats`` and ``models probe``.

``attempts`` lists provider calls with what each model answered; ``parse-stats`` gives, per
model, how many of its replies could be read and why the others could not; ``models probe``
finds each model's strongest output mode and records it.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
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
    parse_when,
    print_json,
    refuse,
    render_table,
    utc_now,
)

__all__ = ["attempts_command", "models_probe", "parse_stats_command"]

_EXCERPT = 60
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="From this date or ISO datetime (UTC).")
]


def _excerpt(text: str | None) -> str:
    if text is None:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


def _outcome(row: dict[str, Any]) -> Text:
    if row["ok"]:
        return Text("ok", style="green")
    label = row["parse_verdict"] or row["error_class"] or "failed"
    status = f" {row['http_status']}" if row["http_status"] and row["http_status"] != 200 else ""
    return Text(f"{label}{status}", style="red")


def attempts_command(
    model: Annotated[
        str | None, typer.Option("--model", help="Calls made for this model or to it.")
    ] = None,
    match: Annotated[str | None, typer.Option("--match", help="Calls for this match.")] = None,
    failed: Annotated[
        bool, typer.Option("--failed", help="Only calls that gave no accepted answer.")
    ] = False,
    since: SinceOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first.")] = 20,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List provider calls with what each model answered, newest first."""
    from scoreline.store import list_attempts

    if not 1 <= limit <= 10_000:
        refuse(f"--limit: {limit} is not between 1 and 10000")
    since_at = parse_when(since, "--since")
    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            records = list_attempts(
                db, model_id=model, match_id=match, failed=failed, since=since_at, limit=limit
            )
    finally:
        db.dispose()
    rows = [asdict(r) for r in records]
    if as_json:
        print_json(rows)
        return
    render_table(
        f"{len(rows)} attempts",
        ["id", "when (UTC)", "match", "model", "called", "outcome", "mode", "served", "reply"],
        [
            [
                r["id"],
                f"{r['created_at']:%Y-%m-%d %H:%M:%S}",
                r["match_id"],
                r["model_id"],
                r["called_model_id"] + (" (fallback)" if r["is_fallback"] else ""),
                _outcome(r),
                r["output_mode"],
                r["served_model"],
                _excerpt(r["reply_text"]),
            ]
            for r in rows
        ],
    )


def parse_stats_command(
    since: SinceOpt = None, config: ConfigOpt = None, as_json: JsonOpt = False
) -> None:
    """Per model: replies parsed, unparseable by reason, empty, and the unusable share."""
    from scoreline.store import parse_stats

    since_at = parse_when(since, "--since")
    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            stats = [s.as_dict() for s in parse_stats(db, since=since_at)]
    finally:
        db.dispose()
    if as_json:
        print_json(stats)
        return
    render_table(
        "parse stats" + (f" since {since_at:%Y-%m-%d %H:%M} UTC" if since_at else ""),
        ["model", "attempts", "replies", "parsed", "empty", "unparseable", "share"],
        [
            [
                s["model_id"],
                s["attempts"],
                s["replies"],
                s["parsed"],
                s["empty"],
                ", ".join(f"{reason} {n}" for reason, n in s["unparseable"].items()),
                _share(s["share"]),
            ]
            for s in stats
        ],
    )


def _share(share: float) -> Text:
    style = "bold red" if share > 0.2 else "yellow" if share > 0.05 else ""
    return Text(f"{share * 100:.1f} %", style=style)


def models_probe(
    model_ids: Annotated[
        list[str] | None, typer.Argument(help="Models to probe (default: all active).")
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find each model's strongest output mode (json_schema, json_object, text); record it.

    Exits 1 when a model answered in no mode, saying how many.
    """
    from scoreline.predict.probe import probe_models, record_probes

    cfg = get_config(config)
    rows = asyncio.run(probe_models(cfg, model_ids or None))
    db = open_db(cfg)
    try:
        with database_errors():
            record_probes(db, cfg, rows, now=utc_now())
    finally:
        db.dispose()
    if as_json:
        print_json(rows)
    else:
        _render_probes(rows)
    missing = sum(r["output_probed"] is None for r in rows)
    if missing:
        err_console.print(f"[red]{missing} of {len(rows)} models answered in no mode[/red]")
        raise typer.Exit(1)


def _render_probes(rows: list[dict[str, Any]]) -> None:
    render_table(
        "output modes",
        ["model", "probed", "configured", "uses", "tried"],
        [
            [
                r["model_id"],
                r["output_probed"] or Text("none answered", style="red"),
                r["configured"] or "",
                r["uses"] or "",
                "; ".join(f"{mode}: {outcome}" for mode, outcome in r["tried"].items()),
            ]
            for r in rows
        ],
    )
    found = sum(r["output_probed"] is not None for r in rows)
    console.print(f"{found} of {len(rows)} models answered in some mode (recorded)")
