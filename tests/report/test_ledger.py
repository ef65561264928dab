"""The ledger: ``export`` then ``verify`` round-trips; any edit, before or after, is caught."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner, Result

from scoreline.backtest import run_backtest
from scoreline.commands.evaluation import export_command, verify_command
from scoreline.config import load_config
from scoreline.report.ledger import LedgerError, export_ledger
from scoreline.report.ledger_check import verify_ledger
from scoreline.store import Database
from tests.report import forecasts

runner = CliRunner()
REFERENCE = ["ref-home-2-1", "ref-draw-1-1", "ref-market"]
KICKTIPP = "[scoring]\ndraw_goal_difference = false\n"
"""The rule the backtest scores with; the ledger must declare the same one."""


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)
    app.command("export")(export_command)
    app.command("verify")(verify_command)
    return app


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backtest database of the bundled E0 2024-25, first 60 matches, reference models."""
    work = tmp_path_factory.mktemp("backtest")
    config = work / "scoreline.toml"
    config.write_text(f'database_url = "sqlite:///{work / "unused.db"}"\n{KICKTIPP}')
    result = run_backtest(
        load_config(config),
        competition="E0",
        season="2024-25",
        directory=work,
        models=REFERENCE,
        max_matches=60,
    )
    return Path(result.database.removeprefix("sqlite:///"))


def _config(tmp_path: Path, database: Path) -> Path:
    config = tmp_path / "scoreline.toml"
    config.write_text(f'database_url = "sqlite:///{database}"\n{KICKTIPP}')
    return config


def _copy(replayed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    copy.write_bytes(replayed.read_bytes())
    return copy


def _verify(directory: Path) -> Result:
    return runner.invoke(_app(), ["verify", str(directory), "--json"])


def test_backtest_export_verify_round_trips(replayed: Path, tmp_path: Path) -> None:
    config = _config(tmp_path, replayed)
    ledger = tmp_path / "ledger"
    args = ["export", str(ledger), "--season", "2024-25", "--replay", "--config", str(config)]
    exported = runner.invoke(_app(), args)
    assert exported.exit_code == 0, exported.output
    manifest = json.loads((ledger / "manifest.json").read_text())
    assert manifest["files"]["predictions.csv"]["rows"] == 60 * len(REFERENCE)
    assert manifest["files"]["results.csv"]["rows"] == 60
    assert manifest["scoring_rule"] == "kicktipp"
    assert manifest["clock"] == "replay" and manifest["bootstrap"]["seed"] == 0
    assert {row["model_id"] for row in manifest["leaderboard"]} == set(REFERENCE)
    result = _verify(ledger)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["ok"] and all(check["ok"] for check in found["checks"])
    table = runner.invoke(_app(), ["verify", str(ledger)])
    assert table.exit_code == 0 and "all figures agree" in table.stdout


def test_a_stored_prediction_edited_before_export_is_caught(replayed: Path, tmp_path: Path) -> None:
    database = _copy(replayed, tmp_path)
    db = Database(f"sqlite:///{database}")
    with db.engine.begin() as conn:
        target = conn.execute(
            text(
                "SELECT id, predicted_home FROM predictions WHERE model_id = 'ref-draw-1-1' LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                "UPDATE predictions SET predicted_home = :h, predicted_result = 'H' WHERE id = :id"
            ),
            {"h": target.predicted_home + 2, "id": target.id},
        )
    export_ledger(db, tmp_path / "ledger", replay=True)
    db.dispose()
    result = _verify(tmp_path / "ledger")
    assert result.exit_code == 1
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert not checks["quotas and points"]["ok"]
    assert any(f"prediction {target.id} " in line for line in checks["quotas and points"]["shown"])
    assert checks["chain"]["ok"]  # the export itself is intact: the rules catch the edit


def _edit_csv(path: Path, row_index: int, column: str, value: str) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row_index + 1][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_a_csv_edited_after_export_is_caught(replayed: Path, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{replayed}")
    export_ledger(db, tmp_path / "ledger", replay=True)
    db.dispose()
    _edit_csv(tmp_path / "ledger" / "predictions.csv", 7, "predicted_away", "9")
    result = _verify(tmp_path / "ledger")
    assert result.exit_code == 1
    checks = {c["check"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["files"]["shown"] == ["predictions.csv: SHA-256 differs from the manifest"]
    assert "row 8 " in checks["chain"]["shown"][0]
    plain = runner.invoke(_app(), ["verify", str(tmp_path / "ledger")])
    assert plain.exit_code == 1 and "does NOT verify" in plain.stdout


def test_live_ledger_checks_creation_before_kickoff(sqlite_db: Database, tmp_path: Path) -> None:
    forecasts.seed(sqlite_db, tmp_path)
    export_ledger(sqlite_db, tmp_path / "honest")
    assert verify_ledger(tmp_path / "honest").ok
    late = forecasts.kickoff(3) + timedelta(minutes=5)
    with sqlite_db.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE predictions SET created_at = :at WHERE match_id = :m AND model_id = 'flat'"
            ),
            {"at": late.replace(tzinfo=None), "m": forecasts.match_id(3)},
        )
    export_ledger(sqlite_db, tmp_path / "late")
    found = verify_ledger(tmp_path / "late")
    assert not found.ok
    assert any(
        "created_at at or after kick-off" in p for p in found.checks["created_at before kick-off"]
    )


def test_not_a_ledger_is_bad_input(tmp_path: Path) -> None:
    result = _verify(tmp_path)
    assert isinstance(result.exception, LedgerError) and result.exception.exit_code == 2
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(LedgerError, match="not valid JSON"):
        verify_ledger(tmp_path)


def test_a_ledger_declaring_the_wrong_rule_is_caught(replayed: Path, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{replayed}")
    export_ledger(db, tmp_path / "ledger", replay=True, draw_goal_difference=True)
    db.dispose()
    found = verify_ledger(tmp_path / "ledger")
    assert not found.ok  # the backtest scored right draws without the goal-difference point
    assert any("ref-draw-1-1" in line for line in found.checks["quotas and points"])
