"""What the command line shows: user text printed literally, health as stored, dates refused.

Every case runs the installed ``scoreline`` command in a subprocess, as a user runs it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from scoreline.config import load_config
from scoreline.sandbox import SandboxServer
from scoreline.sandbox.faults import Fault, FaultMode
from scoreline.store import Database, Model, upsert_matches
from scoreline.store.matches_csv import MatchRecord
from scoreline.web import create_app
from tests.test_bad_input import refused, run

MARKUP_ID = "R[/]1"
"""A match id that is a closing Rich tag: printed as markup, it crashes Rich."""


def _match(match_id: str, kickoff: datetime, goals: int | None) -> MatchRecord:
    return MatchRecord(
        id=match_id,
        competition="E0",
        competition_name="Premier League",
        season="2029-30",
        kickoff_at=kickoff,
        home_team="Alpha",
        away_team="Beta",
        status="scheduled" if goals is None else "finished",
        home_goals=goals,
        away_goals=goals,
        odds_home=2.0,
        odds_draw=3.0,
        odds_away=4.0,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A migrated SQLite deployment with only the in-process reference models active."""
    url = f"sqlite:///{tmp_path / 'scoreline.db'}"
    (tmp_path / "scoreline.toml").write_text(f'database_url = "{url}"\nqueue_url = "memory://"\n')
    db = Database(url)
    db.upgrade()
    now = datetime.now(UTC)
    upsert_matches(db, [_match(MARKUP_ID, now + timedelta(days=2), None)], now=now)
    db.dispose()
    return tmp_path


def test_markup_in_a_match_id_is_printed_literally(home: Path) -> None:
    predicted = run("predict", "--match", MARKUP_ID, cwd=home)
    assert predicted.returncode == 0, predicted.stdout + predicted.stderr
    assert MARKUP_ID in predicted.stdout
    db = Database(f"sqlite:///{home / 'scoreline.db'}")
    finished = _match(MARKUP_ID, datetime.now(UTC) - timedelta(days=1), 1)
    upsert_matches(db, [finished], now=datetime.now(UTC))
    db.dispose()
    scored = run("score", "--match", MARKUP_ID, cwd=home)
    assert scored.returncode == 0, scored.stdout + scored.stderr
    assert MARKUP_ID in scored.stdout and "Traceback" not in scored.stderr


def test_an_auto_disabled_model_shows_as_disabled(home: Path) -> None:
    run("predict", "--match", MARKUP_ID, cwd=home)  # stores the catalog's models
    db = Database(f"sqlite:///{home / 'scoreline.db'}")
    with db.session() as session:
        session.execute(
            update(Model)
            .where(Model.id == "ref-market")
            .values(auto_disabled=True, consecutive_failures=5)
        )
    db.dispose()
    rows = {r["model_id"]: r for r in json.loads(run("models", "--json", cwd=home).stdout)}
    market = rows["ref-market"]
    assert (market["active"], market["auto_disabled"], market["status"]) == (
        False,
        True,
        "auto-disabled",
    )
    assert "auto-disabled after 5 consecutive failures" in market["inactive_reason"]
    assert rows["ref-dixon-coles"]["status"] == "active"
    assert rows["ref-dixon-coles"]["auto_disabled"] is False
    table = run("models", cwd=home).stdout
    line = next(line for line in table.splitlines() if "ref-market" in line)
    assert "auto-disabled" in line


def test_models_without_a_database_do_not_create_one(tmp_path: Path) -> None:
    (tmp_path / "scoreline.toml").write_text(f'database_url = "sqlite:///{tmp_path / "s.db"}"\n')
    result = run("models", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {r["auto_disabled"] for r in json.loads(result.stdout)} == {None}
    assert not (tmp_path / "s.db").exists()


def test_models_check_exits_1_counting_the_failures(tmp_path: Path) -> None:
    faults = {"broken": Fault(FaultMode.STATUS, status=503)}
    with SandboxServer(faults=faults).in_thread() as sandbox:
        (tmp_path / "scoreline.toml").write_text(
            f'reference_models = false\n[providers.box]\nbase_url = "{sandbox.base_url}"\n'
            '[[models]]\nid = "fine"\nprovider = "box"\n'
            '[[models]]\nid = "broken"\nprovider = "box"\n'
        )
        table = run("models", "check", cwd=tmp_path)
        as_json = run("models", "check", "--json", cwd=tmp_path)
        alone = run("models", "check", "fine", cwd=tmp_path)
    assert table.returncode == 1, table.stdout + table.stderr
    assert "1 of 2 models failed" in table.stderr
    assert as_json.returncode == 1
    rows = json.loads(as_json.stdout)
    assert set(rows[0]) == {
        "model_id",
        "ok",
        "used_fallback",
        "answered_by",
        "error_class",
        "latency_ms",
    }
    assert alone.returncode == 0, alone.stdout + alone.stderr


OUT_OF_RANGE = ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+05:00", "99999-01-01"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_out_of_range_cli_date_is_one_line_and_exit_2(home: Path, value: str) -> None:
    result = run("leaderboard", "--since", value, cwd=home)
    refused(result, f"--since: {value!r}")
    result = run("fallback-stats", "--until", value, cwd=home)
    refused(result, f"--until: {value!r}")


def test_since_after_until_is_refused_by_the_cli(home: Path) -> None:
    args = ("--since", "2025-02-01", "--until", "2025-01-01")
    refused(run("leaderboard", *args, cwd=home), "--since/--until: since (2025-02-01")
    refused(run("fallback-stats", *args, cwd=home), "is after until")


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_out_of_range_api_date_is_a_422(home: Path, value: str) -> None:
    config = load_config(home / "scoreline.toml")
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        for name in ("since", "until"):
            response = client.get("/api/leaderboard", params={name: value})
            assert response.status_code == 422, response.text
            assert f"query.{name}: " in response.text
