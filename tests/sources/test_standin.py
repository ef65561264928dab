"""The stand-in itself: control routes, wire details, independence, and its command."""

from __future__ import annotations

import ast
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import typer
from typer.testing import CliRunner

import scoreline.standin
from scoreline.commands.sources import sources_standin
from scoreline.standin import StandIn


def test_the_clock_and_modes_are_driven_over_http(standin: StandIn) -> None:
    with httpx.Client(base_url=standin.url) as client:
        moved = client.post("/_standin/clock", json={"advance_s": 3600}).json()
        assert moved["now"] == "2025-12-06T10:00:00+00:00"
        assert (
            client.post("/_standin/clock", json={"now": "2025-12-06T16:00:00Z"}).status_code == 200
        )
        assert standin.world.now.hour == 16
        assert client.post("/_standin/clock", json={"advance_s": "soon"}).status_code == 400
        assert client.post("/_standin/bad-key", json={"on": True}).json() == {"bad_key": True}
        assert client.post("/_standin/limits", json={"af_daily": 5}).json()["af_daily"] == 5
        assert client.post("/_standin/faults", json={"service": "xx"}).status_code == 400
        state = client.get("/_standin/state").json()
    assert state["postponed"]["home"] == "Bournemouth" and state["bad_key"] is True


def test_api_football_rejects_a_key_with_200_and_errors(standin: StandIn) -> None:
    reply = httpx.get(
        f"{standin.api_football_url}/fixtures",
        params={"league": 39, "season": 2025},
        headers={"x-apisports-key": "nope"},
    )
    body = reply.json()
    assert reply.status_code == 200 and body["response"] == [] and "token" in body["errors"]


def test_football_data_org_rejects_a_token_with_403(standin: StandIn) -> None:
    reply = httpx.get(f"{standin.football_data_org_url}/matches", params={"ids": "1"})
    assert reply.status_code == 403 and reply.json()["errorCode"] == 403


def test_the_stand_in_shares_no_code_with_the_sources() -> None:
    package = Path(scoreline.standin.__file__).parent
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
    ours = {name for name in imported if name.startswith("scoreline")}
    assert all(name.startswith("scoreline.standin") for name in ours), ours


def app() -> typer.Typer:
    cli = typer.Typer()
    cli.command()(sources_standin)
    return cli


def test_the_command_refuses_a_bad_start_in_one_line() -> None:
    result = CliRunner().invoke(app(), ["--start", "tomorrow"])
    assert result.exit_code == 2
    assert "--start" in result.output and "Traceback" not in result.output


SCRIPT = (
    "import typer; from scoreline.commands.sources import sources_standin;"
    " app = typer.Typer(); app.command()(sources_standin); app()"
)


def test_the_command_serves_in_the_foreground_until_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "--port", "0", "--start", "2025-12-06T12:00:00Z"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"stand-in at (http://\S+)", first)
        assert found, first
        state = httpx.get(f"{found.group(1)}/_standin/state").json()
        assert state["now"] == "2025-12-06T12:00:00+00:00"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
