"""Time a whole-season backtest with the reference models on the bundled data.

Usage::

    .venv/bin/python bench/backtest.py [--season 2024-25] [--competition E0] [--dir DIR]
                                       [--models ID ...] [--limit N] [--all-seasons]

Starts from an empty backtest database (a fresh folder unless ``--dir`` is given, whose
database is then deleted first), replays the season, prints the wall time and the
leaderboard (points, and RPS, Brier and log loss of the outcome probabilities), then replays
it again to show that a resumed run has nothing left to do. ``--all-seasons`` replays every
season of the bundled file instead, one after the other in one process (the whole history),
and prints each season's time, the total, and each model's RPS, Brier and log loss over all
the seasons' matches.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from scoreline.backtest import run_backtest
from scoreline.config import load_config
from scoreline.scoring.dixon_coles import DEFAULT_CACHE
from scoreline.store import bundled_matches_path, read_matches_csv


def _table(result: object) -> Table:
    table = Table(title="leaderboard")
    columns = ("#", "model", "scored", "total", "avg (95% CI)", "acc %", "exact %", "GD %")
    for column in (*columns, "RPS", "Brier", "log loss"):
        table.add_column(column)
    for row in result.leaderboard:  # type: ignore[attr-defined]
        table.add_row(
            str(row.rank),
            row.model_id,
            str(row.scored),
            str(row.total_points),
            f"{row.avg_points:.3f} ({row.ci_low:.2f}-{row.ci_high:.2f})",
            f"{row.tendency_pct:.1f}",
            f"{row.exact_pct:.1f}",
            f"{row.goal_diff_pct:.1f}",
            *(_figure(getattr(row, name)) for name in _METRICS),
        )
    return table


_METRICS = ("rps", "brier", "log_loss")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _pooled(results: Sequence[object], console: Console) -> None:
    """Each model's RPS, Brier and log loss over every season's matches (match-weighted)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for result in results:
        for row in result.leaderboard:  # type: ignore[attr-defined]
            if row.rps is None:
                continue
            pooled = sums[row.model_id]
            pooled[0] += row.n_probabilistic
            for i, name in enumerate(_METRICS, start=1):
                pooled[i] += getattr(row, name) * row.n_probabilistic
    table = Table(title="outcome probabilities, all seasons")
    for column in ("model", "matches", "RPS", "Brier", "log loss"):
        table.add_column(column)
    for model_id, (n, *totals) in sorted(sums.items(), key=lambda item: item[1][1] / item[1][0]):
        table.add_row(model_id, str(int(n)), *(f"{total / n:.4f}" for total in totals))
    console.print(table)


def _all_seasons(args: argparse.Namespace, console: Console) -> None:
    """Replay every season of the bundled file in one process and print the times."""
    config = load_config()
    records = read_matches_csv(bundled_matches_path(args.competition))
    seasons = sorted({r.season for r in records if r.competition == args.competition})
    total = 0.0
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for season in seasons:
            started = time.perf_counter()
            result = run_backtest(
                config,
                competition=args.competition,
                season=season,
                directory=args.dir or Path(scratch),
                models=args.models,
                max_matches=args.limit,
            )
            wall = time.perf_counter() - started
            total += wall
            results.append(result)
            console.print(
                f"{season}: {result.matches} matches, {result.scored} scored, {wall:.1f} s"
            )
    console.print(f"[bold]whole history ({len(seasons)} seasons): {total:.1f} s[/bold]")
    _pooled(results, console)


def main() -> None:
    """Run the season twice (fresh, then resumed) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competition", default="E0")
    parser.add_argument("--season", default="2024-25")
    parser.add_argument("--dir", type=Path, help="Work folder (default: a temporary one).")
    parser.add_argument("--models", nargs="*", help="Model ids (default: reference models).")
    parser.add_argument("--limit", type=int, help="Replay only the first N matches.")
    parser.add_argument("--all-seasons", action="store_true", help="Replay every season.")
    args = parser.parse_args()
    console = Console()
    if args.all_seasons:
        _all_seasons(args, console)
        return
    config = load_config()
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"backtest-{args.competition}-{args.season}.db").unlink(missing_ok=True)
        options = {
            "competition": args.competition,
            "season": args.season,
            "directory": directory,
            "models": args.models,
            "max_matches": args.limit,
        }
        started = time.perf_counter()
        first = run_backtest(config, **options)
        wall = time.perf_counter() - started
        fits = (DEFAULT_CACHE.fits, DEFAULT_CACHE.fit_seconds)
        again = run_backtest(config, **options)
    console.print(_table(first))
    console.print(
        f"{args.competition} {args.season}: {first.matches} matches, {first.predictions} "
        f"predictions, {first.scored} scored, failed {first.failed or 'none'}"
    )
    heavy = [m for m in ("pandas", "scipy.stats") if m in sys.modules]
    console.print(
        f"[bold]wall time: {wall:.1f} s[/bold] (fresh database, in-process, penaltyblog's "
        f"import included); Dixon-Coles: {fits[0]} fits, {fits[1]:.1f} s; "
        f"loaded {', '.join(heavy) or 'neither pandas nor scipy.stats'}"
    )
    console.print(
        f"resumed run: {again.replayed} matches replayed, {again.predictions} predictions "
        f"added, {again.wall_s:.1f} s"
    )


if __name__ == "__main__":
    main()
