"""What each entry point loads: a command imports only what it uses (bench/startup.py times it).

The heavy packages are measured, not guessed: ``python -X importtime`` lists every module a
real process imported.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module

import pytest
from typer.testing import CliRunner

from scoreline.cli import COMMANDS, app

HEAVY = ("numpy", "scipy", "sqlalchemy", "fastapi", "uvicorn", "openai")
"""What ``--help`` and ``models validate`` must not load (each costs 0.1-0.5 s or more)."""


def imported_modules(*code_or_args: str) -> set[str]:
    """The top-level packages a fresh interpreter imported, from its ``-X importtime`` log."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *code_or_args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize(
    "argv", [["--help"], ["models", "validate"], ["models", "--help"]], ids=" ".join
)
def test_light_commands_load_no_heavy_package(argv: list[str]) -> None:
    loaded = imported_modules("-m", "scoreline", *argv)
    assert "typer" in loaded  # the log was read
    assert sorted(loaded & set(HEAVY)) == []


def test_import_scoreline_is_free_and_its_names_still_resolve() -> None:
    assert imported_modules("-c", "import scoreline") & set(HEAVY) == set()
    code = "from scoreline import Registry, load_config; print(Registry.__module__)"
    assert "openai" in imported_modules("-c", code)  # asked for: loaded on first use
    import scoreline
    from scoreline.llm import Registry

    assert scoreline.Registry is Registry
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = scoreline.no_such_name


def test_an_idle_worker_loads_no_pipeline() -> None:
    """The worker's modules load the predict pipeline with the first job, not at start."""
    loaded = imported_modules("-c", "import scoreline.queue.worker, scoreline.queue.tasks")
    assert {"huey", "sqlalchemy"} <= loaded
    assert sorted(loaded & {"numpy", "scipy", "openai", "fastapi"}) == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_loads_and_says_what_its_docstring_says(name: str) -> None:
    command = COMMANDS[name].load(name)
    assert command.name == name
    assert (command.help or "").strip().splitlines()[0] == COMMANDS[name].summary
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_help_lists_every_command_with_its_summary() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, entry in COMMANDS.items():
        line = next(
            line for line in result.output.splitlines() if line.strip("│ ").startswith(f"{name} ")
        )
        assert entry.summary in line


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_targets_name_real_objects() -> None:
    for entry in COMMANDS.values():
        module, attribute = entry.target.split(":")
        assert callable(getattr(import_module(module), attribute))


def test_the_web_app_loads_no_provider_sdk() -> None:
    """``scoreline serve`` shows stored data: the SDK of the providers stays out of its memory."""
    loaded = imported_modules("-c", "from scoreline.web import create_app")
    assert {"fastapi", "sqlalchemy"} <= loaded
    assert sorted(loaded & {"openai", "uvicorn"}) == []
