"""Coverage over a real store (SQLite and PostgreSQL): who was expected at kick-off, who
was covered, and each miss's cause."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scoreline.report import coverage_rows, coverage_summary
from scoreline.store import Database, match_coverage
from tests.alerts.world import EXPECTED_K1, KICKOFF, MODEL_IDS, NOW, seed_world, write_config


def test_each_miss_has_its_cause(db: Database) -> None:
    seed_world(db)
    found = {m.match_id: m for m in match_coverage(db, since=None, until=NOW, model_ids=MODEL_IDS)}
    assert set(found) == {"k0", "k1"}  # k2 postponed, k3 not kicked off
    k1 = found["k1"]
    assert (k1.expected, k1.covered) == (len(EXPECTED_K1), 2)
    assert dict(k1.missed) == {
        "down": "provider_down",
        "broke": "disabled",
        "poor": "budget",
        "late": "late",
        "never": "late",
    }
    assert k1.misses == {"provider_down": 1, "disabled": 1, "budget": 1, "late": 2}
    assert k1.ratio == 2 / 7
    assert (found["k0"].expected, found["k0"].covered) == (3, 3)


def test_a_pinned_model_or_one_added_later_is_not_expected(db: Database) -> None:
    seed_world(db)
    [k1] = match_coverage(db, since=KICKOFF, until=NOW, model_ids=[*MODEL_IDS, "newbie"])
    models = {model for model, _ in k1.missed}
    assert "pin" not in models and "newbie" not in models and "fb-tg" not in models
    assert k1.expected == 7


def test_the_window_bounds_the_kickoffs(db: Database) -> None:
    seed_world(db)
    assert match_coverage(db, since=NOW - timedelta(minutes=30), until=NOW) == []
    assert [m.match_id for m in match_coverage(db, since=None, until=KICKOFF)] == ["k0", "k1"]
    assert [
        m.match_id for m in match_coverage(db, since=None, until=KICKOFF - timedelta(seconds=1))
    ] == ["k0"]


def test_rows_under_the_line_and_the_summary(sqlite_db: Database, tmp_path: Path) -> None:
    seed_world(sqlite_db)
    config = write_config(tmp_path, "sqlite:///unused.db")
    rows = coverage_rows(sqlite_db, config, since=NOW - timedelta(days=7), now=NOW, below=0.95)
    assert [r["match_id"] for r in rows] == ["k1"]
    assert rows[0]["missed"][0] == {"model_id": "broke", "cause": "disabled"}
    every = coverage_rows(sqlite_db, config, since=None, now=NOW)
    assert [r["match_id"] for r in every] == ["k0", "k1"]

    summary = coverage_summary(sqlite_db, config, now=NOW)
    assert summary["last_match"]["match_id"] == "k1"
    assert summary["last_matchday"]["date"] == KICKOFF.date().isoformat()
    assert summary["last_matchday"]["ratio"] == 2 / 7
    week = summary["week"]
    assert (week["matches"], week["expected"], week["covered"]) == (2, 10, 5)
    assert week["ratio"] == 0.5
    assert week["misses"] == {"provider_down": 1, "budget": 1, "disabled": 1, "late": 2}
