"""The sync over the real adapters and the stand-in: one match per fixture, whatever reports it."""

from __future__ import annotations

from datetime import timedelta

from scoreline.sources import TeamResolver
from scoreline.standin import StandIn
from scoreline.store import (
    Database,
    ModelRow,
    NewPrediction,
    get_match,
    insert_predictions,
    known_matches,
    predictions_of,
    result_changes,
    source_health,
    sync_models,
)
from tests.live.conftest import MakeLive, source_tables

MATCHDAY = 10  # matchday 15 of 2025-26 at the stand-in: 10 matches, one postponed


def test_two_sources_make_one_match_each_and_a_second_pass_changes_nothing(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    first = {s.source: s for s in live.sync(now=standin.world.now)}
    assert first["fd"].fixtures_created == MATCHDAY
    assert first["af"].fixtures_created == 0  # the same matches, linked, never duplicated
    assert first["fd"].postponed == 1
    assert first["fd"].requests == 1 and first["af"].requests == 1
    rows = known_matches(sqlite_db)
    assert len(rows) == MATCHDAY
    assert all(row.sources == ("af", "fd") for row in rows)
    assert rows[0].id.startswith("E0-2025-26-")
    again = live.sync(now=standin.world.now)
    assert [(s.fixtures_created, s.fixtures_updated) for s in again] == [(0, 0), (0, 0)]


def test_results_arrive_as_the_clock_runs_and_match_the_source(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    live.sync(now=standin.world.now)
    first = known_matches(sqlite_db, status="scheduled")[0]
    played = next(
        m
        for m in standin.world.matches
        if m.kickoff_at == first.kickoff and m.home.name == first.home
    )
    standin.advance(3.5 * 3600 + 30 * 60)  # first kick-off + 30 min
    live.sync(now=standin.world.now)
    assert get_match(sqlite_db, first.id).status == "live"
    standin.advance(2 * 3600)
    summary = {s.source: s for s in live.sync(now=standin.world.now)}
    finished = get_match(sqlite_db, first.id)
    assert finished is not None and finished.status == "finished"
    assert first.id in summary["fd"].result_ids
    assert (finished.home_goals, finished.away_goals) in {
        (played.home_goals, played.away_goals),
        (played.home_goals + 1, played.away_goals),  # the corrected match, before correction
    }


def test_a_corrected_result_is_logged_and_rescored(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    live.sync(now=standin.world.now)
    target = standin.world.corrected
    assert target is not None
    match = next(m for m in known_matches(sqlite_db) if m.home == target.home.name)
    assert match.kickoff == target.kickoff_at
    sync_models(sqlite_db, [ModelRow("m1", "p", "m1", "M1")])
    exact = NewPrediction(match.id, "m1", target.home_goals, target.away_goals, False, "m1")
    insert_predictions(sqlite_db, [exact])
    standin.world.set_now(target.kickoff_at + timedelta(minutes=115))
    live.sync(now=standin.world.now)
    wrong = get_match(sqlite_db, match.id)
    assert wrong is not None and wrong.home_goals == target.home_goals + 1
    standin.world.set_now(target.kickoff_at + timedelta(minutes=150))
    summary = {s.source: s for s in live.sync(now=standin.world.now)}
    fixed = get_match(sqlite_db, match.id)
    assert fixed is not None and (fixed.home_goals, fixed.away_goals) == (
        target.home_goals,
        target.away_goals,
    )
    assert match.id in summary["fd"].result_ids
    log = [c for c in result_changes(sqlite_db, match.id) if c.kind == "change"]
    assert [c.new for c in log][-1] == f"finished {target.home_goals}-{target.away_goals}"
    assert log[-1].old == f"finished {target.home_goals + 1}-{target.away_goals}"
    (tip,) = predictions_of(sqlite_db, [match.id])
    assert tip.points is not None and tip.points > 0  # re-scored at once: the exact tip scores


def test_a_failing_source_never_stops_the_others_and_is_recorded_redacted(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live(af_key="a-wrong-key-0123456789")
    summary = {s.source: s for s in live.sync(now=standin.world.now)}
    assert summary["fd"].fixtures_created == MATCHDAY
    (error,) = summary["af"].errors
    assert "token" in error.lower() or "key" in error.lower()
    health = source_health(sqlite_db)
    assert health["fd"].last_success_at is not None and health["fd"].last_error is None
    assert health["af"].last_success_at is None
    assert health["af"].last_error and "a-wrong-key-0123456789" not in health["af"].last_error


def test_an_unknown_team_is_reported_once_and_never_created(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live(sources=source_tables(standin, fd={}))
    narrow = TeamResolver({"Arsenal": [], "Chelsea": [], "Liverpool": []})
    live.resolver = lambda: narrow
    (summary,) = live.sync(now=standin.world.now)
    assert summary.unknown_teams and len(summary.unknown_teams) == len(set(summary.unknown_teams))
    assert summary.fixtures_created == sum(
        1
        for m in standin.world.matches
        if m.kickoff_at.date() == standin.world.now.date()
        and {m.home.name, m.away.name} <= {"Arsenal", "Chelsea", "Liverpool"}
    )
    assert live.reported >= set(summary.unknown_teams)


def test_the_season_file_backfills_history_for_the_prompt(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    from scoreline.config import load_config
    from scoreline.predict.plan import load_plan
    from scoreline.sources import SourceConfig

    csv = SourceConfig(
        kind="football-data.co.uk",
        base_url=standin.football_data_co_uk_url,
        competitions=("E0",),
        priority=3,
    )
    live = make_live(sources={**source_tables(standin, fd={}), "csv": csv})
    summary = {s.source: s for s in live.sync(now=standin.world.now)}
    played = [
        m
        for m in standin.world.matches
        if m.season == "2025-26" and m.kickoff_at + timedelta(hours=2) < standin.world.now
    ]
    assert summary["csv"].fixtures_created == len(played) == summary["csv"].results
    assert summary["csv"].errors == []
    upcoming = known_matches(sqlite_db, status="scheduled")
    assert upcoming and all(m.sources == ("fd",) for m in upcoming)
    plan = load_plan(sqlite_db, load_config(), upcoming[0].id, standin.world.now, False)
    assert "no earlier results" not in plan.prompt and "position" in plan.prompt
