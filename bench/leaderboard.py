"""Time the leaderboard on a million scored predictions (50 models x 20,000 matches).

Usage::

    .venv/bin/python bench/leaderboard.py [--dir DIR [--reuse]] [--pg URL | --no-pg] [--repeat N]

Seeds a migrated SQLite file (and, unless ``--no-pg``, a PostgreSQL schema of its own,
dropped afterwards) with ``INSERT ... SELECT`` from a generated sequence, so seeding takes
seconds, and builds the per-model leaderboard summaries (``store.board_summaries``: the
bulk load bypasses the score job, which keeps them current); with ``--dir`` and
``--reuse`` an SQLite file seeded by an earlier run is migrated and used as it is. Then
times ``scoreline.scoring.ranking.leaderboard`` with and without bootstrap intervals,
unfiltered and filtered by season, and prints the best and median of ``--repeat`` runs.
Every case computes all the figures: points, RPS, Brier, log loss, accuracy of the most
likely outcome, skill vs the market (``model-00`` stands in for it), and, with intervals,
the points and RPS intervals, skill intervals, rank intervals and ``p_first``
(1000 resamples, seed 0).

The points are deterministic pseudo-random draws whose hit rates rise with the model number,
so the ranking is not a tie; every prediction carries outcome probabilities drawn the same way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from scoreline.scoring.ranking import leaderboard
from scoreline.store import Database
from scoreline.store.board_summaries import refresh_board

MODELS = 50
MATCHES = 20_000
SEASONS = ("2022-23", "2023-24", "2024-25", "2025-26")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# r in 0..99, a deterministic scramble of (match n, model m); model m hits more often.
_DRAW = "(((n * 2654435761) + (m * 40503) + (n * m * 7)) % 1000003) % 100"
SQLITE_MATCH = "'b-' || substr('00000' || n, -5, 5)"
SQLITE_MODEL = "'model-' || substr('0' || m, -2, 2)"
PG_MATCH = "'b-' || lpad(n::text, 5, '0')"
PG_MODEL = "'model-' || lpad(m::text, 2, '0')"
_PREDICTION_COLUMNS = """
    match_id, model_id, predicted_home, predicted_away, predicted_result, status,
    used_fallback, answered_by, after_kickoff, points, points_tendency, points_goal_diff,
    points_exact, requested_at, created_at, scored_at, p_home, p_draw, p_away"""


def _prediction_select(
    sequence: str, *, match_key: str, model_key: str, true: str, false: str, ts: str
) -> str:
    """SELECT producing every prediction from ``sequence`` rows ``(n, m, r)``."""
    hit = "r < 35 + m / 2"
    return f"""
    SELECT {match_key}, {model_key},
        r % 4, (r / 4) % 3,
        CASE WHEN r % 4 > (r / 4) % 3 THEN 'H' WHEN r % 4 = (r / 4) % 3 THEN 'D' ELSE 'A' END,
        'scored', CASE WHEN r % 17 = 0 THEN {true} ELSE {false} END, NULL, {false},
        CASE WHEN {hit} THEN 2 + r % 5 ELSE 0 END
            + CASE WHEN r < 20 THEN 1 ELSE 0 END + CASE WHEN r < 10 THEN 3 ELSE 0 END,
        CASE WHEN {hit} THEN 2 + r % 5 ELSE 0 END,
        CASE WHEN r < 20 THEN 1 ELSE 0 END,
        CASE WHEN r < 10 THEN 3 ELSE 0 END,
        {ts}, {ts}, {ts},
        0.2 + (r % 50) / 100.0, 0.15 + (r % 7) / 50.0,
        1.0 - (0.2 + (r % 50) / 100.0) - (0.15 + (r % 7) / 50.0)
    FROM {sequence}"""


def _season_case() -> str:
    """The season of match ``n``: consecutive blocks of equal size."""
    whens = " ".join(f"WHEN {i} THEN '{season}'" for i, season in enumerate(SEASONS))
    return f"CASE n * {len(SEASONS)} / {MATCHES} {whens} END"


def seed_sqlite(db: Database) -> None:
    """Fill a migrated SQLite database with the benchmark data."""
    ts = "'2025-01-01 12:00:00.000000'"
    statements = [
        f"""WITH RECURSIVE s(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM s WHERE m < {MODELS - 1})
        INSERT INTO models (id, provider, provider_model, display_name, active)
        SELECT {SQLITE_MODEL}, 'bench', 'bench', 'Model ' || m, 1 FROM s""",
        f"""WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {MATCHES - 1})
        INSERT INTO matches (id, competition, season, kickoff_at, home_team, away_team, status,
            home_goals, away_goals, quota_home, quota_draw, quota_away, created_at, updated_at)
        SELECT {SQLITE_MATCH}, 'E0',
            {_season_case()},
            datetime('2022-08-01', '+' || (n / 10) || ' hours'), 'H' || (n % 20),
            'A' || (n % 19), 'finished', n % 4, n % 3, 3, 4, 5, {ts}, {ts} FROM s""",
        f"""WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s
                                    WHERE k < {MODELS * MATCHES - 1}),
        g(n, m) AS (SELECT k / {MODELS}, k % {MODELS} FROM s),
        d(n, m, r) AS (SELECT n, m, {_DRAW} FROM g)
        INSERT INTO predictions ({_PREDICTION_COLUMNS})
        {
            _prediction_select(
                "d", match_key=SQLITE_MATCH, model_key=SQLITE_MODEL, true="1", false="0", ts=ts
            )
        }""",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("ANALYZE")


def seed_postgres(db: Database) -> None:
    """Fill a migrated PostgreSQL schema with the benchmark data."""
    ts = "TIMESTAMPTZ '2025-01-01 12:00:00+00'"
    draw = _DRAW.replace("n * 2654435761", "n::bigint * 2654435761")
    sequence = f"""(SELECT n, m, {draw} AS r FROM generate_series(0, {MATCHES - 1}) AS n,
        generate_series(0, {MODELS - 1}) AS m) AS d"""
    statements = [
        f"""INSERT INTO models (id, provider, provider_model, display_name, active)
        SELECT {PG_MODEL}, 'bench', 'bench', 'Model ' || m, true
        FROM generate_series(0, {MODELS - 1}) AS m""",
        f"""INSERT INTO matches (id, competition, season, kickoff_at, home_team, away_team,
            status, home_goals, away_goals, quota_home, quota_draw, quota_away, created_at,
            updated_at)
        SELECT {PG_MATCH}, 'E0',
            {_season_case()},
            TIMESTAMPTZ '2022-08-01 00:00+00' + (n / 10) * INTERVAL '1 hour',
            'H' || (n % 20), 'A' || (n % 19), 'finished', n % 4, n % 3, 3, 4, 5, {ts}, {ts}
        FROM generate_series(0, {MATCHES - 1}) AS n""",
        f"""INSERT INTO predictions ({_PREDICTION_COLUMNS})
        {
            _prediction_select(
                sequence, match_key=PG_MATCH, model_key=PG_MODEL, true="true", false="false", ts=ts
            )
        }""",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement.replace("%", "%%"))  # psycopg: % is a placeholder
    # What autovacuum does soon after a bulk load: statistics, and the visibility map that
    # lets the leaderboard's covering index be read without visiting the table.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _time(db: Database, repeat: int, **options: object) -> tuple[float, float, int]:
    """Best and median wall seconds of ``repeat`` leaderboard runs, and the row count."""
    walls = []
    rows: list[object] = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = list(leaderboard(db, min_matches=30, market_id="model-00", **options))  # type: ignore[arg-type]
        walls.append(time.perf_counter() - started)
    return min(walls), statistics.median(walls), len(rows)


CASES: list[tuple[str, dict[str, object]]] = [
    ("all, no intervals", {"intervals": False}),
    ("all, with intervals", {"intervals": True}),
    ("season 2024-25, no intervals", {"season": "2024-25", "intervals": False}),
    ("season 2024-25, with intervals", {"season": "2024-25", "intervals": True}),
]


def run(
    engine: str, db: Database, seed: Callable[[Database], None] | None, repeat: int
) -> list[list[str]]:
    """Seed ``db`` (unless ``seed`` is None), build its summaries and time every case on it."""
    started = time.perf_counter()
    if seed is not None:
        seed(db)
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    refreshed = refresh_board(db)
    built = time.perf_counter() - started
    with db.session() as session:
        count = session.execute(text("SELECT count(*) FROM predictions")).scalar_one()
    how = "reused" if seed is None else f"seeded in {seeded:.1f} s"
    print(
        f"{engine}: {count:,} predictions {how}, summaries of {refreshed} models built in "
        f"{built:.1f} s",
        file=sys.stderr,
    )
    lines = []
    for label, options in CASES:
        best, median, n_rows = _time(db, repeat, **options)
        lines.append([engine, label, f"{best * 1000:.0f}", f"{median * 1000:.0f}", str(n_rows)])
    return lines


def _postgres(url: str, repeat: int) -> list[list[str]]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    db = Database(url, schema=schema)
    try:
        db.upgrade()
        return run("PostgreSQL", db, seed_postgres, repeat)
    finally:
        db.dispose()
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    """Parse options, run the benchmark, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="Folder for the SQLite file (default: temp).")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL URL (own schema, dropped).")
    parser.add_argument("--no-pg", action="store_true", help="Skip PostgreSQL.")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per case.")
    parser.add_argument(
        "--reuse", action="store_true", help="With --dir: use the file an earlier run seeded."
    )
    args = parser.parse_args()
    lines: list[list[str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench-leaderboard.db"
        reuse = args.reuse and args.dir is not None and path.exists()
        if not reuse:
            path.unlink(missing_ok=True)
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        lines += run("SQLite", db, None if reuse else seed_sqlite, args.repeat)
        db.dispose()
    if not args.no_pg:
        lines += _postgres(args.pg, args.repeat)
    table = Table(title=f"leaderboard over {MODELS * MATCHES:,} scored predictions")
    for column in ("engine", "case", "best ms", "median ms", "rows"):
        table.add_column(column)
    for line in lines:
        table.add_row(*line)
    Console().print(table)


if __name__ == "__main__":
    main()
