"""``sync``, ``matches``, ``sources`` and ``teams alias`` against the stand-in and a real store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from scoreline.commands.sources import matches_command, sources_command, sync_command, teams_app
from scoreline.standin import StandIn
from scoreline.store import Database

AT = "2025-12-06T09:00:00Z"
SYNC_KEYS = [
    "source",
    "requests",
    "fixtures_created",
    "fixtures_updated",
    "results",
    "postponed",
    "cancelled",
    "unknown_teams",
    "errors",
]
MATCH_KEYS = [
    "id",
    "competition",
    "season",
    "kickoff",
    "home",
    "away",
    "status",
    "home_goals",
    "away_goals",
    "predictions",
    "sources",
]


def build_app() -> typer.Typer:
    """The commands mounted as the command line mounts them."""
    app = typer.Typer()
    app.command("sync")(sync_command)
    app.command("matches")(matches_command)
    app.command("sources")(sources_command)
    app.add_typer(teams_app, name="teams")
    return app


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A configuration with a football-data.org source at the stand-in (no stand-in URL yet)."""
    return tmp_path / "scoreline.toml"


@pytest.fixture
def run(tmp_path: Path, standin: StandIn, config_file: Path) -> Callable[..., Result]:
    """Run a command with the configuration and the stand-in's keys in the environment."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    Database(url).upgrade()
    config_file.write_text(
        f'database_url = "{url}"\n'
        "[sources.fd]\n"
        'kind = "football-data.org"\n'
        f'base_url = "{standin.football_data_org_url}"\n'
        'api_key_env = "FD_TOKEN"\n'
        'competitions = ["PL"]\n'
        "priority = 1\n"
    )
    env = {"FD_TOKEN": standin.fd_token}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(build_app(), [*args, "--config", str(config_file)], env=env)

    return invoke


def test_sync_json_has_the_documented_keys(run: Callable[..., Result]) -> None:
    result = run("sync", "--json", "--days-ahead", "1", "--at", AT)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert list(row) == SYNC_KEYS
    assert row["source"] == "fd" and row["fixtures_created"] > 0 and row["errors"] == []


def test_matches_json_lists_what_the_store_knows(run: Callable[..., Result]) -> None:
    run("sync", "--at", AT)
    result = run("matches", "--json", "--status", "postponed")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert list(row) == MATCH_KEYS
    assert row["sources"] == ["fd"] and row["predictions"] == 0 and row["status"] == "postponed"
    everything = json.loads(run("matches", "--json", "--competition", "E0").stdout)
    assert len(everything) == 10
    assert json.loads(run("matches", "--json", "--from", "2030-01-01").stdout) == []


def test_sources_shows_health_without_the_key(run: Callable[..., Result], standin: StandIn) -> None:
    run("sync", "--at", AT)
    result = run("sources", "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["source"] == "fd" and row["last_success"] and row["last_error"] is None
    assert standin.fd_token not in result.stdout


def test_teams_alias_maps_a_spelling_onto_our_name(run: Callable[..., Result]) -> None:
    result = run("teams", "alias", "The Toffees", "Everton FC")
    assert result.exit_code == 0, result.output
    assert "'Everton'" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("matches", "--status", "soon"), "--status"),
        (("matches", "--from", "yesterday-ish"), "--from"),
        (("sync", "--source", "nope"), "unknown source 'nope'"),
        (("teams", "alias", "Man City", "Arsenal"), "would name both"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    run: Callable[..., Result], args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
