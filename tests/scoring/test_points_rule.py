"""``[scoring] draw_goal_difference``: both draw rules against the same vectors, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoreline.cli import app
from scoreline.scoring.points import rule_flag, rule_name, score_prediction
from scoreline.scoring.quotas import Quotas
from scoreline.scoring.ranking import leaderboard
from scoreline.scoring.settle import score_all, score_match
from scoreline.store import Database
from tests.scoring import season
from tests.scoring.season import SCORED_AT, mid

QUOTAS = Quotas(home=3, draw=5, away=6)

# predicted, actual, Kicktipp (tendency, goal diff, exact), draw goal difference (same)
VECTORS = [
    ((2, 1), (2, 1), (3, 1, 3), (3, 1, 3)),
    ((3, 2), (2, 1), (3, 1, 0), (3, 1, 0)),
    ((3, 1), (2, 1), (3, 0, 0), (3, 0, 0)),
    ((1, 1), (1, 1), (5, 1, 3), (5, 1, 3)),
    ((0, 0), (1, 1), (5, 0, 0), (5, 1, 0)),
    ((2, 2), (0, 0), (5, 0, 0), (5, 1, 0)),
    ((3, 3), (1, 1), (5, 0, 0), (5, 1, 0)),
    ((0, 2), (1, 3), (6, 1, 0), (6, 1, 0)),
    ((2, 1), (1, 1), (0, 0, 0), (0, 0, 0)),
    ((1, 1), (2, 0), (0, 0, 0), (0, 0, 0)),
]


@pytest.mark.parametrize(("pred", "actual", "kicktipp", "draw_diff"), VECTORS)
def test_both_rules_on_the_same_vectors(
    pred: tuple[int, int],
    actual: tuple[int, int],
    kicktipp: tuple[int, int, int],
    draw_diff: tuple[int, int, int],
) -> None:
    for flag, expected in ((False, kicktipp), (True, draw_diff)):
        found = score_prediction(*pred, *actual, QUOTAS, draw_goal_difference=flag)
        assert (found.tendency, found.goal_diff, found.exact) == expected
    assert score_prediction(*pred, *actual, QUOTAS) == score_prediction(
        *pred, *actual, QUOTAS, draw_goal_difference=False
    )


def test_rule_names_round_trip() -> None:
    assert rule_name(False) == "kicktipp" and rule_name(True) == "draw-goal-difference"
    assert rule_flag(rule_name(True)) is True and rule_flag(rule_name(False)) is False
    with pytest.raises(ValueError, match="unknown scoring rule"):
        rule_flag("fifa")


def test_score_job_under_each_rule(sqlite_db: Database, tmp_path: Path) -> None:
    season.seed(sqlite_db, tmp_path)
    score_all(sqlite_db, now=SCORED_AT, draw_goal_difference=True)
    totals = {r.model_id: r.total_points for r in leaderboard(sqlite_db)}
    # charlie's 0-0 and 2-2 for 1-1, bravo's 0-0 for 1-1 gain the goal-difference point
    assert totals == {"alpha": 8, "bravo": 20, "charlie": 21, "delta": 12}
    summary = score_match(sqlite_db, mid(2), now=SCORED_AT, draw_goal_difference=False)
    assert summary.rescored == 1  # charlie's 0-0 back to the quota only
    score_match(sqlite_db, mid(5), now=SCORED_AT, draw_goal_difference=False)
    totals = {r.model_id: r.total_points for r in leaderboard(sqlite_db)}
    assert totals == {"alpha": 8, "bravo": 19, "charlie": 19, "delta": 12}


@pytest.mark.parametrize(
    ("setting", "rule", "charlie"),
    [("false", "kicktipp", 19), ("true", "draw-goal-difference", 21)],
)
def test_cli_follows_the_configuration(
    sqlite_db: Database, tmp_path: Path, setting: str, rule: str, charlie: int
) -> None:
    season.seed(sqlite_db, tmp_path)
    config = tmp_path / "scoreline.toml"
    config.write_text(
        f'database_url = "{sqlite_db.url.render_as_string()}"\n'
        f"[scoring]\ndraw_goal_difference = {setting}\n"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["--config", str(config), "score"]).exit_code == 0
    result = runner.invoke(
        app, ["--config", str(config), "leaderboard", "--json", "--min-matches", "0"]
    )
    rows = {r["model_id"]: r for r in json.loads(result.stdout)}
    assert rows["charlie"]["total_points"] == charlie
    assert {r["scoring_rule"] for r in rows.values()} == {rule}
