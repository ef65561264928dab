"""``scoreline costs``: what the calls cost, by model, provider or day, against the budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.text import Text

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    get_config,
    open_db,
    parse_window,
    print_json,
    refuse,
    render_table,
    utc_now,
)

if TYPE_CHECKING:
    from scoreline.store import CostKey

BY_CHOICES = ("model", "provider", "day")


def costs_command(
    since: Annotated[
        str | None, typer.Option(help="From this date or ISO datetime (UTC); default: all.")
    ] = None,
    by: Annotated[str, typer.Option(help="Group by model, provider or day.")] = "model",
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Spend per model, provider or day: cost, calls, tokens, fallback share, unpriced calls."""
    from scoreline.report.costs import cost_report

    if by not in BY_CHOICES:
        refuse(f"--by: {by!r} is not one of {', '.join(BY_CHOICES)}")
    since_at, _ = parse_window(since, None)
    cfg = get_config(config)
    db = open_db(cfg)
    try:
        with database_errors():
            key = cast("CostKey", by)
            data = cost_report(db, cfg, by=key, since=since_at, now=utc_now())
    finally:
        db.dispose()
    if as_json:
        print_json(data)
        return
    _render(data)


def _share(share: float | None) -> str:
    return f"{share * 100:.1f} %" if share is not None else "-"


def _cells(row: dict[str, Any]) -> list[Any]:
    unpriced = row["unpriced_calls"]
    return [
        row["key"],
        f"${row['cost_usd']:.4f}",
        row["calls"],
        row["prompt_tokens"],
        row["completion_tokens"],
        row["reasoning_tokens"],
        _share(row["fallback_share"]),
        Text(str(unpriced), style="yellow") if unpriced else "0",
    ]


def _limit(spent: float, limit: float | None) -> str:
    return f"${spent:.4f}" + (f" of ${limit:.2f}" if limit is not None else " (no limit)")


def _render(data: dict[str, Any]) -> None:
    since = f" since {data['since']}" if data["since"] else ""
    render_table(
        f"costs by {data['by']}{since}",
        [data["by"], "cost", "calls", "prompt", "completion", "reasoning", "fallback", "unpriced"],
        [*(_cells(r) for r in data["rows"]), _cells(data["total"])],
    )
    budget = data["budget"]
    state = Text("open", style="green") if budget["open"] else Text("closed", style="bold red")
    console.print(
        Text("budget: ")
        + state
        + Text(
            f"; today {_limit(budget['spent_today_usd'], budget['daily_usd'])}, "
            f"this month {_limit(budget['spent_month_usd'], budget['monthly_usd'])}"
            + (f"; {budget['reason']}" if budget["reason"] else "")
        )
    )
    if data["total"]["unpriced_calls"]:
        console.print(
            f"{data['total']['unpriced_calls']} calls had no usage reported: not in the sums"
        )
