"""``scoreline coverage`` and ``scoreline alerts`` on a real SQLite store, through Typer's
runner on the command functions (the same parsing, without the command table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from scoreline.alerts import check_alerts
from scoreline.commands import coverage as coverage_module
from scoreline.commands.alerts import alerts_app
from scoreline.store import Database
from tests.alerts.conftest import SECRET_PATH, Receiver
from tests.alerts.world import NOW, PROVIDER_KEY, seed_world, write_config


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A configuration and a seeded store; the commands' clock stands at the world's NOW."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    db = Database(url)
    db.upgrade()
    seed_world(db)
    config = write_config(tmp_path, url, '[alerts]\nwebhook_url_env = "HOOK"\n')
    monkeypatch.setenv("WORLD_SYN_KEY", PROVIDER_KEY)
    check_alerts(db, config, NOW)
    db.dispose()
    monkeypatch.setattr(coverage_module, "utc_now", lambda: NOW)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _coverage(*args: str):
    app = typer.Typer()
    app.command()(coverage_module.coverage_command)
    return CliRunner().invoke(app, [*args, "--config", "scoreline.toml"])


def _alerts(*args: str):
    return CliRunner().invoke(alerts_app, [*args, "--config", "scoreline.toml"])


def test_matches_under_the_line_as_json(home: Path) -> None:
    result = _coverage("--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["line"] == 0.95
    [k1] = data["matches"]
    assert (k1["match_id"], k1["covered"], k1["expected"]) == ("k1", 2, 7)
    assert {"model_id": "poor", "cause": "budget"} in k1["missed"]


def test_the_table_and_the_line(home: Path) -> None:
    result = _coverage("--since", "2025-03-01")
    assert result.exit_code == 0, result.output
    assert "Coverage under 95.0%" in result.output
    assert "k1" in result.output and "28.6 %" in result.output
    assert "provider_down 1" in result.output
    quiet = _coverage("--min", "0.2")
    assert quiet.exit_code == 0 and "at or above 20.0%" in quiet.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--min", "1.5"], "--min: 1.5 is not a ratio"), (["--since", "someday"], "--since")],
)
def test_bad_input_is_one_line(home: Path, args: list[str], message: str) -> None:
    result = _coverage(*args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_alerts_lists_what_was_told(home: Path) -> None:
    result = _alerts("--json")
    assert result.exit_code == 0, result.output
    rows = {r["cause"]: r for r in json.loads(result.output)}
    assert rows["coverage:k1"]["sent"] == 1
    assert PROVIDER_KEY not in result.output
    table = _alerts()
    assert table.exit_code == 0 and "source_down:fdorg" in table.output


def test_alerts_test_reaches_the_webhook(
    home: Path,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK", receiver.url)
    result = _alerts("test")
    assert result.exit_code == 0, result.output
    assert "Test alert sent to the webhook." in result.output
    assert receiver.paths == [SECRET_PATH]
    assert "test message" in receiver.bodies[0]["content"]
    receiver.status = 404
    failed = _alerts("test")
    assert failed.exit_code == 2 and "did not take the message" in failed.output
    assert SECRET_PATH not in failed.output
