"""The fallback contract against the sandbox over real HTTP: every fault, three ways.

For each fault on the primary: (a) with a working fallback, (b) with no fallback,
(c) with a failing fallback. The sandbox's counters prove the primary is called once and
the fallback's own fallback never.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scoreline import ProviderError, Registry
from scoreline.llm import ProviderConnectionError, ServerError
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
SYSTEM = "Predict the score. Reply with JSON."
USER = f"Predict this match.\nmatch_id: {MATCH}\n"

FAULTS: list[tuple[str, Fault, str, int | None]] = [
    ("http-500", Fault(FaultMode.STATUS, status=500), "server_error", 500),
    ("http-503", Fault(FaultMode.STATUS, status=503), "server_error", 503),
    ("http-429", Fault(FaultMode.STATUS, status=429), "rate_limited", 429),
    ("http-401", Fault(FaultMode.STATUS, status=401), "auth", 401),
    ("http-400", Fault(FaultMode.STATUS, status=400), "client_error", 400),
    ("hang", Fault(FaultMode.HANG), "timeout", None),
    ("reset", Fault(FaultMode.RESET), "connection", None),
    ("non-json", Fault(FaultMode.NON_JSON), "invalid_body", 200),
    ("truncated-json", Fault(FaultMode.BAD_JSON), "invalid_body", 200),
    ("no-choices", Fault(FaultMode.NO_CHOICES), "invalid_body", 200),
    ("empty-content", Fault(FaultMode.EMPTY_CONTENT), "empty_content", 200),
    ("prose", Fault(FaultMode.PROSE), "unparseable", 200),
    ("out-of-range", Fault(FaultMode.OUT_OF_RANGE), "unparseable", 200),
]
IDS = [f[0] for f in FAULTS]

# primary on alpha -> fallback on beta -> (its own fallback, never to be used) on alpha
MODELS = (
    model("prim", "alpha", "fb", timeout_s=0.5)
    + model("fb", "beta", "fb2", timeout_s=0.5)
    + model("fb2", "alpha")
    + model("lone", "alpha", timeout_s=0.5)
)


@pytest.fixture
def config(tmp_path: Path, fresh_sandbox: SandboxServer):  # type: ignore[no-untyped-def]
    return sandbox_config(tmp_path, fresh_sandbox.base_url, MODELS)


async def call(config, model_id: str):  # type: ignore[no-untyped-def]
    async with Registry(config) as registry:
        return await registry.call_with_fallback(model_id, SYSTEM, USER, accept=make_accept(MATCH))


@pytest.mark.parametrize(("name", "fault", "error_class", "status"), FAULTS, ids=IDS)
async def test_fault_with_fallback_is_served_by_fallback(
    config,
    fresh_sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
    name: str,
    fault: Fault,
    error_class: str,
    status: int | None,
) -> None:
    caplog.set_level(logging.INFO, logger="scoreline")
    fresh_sandbox.set_fault("prim-wire", fault)
    result = await call(config, "prim")
    assert result.used_fallback is True
    assert result.answered_by == "fb" and result.model_id == "prim"
    assert result.value.match_id == MATCH
    assert [(a.model_id, a.ok, a.error_class, a.is_fallback) for a in result.attempts] == [
        ("prim", False, error_class, False),
        ("fb", True, None, True),
    ]
    assert result.attempts[0].status == status
    assert fresh_sandbox.request_counts() == {"prim-wire": 1, "fb-wire": 1}
    levels = [r.levelname for r in caplog.records if r.name.startswith("scoreline.llm")]
    assert levels == ["WARNING", "INFO"]


@pytest.mark.parametrize(("name", "fault", "error_class", "status"), FAULTS, ids=IDS)
async def test_fault_without_fallback_raises_primary_error(
    config,
    fresh_sandbox: SandboxServer,
    name: str,
    fault: Fault,
    error_class: str,
    status: int | None,
) -> None:
    fresh_sandbox.set_fault("lone-wire", fault)
    with pytest.raises(ProviderError) as info:
        await call(config, "lone")
    assert info.value.error_class == error_class
    assert (info.value.model_id, info.value.status) == ("lone", status)
    assert fresh_sandbox.request_counts() == {"lone-wire": 1}


@pytest.mark.parametrize(("name", "fault", "error_class", "status"), FAULTS, ids=IDS)
async def test_fault_with_failing_fallback_raises_fallback_error(
    config,
    fresh_sandbox: SandboxServer,
    caplog: pytest.LogCaptureFixture,
    name: str,
    fault: Fault,
    error_class: str,
    status: int | None,
) -> None:
    fresh_sandbox.set_fault("prim-wire", fault)
    fresh_sandbox.set_fault("fb-wire", Fault(FaultMode.RESET))
    with pytest.raises(ProviderConnectionError) as info:
        await call(config, "prim")
    assert info.value.model_id == "fb"
    cause = info.value.__cause__
    assert isinstance(cause, ProviderError)
    assert (cause.model_id, cause.error_class) == ("prim", error_class)
    assert fresh_sandbox.request_counts() == {"prim-wire": 1, "fb-wire": 1}  # never fb2
    assert [r.levelname for r in caplog.records if r.name.startswith("scoreline.llm")] == [
        "WARNING",
        "ERROR",
    ]


async def test_success_makes_one_call_with_tokens(config, fresh_sandbox: SandboxServer) -> None:
    result = await call(config, "prim")
    assert not result.used_fallback and result.answered_by == "prim"
    (attempt,) = result.attempts
    assert attempt.ok and attempt.prompt_tokens and attempt.completion_tokens
    assert fresh_sandbox.request_counts() == {"prim-wire": 1}


@pytest.mark.parametrize("mode", [FaultMode.THINK, FaultMode.REASONING_ONLY, FaultMode.NO_USAGE])
async def test_unusual_but_valid_replies_need_no_fallback(
    config, fresh_sandbox: SandboxServer, mode: FaultMode
) -> None:
    fresh_sandbox.set_fault("prim-wire", Fault(mode))
    result = await call(config, "prim")
    assert not result.used_fallback
    assert result.value.match_id == MATCH
    if mode is FaultMode.NO_USAGE:
        assert result.attempts[0].prompt_tokens is None


async def test_fallback_without_key_propagates_primary_error(
    config, fresh_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SL_TEST_BETA_KEY")
    fresh_sandbox.set_fault("prim-wire", Fault(FaultMode.STATUS, status=503))
    with pytest.raises(ServerError) as info:
        await call(config, "prim")
    assert info.value.model_id == "prim" and info.value.__cause__ is not None
    assert fresh_sandbox.request_counts() == {"prim-wire": 1}
