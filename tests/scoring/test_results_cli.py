"""``scoreline score``, ``leaderboard`` and ``backtest`` through the real Typer app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoreline.cli import app
from scoreline.store import Database
from tests.scoring import season
from tests.scoring.season import mid

runner = CliRunner()


@pytest.fixture
def store(sqlite_db: Database, tmp_path: Path) -> Path:
    """A config file naming a database holding the unscored mini-season."""
    season.seed(sqlite_db, tmp_path)
    config = tmp_path / "scoreline.toml"
    config.write_text(
        f'database_url = "{sqlite_db.url.render_as_string()}"\n'
        "[scoring]\ndraw_goal_difference = false\n"  # the vectors below: Kicktipp's rule
    )
    return config


def invoke(config: Path, *args: str) -> str:
    result = runner.invoke(app, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_score_then_nothing_left(store: Path) -> None:
    summaries = json.loads(invoke(store, "score", "--json"))
    assert [s["match_id"] for s in summaries] == [mid(n) for n in range(1, 7)]
    assert {s["scored"] for s in summaries} == {4}
    assert summaries[0]["quotas"] == {"H": 2, "D": 4, "A": 6}
    assert "nothing to score" in invoke(store, "score")


def test_score_one_match_shows_its_quotas(store: Path) -> None:
    output = invoke(store, "score", "--match", mid(1))
    assert mid(1) in output
    assert "H 2 / D 4 / A 6" in output
    assert mid(2) not in output


def test_leaderboard_json_table_and_filters(store: Path) -> None:
    invoke(store, "score")
    rows = json.loads(invoke(store, "leaderboard", "--min-matches", "0", "--json"))
    assert [(r["rank"], r["model_id"], r["total_points"]) for r in rows] == [
        (1, "bravo", 19),
        (1, "charlie", 19),
        (3, "delta", 12),
        (4, "alpha", 8),
    ]
    assert rows[0]["ci_low"] <= rows[0]["avg_points"] <= rows[0]["ci_high"]
    table = invoke(store, "leaderboard", "--min-matches", "0", "--sort", "exact")
    assert table.index("Delta") < table.index("Alpha")
    assert "3.17 (" in table  # bravo's 19/6 with its interval
    first_day = json.loads(
        invoke(
            store,
            "leaderboard",
            "--min-matches",
            "0",
            "--until",
            "2025-01-01",
            "--no-intervals",
            "--json",
        )
    )
    assert {r["model_id"]: r["total_points"] for r in first_day} == {
        "alpha": 6,
        "bravo": 3,
        "charlie": 2,
        "delta": 0,
    }
    assert first_day[0]["ci_low"] is None
    assert "no scored predictions" in invoke(store, "leaderboard", "--season", "1999-00")


def test_leaderboard_refuses_an_unknown_sort(store: Path) -> None:
    result = runner.invoke(app, ["--config", str(store), "leaderboard", "--sort", "luck"])
    assert result.exit_code == 2
    assert "avg, total, exact, accuracy" in result.output


def test_unknown_match_is_one_red_line(store: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scoreline.cli", "--config", str(store), "score", "--match", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "UnknownMatchError" in result.stderr
    assert "Traceback" not in result.stderr


def test_backtest_command_replays_and_ranks(tmp_path: Path) -> None:
    config = tmp_path / "scoreline.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "unused.db"}"\n')
    work = tmp_path / "work"
    args = ["backtest", "--season", "2024-25", "--limit", "4", "--dir", str(work)]
    data = json.loads(invoke(config, *args, "--models", "ref-home-2-1", "--json"))
    assert (data["matches"], data["replayed"], data["predictions"]) == (4, 4, 4)
    assert [r["model_id"] for r in data["leaderboard"]] == ["ref-home-2-1"]
    assert (work / "backtest-E0-2024-25.db").is_file()
    assert not (tmp_path / "unused.db").exists()
    again = invoke(config, *args, "--models", "ref-home-2-1")
    assert "0 replayed now, 4 already done" in again
    assert "Always 2-1" in again
