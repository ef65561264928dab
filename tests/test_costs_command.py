"""``scoreline costs`` and ``scoreline models disable/enable/events`` on a real SQLite store.

``models`` runs as the installed command in a subprocess; ``costs`` through Typer's runner
on the command function itself (the same parsing, without the command table).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from scoreline.commands.costs import costs_command
from scoreline.store import Database, NewAttempt, insert_attempts
from tests.cli import run_cli

TODAY = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A working folder with a configuration, a migrated store and a few priced calls."""
    (tmp_path / "scoreline.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "s.db"}"\nqueue_url = "memory://"\n'
        "reference_models = false\n[budget]\ndaily_usd = 0.05\n"
        '[providers.alpha]\nbase_url = "http://127.0.0.1:9/v1"\n'
        '[[models]]\nid = "a"\nprovider = "alpha"\nfallback = "b"\n'
        '[[models]]\nid = "b"\nprovider = "alpha"\n'
    )
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    db.upgrade()

    def call(model: str, called: str, cost: float | None, at: datetime) -> NewAttempt:
        fallback = called != model
        return NewAttempt(
            "m1", model, called, "alpha", fallback, True, None, 200, 5.0, 100, 50, at,
            reasoning_tokens=10, cost_usd=cost,
        )  # fmt: skip

    insert_attempts(
        db,
        [
            call("a", "a", 0.02, TODAY),
            call("a", "b", 0.03, TODAY),
            call("b", "b", None, TODAY),
            call("b", "b", 1.0, TODAY - timedelta(days=40)),
        ],
    )
    db.dispose()
    return tmp_path


def _costs(home: Path, *args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(costs_command)
    result = CliRunner().invoke(
        app, [*args, "--config", str(home / "scoreline.toml")], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output


def test_costs_by_model_as_json(home: Path) -> None:
    since = (TODAY - timedelta(days=1)).date().isoformat()
    code, out = _costs(home, "--since", since, "--json")
    assert code == 0, out
    data = json.loads(out)
    rows = {r["key"]: r for r in data["rows"]}
    assert rows["a"]["cost_usd"] == pytest.approx(0.05)
    assert rows["a"]["fallback_share"] == pytest.approx(0.6)
    assert (rows["a"]["calls"], rows["a"]["reasoning_tokens"]) == (2, 20)
    assert (rows["b"]["unpriced_calls"], rows["b"]["fallback_share"]) == (1, None)
    assert data["total"]["calls"] == 3 and data["total"]["prompt_tokens"] == 300
    budget = data["budget"]
    assert (budget["daily_usd"], budget["spent_today_usd"], budget["open"]) == (0.05, 0.05, False)


def test_costs_table_by_provider_and_day(home: Path) -> None:
    code, out = _costs(home, "--by", "provider")
    assert code == 0, out
    line = next(line for line in out.splitlines() if "alpha" in line)
    assert "$1.0500" in line and "budget: closed" in out
    assert "1 calls had no usage reported" in out
    code, out = _costs(home, "--by", "day", "--json")
    assert [r["key"] for r in json.loads(out)["rows"]][-1] == TODAY.date().isoformat()


def test_costs_refuses_bad_options_in_one_line(home: Path) -> None:
    code, out = _costs(home, "--by", "week")
    assert code == 2 and "--by: 'week' is not one of model, provider, day" in out
    code, out = _costs(home, "--since", "yesterday-ish")
    assert code == 2 and "--since" in out and "Traceback" not in out


def test_models_disable_pin_events_and_enable(home: Path) -> None:
    disabled = run_cli("models", "disable", "a", "--pin", cwd=home)
    assert disabled.returncode == 0, disabled.stderr
    assert "pinned: never probed" in disabled.stdout
    rows = {r["model_id"]: r for r in json.loads(run_cli("models", "--json", cwd=home).stdout)}
    a = rows["a"]
    assert (a["state"], a["pinned"], a["auto_disabled"], a["active"]) == (
        "pinned",
        True,
        True,
        False,
    )
    assert "pinned disabled" in a["inactive_reason"]
    assert (rows["b"]["state"], rows["b"]["pinned"], rows["b"]["recover_at"]) == (
        "active",
        False,
        None,
    )
    table = run_cli("models", cwd=home).stdout
    assert "pinned" in next(line for line in table.splitlines() if line.startswith("│ a "))

    assert run_cli("models", "disable", "b", cwd=home).returncode == 0
    b = {r["model_id"]: r for r in json.loads(run_cli("models", "--json", cwd=home).stdout)}["b"]
    assert b["state"] == "recovering" and b["recover_at"] is not None

    enabled = run_cli("models", "enable", "a", cwd=home)
    assert enabled.returncode == 0 and "unpinned" in enabled.stdout
    events = json.loads(run_cli("models", "events", "--json", cwd=home).stdout)
    assert [(e["model_id"], e["event"]) for e in events] == [
        ("a", "enabled"),
        ("b", "disabled"),
        ("a", "pinned"),
    ]
    assert events[1]["reason"] == "disabled by an operator"
    only_a = run_cli("models", "events", "a", cwd=home).stdout
    assert "pinned" in only_a and "operator" in only_a and "│ b " not in only_a


def test_models_disable_refuses_an_unknown_model(home: Path) -> None:
    result = run_cli("models", "disable", "nope", cwd=home)
    assert result.returncode == 2
    assert "unknown model 'nope'" in result.stderr and "Traceback" not in result.stderr
