"""The installed ``scoreline`` command, run as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run_cli as run


def test_models_validate_accepts_builtin_catalog() -> None:
    result = run("models", "validate")
    assert result.returncode == 0, result.stderr
    assert "46 models" in result.stdout


def test_models_validate_refuses_cycle_naming_entries(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        '[providers.p]\nbase_url = "http://127.0.0.1:1/v1"\n'
        '[[models]]\nid = "a"\nprovider = "p"\nfallback = "b"\n'
        '[[models]]\nid = "b"\nprovider = "p"\nfallback = "a"\n'
    )
    result = run("--config", str(config), "models", "validate")
    assert result.returncode == 2
    assert "ConfigError" in result.stderr
    assert "fallback cycle a -> b -> a" in result.stderr
    assert "Traceback" not in result.stderr


def test_models_lists_inactive_reason(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = run("models", "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"inactive_reason": "no API key: TOGETHER_API_KEY is not set"' in result.stdout


def test_models_table_shows_the_extra_to_install(tmp_path: Path) -> None:
    config = tmp_path / "extra.toml"
    config.write_text(
        '[providers.p]\nbase_url = "http://127.0.0.1:1/v1"\n'
        '[[models]]\nid = "needs-extra"\nprovider = "p"\nrequires = "no_such_module_for_scoreline"\n'
    )
    result = run("--config", str(config), "models")
    assert result.returncode == 0, result.stderr
    assert "scoreline[reference]" in result.stdout.replace("\n", "").replace(" ", "")


UNREACHABLE = {
    "closed PostgreSQL port": "postgresql+psycopg://scoreline:s3cret-pw@127.0.0.1:9/scoreline",
    "SQLite file in a missing folder": "sqlite:////nonexistent-scoreline-dir/sub/scoreline.db",
}


@pytest.mark.parametrize("command", ["init", "leaderboard", "score", "fallback-stats"])
@pytest.mark.parametrize("url", UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_an_unusable_database_is_one_red_line(tmp_path: Path, url: str, command: str) -> None:
    config = tmp_path / "scoreline.toml"
    config.write_text(f'database_url = "{url}"\nqueue_url = "memory://"\n')
    result = run("--config", str(config), command, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("DatabaseError: ")
    assert "Traceback" not in result.stderr
    assert "s3cret-pw" not in result.stderr


BUNDLED_CSV = str(Path(__file__).resolve().parents[1] / "src/scoreline/data/matches/E0.csv")


@pytest.mark.parametrize(
    "command",
    [["import-matches", BUNDLED_CSV], ["predict", "--match", "E0-2024-25-0001"]],
    ids=["import-matches", "predict"],
)
@pytest.mark.parametrize(
    "url",
    [UNREACHABLE["closed PostgreSQL port"], "sqlite:///{tmp}"],
    ids=["closed PostgreSQL port", "SQLite path that is a folder"],
)
def test_writing_commands_name_an_unusable_database_in_one_line(
    tmp_path: Path, url: str, command: list[str]
) -> None:
    config = tmp_path / "scoreline.toml"
    config.write_text(f'database_url = "{url.format(tmp=tmp_path)}"\nqueue_url = "memory://"\n')
    result = run("--config", str(config), *command, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("DatabaseError: ")
    assert "Traceback" not in result.stderr and "s3cret-pw" not in result.stderr
