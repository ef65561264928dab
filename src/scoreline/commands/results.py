"""Commands on results: ``score``, ``leaderboard`` and ``backtest``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    err_console,
    get_config,
    open_db,
    parse_window,
    print_json,
    render_table,
    utc_now,
)
from scoreline.scoring.ranking import SORT_KEYS, LeaderboardRow, leaderboard
from scoreline.scoring.settle import ScoreSummary, score_all, score_match

if TYPE_CHECKING:
    from scoreline.backtest import BacktestResult
    from scoreline.config import Config


def _quotas(summary: ScoreSummary) -> str:
    q = summary.quotas
    return "-" if q is None else f"H {q.home} / D {q.draw} / A {q.away}"


def score_command(
    match: Annotated[
        list[str] | None, typer.Option("--match", help="Match id (repeatable); default: all.")
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score finished matches (and void cancelled or postponed ones)."""
    cfg = get_config(config)
    db = open_db(cfg)
    now = utc_now()
    rule = cfg.scoring.draw_goal_difference
    if match:
        summaries = [
            score_match(db, match_id, now=now, draw_goal_difference=rule) for match_id in match
        ]
    else:
        summaries = score_all(db, now=now, draw_goal_difference=rule)
    if as_json:
        print_json([s.as_dict() for s in summaries])
        return
    if not summaries:
        console.print("nothing to score: no finished match has a pending prediction")
        return
    render_table(
        "score",
        ["match", "status", "scored", "rescored", "voided", "quotas"],
        [
            [s.match_id, s.match_status, s.scored, s.rescored, s.voided, _quotas(s)]
            for s in summaries
        ],
    )


def _ci(row: LeaderboardRow) -> str:
    if row.ci_low is None or row.ci_high is None:
        return f"{row.avg_points:.2f}"
    return f"{row.avg_points:.2f} ({row.ci_low:.2f}-{row.ci_high:.2f})"


def _rps(row: LeaderboardRow) -> str:
    if row.rps is None:
        return "-"
    if row.rps_ci is None:
        return f"{row.rps:.4f}"
    return f"{row.rps:.4f} ({row.rps_ci[0]:.4f}-{row.rps_ci[1]:.4f})"


def _optional(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _rank(row: LeaderboardRow) -> str:
    if row.rank is None:
        return "prov." if row.provisional else "-"
    if row.rank_ci is None:
        return str(row.rank)
    low, high = row.rank_ci
    return f"{row.rank} ({low}-{high})"


def _betting(row: LeaderboardRow, staking: str) -> str:
    figures = (row.betting or {}).get(staking)
    if not figures or figures.get("roi") is None:
        return "-"
    ci = figures.get("roi_ci")
    text = f"{100 * figures['roi']:+.1f}%"
    return text if ci is None else f"{text} ({100 * ci[0]:+.1f}..{100 * ci[1]:+.1f})"


def render_leaderboard(rows: Sequence[LeaderboardRow], title: str = "leaderboard") -> None:
    """Print leaderboard rows as a Rich table."""
    betting = any(r.betting is not None for r in rows)
    columns = ["# (95% CI)", "model", "scored", "total", "avg (95% CI)", "acc %", "exact %"]
    columns += ["GD %", "fb %", "RPS (95% CI)", "Brier", "log loss", "top %", "skill", "P(#1)"]
    table = []
    for r in rows:
        line: list[object] = [_rank(r), r.display_name, r.scored, r.total_points, _ci(r)]
        line += [f"{r.tendency_pct:.1f}", f"{r.exact_pct:.1f}", f"{r.goal_diff_pct:.1f}"]
        line += [f"{r.fallback_rate_pct:.1f}", _rps(r), _optional(r.brier, ".4f")]
        line += [_optional(r.log_loss, ".4f"), _optional(r.outcome_accuracy_pct, ".1f")]
        line += [_optional(r.skill_vs_market, "+.3f"), _optional(r.p_first, ".2f")]
        if betting:
            line += [_betting(r, "flat"), _betting(r, "kelly")]
        table.append(line)
    if betting:
        columns += ["flat ROI (95% CI)", "Kelly ROI (95% CI)"]
    render_table(title, columns, table)
    if rows:
        console.print(
            f"scoring rule: {rows[0].scoring_rule}; probability figures on the matches common "
            "to the ranked models; top % = most likely outcome right",
            markup=False,
            highlight=False,
        )


def leaderboard_command(
    competition: Annotated[str | None, typer.Option(help="Competition code, e.g. E0.")] = None,
    season: Annotated[str | None, typer.Option(help="Season, e.g. 2024-25.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Matches kicking off from this date/time (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Matches kicking off up to this date (inclusive)/time.")
    ] = None,
    sort: Annotated[
        str, typer.Option(help="avg | total | exact | accuracy | rps | brier | log_loss | skill.")
    ] = "avg",
    include_after_kickoff: Annotated[
        bool, typer.Option(help="Count predictions made after kick-off too.")
    ] = False,
    intervals: Annotated[
        bool, typer.Option(help="Bootstrap 95% intervals of the averages.")
    ] = True,
    min_matches: Annotated[
        int, typer.Option(min=0, help="Fewer scored predictions: provisional, unranked.")
    ] = 30,
    betting: Annotated[
        bool, typer.Option("--betting", help="Flat-stake and Kelly returns at stored odds.")
    ] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the models on their scored predictions."""
    if sort not in SORT_KEYS:
        raise typer.BadParameter(f"--sort must be one of {', '.join(SORT_KEYS)}")
    since_at, until_at = parse_window(since, until)
    cfg = get_config(config)
    db = open_db(cfg)
    rows = leaderboard(
        db,
        competition=competition,
        season=season,
        since=since_at,
        until=until_at,
        sort=sort,
        include_after_kickoff=include_after_kickoff,
        intervals=intervals,
        min_matches=min_matches,
        betting=betting,
        draw_goal_difference=cfg.scoring.draw_goal_difference,
    )
    _show(rows, as_json=as_json)


def _show(rows: Sequence[LeaderboardRow], *, as_json: bool) -> None:
    if as_json:
        print_json([row.as_dict() for row in rows])
    elif not rows:
        console.print("no scored predictions match these filters")
    else:
        render_leaderboard(rows)


def backtest_command(
    season: Annotated[str, typer.Option(help="Season to replay, e.g. 2024-25.")],
    competition: Annotated[str, typer.Option(help="Competition code.")] = "E0",
    models: Annotated[
        list[str] | None,
        typer.Option("--models", help="Model id (repeatable); default: the reference models."),
    ] = None,
    directory: Annotated[
        Path, typer.Option("--dir", help="Work folder holding the backtest database.")
    ] = Path("backtest"),
    limit: Annotated[
        int | None, typer.Option(help="Replay only the season's first N matches.")
    ] = None,
    history_days: Annotated[
        int | None,
        typer.Option(
            help="Import only this many days of earlier results (default: all, or just what "
            "the reference models read when only they run)."
        ),
    ] = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Replay a past season: predict each match before kick-off, reveal, score, rank.

    Resumable: run it again after an interruption and it continues where it stopped.
    """
    options = {
        "competition": competition,
        "season": season,
        "directory": directory,
        "models": models,
        "max_matches": limit,
        "history_days": history_days,
    }
    result = _replay(get_config(config), f"{competition} {season}", options, quiet=as_json)
    if as_json:
        print_json(result.as_dict())
        return
    _render_backtest(result)


def _replay(cfg: Config, label: str, options: dict[str, Any], *, quiet: bool) -> BacktestResult:
    """Run the backtest under a progress bar; a bad season or file is a usage error."""
    from scoreline.backtest import run_backtest

    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=quiet) as progress:
        task = progress.add_task("replay", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            return run_backtest(cfg, **options, progress=advance)
        except (ValueError, FileNotFoundError) as exc:
            raise typer.BadParameter(str(exc)) from None


def _render_backtest(result: BacktestResult) -> None:
    competition, season = result.competition, result.season
    for model_id, reason in result.inactive.items():
        err_console.print(
            f"[yellow]not asked[/yellow]: {escape(model_id)}: {escape(reason)}", highlight=False
        )
    console.print(
        f"{competition} {season}: {result.matches} matches ({result.replayed} replayed now, "
        f"{result.resumed} already done), {result.predictions} predictions, "
        f"{result.scored} scored, failed: {result.failed or 'none'}, {result.wall_s:.1f} s; "
        f"database {result.database}",
        markup=False,
        highlight=False,
    )
    render_leaderboard(result.leaderboard, title=f"backtest {competition} {season}")
