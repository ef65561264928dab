"""Cooldown of failing primaries, missing keys, and keys that must never leak."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scoreline import ConfigError, ProviderError, Registry
from scoreline.cli import app
from scoreline.llm import MemoryCooldown
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import SECRET_A, SECRET_B, model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_cooldown_skips_primary_then_probes_and_restores(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    clock = Clock()
    cooldown = MemoryCooldown(threshold=2, seconds=60, clock=clock)
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    async with Registry(config, cooldown=cooldown) as registry:
        for _ in range(2):  # two failures reach the threshold
            result = await registry.call_with_fallback("p", "s", USER, make_accept(MATCH))
            assert result.used_fallback and len(result.attempts) == 2
        assert fresh_sandbox.request_counts() == {"p-wire": 2, "f-wire": 2}

        skipped = await registry.call_with_fallback("p", "s", USER, make_accept(MATCH))
        assert skipped.used_fallback and [a.model_id for a in skipped.attempts] == ["f"]
        assert fresh_sandbox.request_counts()["p-wire"] == 2  # no doomed call

        clock.now += 61  # cooldown over: the primary is probed, and restored on success
        fresh_sandbox.clear_faults()
        probed = await registry.call_with_fallback("p", "s", USER, make_accept(MATCH))
        assert not probed.used_fallback and fresh_sandbox.request_counts()["p-wire"] == 3
        again = await registry.call_with_fallback("p", "s", USER, make_accept(MATCH))
        assert not again.used_fallback


async def test_failed_probe_restarts_cooldown(tmp_path: Path, fresh_sandbox: SandboxServer) -> None:
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    clock = Clock()
    cooldown = MemoryCooldown(threshold=1, seconds=60, clock=clock)
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=500))
    async with Registry(config, cooldown=cooldown) as registry:
        await registry.call_with_fallback("p", "s", USER)
        clock.now += 61
        await registry.call_with_fallback("p", "s", USER)  # probe fails
        skipped = await registry.call_with_fallback("p", "s", USER)
    assert [a.model_id for a in skipped.attempts] == ["f"]
    assert fresh_sandbox.request_counts()["p-wire"] == 2


async def test_primary_without_key_is_a_config_error(
    tmp_path: Path, fresh_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SL_TEST_ALPHA_KEY")
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    async with Registry(config) as registry:
        with pytest.raises(ConfigError, match="SL_TEST_ALPHA_KEY is not set"):
            await registry.call_with_fallback("p", "s", USER)
    assert fresh_sandbox.request_counts() == {}


async def test_keys_never_reach_logs_or_errors(
    tmp_path: Path, fresh_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config = sandbox_config(
        tmp_path, fresh_sandbox.base_url, model("p", "alpha", "f") + model("f", "beta")
    )
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=401))
    fresh_sandbox.set_fault("f-wire", Fault(FaultMode.STATUS, status=400))
    async with Registry(config) as registry:
        with pytest.raises(ProviderError) as info:
            await registry.call_with_fallback("p", "s", USER)
    texts = [caplog.text, str(info.value), repr(info.value), str(info.value.__cause__)]
    texts += [repr(config), config.model_dump_json()]
    for text in texts:
        assert SECRET_A not in text and SECRET_B not in text


def test_models_check_json_reports_fallback_and_hides_keys(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = model("p", "alpha", "f") + model("f", "beta") + model("lone", "alpha")
    sandbox_config(tmp_path, fresh_sandbox.base_url, models)
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    fresh_sandbox.set_fault("lone-wire", Fault(FaultMode.PROSE))
    result = CliRunner().invoke(
        app, ["models", "check", "--json", "--config", str(tmp_path / "sandbox.toml")]
    )
    assert result.exit_code == 1, result.output  # "lone" failed: a failed check is not 0
    assert SECRET_A not in result.output and SECRET_B not in result.output
    rows = {r["model_id"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"p", "f", "lone"}
    for row in rows.values():
        assert set(row) == {
            "model_id",
            "ok",
            "used_fallback",
            "answered_by",
            "error_class",
            "latency_ms",
        }
    assert rows["p"] | {"latency_ms": 0} == {
        "model_id": "p",
        "ok": True,
        "used_fallback": True,
        "answered_by": "f",
        "error_class": None,
        "latency_ms": 0,
    }
    assert (rows["lone"]["ok"], rows["lone"]["error_class"]) == (False, "unparseable")
    assert rows["f"]["ok"] and not rows["f"]["used_fallback"]


def test_models_check_unknown_model_exits_nonzero(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    sandbox_config(tmp_path, fresh_sandbox.base_url, model("p", "alpha"))
    result = CliRunner().invoke(
        app, ["models", "check", "ghost", "--config", str(tmp_path / "sandbox.toml")]
    )
    assert result.exit_code != 0
