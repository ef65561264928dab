"""A matchday from the sources alone: an empty store and only ``[sources.*]`` tables.

The worker's services run on the stand-in's simulated clock, one tick a simulated minute:
the fetch schedule (``queue.fetch``), the reconcile sweep and the queue's jobs. Nothing
imports a CSV and no command runs. The live lag is measured in simulated time (result
available at the source -> scored here); it is bounded by the polling interval.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scoreline.config import load_config
from scoreline.live import LiveSources
from scoreline.queue.fetch import FetchSchedule
from scoreline.queue.reconcile import reconcile
from scoreline.queue.tasks import JobQueue
from scoreline.sources import ManualClock, build_source
from scoreline.standin import StandIn
from scoreline.standin.world import FINISHED_AFTER
from scoreline.store import Database, known_matches, predictions_of, source_health

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
TICK = timedelta(minutes=1)


def test_a_matchday_is_predicted_and_scored_from_the_sources_alone(
    tmp_path: Path, standin: StandIn, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'season.db'}"
    (tmp_path / "scoreline.toml").write_text(
        f'database_url = "{url}"\nqueue_url = "memory://"\n'
        f'[sources.fd]\nkind = "football-data.org"\nbase_url = "{standin.football_data_org_url}"\n'
        'api_key_env = "FD_TOKEN"\ncompetitions = ["PL"]\npriority = 1\n'
        f'[sources.af]\nkind = "api-football"\nbase_url = "{standin.api_football_url}"\n'
        'api_key_env = "AF_KEY"\ncompetitions = ["PL"]\npriority = 2\n'
    )
    config = load_config(tmp_path / "scoreline.toml")
    db = Database(url)
    db.upgrade()
    env = {"FD_TOKEN": standin.fd_token, "AF_KEY": standin.af_key}
    adapters = {n: build_source(n, t, env=env, clock=clock) for n, t in config.sources.items()}
    live = LiveSources(db, config, adapters=adapters)
    jobs = JobQueue(config, db=db)
    scored_at: dict[str, datetime] = {}
    now = standin.world.now
    schedule = FetchSchedule(
        db, config, live=live, enqueue_score=lambda m: jobs.enqueue_score(m, now=now)
    )
    day_end = now.replace(hour=23, minute=59)
    busy_s, scoring_tick_s = 0.0, 0.0
    while now < day_end:
        started = time.perf_counter()
        schedule.enqueue_score = lambda m, at=now: jobs.enqueue_score(m, now=at)
        schedule.tick(now)
        reconcile(
            db,
            config,
            now=now,
            enqueue_predict=lambda m, at=now: jobs.enqueue_predict(m, now=at),
            enqueue_score=lambda m, at=now: jobs.enqueue_score(m, now=at),
        )
        jobs.run_pending()
        took = time.perf_counter() - started
        busy_s += took
        for match in known_matches(db, status="finished"):
            if match.id not in scored_at and all(
                p.points is not None for p in predictions_of(db, [match.id])
            ):
                scored_at[match.id] = now
                scoring_tick_s = max(scoring_tick_s, took)
        now = standin.advance(TICK.total_seconds())
    today = [m for m in known_matches(db) if m.kickoff.date() == standin.world.started_at.date()]
    played = {
        (m.home.name, m.away.name): m
        for m in standin.world.matches
        if m.kickoff_at.date() == today[0].kickoff.date()
    }
    assert today and all(m.sources == ("af", "fd") for m in today)
    for match in today:
        source = played[(match.home, match.away)]
        if match.status == "postponed":
            assert match.predictions == 0
            continue
        assert match.status == "finished"
        assert (match.home_goals, match.away_goals) == (source.home_goals, source.away_goals)
        assert match.predictions >= 3  # the reference forecasters, before kick-off
        tips = predictions_of(db, [match.id])
        assert all(t.points is not None for t in tips)
    lags = [scored_at[m.id] - (m.kickoff + FINISHED_AFTER) for m in today if m.status == "finished"]
    assert max(lags) <= timedelta(minutes=2)
    requests = {name: state.requests_total for name, state in source_health(db).items()}
    print(
        f"\nlive lag: result at the source -> scored here within {max(lags)} simulated "
        f"(poll every {config.schedule.live_poll_every_s}s); the tick that scored took at most "
        f"{scoring_tick_s * 1000:.0f} ms real; all ticks {busy_s:.1f}s real; requests {requests}"
    )
