"""``scoreline coverage``: the matches that kicked off under the coverage line."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

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


def _ratio(value: float | None, line: float) -> Text:
    if value is None:
        return Text("-")
    return Text(f"{value * 100:.1f} %", style="bold red" if value < line else "")


def _row(match: dict[str, Any], line: float) -> list[Any]:
    return [
        match["kickoff_at"][:16].replace("T", " "),
        match["match_id"],
        f"{match['home_team']} v {match['away_team']}",
        f"{match['covered']}/{match['expected']}",
        _ratio(match["ratio"], line),
        ", ".join(f"{cause} {n}" for cause, n in match["misses"].items()),
        ", ".join(f"{m['model_id']} ({m['cause']})" for m in match["missed"][:6])
        + (" …" if len(match["missed"]) > 6 else ""),
    ]


def coverage_command(
    since: Annotated[
        str | None,
        typer.Option(help="Kick-offs from this date or ISO datetime (UTC); default 7 days ago."),
    ] = None,
    min_ratio: Annotated[
        float | None,
        typer.Option("--min", help="The line, 0..1 (default: [alerts] min_coverage)."),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Matches that kicked off with fewer predictions stored in time than the line asks."""
    from scoreline.report import COVERAGE_WINDOW, coverage_rows

    if min_ratio is not None and not 0 <= min_ratio <= 1:
        refuse(f"--min: {min_ratio} is not a ratio between 0 and 1")
    cfg = get_config(config)
    now = utc_now()
    since_at = parse_when(since, "--since") or now - COVERAGE_WINDOW
    line = cfg.alerts.min_coverage if min_ratio is None else min_ratio
    db = open_db(cfg)
    try:
        with database_errors():
            rows = coverage_rows(db, cfg, since=since_at, now=now, below=line)
    finally:
        db.dispose()
    if as_json:
        print_json({"since": since_at.isoformat(), "line": line, "matches": rows})
        return
    if not rows:
        console.print(f"Every match since {since_at:%Y-%m-%d %H:%M} UTC is at or above {line:.1%}.")
        return
    columns = ["kick-off (UTC)", "match", "fixture", "stored", "coverage", "misses", "models"]
    render_table(
        f"Coverage under {line:.1%} since {since_at:%Y-%m-%d %H:%M} UTC",
        columns,
        [_row(r, line) for r in rows],
    )
