"""The site's store queries on the hand-built data set, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from scoreline.store import (
    Database,
    HeadToHead,
    Match,
    MatchFilters,
    NewPrediction,
    Prediction,
    browse_matches,
    competition_table,
    head_to_head,
    insert_predictions,
    latest_predictions,
    list_competitions,
    model_breakdown,
    model_competitions,
    model_days,
    model_usage,
    predictions_of,
)
from tests.report.seed import NOW, seed_all


@pytest.fixture
def seeded_db(db: Database) -> Database:
    seed_all(db)
    return db


def test_model_days_group_scored_points_by_utc_kickoff_day(seeded_db: Database) -> None:
    days = model_days(seeded_db, "alpha")
    assert [(d.day, d.scored, d.points) for d in days] == [
        (date(2025, 1, 7), 1, 7),
        (date(2025, 1, 8), 1, 8),
        (date(2025, 1, 9), 1, 4),
    ]
    assert model_days(seeded_db, "gamma") == []


def test_model_competitions_count_hits(seeded_db: Database) -> None:
    [record] = model_competitions(seeded_db, "alpha")
    assert (record.competition, record.season, record.scored, record.points) == (
        "E0",
        "2024-25",
        3,
        19,
    )
    assert (record.tendency_hits, record.exact_hits) == (3, 2)
    assert record.competition_name == "English Premier League"


def test_model_usage_prices_every_call_at_the_called_models_prices(seeded_db: Database) -> None:
    usage = model_usage(seeded_db, "alpha")
    assert (usage.predictions, usage.fallbacks, usage.calls, usage.priced_calls) == (4, 3, 7, 5)
    # alpha-tg at 3/8 per 1M: (99999, 9999), (1000, 100), (2000, 200), (1000, 100); alpha at
    # 1/2 per 1M: (900, 50).
    assert usage.cost_usd == pytest.approx(0.396189)


def test_latest_predictions_newest_kickoff_first(seeded_db: Database) -> None:
    rows = latest_predictions(seeded_db, "alpha", limit=2)
    assert [(r.match_id, r.status, r.points) for r in rows] == [
        ("m4", "pending", None),
        ("m3", "scored", 4),
    ]
    assert rows[0].kickoff_at == NOW + timedelta(days=1)


def test_head_to_head_points_on_common_scored_matches(seeded_db: Database) -> None:
    record = head_to_head(seeded_db, "alpha", "solo")
    assert list(zip(record.a, record.b, strict=True)) == [(7, 3), (8, 0), (4, 8)]  # m1, m2, m3
    assert [r.match_id for r in record.differing] == ["m3", "m2", "m1"]
    assert head_to_head(seeded_db, "alpha", "gamma") == HeadToHead((), (), ())


def test_head_to_head_details_the_latest_differing_matches(seeded_db: Database) -> None:
    record = head_to_head(seeded_db, "alpha", "beta", shown=1)
    assert (record.a, record.b) == ((7, 8), (4, 5))
    [m2] = record.differing
    assert (m2.match_id, m2.a_points, m2.b_points) == ("m2", 8, 5)
    assert (m2.a_home, m2.a_away, m2.b_home, m2.b_away) == (1, 1, 2, 2)
    assert (m2.home_goals, m2.away_goals, m2.home_team) == (1, 1, "Leeds")


def test_browse_matches_pages_and_filters(seeded_db: Database) -> None:
    finished = browse_matches(seeded_db, MatchFilters(upcoming=False), limit=2, offset=0)
    assert finished.total == 3
    assert [m.id for m in finished.matches] == ["m3", "m2"]
    second = browse_matches(seeded_db, MatchFilters(upcoming=False), limit=2, offset=2)
    assert [m.id for m in second.matches] == ["m1"]
    upcoming = browse_matches(seeded_db, MatchFilters(upcoming=True))
    assert [m.id for m in upcoming.matches] == ["m4"]
    window = MatchFilters(upcoming=False, since=NOW - timedelta(days=2, hours=1), until=NOW)
    assert [m.id for m in browse_matches(seeded_db, window).matches] == ["m3", "m2"]
    other = MatchFilters(upcoming=False, competition="D1")
    assert browse_matches(seeded_db, other).total == 0


def test_predictions_of_a_page(seeded_db: Database) -> None:
    rows = predictions_of(seeded_db, ["m1", "m4"])
    assert [(r.match_id, r.model_id, r.points) for r in rows] == [
        ("m1", "alpha", 7),
        ("m1", "beta", 4),
        ("m1", "solo", 3),
        ("m1", "delta", 0),
        ("m4", "alpha", None),
    ]
    assert rows[0].display_name == "Alpha" and rows[0].used_fallback


def test_competitions_and_their_results(seeded_db: Database) -> None:
    [info] = list_competitions(seeded_db)
    assert (info.code, info.name, info.seasons, info.matches) == (
        "E0",
        "English Premier League",
        ("2024-25",),
        4,
    )
    table = {r.team: r for r in competition_table(seeded_db, "E0", "2024-25")}
    assert sorted(table) == ["Arsenal", "Brentford", "Chelsea", "Fulham", "Leeds", "Wolves"]
    arsenal = table["Arsenal"]
    assert (arsenal.played, arsenal.won, arsenal.drawn, arsenal.lost) == (1, 1, 0, 0)
    assert (arsenal.goals_for, arsenal.goals_against) == (2, 1)
    assert (table["Leeds"].drawn, table["Fulham"].lost) == (1, 1)
    assert competition_table(seeded_db, "E0", "1999-00") == []


def test_model_breakdown_folds_days_and_seasons_from_one_query(seeded_db: Database) -> None:
    kickoff = NOW - timedelta(days=400)
    with seeded_db.session() as session:
        session.add(
            Match(
                id="old", competition="E0", season="2023-24", kickoff_at=kickoff,
                home_team="Leeds", away_team="Wolves", status="finished",
                home_goals=1, away_goals=0,
            )
        )  # fmt: skip
    insert_predictions(
        seeded_db,
        [
            NewPrediction(
                "old", "alpha", 1, 0, used_fallback=False, answered_by="alpha", created_at=kickoff
            )
        ],
    )
    with seeded_db.session() as session:
        session.execute(
            update(Prediction)
            .where(Prediction.match_id == "old")
            .values(
                status="scored", points=6, points_tendency=2, points_goal_diff=1, points_exact=3
            )
        )
    record = model_breakdown(seeded_db, "alpha")
    assert [(c.season, c.scored, c.points, c.exact_hits) for c in record.competitions] == [
        ("2024-25", 3, 19, 2),
        ("2023-24", 1, 6, 1),
    ]
    assert (record.days[0].day, record.days[0].points) == (kickoff.date(), 6)
    assert len(record.days) == 4
