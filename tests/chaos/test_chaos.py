"""Chaos: workers, the provider and the services die while a round of matches kicks off.

Real ``scoreline worker`` processes predict matches kicking off over the next minute from a
fault-injecting ``scoreline sandbox``; every few seconds one worker is SIGKILLed and
replaced, the sandbox is killed and restarted once, and on PostgreSQL + Redis the database
connections are terminated once and Redis is restarted once. When every kick-off has passed
the results are imported and scored, and the store must show: one prediction per (match,
model) that any call answered, none after kick-off, ``used_fallback`` exactly where the
fallback answered, every prediction scored, no deadlock, and the store's coverage
(``store.match_coverage``) at the stated objective, at least 99.5 % of (match, model) pairs,
expecting every pair of the run.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from scoreline.store import Database, import_matches
from tests.chaos.procs import PrivateRedis, Sandbox, WorkerPool, run_scoreline, tail
from tests.chaos.scenario import (
    Figures,
    Plan,
    fault_specs,
    kickoffs,
    measure,
    model_ids,
    write_config,
    write_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

MIN_COVERAGE = 0.995
PG_PLAN = Plan(matches=20, models=10, workers=3, first_kickoff_s=20, spread_s=30, seed=11)
# A worker's start-up (imports, migrations) takes seconds on a loaded 2-core machine: the
# first kick-off leaves room for a kill and a restart before it.
SQLITE_PLAN = Plan(matches=8, models=10, workers=2, first_kickoff_s=20, spread_s=14, seed=7)

Event = tuple[float, str, Callable[[], object]]
"""When (a fraction of the time until the last kick-off), what, and how."""


def drive(pool: WorkerPool, until: datetime, rng: random.Random, events: list[Event]) -> None:
    """Until ``until``: SIGKILL a random worker every 3-7 s (while all are up) and fire
    each event once, at its share of the time left."""
    started = time.monotonic()
    span = (until - datetime.now(UTC)).total_seconds()
    pending = sorted(((at * span, name, action) for at, name, action in events), key=lambda e: e[0])
    next_kill = rng.uniform(3, 7)
    while datetime.now(UTC) < until:
        elapsed = time.monotonic() - started
        if pending and elapsed >= pending[0][0]:
            _, name, action = pending.pop(0)
            outcome = action()
            print(f"chaos +{elapsed:.0f}s: {name}" + (f" ({outcome})" if outcome else ""))
        if elapsed >= next_kill and pool.ready():
            pool.kill_one(rng)
            next_kill = elapsed + rng.uniform(3, 7)
        time.sleep(0.2)
    assert not pending, f"the run ended before {[name for _, name, _ in pending]}"


def run_chaos(
    tmp_path: Path, plan: Plan, db: Database, urls: dict[str, str], events: list[Event]
) -> Figures:
    """Set up, run the chaos until the last kick-off, import results, score, measure."""
    rng = random.Random(plan.seed)
    sandbox = Sandbox(fault_specs(plan), plan.seed, tmp_path / "sandbox.log")
    config = write_config(tmp_path / "scoreline.toml", plan, base_url=sandbox.base_url, **urls)
    pool = WorkerPool(config, tmp_path, plan.workers)
    with ExitStack() as running:  # whatever fails, no process outlives the run
        running.callback(sandbox.kill)
        sandbox.start()
        db.upgrade()
        running.callback(pool.stop_all)
        pool.start()
        kicks = kickoffs(plan, datetime.now(UTC))  # counted from when the workers are up
        import_matches(db, write_matches(tmp_path / "fixtures.csv", kicks))
        restart: Event = (0.35, "sandbox killed and restarted", sandbox.restart)
        drive(pool, max(kicks.values()) + timedelta(seconds=1), rng, [restart, *events])
    results = write_matches(tmp_path / "results.csv", kicks, rng)
    run_scoreline(config, "import-matches", str(results))
    run_scoreline(config, "score")
    figures = measure(db, model_ids(plan))
    logs = pool.log_text()
    print(
        f"\nchaos {plan}: {pool.killed} workers SIGKILLed, "
        f"{logs.count('Traceback')} tracebacks in the worker logs\n{figures.summary()}\n"
        f"coverage objective >= {MIN_COVERAGE:.1%}: "
        f"{'met' if figures.coverage >= MIN_COVERAGE else 'NOT met'} ({figures.coverage:.2%})"
    )
    check(
        figures, logs, f"sandbox log:\n{tail(sandbox.log)}\nlast worker log:\n{tail(pool.logs[-1])}"
    )
    return figures


def check(figures: Figures, worker_logs: str, diagnostics: str) -> None:
    """Every rule of the run, all reported at once (with the logs' ends when one fails)."""
    problems = []
    if figures.duplicated:
        problems.append(f"{figures.duplicated} duplicated predictions")
    if figures.after_kickoff:
        problems.append(f"{figures.after_kickoff} predictions after kick-off")
    if figures.answered_not_stored:
        problems.append(f"answered but not stored: {figures.answered_not_stored[:10]}")
    if figures.fallback_mismatch:
        problems.append(
            f"used_fallback disagrees with the attempts: {figures.fallback_mismatch[:10]}"
        )
    if figures.unscored:
        problems.append(f"{figures.unscored} predictions not scored")
    if "deadlock detected" in worker_logs:
        problems.append("a worker log says 'deadlock detected'")
    if figures.coverage_expected != figures.expected:
        problems.append(
            f"the store's coverage expects {figures.coverage_expected} pairs, "
            f"the run {figures.expected}"
        )
    if figures.coverage < MIN_COVERAGE:
        problems.append(f"coverage {figures.coverage:.2%} < objective {MIN_COVERAGE:.1%}")
    assert not problems, "\n".join([figures.summary(), *problems, diagnostics])


def terminate_connections(pg_url: str, application: str) -> str:
    """``pg_terminate_backend`` every connection the run's workers hold."""
    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=3) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application,),
        ).fetchall()
    return f"{len(rows)} connections terminated"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(170)
def test_chaos_postgres_redis(
    tmp_path: Path, pg_url: str, pg_schema: str, private_redis: PrivateRedis
) -> None:
    application = f"scoreline-chaos-{uuid.uuid4().hex[:8]}"
    urls = {
        "database_url": f"{pg_url}?application_name={application}"
        f"&options=-csearch_path%3D{pg_schema}",
        "queue_url": private_redis.url,
        "queue_name": f"chaos-{uuid.uuid4().hex[:8]}",
    }
    events: list[Event] = [
        (
            0.55,
            "PostgreSQL connections terminated",
            lambda: terminate_connections(pg_url, application),
        ),
        (0.75, "Redis killed and restarted", private_redis.restart),
    ]
    db = Database(pg_url, schema=pg_schema)
    try:
        run_chaos(tmp_path, PG_PLAN, db, urls, events)
    finally:
        db.dispose()


@pytest.mark.timeout(120)
def test_chaos_sqlite(tmp_path: Path) -> None:
    urls = {
        "database_url": f"sqlite:///{tmp_path / 'chaos.db'}",
        "queue_url": f"sqlite:///{tmp_path / 'queue.db'}",
        "queue_name": "chaos",
    }
    db = Database(urls["database_url"])
    try:
        run_chaos(tmp_path, SQLITE_PLAN, db, urls, [])
    finally:
        db.dispose()
