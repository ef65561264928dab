"""Hedged calls over real HTTP: a slow primary gets its fallback called beside it, the first
valid answer wins, the other call is cancelled, and never more than two calls are made."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from scoreline import Registry
from scoreline.config import Config
from scoreline.llm import (
    CANCELLED,
    CallResult,
    MemoryCooldown,
    ProviderConnectionError,
    ServerError,
    latency_p95_ms,
    p95_by_model,
)
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"


def slow(seconds: float) -> Fault:
    return Fault(FaultMode.SLOW, latency_s=seconds)


def configure(tmp_path: Path, sandbox: SandboxServer, **primary: object) -> Config:
    settings = primary or {"hedge_after_ms": 150}
    models = model("p", "alpha", "f", **settings) + model("f", "beta")
    return sandbox_config(tmp_path, sandbox.base_url, models)


async def ask(config: Config, hedge_latency: dict[str, float] | None = None) -> CallResult[Any]:
    async with Registry(config, hedge_latency=hedge_latency) as reg:
        return await reg.call_with_fallback("p", "s", USER, accept=make_accept(MATCH))


def calls(result_or_error: object) -> list[tuple[str, bool, str | None, bool, bool]]:
    attempts = result_or_error.attempts  # type: ignore[attr-defined]
    return [(a.model_id, a.ok, a.error_class, a.is_fallback, a.hedged) for a in attempts]


async def test_a_slow_primary_is_hedged_and_the_fallback_wins(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", slow(2.0))
    started = time.perf_counter()
    result = await ask(configure(tmp_path, fresh_sandbox))
    elapsed = time.perf_counter() - started
    assert result.used_fallback and result.answered_by == "f" and result.model_id == "p"
    assert result.value.match_id == MATCH
    assert calls(result) == [("p", False, CANCELLED, False, False), ("f", True, None, True, True)]
    cancelled = result.attempts[0]
    assert cancelled.provider == "alpha" and 100 < cancelled.latency_ms < 1500
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}
    assert elapsed < 1.5  # the primary's 2 s were not waited for


async def test_a_primary_that_answers_in_time_is_not_hedged(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    result = await ask(configure(tmp_path, fresh_sandbox, hedge_after_ms=1500))
    assert not result.used_fallback
    assert calls(result) == [("p", True, None, False, False)]
    assert fresh_sandbox.request_counts() == {"p-wire": 1}


async def test_an_invalid_hedge_answer_does_not_win(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", slow(0.5))
    fresh_sandbox.set_fault("f-wire", Fault(FaultMode.PROSE))
    result = await ask(configure(tmp_path, fresh_sandbox))
    assert not result.used_fallback and result.answered_by == "p"
    assert calls(result) == [
        ("p", True, None, False, False),
        ("f", False, "unparseable", True, True),
    ]
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_a_primary_failing_after_the_hedge_leaves_the_fallback_to_answer(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503, latency_s=0.6))
    fresh_sandbox.set_fault("f-wire", slow(0.9))
    result = await ask(configure(tmp_path, fresh_sandbox))
    assert result.used_fallback and result.answered_by == "f"
    assert calls(result) == [
        ("p", False, "server_error", False, False),
        ("f", True, None, True, True),
    ]
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_both_failing_raise_the_fallbacks_error_after_two_calls(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503, latency_s=0.6))
    fresh_sandbox.set_fault("f-wire", Fault(FaultMode.RESET, latency_s=0.1))
    with pytest.raises(ProviderConnectionError) as info:
        await ask(configure(tmp_path, fresh_sandbox))
    assert info.value.model_id == "f"
    assert isinstance(info.value.__cause__, ServerError)
    assert calls(info.value) == [
        ("p", False, "server_error", False, False),
        ("f", False, "connection", True, True),
    ]
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_a_primary_failing_before_the_hedge_takes_the_ordinary_fallback(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    result = await ask(configure(tmp_path, fresh_sandbox, hedge_after_ms=1000))
    assert result.used_fallback
    assert calls(result) == [
        ("p", False, "server_error", False, False),
        ("f", True, None, True, False),
    ]
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_a_primary_failing_before_the_hedge_respects_fallback_on(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    config = configure(tmp_path, fresh_sandbox, hedge_after_ms=1000, fallback_on=["timeout"])
    with pytest.raises(ServerError):
        await ask(config)
    assert fresh_sandbox.request_counts() == {"p-wire": 1}


async def test_a_cancelled_primary_is_neither_success_nor_failure_for_the_cooldown(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = configure(tmp_path, fresh_sandbox)
    cooldown = MemoryCooldown(threshold=1, seconds=600)
    fresh_sandbox.set_fault("p-wire", slow(2.0))
    async with Registry(config, cooldown=cooldown) as registry:
        for _ in range(2):
            result = await registry.call_with_fallback("p", "s", USER, accept=make_accept(MATCH))
            assert result.attempts[0].error_class == CANCELLED
        assert not await cooldown.in_cooldown("p")
    assert fresh_sandbox.request_counts() == {"p-wire": 2, "f-wire": 2}


async def test_p95_hedges_after_the_latency_it_is_given(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = configure(tmp_path, fresh_sandbox, hedge="p95")
    fresh_sandbox.set_fault("p-wire", slow(0.6))
    unknown = await ask(config)  # no history: no hedge
    assert not unknown.used_fallback and fresh_sandbox.request_counts() == {"p-wire": 1}
    fresh_sandbox.reset_counts()
    hedged = await ask(config, hedge_latency={"p": 150.0})
    assert hedged.used_fallback and hedged.attempts[1].hedged
    assert fresh_sandbox.request_counts() == {"p-wire": 1, "f-wire": 1}


async def test_no_hedge_when_the_fallback_cannot_be_called(
    tmp_path: Path, fresh_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SL_TEST_BETA_KEY")
    fresh_sandbox.set_fault("p-wire", slow(0.4))
    result = await ask(configure(tmp_path, fresh_sandbox))
    assert not result.used_fallback and fresh_sandbox.request_counts() == {"p-wire": 1}


async def test_cancelling_the_caller_cancels_both_calls(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", slow(3.0))
    fresh_sandbox.set_fault("f-wire", slow(3.0))
    config = configure(tmp_path, fresh_sandbox)
    async with Registry(config) as registry:
        task = asyncio.ensure_future(
            registry.call_with_fallback("p", "s", USER, accept=make_accept(MATCH))
        )
        await asyncio.sleep(0.4)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert all(t.done() for t in asyncio.all_tasks() if t is not asyncio.current_task())


def test_p95_is_the_nearest_rank_of_enough_samples() -> None:
    assert latency_p95_ms([100.0] * 19) is None
    assert latency_p95_ms(range(1, 101)) == 95
    assert latency_p95_ms([300.0] * 19 + [5000.0]) == 300.0
    assert latency_p95_ms([1.0, float("nan"), 2.0], min_samples=2) == 2.0
    assert p95_by_model({"a": range(1, 41), "b": [1.0]}) == {"a": 38}
