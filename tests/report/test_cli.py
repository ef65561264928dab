"""``scoreline fallback-stats`` and ``scoreline models enable``, run as a user runs them.

Output checks run the installed command line in a subprocess with a wide terminal (so the
Rich table is not wrapped); the rest runs in-process with Typer's runner over the command
line's own app.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner, Result

from scoreline.cli import app
from scoreline.report import fallback_stats
from scoreline.store import Database, Model, UnknownModelError
from tests.cli import run_cli as run
from tests.report.seed import SINCE, UNTIL, seed_all, write_config


def invoke(*args: str, cwd: Path) -> Result:
    """Run the commands in-process, from ``cwd``."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(previous)


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    db = Database(f"sqlite:///{tmp_path / 'scoreline.db'}")
    db.upgrade()
    seed_all(db)
    db.dispose()
    write_config(tmp_path, f"sqlite:///{tmp_path / 'scoreline.db'}")
    return tmp_path


def test_json_output_is_the_service_output(deployment: Path) -> None:
    result = run(
        "fallback-stats",
        "--config",
        "scoreline.toml",
        "--since",
        "2025-01-10",
        "--until",
        "2025-01-10",
        "--json",
        cwd=deployment,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    db = Database(f"sqlite:///{deployment / 'scoreline.db'}")
    config = write_config(deployment, f"sqlite:///{deployment / 'scoreline.db'}")
    # Cooldown is judged at the real clock by the CLI: judge it there here too (a cooldown's
    # end is derived from the calls and shown only while it runs).
    expected = fallback_stats(db, config, since=SINCE, until=UNTIL, now=datetime.now(UTC))
    db.dispose()
    for row in (*data["stats"], *expected["stats"]):
        row.pop("in_cooldown")
    for summary in (data["summary"], expected["summary"]):
        summary.pop("models_in_cooldown")
    assert data == json.loads(json.dumps(expected))
    assert {"stats", "summary"} <= set(data)


def test_table_shows_rates_the_2x_warning_and_the_summary(deployment: Path) -> None:
    result = run(
        "fallback-stats",
        "-c",
        "scoreline.toml",
        "--since",
        "2025-01-10",
        "--until",
        "2025-01-10",
        cwd=deployment,
    )
    assert result.returncode == 0, result.stderr
    alpha = next(line for line in result.stdout.splitlines() if "alpha " in line)
    assert "75.0 %" in alpha
    assert "over 2x" in alpha
    assert "3.17x" in alpha
    assert "4 models with a fallback, 6 fallbacks in the window, 1 over 2x" in result.stdout


def test_default_window_is_today(deployment: Path) -> None:
    result = invoke("fallback-stats", "-c", "scoreline.toml", "--json", cwd=deployment)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["since"].endswith("T00:00:00+00:00")
    assert data["summary"]["fallbacks"] == 0  # the seeded calls are from 2025


def test_bad_date_is_a_usage_error(deployment: Path) -> None:
    result = invoke("fallback-stats", "-c", "scoreline.toml", "--since", "someday", cwd=deployment)
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def test_missing_schema_is_one_red_line(tmp_path: Path) -> None:
    write_config(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}")
    result = invoke("fallback-stats", "-c", "scoreline.toml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "DatabaseError" in result.stderr and "scoreline init" in result.stderr


def test_models_enable_re_enables_an_auto_disabled_model(deployment: Path) -> None:
    db = Database(f"sqlite:///{deployment / 'scoreline.db'}")
    with db.session() as session:
        session.execute(
            update(Model)
            .where(Model.id == "beta")
            .values(auto_disabled=True, consecutive_failures=5)
        )
    result = invoke("models", "enable", "beta", "-c", "scoreline.toml", cwd=deployment)
    assert result.exit_code == 0, result.output
    assert "beta re-enabled" in result.stdout
    with db.session() as session:
        row = session.execute(
            select(Model.auto_disabled, Model.consecutive_failures).where(Model.id == "beta")
        ).one()
    db.dispose()
    assert tuple(row) == (False, 0)


def test_models_enable_raises_the_store_error_for_the_cli_to_print(deployment: Path) -> None:
    result = invoke("models", "enable", "nobody", "-c", "scoreline.toml", cwd=deployment)
    assert isinstance(result.exception, UnknownModelError)


def test_models_enable_names_an_unknown_model_in_one_red_line(deployment: Path) -> None:
    result = run("models", "enable", "nobody", "-c", "scoreline.toml", cwd=deployment)
    assert result.returncode == 1
    assert "UnknownModelError: unknown model 'nobody'" in result.stderr
    assert "Traceback" not in result.stderr
