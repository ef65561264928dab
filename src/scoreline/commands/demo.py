"""``scoreline demo``: run the offline demo and show what it produced."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.text import Text

from scoreline.commands.common import console, err_console, render_table

if TYPE_CHECKING:
    from datetime import datetime

    from scoreline.demo import DemoResult
    from scoreline.store import KnownMatch


def _fmt(value: Any, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def _leaderboard(rows: list[dict[str, Any]]) -> None:
    render_table(
        "Leaderboard (the matchday; LLMs beside the reference forecasters)",
        ["#", "model", "scored", "points", "avg", "95% CI", "tendency %", "exact %", "fallback %"],
        [
            [
                r["rank"],
                r["model_id"],
                r["scored"],
                r["total_points"],
                _fmt(r["avg_points"], ".2f"),
                f"{_fmt(r.get('ci_low'), '.2f')}–{_fmt(r.get('ci_high'), '.2f')}",
                _fmt(r["tendency_pct"], ".0f"),
                _fmt(r["exact_pct"], ".0f"),
                _fmt(r["fallback_rate_pct"], ".0f"),
            ]
            for r in rows
        ],
    )


def _fallbacks(report: dict[str, Any]) -> None:
    rows = []
    for s in report["stats"]:
        multiplier = s["cost_multiplier"]
        flag = Text("⚠ over 2×", style="red") if s["exceeds_2x"] else ""
        rows.append(
            [
                s["model_id"],
                s["fallback_to"],
                f"{s['fallbacks']}/{s['predictions']}",
                f"{100 * s['fallback_rate']:.0f}%",
                ", ".join(f"{k} {v}" for k, v in sorted(s.get("primary_failures", {}).items()))
                or "-",
                "yes" if s.get("in_cooldown") else "no",
                f"${s['fallback_cost_usd']:.5f}",
                f"${s['original_cost_usd']:.5f}",
                f"{multiplier:.1f}×" if multiplier is not None else "-",
                flag,
            ]
        )
    render_table(
        "Fallbacks: who failed, who saved them, and what it cost",
        [
            "model",
            "fallback",
            "served",
            "rate",
            "primary failures",
            "cooldown",
            "fallback $",
            "original $",
            "×",
            "",
        ],
        rows,
    )


def _highlight(detail: dict[str, Any] | None) -> None:
    if detail is None:
        return
    quotas = detail["quotas"]
    render_table(
        f"{detail['home_team']} {detail['home_goals']}-{detail['away_goals']} "
        f"{detail['away_team']} ({detail['id']}); "
        f"quotas H {quotas['home']} / D {quotas['draw']} / A {quotas['away']}",
        ["model", "prediction", "served by", "points"],
        [
            [
                p["model_id"],
                f"{p['predicted_home']}-{p['predicted_away']}",
                Text(f"↪ {p['answered_by']}", style="yellow") if p["used_fallback"] else "itself",
                _fmt(p["points"]),
            ]
            for p in detail["predictions"]
        ],
    )


def demo(
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Keep everything in this folder (default: a temporary one)."),
    ] = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="No CSV: a simulated matchday arrives from football-data.org and API-Football "
            "stand-ins (fixtures, odds, live scores, results).",
        ),
    ] = False,
) -> None:
    """The whole pipeline offline on a real matchday, with injected provider faults."""
    from scoreline.demo import run_demo

    work = directory or Path(tempfile.mkdtemp(prefix="scoreline-demo-"))
    if live:
        _live_demo(work)
        return
    console.print(
        f"[bold]scoreline demo[/bold] in {escape(str(work))}: "
        "sandbox providers, SQLite, embedded queue"
    )
    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn())
    tasks: dict[str, TaskID] = {}
    handler = RichHandler(console=err_console, show_path=False, show_time=False, markup=False)
    logging.getLogger("scoreline.llm").addHandler(handler)
    logging.getLogger("scoreline.llm").setLevel(logging.WARNING)
    with Progress(*columns, console=err_console, transient=False) as progress:

        def show(counts: dict[str, int], expected: int) -> None:
            for match_id, n in counts.items():
                if match_id not in tasks:
                    tasks[match_id] = progress.add_task(
                        f"predict {escape(match_id)}", total=expected
                    )
                progress.update(tasks[match_id], completed=n)

        result = run_demo(work, progress=show)
    console.print(
        f"{len(result.matches)} matches, {result.models} models: {result.predictions} predictions "
        f"stored before kick-off, results revealed and scored in {result.wall_s:.1f} s"
    )
    _leaderboard(result.leaderboard)
    _fallbacks(result.fallback)
    _highlight(result.highlight)
    _gaps(result)
    _next_steps(work)


def _gaps(result: DemoResult) -> None:
    """Models that missed predictions (and why), and models that were not asked."""
    for row in result.missing:
        state = "auto-disabled, " if row["auto_disabled"] else ""
        console.print(
            f"[red]{escape(row['model_id'])}[/red]: {row['stored']} of {len(result.matches)} "
            f"predictions ({state}no fallback to save it; "
            f"last error: {escape(str(row['last_error']))})",
            highlight=False,
        )
    for model_id, reason in result.inactive.items():
        console.print(f"[dim]{escape(model_id)} inactive: {escape(reason)}[/dim]")


def _next_steps(work: Path) -> None:
    """Where to go from the demo: its dashboard, real providers, an endpoint, an outage."""
    console.print(
        "\n[bold]Next steps[/bold]\n"
        f"  dashboard on this demo:  scoreline serve --dir {escape(str(work))}   (then open http://127.0.0.1:8000)\n"
        "  real providers:          export TOGETHER_API_KEY=... SYNTHETIC_API_KEY=...;\n"
        "                           scoreline models check   (the built-in catalog of 42 models)\n"
        "  your own endpoint:       \\[providers.NAME] in scoreline.toml, "
        'base_url = "http://127.0.0.1:11434/v1"\n'
        "  rehearse an outage:      scoreline sandbox --fault MODEL=status:503"
    )


def _live_demo(work: Path) -> None:
    """Run ``demo --live`` with a line per change of a match's state, then the results."""
    from scoreline.demo.live import run_live_demo

    console.print(
        f"[bold]scoreline demo --live[/bold] in {escape(str(work))}: football-data.org and "
        "API-Football stand-ins on a simulated clock, sandbox providers, no CSV"
    )
    seen: dict[str, tuple[str, int]] = {}

    def step(now: datetime, matches: list[KnownMatch]) -> None:
        for m in matches:
            state = (m.status, m.predictions)
            if seen.get(m.id) != state and m.kickoff.date() == now.date():
                score = f" {m.home_goals}-{m.away_goals}" if m.home_goals is not None else ""
                console.print(
                    f"{now:%H:%M} {escape(m.home)} v {escape(m.away)}: {m.status}{score}, "
                    f"{m.predictions} predictions",
                    highlight=False,
                )
                seen[m.id] = state

    result = run_live_demo(work, step=step)
    requests = ", ".join(f"{name} {n}" for name, n in sorted(result.requests.items()))
    console.print(
        f"{len(result.matches)} matches from the sources alone in {result.ticks} ticks, "
        f"{result.wall_s:.1f} s; requests: {requests}"
    )
    _leaderboard(result.leaderboard)
    _next_steps(work)
