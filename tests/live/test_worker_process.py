"""A real ``scoreline worker`` process on an empty database with only a ``[sources.fd]``.

The stand-in serves the bundled season moved so that matchday 15 kicks off 20 minutes
from now (inside the predict window), on the real clock. The worker creates the schema,
fetches the fixtures, predicts them with the reference forecasters; then the stand-in's
clock jumps three hours and the worker's next fixtures pass brings the results, which it
scores. No other command runs. The waits below are deadlines, not timed assertions.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scoreline.standin import DEFAULT_START, Gate, StandIn
from scoreline.store import Database, DatabaseError, known_matches, predictions_of

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
FIRST_KICKOFF = DEFAULT_START + timedelta(hours=3, minutes=30)


def shifted_season(path: Path, first_kickoff: datetime) -> Path:
    """The bundled E0 file with every kick-off moved by the same amount."""
    source = Path(__file__).resolve().parents[2] / "src/scoreline/data/matches/E0.csv"
    delta = first_kickoff - FIRST_KICKOFF
    with source.open(newline="") as src, path.open("w", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            kickoff = datetime.fromisoformat(row["kickoff_utc"].replace("Z", "+00:00")) + delta
            writer.writerow({**row, "kickoff_utc": kickoff.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return path


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    """Poll ``check`` until it holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except DatabaseError:  # the worker has not created the schema yet
            pass
        time.sleep(0.5)
    return False


def test_a_worker_alone_predicts_and_scores_a_matchday(tmp_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    season = shifted_season(tmp_path / "E0.csv", now + timedelta(minutes=20))
    with StandIn(now=now, matches_file=season, gate=Gate()).in_thread() as standin:
        url = f"sqlite:///{tmp_path / 'live.db'}"
        config = tmp_path / "scoreline.toml"
        config.write_text(
            f'database_url = "{url}"\nqueue_url = "sqlite:///{tmp_path / "queue.db"}"\n'
            "[schedule]\nreconcile_every_s = 1\nfixtures_every_s = 60\nlive_poll_every_s = 5\n"
            f'[sources.fd]\nkind = "football-data.org"\nbase_url = "{standin.football_data_org_url}"\n'
            'api_key_env = "FD_TOKEN"\ncompetitions = ["PL"]\n'
        )
        env = {**os.environ, "FD_TOKEN": standin.fd_token, "SCORELINE_CONFIG": str(config)}
        worker = subprocess.Popen(
            [sys.executable, "-m", "scoreline", "worker", "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        db = Database(url)
        try:

            def first_slot() -> list:
                soon = now + timedelta(minutes=20)
                return [m for m in known_matches(db) if m.kickoff == soon]

            def predicted() -> bool:
                slot = [m for m in first_slot() if m.status == "scheduled"]
                return bool(slot) and all(m.predictions >= 3 for m in slot)

            assert wait_for(predicted, 90), "the worker did not predict the first kick-offs"
            standin.advance(3 * 3600)  # the first kick-offs are over at the source
            started = time.monotonic()

            def scored() -> bool:
                slot = [m for m in first_slot() if m.predictions]
                tips = predictions_of(db, [m.id for m in slot])
                return all(m.status == "finished" for m in slot) and all(
                    t.points is not None for t in tips
                )

            assert wait_for(scored, 120), "the worker did not score the results"
            lag = time.monotonic() - started
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                _, stderr = worker.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                _, stderr = worker.communicate()
            db.dispose()
        assert "Traceback" not in stderr, stderr[-3000:]
        for match in first_slot():
            played = next(
                m
                for m in standin.world.matches
                if m.kickoff_at == match.kickoff and m.home.name == match.home
            )
            assert (match.home_goals, match.away_goals) == (played.home_goals, played.away_goals)
        print(f"\nresults at the stand-in -> scored by the worker in {lag:.1f}s real")
