"""``attempts``, ``parse-stats`` and ``models probe`` over a real store and the sandbox."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from scoreline.commands.evidence import attempts_command, models_probe, parse_stats_command
from scoreline.commands.models import models_check
from scoreline.config import load_config
from scoreline.predict.job import predict_match
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, learned_outputs
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

MATCH = "E0-2024-25-0200"

app = typer.Typer()
app.command("attempts")(attempts_command)
app.command("parse-stats")(parse_stats_command)
app.command("probe")(models_probe)
app.command("check")(models_check)


@pytest.fixture
def deployment(tmp_path: Path, fresh_sandbox: SandboxServer) -> Path:
    """A migrated SQLite store with one predicted match; returns the configuration file."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    path = tmp_path / "scoreline.toml"
    path.write_text(
        f'database_url = "{url}"\nreference_models = false\n'
        f'[providers.box]\nbase_url = "{fresh_sandbox.base_url}"\n'
        '[[models]]\nid = "good"\nprovider = "box"\n'
        '[[models]]\nid = "chatty"\nprovider = "box"\noutput = "text"\n'
    )
    db = Database(url)
    db.upgrade()
    csv = import_with_fixtures(db, tmp_path, {MATCH})
    fresh_sandbox.set_fault("chatty", Fault(FaultMode.PROSE))
    asyncio.run(predict_match(db, load_config(path), MATCH, now=before(kickoff_of(csv, MATCH))))
    db.dispose()
    return path


def _run(*args: str) -> typer.testing.Result:
    return CliRunner().invoke(app, list(args))


def test_attempts_lists_replies_and_filters(deployment: Path) -> None:
    config = str(deployment)
    table = _run("attempts", "--config", config)
    assert table.exit_code == 0, table.output
    assert "2 attempts" in table.output and "no score found" in table.output
    failed = json.loads(_run("attempts", "--failed", "--json", "--config", config).stdout)
    assert [a["model_id"] for a in failed] == ["chatty"]
    assert failed[0]["reply_text"] == "I think the home side will win comfortably."
    assert failed[0]["parse_reason"] == "no JSON score found in the reply"
    assert failed[0]["output_mode"] == "text"
    one = json.loads(_run("attempts", "--model", "good", "--json", "--config", config).stdout)
    assert [a["called_model_id"] for a in one] == ["good"] and one[0]["parse_verdict"] == "ok"
    assert json.loads(_run("attempts", "--match", "nope", "--json", "-c", config).stdout) == []
    later = _run("attempts", "--since", "2100-01-01", "--json", "--config", config)
    assert json.loads(later.stdout) == []


def test_parse_stats_give_the_share_per_model(deployment: Path) -> None:
    result = _run("parse-stats", "--json", "--config", str(deployment))
    assert result.exit_code == 0, result.output
    stats = {s["model_id"]: s for s in json.loads(result.stdout)}
    assert stats["chatty"]["unparseable"] == {"no score found": 1}
    assert stats["chatty"]["share"] == 1.0 and stats["good"]["share"] == 0.0
    table = _run("parse-stats", "--config", str(deployment))
    assert "100.0 %" in table.output and "no score found 1" in table.output


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("attempts", "--since", "yesterday-ish"), "--since"),
        (("attempts", "--limit", "0"), "--limit"),
        (("parse-stats", "--since", "2025-13-40"), "--since"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    deployment: Path, args: tuple[str, ...], problem: str
) -> None:
    result = _run(*args, "--config", str(deployment))
    assert result.exit_code == 2
    assert problem in result.output and "Traceback" not in result.output


def test_probe_records_the_mode_found(deployment: Path, fresh_sandbox: SandboxServer) -> None:
    fresh_sandbox.set_fault("good", Fault(FaultMode.NO_JSON_SCHEMA))
    result = _run("probe", "good", "--json", "--config", str(deployment))
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["output_probed"] == "json_object" and row["uses"] == "json_object"
    db = Database(load_config(deployment).database_url)
    learned = learned_outputs(db)["good"]
    db.dispose()
    assert learned.output == "json_object"
    assert learned.note is not None and learned.note.startswith("probe: json_schema client_error")


def test_probe_exits_1_when_a_model_answers_in_no_mode(
    deployment: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("good", Fault(FaultMode.STATUS, status=503))
    result = _run("probe", "--config", str(deployment))
    assert result.exit_code == 1
    assert "1 of 2 models answered in no mode" in result.output


def test_a_check_asks_each_model_in_the_mode_the_probe_found(
    deployment: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("good", Fault(FaultMode.NO_RESPONSE_FORMAT))
    before_probe = _run("check", "good", "--json", "--config", str(deployment))
    assert before_probe.exit_code == 1  # asked with response_format, which it refuses
    probed = json.loads(_run("probe", "good", "--json", "--config", str(deployment)).stdout)
    assert probed[0]["uses"] == "text"
    after_probe = _run("check", "good", "--json", "--config", str(deployment))
    assert after_probe.exit_code == 0, after_probe.output
    assert json.loads(after_probe.stdout)[0]["ok"] is True
