"""``compare`` and ``calibration`` on the season of forecasts, through their Typer commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner, Result

from scoreline.commands.evaluation import calibration_command, compare_command
from scoreline.report.evaluation import EvaluationError, model_calibration, paired_comparison
from scoreline.scoring.calibration import calibration, murphy_decomposition
from scoreline.scoring.probabilities import rps_by_match
from scoreline.scoring.uncertainty import paired_difference, permutation_test, sign_test
from scoreline.store import Database
from tests.report import forecasts
from tests.report.forecasts import N_MATCHES, forecast, outcome

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    app.command("compare")(compare_command)
    app.command("calibration")(calibration_command)
    return app


@pytest.fixture
def config(sqlite_db: Database, tmp_path: Path) -> Path:
    forecasts.seed(sqlite_db, tmp_path)
    path = tmp_path / "scoreline.toml"
    path.write_text(f'database_url = "{sqlite_db.url.render_as_string()}"\n')
    return path


def invoke(config: Path, *args: str) -> Result:
    return runner.invoke(_app(), [*args, "--config", str(config)])


def test_compare_is_paired_on_common_matches(config: Path) -> None:
    result = invoke(config, "compare", "sharp", "patchy", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    sharp = rps_by_match([forecast("sharp", n) for n in range(30)], [outcome(n) for n in range(30)])
    patchy = rps_by_match(
        [forecast("patchy", n) for n in range(30)], [outcome(n) for n in range(30)]
    )
    expected = paired_difference(sharp, patchy, lower_is_better=True)
    rps = found["rps"]
    assert rps["n"] == 30  # patchy has probabilities on 30 matches only
    assert rps["difference"] == pytest.approx(expected.difference.estimate, abs=1e-12)
    assert rps["ci"] == pytest.approx([expected.difference.low, expected.difference.high])
    assert rps["share_a_better"] == pytest.approx(expected.share_better)
    assert rps["sign_test_p"] == pytest.approx(sign_test(sharp, patchy))
    assert rps["permutation_p"] == pytest.approx(permutation_test(sharp, patchy))
    assert rps["share_a_better"] == 1.0 and rps["permutation_p"] < 0.01
    assert found["points"]["n"] == N_MATCHES  # both scored every match
    table = invoke(config, "compare", "sharp", "patchy")
    assert table.exit_code == 0 and "RPS (lower better)" in table.stdout


def test_compare_refuses_bad_input(config: Path) -> None:
    for args, message in (
        (("sharp", "sharp"), "two different models"),
        (("sharp", "nobody"), "unknown model 'nobody'"),
    ):
        result = invoke(config, "compare", *args)
        assert isinstance(result.exception, EvaluationError)
        assert message in str(result.exception)
        assert result.exception.exit_code == 2


def test_calibration_bins_ece_and_decomposition(config: Path) -> None:
    result = invoke(config, "calibration", "flat", "--bins", "5", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    probs = np.array([forecast("flat", n) for n in range(N_MATCHES)])
    outcomes = np.array([outcome(n) for n in range(N_MATCHES)])
    per_outcome, ece = calibration(probs, outcomes, bins=5)
    assert found["n"] == N_MATCHES and found["ece"] == pytest.approx(ece)
    home = found["outcomes"][0]
    filled = [b for b in home["bins"] if b["count"]]
    assert len(filled) == 1 and filled[0]["count"] == N_MATCHES  # always 0.4
    assert filled[0]["mean_forecast"] == pytest.approx(0.4)
    assert filled[0]["observed"] == pytest.approx(float(np.mean(outcomes == 0)))
    parts = found["brier_decomposition"]
    expected = murphy_decomposition(probs, outcomes, bins=5)
    assert parts["brier"] == pytest.approx(expected.brier)
    assert parts["reliability"] - parts["resolution"] + parts["uncertainty"] + parts[
        "within_bin"
    ] == pytest.approx(parts["brier"])
    assert per_outcome[0].ece == pytest.approx(home["ece"])
    table = invoke(config, "calibration", "flat")
    assert table.exit_code == 0 and "ECE" in table.stdout


def test_calibration_needs_probabilities(sqlite_db: Database, config: Path) -> None:
    with pytest.raises(EvaluationError, match="at least 1"):
        model_calibration(sqlite_db, "flat", bins=0)
    with pytest.raises(EvaluationError, match="unknown model"):
        paired_comparison(sqlite_db, "flat", "ghost")
