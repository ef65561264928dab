"""Commands for researchers: ``compare``, ``calibration``, ``export`` and ``verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    get_config,
    open_db,
    parse_window,
    print_json,
    render_table,
)
from scoreline.store import LeaderboardFilters

CompetitionOpt = Annotated[str | None, typer.Option(help="Competition code, e.g. E0.")]
SeasonOpt = Annotated[str | None, typer.Option(help="Season, e.g. 2024-25.")]
SinceOpt = Annotated[str | None, typer.Option(help="Matches kicking off from this date (UTC).")]
UntilOpt = Annotated[str | None, typer.Option(help="Matches kicking off up to this date.")]


def _filters(
    competition: str | None, season: str | None, since: str | None, until: str | None
) -> LeaderboardFilters:
    since_at, until_at = parse_window(since, until)
    return LeaderboardFilters(
        competition=competition, season=season, since=since_at, until=until_at
    )


COMPARE_COLUMNS = (
    "metric",
    "matches",
    "difference a-b (95% CI)",
    "P(a better)",
    "sign test p",
    "permutation p",
)


def _num(value: Any, spec: str = ".4f") -> str:
    return "-" if value is None else format(value, spec)


def _comparison_row(name: str, figures: dict[str, Any]) -> list[Any]:
    if not figures.get("n"):
        return [name, 0, "-", "-", "-", "-", "-", "-"]
    low, high = figures["ci"]
    return [
        name,
        figures["n"],
        _num(figures["mean_a"]),
        _num(figures["mean_b"]),
        f"{figures['difference']:+.4f} ({low:+.4f}..{high:+.4f})",
        _num(figures["share_a_better"], ".3f"),
        _num(figures["sign_test_p"], ".4f"),
        _num(figures["permutation_p"], ".4f"),
    ]


def compare_command(
    a: Annotated[str, typer.Argument(help="First model id.")],
    b: Annotated[str, typer.Argument(help="Second model id.")],
    competition: CompetitionOpt = None,
    season: SeasonOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare two models on their common matches: points and RPS, paired intervals, tests."""
    from scoreline.report.evaluation import paired_comparison

    db = open_db(get_config(config))
    found = paired_comparison(db, a, b, _filters(competition, season, since, until))
    if as_json:
        print_json(found)
        return
    render_table(
        f"{a} (a) vs {b} (b)",
        [*COMPARE_COLUMNS[:2], f"mean {a}", f"mean {b}", *COMPARE_COLUMNS[2:]],
        [
            _comparison_row("points (higher better)", found["points"]),
            _comparison_row("RPS (lower better)", found["rps"]),
        ],
    )


def calibration_command(
    model: Annotated[str, typer.Argument(help="Model id.")],
    bins: Annotated[int, typer.Option(help="Equal-width probability bins per outcome.")] = 10,
    competition: CompetitionOpt = None,
    season: SeasonOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a model's calibration: reliability bins per outcome, ECE, Brier decomposition."""
    from scoreline.report.evaluation import model_calibration

    db = open_db(get_config(config))
    found = model_calibration(
        db, model, bins=bins, filters=_filters(competition, season, since, until)
    )
    if as_json:
        print_json(found)
        return
    rows = []
    for outcome in found["outcomes"]:
        for b in outcome["bins"]:
            if b["count"]:
                rows.append(
                    [
                        outcome["outcome"],
                        f"{b['low']:.2f}-{b['high']:.2f}",
                        b["count"],
                        _num(b["mean_forecast"], ".3f"),
                        _num(b["observed"], ".3f"),
                    ]
                )
    render_table(
        f"calibration of {model} ({found['n']} forecasts)",
        ["outcome", "bin", "n", "mean forecast", "observed"],
        rows,
    )
    parts = found["brier_decomposition"]
    eces = ", ".join(f"{o['outcome']} {o['ece']:.4f}" for o in found["outcomes"])
    console.print(
        f"ECE {found['ece']:.4f} ({eces}); Brier {parts['brier']:.4f} = reliability "
        f"{parts['reliability']:.4f} - resolution {parts['resolution']:.4f} + uncertainty "
        f"{parts['uncertainty']:.4f} + within-bin {parts['within_bin']:.4f}",
        markup=False,
        highlight=False,
    )


def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write the ledger into.")],
    competition: CompetitionOpt = None,
    season: SeasonOpt = None,
    replay: Annotated[
        bool,
        typer.Option(
            "--replay", help="A backtest's database: check requested_at against kick-off."
        ),
    ] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the ledger: matches, predictions, results and a manifest with a hash chain."""
    from scoreline.report.ledger import export_ledger

    cfg = get_config(config)
    manifest = export_ledger(
        open_db(cfg),
        directory,
        competition=competition,
        season=season,
        draw_goal_difference=cfg.scoring.draw_goal_difference,
        replay=replay,
    )
    summary = {
        "directory": str(directory),
        "files": manifest["files"],
        "chain_head": manifest["chain"]["head"],
        "scoring_rule": manifest["scoring_rule"],
    }
    if as_json:
        print_json(summary)
        return
    render_table(
        f"ledger in {directory}",
        ["file", "rows", "SHA-256"],
        [[name, f["rows"], f["sha256"]] for name, f in manifest["files"].items()],
    )
    console.print(
        f"chain head {summary['chain_head']}; scoring rule {summary['scoring_rule']}",
        markup=False,
        highlight=False,
    )


def verify_command(
    directory: Annotated[Path, typer.Argument(help="A folder written by export.")],
    as_json: JsonOpt = False,
) -> None:
    """Recompute every figure of a ledger from its files; exit 1 when anything differs."""
    from scoreline.report.ledger_check import verify_ledger

    found = verify_ledger(directory).as_dict()
    if as_json:
        print_json(found)
    else:
        render_table(
            f"verify {directory}",
            ["check", "agrees", "differences"],
            [[c["check"], "yes" if c["ok"] else "NO", c["differences"]] for c in found["checks"]],
        )
        for check in found["checks"]:
            for line in check["shown"]:
                console.print(f"{check['check']}: {line}", markup=False, highlight=False)
        console.print("all figures agree" if found["ok"] else "the ledger does NOT verify")
    if not found["ok"]:
        raise typer.Exit(1)
