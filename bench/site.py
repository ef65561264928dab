"""Time every page type of the public site against a million predictions (SQLite).

Usage::

    .venv/bin/python bench/site.py [--dir DIR] [--repeat N] [--json]

Seeds a migrated SQLite file with ``bench/leaderboard.py``'s generator (50 models x 20,000
finished matches = 1,000,000 scored predictions, one competition, four seasons), adds 200
scheduled matches that every model has predicted (10,000 pending predictions, so the match
browser has upcoming matches with a consensus), then requests each page through the real
application in-process (``TestClient``: routing, the report, the store, Jinja and the ETag
middleware; no socket) ``--repeat`` times after two warm-up requests, and prints p50 and
p95 per page type, HTML and JSON, of the wall time and of the process's CPU time. The
issue's target is p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from leaderboard import (
    _DRAW,
    _PREDICTION_COLUMNS,
    MATCHES,
    MODELS,
    SQLITE_MATCH,
    SQLITE_MODEL,
    _prediction_select,
    _season_case,
)
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from scoreline.config import Config
from scoreline.store import Database
from scoreline.web import create_app

UPCOMING = 200
TS = "'2025-01-01 12:00:00.000000'"
_UPCOMING_SQL = [
    f"""WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {UPCOMING - 1})
    INSERT INTO matches (id, competition, season, kickoff_at, home_team, away_team, status,
        created_at, updated_at)
    SELECT 'u-' || substr('0000' || n, -4, 4), 'E0', '2025-26',
        datetime('2030-01-01', '+' || n || ' hours'), 'H' || (n % 20), 'A' || (n % 19),
        'scheduled', '2025-01-01 12:00:00.000000', '2025-01-01 12:00:00.000000' FROM s""",
    f"""WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s
                                WHERE k < {UPCOMING * MODELS - 1}),
    g(n, m) AS (SELECT k / {MODELS}, k % {MODELS} FROM s)
    INSERT INTO predictions (match_id, model_id, predicted_home, predicted_away,
        predicted_result, status, used_fallback, after_kickoff, created_at, requested_at)
    SELECT 'u-' || substr('0000' || n, -4, 4), {SQLITE_MODEL}, (n + m) % 3, (n * m) % 3,
        CASE WHEN (n + m) % 3 > (n * m) % 3 THEN 'H' WHEN (n + m) % 3 = (n * m) % 3
             THEN 'D' ELSE 'A' END,
        'pending', 0, 0, {TS}, {TS} FROM g""",
    "ANALYZE",
]

PAGES = [
    ("leaderboard", "/"),
    ("model", "/models/model-{i:02d}"),
    ("matches (upcoming)", "/matches?view=upcoming&page={p}"),
    ("matches (finished)", "/matches?view=finished&page={p}"),
    ("match", "/matches/b-{n:05d}"),
    ("competition", "/competitions/E0"),
    ("compare", "/compare?models=model-{i:02d},model-{j:02d}"),
    ("about", "/about"),
]
"""Page types; ``{i}``/``{j}`` vary the model, ``{p}`` the page, ``{n}`` the match."""


def _finished() -> list[str]:
    """``bench/leaderboard.py``'s models, matches and scored predictions, ``requested_at``
    added (its own seeding predates that NOT NULL column)."""
    select = _prediction_select(
        "d", match_key=SQLITE_MATCH, model_key=SQLITE_MODEL, true="1", false="0", ts=TS
    )
    return [
        f"""WITH RECURSIVE s(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM s WHERE m < {MODELS - 1})
        INSERT INTO models (id, provider, provider_model, display_name, active)
        SELECT {SQLITE_MODEL}, 'bench', 'bench', 'Model ' || m, 1 FROM s""",
        f"""WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {MATCHES - 1})
        INSERT INTO matches (id, competition, season, kickoff_at, home_team, away_team, status,
            home_goals, away_goals, quota_home, quota_draw, quota_away, created_at, updated_at)
        SELECT {SQLITE_MATCH}, 'E0', {_season_case()},
            datetime('2022-08-01', '+' || (n / 10) || ' hours'), 'H' || (n % 20),
            'A' || (n % 19), 'finished', n % 4, n % 3, 3, 4, 5, {TS}, {TS} FROM s""",
        f"""WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s
                                    WHERE k < {MODELS * MATCHES - 1}),
        g(n, m) AS (SELECT k / {MODELS}, k % {MODELS} FROM s),
        d(n, m, r) AS (SELECT n, m, {_DRAW} FROM g)
        INSERT INTO predictions ({_PREDICTION_COLUMNS}, requested_at)
        SELECT p.*, {TS} FROM ({select}) AS p""",
    ]


def seed(db: Database) -> int:
    """A million scored predictions plus the upcoming matches; the prediction count."""
    with db.engine.begin() as conn:
        for statement in [*_finished(), *_UPCOMING_SQL]:
            conn.exec_driver_sql(statement)
    with db.session() as session:
        return int(session.execute(text("SELECT count(*) FROM predictions")).scalar_one())


def _path(template: str, k: int) -> str:
    i = k % MODELS
    return template.format(i=i, j=(i + 7) % MODELS, p=1 + k % 5, n=(k * 997) % 20_000)


def time_page(client: TestClient, template: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of ``repeat`` requests (after two warm-ups), each a 200.

    The CPU time is the whole process's (the app runs in it, on its own threads): on a
    shared machine it shows the work a page costs apart from the wait for a core.
    """
    for k in range(2):
        client.get(_path(template, k))
    walls, cpus = [], []
    for k in range(repeat):
        path = _path(template, k)
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return walls, cpus


def _p95(walls: list[float]) -> float:
    return statistics.quantiles(walls, n=20, method="inclusive")[18]


def measure(client: TestClient, repeat: int) -> list[dict[str, object]]:
    """p50 and p95 of every page type, as HTML and as its JSON where it has one."""
    results = []
    for name, template in PAGES:
        variants = [("html", template)]
        if not template.startswith(("/about", "/matches/")):
            variants.append(("json", "/api/leaderboard" if template == "/" else "/api" + template))
        for kind, path in variants:
            walls, cpus = time_page(client, path, repeat)
            results.append(
                {
                    "page": name,
                    "kind": kind,
                    "p50_ms": round(statistics.median(walls), 1),
                    "p95_ms": round(_p95(walls), 1),
                    "max_ms": round(max(walls), 1),
                    "cpu_p50_ms": round(statistics.median(cpus), 1),
                    "cpu_p95_ms": round(_p95(cpus), 1),
                }
            )
            print(f"{name} {kind}: done", file=sys.stderr)
    return results


def main() -> None:
    """Parse options, seed, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="Folder for the SQLite file (default: temp).")
    parser.add_argument("--repeat", type=int, default=40, help="Requests per page type.")
    parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench-site.db"
        path.unlink(missing_ok=True)
        db = Database(f"sqlite:///{path}")
        db.upgrade()
        started = time.perf_counter()
        count = seed(db)
        print(f"seeded {count:,} predictions in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)  # fmt: skip
        config = Config(database_url=f"sqlite:///{path}", reference_models=False)
        with TestClient(create_app(config, db=db)) as client:
            results = measure(client, args.repeat)
        db.dispose()
    if args.json:
        print(json.dumps({"predictions": count, "results": results}, indent=2))
        return
    table = Table(title=f"public site over {count:,} predictions (SQLite, {args.repeat} requests)")
    for column in ("page", "kind", "p50 ms", "p95 ms", "max ms", "CPU p50 ms", "CPU p95 ms"):
        table.add_column(column)
    keys = ("page", "kind", "p50_ms", "p95_ms", "max_ms", "cpu_p50_ms", "cpu_p95_ms")
    for row in results:
        table.add_row(*(str(row[k]) for k in keys))
    Console().print(table)


if __name__ == "__main__":
    main()
