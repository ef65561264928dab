"""``scoreline demo``: the whole pipeline offline, on one real matchday, with provider faults.

Steps: start the sandbox in-process, write a sandbox catalog, import the season so far as
history and the matchday as fixtures, run the predict jobs through the queue as if 30
minutes before each kick-off, reveal the results, score through the queue, then report.
Everything lives in one folder (a temporary one unless ``--dir`` is given).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scoreline.config import Config, ModelConfig, load_config
from scoreline.demo.catalog import DEMO_FAULTS, write_demo_config
from scoreline.moments import parse_kickoff
from scoreline.queue import JobQueue
from scoreline.report import fallback_stats, leaderboard_rows, match_detail, model_health
from scoreline.sandbox import SandboxServer
from scoreline.scoring.extras import import_in_background
from scoreline.store import Database, bundled_matches_path, count_predictions, import_matches

__all__ = ["DemoResult", "run_demo"]

DEFAULT_FIRST_MATCH = "E0-2024-25-0241"
MATCHDAY_SIZE = 10
SANDBOX_LATENCY_S = 0.15
QUEUE_THREADS = 4

ProgressFn = Callable[[dict[str, int], int], None]


@dataclass
class DemoResult:
    """What the demo produced, as plain data for rendering."""

    directory: Path
    matches: list[dict[str, str]]
    models: int
    predictions: int
    leaderboard: list[dict[str, Any]]
    fallback: dict[str, Any]
    highlight: dict[str, Any] | None
    inactive: dict[str, str] = field(default_factory=dict)
    missing: list[dict[str, Any]] = field(default_factory=list)
    """Active models that stored fewer predictions than there were matches, and why."""
    wall_s: float = 0.0


def _kickoff(row: dict[str, str]) -> datetime:
    return parse_kickoff(row["kickoff_utc"])


def _write_csv(path: Path, fieldnames: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path


def prepare_data(directory: Path, first_match: str) -> tuple[Path, Path, list[dict[str, str]]]:
    """Split the bundled data: earlier results, the matchday as fixtures, and its results."""
    with bundled_matches_path("E0").open(newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    ids = [r["match_id"] for r in rows]
    if first_match not in ids:
        raise ValueError(f"unknown match {first_match!r} in the bundled data")
    start = ids.index(first_match)
    matchday = rows[start : start + MATCHDAY_SIZE]
    cutoff = _kickoff(matchday[0])
    season = matchday[0]["season"]
    history = [r for r in rows[:start] if _kickoff(r) < cutoff and r["season"] >= _previous(season)]
    fixtures = [{**r, "home_goals": "", "away_goals": ""} for r in matchday]
    before = _write_csv(directory / "before-kickoff.csv", fieldnames, history + fixtures)
    after = _write_csv(directory / "results.csv", fieldnames, matchday)
    return before, after, matchday


def _previous(season: str) -> str:
    start = int(season[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _drain(queue: JobQueue) -> None:
    with ThreadPoolExecutor(QUEUE_THREADS) as pool:
        for future in [pool.submit(queue.run_pending) for _ in range(QUEUE_THREADS)]:
            future.result()


def _predict_through_queue(
    queue: JobQueue, matchday: list[dict[str, str]], expected: int, progress: ProgressFn | None
) -> None:
    """Predict the matchday, the first ``QUEUE_THREADS`` matches before the others.

    The failing primaries' first calls are then all recorded before the other jobs start,
    so the cooldown (3 failures) spares them from there on whatever the timing; else a job
    starting early could be the fifth failure and auto-disable a model that has a fallback.
    """
    ids = [r["match_id"] for r in matchday]
    for batch in (matchday[:QUEUE_THREADS], matchday[QUEUE_THREADS:]):
        for row in batch:
            queue.enqueue_predict(row["match_id"], now=_kickoff(row) - timedelta(minutes=30))
        with ThreadPoolExecutor(1) as runner:
            done = runner.submit(_drain, queue)
            while not done.done():
                if progress is not None:
                    progress(count_predictions(queue.db, ids), expected)
                wait([done], timeout=0.5)  # returns as soon as the batch is done
            done.result()
    if progress is not None:
        progress(count_predictions(queue.db, ids), expected)


def _highlight(db: Database, matchday: list[dict[str, str]]) -> dict[str, Any] | None:
    details = [match_detail(db, r["match_id"]) for r in matchday]
    found = [d for d in details if d is not None]
    if not found:
        return None
    return max(found, key=lambda d: sum(p["used_fallback"] for p in d["predictions"]))


def _report(config: Config, db: Database, matchday: list[dict[str, str]]) -> dict[str, Any]:
    first, last = _kickoff(matchday[0]), _kickoff(matchday[-1])
    return {
        "leaderboard": leaderboard_rows(
            db,
            since=first,
            until=last,
            draw_goal_difference=config.scoring.draw_goal_difference,
        ),
        "fallback": fallback_stats(
            db,
            config,
            since=first - timedelta(days=1),
            until=last + timedelta(days=1),
            now=last,
        ),
        "highlight": _highlight(db, matchday),
        "health": {
            row["model_id"]: row for row in model_health(db, now=last, cooldown=config.cooldown)
        },
    }


def _missing(
    active: list[ModelConfig], outcome: dict[str, Any], matchday: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """Active models that stored fewer predictions than there were matches, and why."""
    stored = {row["model_id"]: row["scored"] for row in outcome["leaderboard"]}
    return [
        {
            "model_id": m.id,
            "stored": stored.get(m.id, 0),
            "auto_disabled": outcome["health"].get(m.id, {}).get("auto_disabled", False),
            "last_error": outcome["health"].get(m.id, {}).get("last_error"),
        }
        for m in active
        if stored.get(m.id, 0) < len(matchday)
    ]


def _score_through_queue(queue: JobQueue, after: Path, matchday: list[dict[str, str]]) -> None:
    """Reveal the results, then score every changed match as if two hours after kick-off."""
    report = import_matches(queue.db, after)
    for match_id in report.changed_result_ids:
        row = next(r for r in matchday if r["match_id"] == match_id)
        queue.enqueue_score(match_id, now=_kickoff(row) + timedelta(hours=2))
    _drain(queue)


def _predict_matchday(
    directory: Path, first_match: str, progress: ProgressFn | None
) -> tuple[Config, Database, JobQueue, list[dict[str, str]], Path]:
    """Start the sandbox, import the history and predict the matchday through the queue."""
    directory.mkdir(parents=True, exist_ok=True)
    before, after, matchday = prepare_data(directory, first_match)
    with SandboxServer(
        latency_s=SANDBOX_LATENCY_S, faults=dict(DEMO_FAULTS)
    ).in_thread() as sandbox:
        config = load_config(write_demo_config(directory, sandbox.base_url))
        db = Database(config.database_url)
        db.upgrade()
        import_matches(db, before)
        queue = JobQueue(config, db=db)
        _predict_through_queue(queue, matchday, len(config.active_models()), progress)
    return config, db, queue, matchday, after


def run_demo(
    directory: Path, *, first_match: str = DEFAULT_FIRST_MATCH, progress: ProgressFn | None = None
) -> DemoResult:
    """Run the demo in ``directory`` (created if missing) and return what it produced."""
    started = time.perf_counter()
    # The reference forecasters' penaltyblog (~2 s) loads while the sandbox starts and
    # the history is imported, not in the first predict jobs.
    preload = import_in_background("penaltyblog")
    try:
        config, db, queue, matchday, after = _predict_matchday(directory, first_match, progress)
    finally:
        preload.join()
    active = config.active_models()
    _score_through_queue(queue, after, matchday)
    outcome = _report(config, db, matchday)
    predictions = sum(count_predictions(db, [r["match_id"] for r in matchday]).values())
    missing = _missing(active, outcome, matchday)
    db.dispose()
    inactive = {
        m.id: config.inactive_reason(m.id) or ""
        for m in config.models
        if not config.is_active(m.id)
    }
    return DemoResult(
        directory=directory,
        matches=[
            {
                "match_id": r["match_id"],
                "fixture": f"{r['home_team']} v {r['away_team']}",
                "result": f"{r['home_goals']}-{r['away_goals']}",
            }
            for r in matchday
        ],
        models=len(active),
        predictions=predictions,
        leaderboard=outcome["leaderboard"],
        fallback=outcome["fallback"],
        highlight=outcome["highlight"],
        inactive=inactive,
        missing=missing,
        wall_s=time.perf_counter() - started,
    )
