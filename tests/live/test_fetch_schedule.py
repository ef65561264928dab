"""The worker's fetch schedule on the stand-in's clock: what is fetched, when, and only once."""

from __future__ import annotations

from datetime import timedelta

from scoreline.queue.fetch import FetchSchedule
from scoreline.standin import StandIn
from scoreline.store import Database, known_matches, lineups_before, missing_before, odds_before
from tests.live.conftest import MakeLive


def test_fixtures_then_team_news_then_odds_each_once(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    schedule = FetchSchedule(sqlite_db, live.config, live=live)
    start = standin.world.now  # 09:00, the first kick-off at 12:30
    first = schedule.tick(start)
    assert set(first.summaries) == {"fixtures", "fixtures-daily", "standings", "team-news"}
    matches = known_matches(sqlite_db)
    soon = [
        m for m in matches if m.kickoff - start <= timedelta(hours=6) and m.status == "scheduled"
    ]
    later = [m for m in matches if m.kickoff - start > timedelta(hours=6)]
    assert soon and later
    moment = start + timedelta(seconds=1)
    assert all(missing_before(sqlite_db, m.id, moment) for m in soon)
    assert not any(missing_before(sqlite_db, m.id, moment) for m in later)
    assert not any(odds_before(sqlite_db, m.id, moment) for m in matches)
    assert set(schedule.tick(start).summaries) == set()  # nothing is due twice
    at = standin.advance(95 * 60)  # 10:35: T-2 h of the 12:30 kick-offs has passed
    report = schedule.tick(at)
    assert "odds" in report.summaries
    first_slot = [m for m in soon if m.kickoff == min(x.kickoff for x in soon)]
    assert all(odds_before(sqlite_db, m.id, at + timedelta(seconds=1)) for m in first_slot)
    at = standin.advance(60 * 60)  # 11:35: T-60 min: line-ups are published
    schedule.tick(at)
    assert all(lineups_before(sqlite_db, m.id, at + timedelta(seconds=1)) for m in first_slot)


def test_a_failing_source_leaves_the_schedule_running(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live(af_key="wrong-key")
    schedule = FetchSchedule(sqlite_db, live.config, live=live)
    report = schedule.tick(standin.world.now)
    fixtures = {s.source: s for s in report.summaries["fixtures"]}
    assert fixtures["af"].errors and not fixtures["fd"].errors
    assert len(known_matches(sqlite_db)) >= 10  # this matchday, and 14 days ahead


def test_live_polling_asks_only_the_best_source_and_scores_at_once(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    enqueued: list[str] = []
    schedule = FetchSchedule(sqlite_db, live.config, live=live, enqueue_score=enqueued.append)
    schedule.tick(standin.world.now)
    at = standin.advance(3.5 * 3600 + 5 * 60)  # five minutes into the first kick-offs
    report = schedule.tick(at)
    assert [s.source for s in report.summaries["live"]] == ["fd"]  # af's daily quota is spared
    assert {m.status for m in known_matches(sqlite_db) if m.kickoff <= at} == {"live"}
    at = standin.advance(110 * 60)  # the first results are out
    report = schedule.tick(at)
    finished = [m.id for m in known_matches(sqlite_db, status="finished")]
    assert finished and sorted(enqueued) == sorted(finished) == sorted(report.scored)
