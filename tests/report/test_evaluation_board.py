"""The leaderboard's proper-scoring-rule columns on a season of forecasts (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from scoreline.cli import app
from scoreline.scoring.probabilities import brier_by_match, log_loss_by_match, rps_by_match
from scoreline.scoring.ranking import LeaderboardRow, leaderboard
from scoreline.scoring.uncertainty import mean_interval, skill_vs_reference
from scoreline.store import Database
from tests.report import forecasts
from tests.report.forecasts import N_MATCHES, forecast, outcome

COMMON = range(30)  # patchy gives probabilities on the first 30 matches only


@pytest.fixture
def seeded(db: Database, tmp_path: Path) -> Database:
    forecasts.seed(db, tmp_path)
    return db


def _rows(db: Database, **options: object) -> dict[str, LeaderboardRow]:
    return {r.model_id: r for r in leaderboard(db, **options)}  # type: ignore[arg-type]


def _probs(model_id: str, matches: range) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([forecast(model_id, n) for n in matches]),
        np.array([outcome(n) for n in matches]),
    )


def test_figures_are_on_the_common_matches(seeded: Database) -> None:
    rows = _rows(seeded, min_matches=30)
    for model_id in ("flat", "patchy", "ref-market", "sharp"):
        probs, outcomes = _probs(model_id, COMMON)
        row = rows[model_id]
        assert row.n_common == 30
        assert row.rps == pytest.approx(rps_by_match(probs, outcomes).mean(), abs=1e-12)
        assert row.brier == pytest.approx(brier_by_match(probs, outcomes).mean(), abs=1e-12)
        assert row.log_loss == pytest.approx(log_loss_by_match(probs, outcomes).mean(), abs=1e-12)
        interval = mean_interval(rps_by_match(probs, outcomes))
        assert row.rps_ci == pytest.approx((interval.low, interval.high), abs=1e-12)
        hits = np.argmax(probs, axis=1) == outcomes
        assert row.outcome_accuracy_pct == pytest.approx(100 * hits.mean())
    assert rows["flat"].n_probabilistic == N_MATCHES
    assert rows["patchy"].n_probabilistic == 30


def test_skill_against_the_market(seeded: Database) -> None:
    rows = _rows(seeded, min_matches=30)
    market = rps_by_match(*_probs("ref-market", COMMON))
    flat = rps_by_match(*_probs("flat", COMMON))
    expected = skill_vs_reference(flat, market)
    assert rows["flat"].skill_vs_market == pytest.approx(expected.skill.estimate, abs=1e-12)
    assert rows["flat"].skill_ci == pytest.approx((expected.skill.low, expected.skill.high))
    assert rows["flat"].beats_market == pytest.approx(expected.share_better)
    assert rows["sharp"].skill_vs_market == pytest.approx(1 - 0.9**2)  # RPS scales by 0.81
    assert rows["ref-market"].skill_vs_market == 0.0


def test_provisional_models_are_listed_unranked(seeded: Database) -> None:
    ordered = leaderboard(seeded, min_matches=30, sort="rps")
    assert [(r.rank, r.model_id) for r in ordered] == [
        (1, "sharp"),
        (2, "patchy"),
        (2, "ref-market"),
        (4, "flat"),
        (None, "late"),
    ]
    late = ordered[-1]
    assert late.provisional and late.rank_ci is None and late.n_common is None
    probs, outcomes = _probs("late", range(12))
    assert late.rps == pytest.approx(rps_by_match(probs, outcomes).mean())
    sharp = ordered[0]
    assert sharp.rank_ci == (1, 1) and sharp.p_first == 1.0
    everyone = _rows(seeded, min_matches=0)
    assert not everyone["late"].provisional and everyone["late"].rank is not None
    assert everyone["flat"].n_common == 12  # late's 12 matches are now common to all


def test_sorts_and_points_rank_intervals(seeded: Database) -> None:
    by_brier = [r.model_id for r in leaderboard(seeded, min_matches=30, sort="brier")]
    assert by_brier[0] == "sharp" and by_brier[-2:] == ["flat", "late"]
    by_points = leaderboard(seeded, min_matches=30)
    for row in by_points[:-1]:
        assert row.rank_ci is not None and row.rank_ci[0] <= row.rank <= row.rank_ci[1]
    no_intervals = leaderboard(seeded, min_matches=30, intervals=False)
    assert all(r.rank_ci is None and r.rps_ci is None for r in no_intervals)
    assert no_intervals[0].rps == by_points[0].rps


def test_betting_at_stored_odds(seeded: Database) -> None:
    sharp = _rows(seeded, min_matches=30, betting=True)["sharp"]
    assert sharp.betting is not None
    flat = sharp.betting["flat"]
    assert flat["bets"] > 0 and flat["roi"] > 0  # it knew the results a little
    low, high = flat["roi_ci"]
    assert low <= flat["roi"] <= high
    assert _rows(seeded)["sharp"].betting is None


@pytest.mark.skipif(find_spec("penaltyblog") is None, reason="needs scoreline[reference]")
def test_matches_penaltyblog_metrics(seeded: Database) -> None:
    from penaltyblog.metrics import multiclass_brier_score, rps_average

    rows = _rows(seeded, min_matches=30)
    for model_id in ("flat", "ref-market", "sharp"):
        probs, outcomes = _probs(model_id, COMMON)
        assert rows[model_id].rps == pytest.approx(rps_average(probs, outcomes), abs=1e-9)
        assert rows[model_id].brier == pytest.approx(
            multiclass_brier_score(probs, outcomes), abs=1e-9
        )


def test_cli_json_table_and_sort(sqlite_db: Database, tmp_path: Path) -> None:
    forecasts.seed(sqlite_db, tmp_path)
    config = tmp_path / "scoreline.toml"
    config.write_text(f'database_url = "{sqlite_db.url.render_as_string()}"\n')
    runner = CliRunner()
    result = runner.invoke(app, ["--config", str(config), "leaderboard", "--json", "--sort", "rps"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["model_id"] == "sharp"
    for key in ("rps", "rps_ci", "brier", "log_loss", "skill_vs_market", "skill_ci", "rank_ci"):
        assert rows[0][key] is not None, key
    assert rows[0]["scoring_rule"] == "draw-goal-difference"  # the configuration's default
    assert rows[-1]["provisional"] is True and rows[-1]["rank"] is None
    table = runner.invoke(app, ["--config", str(config), "leaderboard", "--betting"])
    assert table.exit_code == 0, table.output
    assert "RPS" in table.stdout and "Kelly" in table.stdout
    assert "prov." in table.stdout
