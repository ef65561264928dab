"""``fallback_on``: which error classes of a primary go to its fallback, over real HTTP,
and the start-up checks of the call-policy keys."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from scoreline import ConfigError, Registry
from scoreline.config import Config, load_config
from scoreline.llm import (
    CallPolicy,
    CallResult,
    MemoryCooldown,
    ServerError,
    UnparseableError,
    policy_of,
)
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"
PROSE = Fault(FaultMode.PROSE)
DOWN = Fault(FaultMode.STATUS, status=503)


def configure(tmp_path: Path, sandbox: SandboxServer, models: str) -> Config:
    return sandbox_config(tmp_path, sandbox.base_url, models)


def write(tmp_path: Path, sandbox: SandboxServer, models: str, *, alpha: str = "") -> Path:
    """A configuration file whose provider ``alpha`` has the extra lines ``alpha``."""
    base = Path(sandbox_config(tmp_path, sandbox.base_url, "").source).read_text()
    path = tmp_path / "policy.toml"
    path.write_text(base.replace("[providers.alpha]\n", f"[providers.alpha]\n{alpha}") + models)
    return path


async def ask(config: Config, model_id: str) -> CallResult[Any]:
    async with Registry(config) as reg:
        return await reg.call_with_fallback(model_id, "s", USER, accept=make_accept(MATCH))


async def test_an_unlisted_error_propagates_at_once_with_its_attempt(
    tmp_path: Path, fresh_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="scoreline")
    models = model("p", "alpha", "f", fallback_on=["server_error", "timeout"]) + model("f", "beta")
    config = configure(tmp_path, fresh_sandbox, models)
    fresh_sandbox.set_fault("p-wire", PROSE)
    with pytest.raises(UnparseableError) as info:
        await ask(config, "p")
    assert info.value.model_id == "p"
    assert [(a.model_id, a.error_class) for a in info.value.attempts] == [("p", "unparseable")]
    assert fresh_sandbox.request_counts() == {"p-wire": 1}
    assert "fallback_on does not list unparseable" in caplog.text


async def test_a_listed_error_still_goes_to_the_fallback(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = model("p", "alpha", "f", fallback_on=["server_error"]) + model("f", "beta")
    fresh_sandbox.set_fault("p-wire", DOWN)
    result = await ask(configure(tmp_path, fresh_sandbox, models), "p")
    assert result.used_fallback and result.answered_by == "f"
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_the_model_list_wins_over_the_providers(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = model("p", "alpha", "f", fallback_on=["unparseable"]) + model("q", "alpha", "f")
    alpha = 'fallback_on = ["timeout"]\n'
    config = load_config(write(tmp_path, fresh_sandbox, models + model("f", "beta"), alpha=alpha))
    assert policy_of(config, "p").fallback_on == frozenset({"unparseable"})
    assert policy_of(config, "q").fallback_on == frozenset({"timeout"})
    fresh_sandbox.set_fault("p-wire", PROSE)
    fresh_sandbox.set_fault("q-wire", PROSE)
    assert (await ask(config, "p")).used_fallback
    with pytest.raises(UnparseableError):
        await ask(config, "q")


async def test_an_empty_list_never_falls_back_even_in_cooldown(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = model("p", "alpha", "f", fallback_on=[]) + model("f", "beta")
    config = configure(tmp_path, fresh_sandbox, models)
    assert policy_of(config, "p") == CallPolicy(fallback_on=frozenset())
    fresh_sandbox.set_fault("p-wire", DOWN)
    cooldown = MemoryCooldown(threshold=1, seconds=600)
    async with Registry(config, cooldown=cooldown) as registry:
        assert registry.fallback_for("p") is None
        for _ in range(2):
            with pytest.raises(ServerError):
                await registry.call_with_fallback("p", "s", USER, accept=make_accept(MATCH))
    assert fresh_sandbox.request_counts() == {"p-wire": 2}


def test_no_list_means_every_class(tmp_path: Path, fresh_sandbox: SandboxServer) -> None:
    config = configure(tmp_path, fresh_sandbox, model("p", "alpha", "f") + model("f", "beta"))
    policy = policy_of(config, "p")
    assert policy.fallback_on is None
    assert policy.falls_back_on("unparseable") and policy.falls_back_on("auth")


def test_a_list_without_a_fallback_is_fine(tmp_path: Path, fresh_sandbox: SandboxServer) -> None:
    config = configure(tmp_path, fresh_sandbox, model("lone", "alpha", fallback_on=["timeout"]))
    assert policy_of(config, "lone").fallback_on == frozenset({"timeout"})


@pytest.mark.parametrize(
    ("models", "extra_provider", "problem"),
    [
        (
            model("p", "alpha", "f", fallback_on=["timeout", "oops"]) + model("f", "beta"),
            "",
            "fallback_on",
        ),
        (
            model("p", "alpha", "f", fallback_on=["timeout", "timeout"]) + model("f", "beta"),
            "",
            "models.p.fallback_on: 'timeout' is listed twice",
        ),
        (
            model("p", "alpha", "f", hedge_after_ms=300, hedge="p95") + model("f", "beta"),
            "",
            'models.p: set hedge_after_ms or hedge = "p95", not both',
        ),
        (
            model("p", "alpha", hedge_after_ms=300),
            "",
            "models.p.hedge_after_ms: the model has no fallback to call beside it",
        ),
        (
            model("p", "alpha", "f", hedge_after_ms=5000) + model("f", "beta"),
            "",
            "models.p.hedge_after_ms: 5000 ms is not below the timeout of p (5 s)",
        ),
        (
            model("p", "alpha", "f", timeout_s=0.2) + model("f", "beta"),
            "hedge_after_ms = 400\n",
            "providers.alpha.hedge_after_ms: 400 ms is not below the timeout of p (0.2 s)",
        ),
    ],
    ids=["unknown-class", "twice", "both-hedges", "hedge-no-fallback", "after-timeout", "prov"],
)
def test_start_up_refuses_a_policy_that_cannot_act(
    tmp_path: Path, fresh_sandbox: SandboxServer, models: str, extra_provider: str, problem: str
) -> None:
    path = write(tmp_path, fresh_sandbox, models, alpha=extra_provider)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert problem in str(info.value) and str(path) in str(info.value)


def test_a_provider_hedge_spares_models_without_a_fallback(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    models = model("lone", "alpha") + model("p", "alpha", "f") + model("f", "beta")
    config = load_config(write(tmp_path, fresh_sandbox, models, alpha="hedge = 'p95'\n"))
    assert policy_of(config, "p") == CallPolicy(hedge_p95=True)
    assert policy_of(config, "f") == CallPolicy()
