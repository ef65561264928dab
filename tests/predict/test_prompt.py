"""The prompt shows only what was known before kick-off."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from scoreline.config import load_config
from scoreline.predict.plan import load_plan
from scoreline.store import Database, Match
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

MATCH = "E0-2024-25-0200"


def test_prompt_ignores_later_results_and_the_match_own_result(
    sqlite_db: Database, tmp_path: Path
) -> None:
    csv_path = import_with_fixtures(sqlite_db, tmp_path, set())  # the match's own result is stored
    config = load_config()
    now = before(kickoff_of(csv_path, MATCH))
    plan = load_plan(sqlite_db, config, MATCH, now, True)
    original = plan.prompt
    assert f"match_id: {MATCH}" in original
    assert "position" in original and "recent: " in original

    kickoff = kickoff_of(csv_path, MATCH)
    with sqlite_db.session() as session:  # rewrite every later result, and this match's own
        session.execute(
            update(Match).where(Match.kickoff_at >= kickoff).values(home_goals=9, away_goals=9)
        )
    assert load_plan(sqlite_db, config, MATCH, now, True).prompt == original

    with sqlite_db.session() as session:  # control: an EARLIER result does change the prompt
        team = plan.fixture.home_team
        latest = session.scalar(
            select(Match.id)
            .where(Match.kickoff_at < kickoff)
            .where((Match.home_team == team) | (Match.away_team == team))
            .order_by(Match.kickoff_at.desc())
            .limit(1)
        )
        session.execute(update(Match).where(Match.id == latest).values(home_goals=7, away_goals=0))
    assert load_plan(sqlite_db, config, MATCH, now, True).prompt != original
