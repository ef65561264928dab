"""The richer prompt uses only snapshots fetched before its job started (the leakage test)."""

from __future__ import annotations

from datetime import timedelta

from scoreline.predict.prompt import FixtureInfo, build_context, render_prompt, source_lines
from scoreline.queue.fetch import FetchSchedule
from scoreline.standin import StandIn
from scoreline.store import (
    Database,
    MissingRow,
    OddsRow,
    add_snapshots,
    get_match,
    known_matches,
    snapshots_before,
)
from tests.live.conftest import MakeLive


def test_prompt_lines_come_only_from_earlier_snapshots(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    schedule = FetchSchedule(sqlite_db, live.config, live=live)
    start = standin.world.now
    schedule.tick(start)  # 09:00: fixtures, standings, team news (T-6 h)
    schedule.tick(standin.advance(95 * 60))  # 10:35: odds (T-2 h)
    schedule.tick(standin.advance(60 * 60))  # 11:35: line-ups (T-60 min)
    match = next(m for m in known_matches(sqlite_db) if m.status == "scheduled")
    fixture = FixtureInfo(
        match.id, match.competition, None, match.season, match.kickoff, match.home, match.away
    )

    def lines(before_minutes: int, *, odds: bool = False) -> tuple[str, ...]:
        before = start + timedelta(minutes=before_minutes)
        found = snapshots_before(sqlite_db, match.id, match.competition, match.season, before)
        return source_lines(fixture, found, include_odds=odds)

    early = lines(1, odds=True)  # the job started at 09:01
    assert any("missing:" in line for line in early)
    assert any("home games this season" in line for line in early)
    assert not any("line-up" in line or "market" in line for line in early)
    late = lines(160)  # 11:40, after the line-ups came
    assert any("line-up" in line for line in late)
    assert not any("market" in line for line in late)  # odds only when asked for
    assert any("market implied probabilities" in line for line in lines(160, odds=True))

    # Anything fetched after the job started never shows, nor closing odds ever.
    market = lines(160, odds=True)
    after = start + timedelta(minutes=170)
    add_snapshots(
        sqlite_db,
        [
            MissingRow(match.id, "af", match.home, "Late Withdrawal", "Illness", "missing", after),
            OddsRow(match.id, "af", "Closing", 1.01, 30.0, 50.0, "closing", start),
        ],
    )
    assert lines(160, odds=True) == market  # the closing odds moved nothing
    assert not any("Late Withdrawal" in line for line in lines(165))
    assert any("Late Withdrawal" in line for line in lines(171))  # control: it is readable

    context = build_context(fixture, ())
    assert render_prompt(context) == render_prompt(context, ())  # no notes: the old prompt
    text = render_prompt(context, late)
    assert "from the data sources, before this prompt:" in text and late[0] in text


def test_odds_snapshots_feed_the_match_odds(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    live = make_live()
    schedule = FetchSchedule(sqlite_db, live.config, live=live)
    schedule.tick(standin.world.now)
    schedule.tick(standin.advance(95 * 60))
    first = min(known_matches(sqlite_db), key=lambda m: m.kickoff)
    stored = get_match(sqlite_db, first.id)
    assert stored is not None and stored.odds_home is not None and stored.odds_home > 1


def test_the_predict_job_prompt_carries_the_notes_known_at_its_start(
    make_live: MakeLive, standin: StandIn, sqlite_db: Database
) -> None:
    from scoreline.predict.plan import load_plan

    live = make_live()
    schedule = FetchSchedule(sqlite_db, live.config, live=live)
    start = standin.world.now
    schedule.tick(start)  # fixtures, standings, team news
    match = next(m for m in known_matches(sqlite_db) if m.status == "scheduled")
    plan = load_plan(sqlite_db, live.config, match.id, start + timedelta(minutes=1), False)
    assert plan.notes and "from the data sources, before this prompt:" in plan.prompt
    assert all(note in plan.prompt for note in plan.notes)
    earlier = load_plan(sqlite_db, live.config, match.id, start, False)  # fetched at `start`
    assert earlier.notes == () and "from the data sources" not in earlier.prompt
