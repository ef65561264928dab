"""Commands that feed and run the pipeline: init, import-matches, predict, worker, sandbox."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from scoreline.commands.common import (
    ConfigOpt,
    JsonOpt,
    console,
    database_errors,
    err_console,
    get_config,
    open_db,
    print_json,
    render_table,
    utc_now,
)

if TYPE_CHECKING:
    from scoreline.config import Config
    from scoreline.predict import PredictSummary
    from scoreline.store import Database


def init(config: ConfigOpt = None) -> None:
    """Create the database, or upgrade it to the latest schema."""
    cfg = get_config(config)
    db = open_db(cfg)
    before = db.current_revision()
    db.upgrade()
    after = db.current_revision()
    state = "up to date" if before == after else f"upgraded {before or 'empty'} -> {after}"
    console.print(f"[green]ok[/green]: {escape(repr(db))}: schema {state}")


def import_matches_command(
    file: Annotated[Path, typer.Argument(help="CSV with the columns of the bundled data set.")],
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add or update matches (fixtures and results); all or nothing.

    A file with problems exits 2 (bad input) naming each as ``FILE:LINE: field: problem``.
    """
    from scoreline.store import MatchImportError, import_matches

    cfg = get_config(config)
    db = open_db(cfg)
    try:
        report = import_matches(db, file)
    except MatchImportError as exc:
        _print_import_problems(exc.problems)
        raise typer.Exit(2) from None
    rescored_ids = _rescore(db, report.changed_result_ids, cfg.scoring.draw_goal_difference)
    data = {
        "file": str(file),
        "rows": report.rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "changed_result_ids": report.changed_result_ids,
        "rescored_matches": rescored_ids,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"{escape(str(file))}: {report.rows} rows: {report.inserted} new, "
        f"{report.updated} updated, "
        f"{report.unchanged} unchanged; {len(report.changed_result_ids)} results changed, "
        f"{len(rescored_ids)} matches rescored"
    )


def _rescore(db: Database, match_ids: list[str], draw_goal_difference: bool) -> list[str]:
    """Re-score the matches whose result changed; the ids whose points changed."""
    if not match_ids:
        return []  # most imports change no result: scoring (numpy, scipy) is not even loaded
    from scoreline.scoring import rescore_changed

    changed = rescore_changed(
        db, match_ids, now=utc_now(), draw_goal_difference=draw_goal_difference
    )
    return [s.match_id for s in changed if s.changed]


def _print_import_problems(problems: list[str]) -> None:
    """One line for one problem, else a count and one line per problem."""
    if len(problems) == 1:
        err_console.print(
            f"[red]MatchImportError[/red]: {escape(problems[0])} (nothing imported)",
            highlight=False,
            soft_wrap=True,
        )
        return
    err_console.print(f"[red]MatchImportError[/red]: {len(problems)} problem(s), nothing imported")
    for problem in problems:
        err_console.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)


async def _predict_all(
    db: Database, cfg: Config, match_ids: list[str], allow: bool, progress: Progress
) -> list[PredictSummary | str]:
    from scoreline.predict import PredictRefusedError, predict_match

    results: list[PredictSummary | str] = []
    for match_id in match_ids:
        task = progress.add_task(escape(match_id), total=None)

        def advance(model_id: str, ok: bool, task: TaskID = task) -> None:
            progress.advance(task)

        try:
            summary = await predict_match(
                db, cfg, match_id, now=utc_now(), allow_after_kickoff=allow, progress=advance
            )
        except PredictRefusedError as exc:
            results.append(str(exc))
            progress.update(task, total=0, description=f"{escape(match_id)} [red]refused[/red]")
            continue
        progress.update(task, total=summary.asked, completed=summary.asked)
        results.append(summary)
    return results


def predict(
    match: Annotated[
        list[str] | None, typer.Option("--match", help="Match id (repeatable).")
    ] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Every match kicking off within the window.")
    ] = False,
    allow_after_kickoff: Annotated[
        bool, typer.Option(help="Predict matches that have kicked off; flagged, off leaderboards.")
    ] = False,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run predict jobs now, in this process, with a progress bar."""
    from scoreline.predict import PredictSummary
    from scoreline.store import due_matches

    cfg = get_config(config)
    db = open_db(cfg)
    with database_errors():
        db.current_revision()  # an unusable database is one line, before any progress bar
    match_ids = list(match or [])
    if due:
        window = timedelta(minutes=cfg.schedule.predict_window_min)
        match_ids += [m.id for m in due_matches(db, now=utc_now(), window=window)]
    if not match_ids:
        raise typer.BadParameter("give --match ID or --due (no match is due now)")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=as_json) as progress:
        results = asyncio.run(_predict_all(db, cfg, match_ids, allow_after_kickoff, progress))
    summaries = [r for r in results if isinstance(r, PredictSummary)]
    refused = [r for r in results if isinstance(r, str)]
    if as_json:
        print_json({"summaries": [s.as_dict() for s in summaries], "refused": refused})
    else:
        _render_predict(summaries, refused)
    if refused and not summaries:
        raise typer.Exit(1)


def _render_predict(summaries: list[PredictSummary], refused: list[str]) -> None:
    render_table(
        "predict",
        ["match", "asked", "predicted", "via fallback", "failed", "skipped", "wall s"],
        [
            [
                s.match_id,
                s.asked,
                s.predicted,
                s.via_fallback,
                ", ".join(f"{k} {v}" for k, v in sorted(s.failed.items())) or "-",
                s.skipped,
                f"{s.wall_ms / 1000:.1f}",
            ]
            for s in summaries
        ],
    )
    for reason in refused:
        err_console.print(f"[yellow]refused[/yellow]: {escape(reason)}", highlight=False)


def worker(
    workers: Annotated[int, typer.Option(help="Concurrent jobs in this worker.")] = 4,
    config: ConfigOpt = None,
) -> None:
    """Run the queue consumer with the periodic reconcile sweep (Ctrl-C stops)."""
    from scoreline.queue import describe_queue_url, run_worker

    cfg = get_config(config)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    console.print(
        f"worker: queue {escape(describe_queue_url(cfg.queue_url))}, {workers} workers, "
        f"reconcile every {cfg.schedule.reconcile_every_s}s"
    )
    run_worker(cfg, workers=workers)


def sandbox(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 8900,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    latency_ms: Annotated[float, typer.Option(help="Latency of every answer.")] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(help="MODEL=MODE[:STATUS][@P], e.g. m1=status:503, m2=hang, m3=prose@0.3."),
    ] = None,
    faults_file: Annotated[
        Path | None, typer.Option(help="TOML file of \\[faults.MODEL] tables.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fault probability draws.")] = 0,
) -> None:
    """Run a local OpenAI-compatible server with fault injection, for rehearsing outages."""
    from scoreline.sandbox import load_faults, parse_fault_spec, serve_forever

    try:
        faults = load_faults(faults_file) if faults_file else {}
        for spec in fault or []:
            model, parsed = parse_fault_spec(spec)
            faults[model] = parsed
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    serve_forever(host=host, port=port, latency_s=latency_ms / 1000, faults=faults, seed=seed)
