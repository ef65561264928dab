"""``scoreline demo --live``: a matchday that reaches scoreline from the data sources alone.

No CSV: the football stand-in (football-data.org v4 and API-Football v3 wire formats, built
from the bundled seasons) serves fixtures, odds, team news, live scores and results on a
simulated clock, and the sandbox serves the LLMs. The worker's three services run tick by
tick on that clock, as ``scoreline worker`` runs them on the real one: the fetch schedule,
the reconcile sweep and the queue's jobs. A tick is one simulated minute while a match is
near kick-off, five while one is in play and ten otherwise, so a day replays in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scoreline.config import Config, load_config
from scoreline.demo.catalog import DEMO_FAULTS, write_demo_config
from scoreline.demo.run import SANDBOX_LATENCY_S
from scoreline.live import LiveSources
from scoreline.queue import JobQueue
from scoreline.queue.fetch import FetchSchedule
from scoreline.queue.reconcile import reconcile
from scoreline.report import leaderboard_rows
from scoreline.sandbox import SandboxServer
from scoreline.sources import ManualClock, build_source
from scoreline.standin import Gate, StandIn
from scoreline.store import Database, KnownMatch, known_matches, source_health

__all__ = ["LiveDemoResult", "run_live_demo"]

NEAR = timedelta(minutes=40)
"""A match this close to kick-off makes the clock tick every minute (the predict window)."""
IN_PLAY = timedelta(hours=3)
"""While a match may be in play the clock ticks every five minutes (live polls)."""
STEPS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=10))

StepFn = Callable[[datetime, list[KnownMatch]], None]


@dataclass
class LiveDemoResult:
    """What the live demo produced, as plain data for rendering."""

    directory: Path
    matches: list[KnownMatch]
    leaderboard: list[dict[str, Any]]
    requests: dict[str, int] = field(default_factory=dict)
    ticks: int = 0
    wall_s: float = 0.0


def _sources_toml(standin: StandIn) -> str:
    return (
        f'\n[sources.fd]\nkind = "football-data.org"\n'
        f'base_url = "{standin.football_data_org_url}"\n'
        'api_key_env = "FOOTBALL_DATA_TOKEN"\ncompetitions = ["PL"]\npriority = 1\n'
        f'\n[sources.af]\nkind = "api-football"\nbase_url = "{standin.api_football_url}"\n'
        'api_key_env = "API_FOOTBALL_KEY"\ncompetitions = ["PL"]\npriority = 2\n'
    )


def _step(now: datetime, matches: list[KnownMatch]) -> timedelta:
    """One minute near a kick-off, five while a match may be in play, ten otherwise."""
    open_ = [m for m in matches if m.status in ("scheduled", "live")]
    if any(m.kickoff - NEAR <= now < m.kickoff for m in open_):
        return STEPS[0]
    if any(m.kickoff <= now <= m.kickoff + IN_PLAY for m in open_):
        return STEPS[1]
    return STEPS[2]


def _tick(
    db: Database, config: Config, schedule: FetchSchedule, jobs: JobQueue, now: datetime
) -> None:
    """What the worker does at ``now``: due fetches, the sweep, then the queued jobs."""
    schedule.enqueue_score = lambda m: jobs.enqueue_score(m, now=now)
    schedule.tick(now)
    reconcile(
        db,
        config,
        now=now,
        enqueue_predict=lambda m: jobs.enqueue_predict(m, now=now),
        enqueue_score=lambda m: jobs.enqueue_score(m, now=now),
    )
    jobs.run_pending()


def _replay(
    config: Config, standin: StandIn, clock: ManualClock, step: StepFn | None
) -> tuple[list[KnownMatch], dict[str, int], int]:
    db = Database(config.database_url)
    db.upgrade()
    env = {"FOOTBALL_DATA_TOKEN": standin.fd_token, "API_FOOTBALL_KEY": standin.af_key}
    adapters = {n: build_source(n, t, env=env, clock=clock) for n, t in config.sources.items()}
    live = LiveSources(db, config, adapters=adapters)
    jobs = JobQueue(config, db=db)
    schedule = FetchSchedule(db, config, live=live)
    now, ticks = standin.world.now, 0
    day_end = now.replace(hour=23, minute=59)
    try:
        while now < day_end:
            _tick(db, config, schedule, jobs, now)
            ticks += 1
            matches = known_matches(db)
            if step is not None:
                step(now, matches)
            now = standin.advance(_step(now, matches).total_seconds())
        today = [m for m in known_matches(db) if m.kickoff.date() == day_end.date()]
        requests = {name: s.requests_total for name, s in source_health(db).items()}
    finally:
        live.close()
        db.dispose()
    return today, requests, ticks


def run_live_demo(directory: Path, *, step: StepFn | None = None) -> LiveDemoResult:
    """Replay one simulated matchday from the stand-in's sources in ``directory``."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    clock = ManualClock()
    with (
        StandIn(gate=Gate(timer=clock.monotonic)).in_thread() as standin,
        SandboxServer(latency_s=SANDBOX_LATENCY_S, faults=dict(DEMO_FAULTS)).in_thread() as box,
    ):
        path = write_demo_config(directory, box.base_url)
        path.write_text(path.read_text() + _sources_toml(standin))
        config = load_config(path)
        today, requests, ticks = _replay(config, standin, clock, step)
        first = min(m.kickoff for m in today)
        db = Database(config.database_url)
        board = leaderboard_rows(
            db,
            since=first,
            until=first + timedelta(days=1),
            draw_goal_difference=config.scoring.draw_goal_difference,
        )
        db.dispose()
    return LiveDemoResult(
        directory=directory,
        matches=today,
        leaderboard=board,
        requests=requests,
        ticks=ticks,
        wall_s=time.perf_counter() - started,
    )
