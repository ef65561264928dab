"""The sandbox reports reasoning tokens for models that think, and answers late on `slow`."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from scoreline.sandbox import Fault, FaultMode, SandboxServer, parse_fault_spec
from scoreline.sandbox.replies import THINK_BLOCK

PROMPT = "Predict it.\nmatch_id: E0-2024-25-0001\n"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer().in_thread() as running:
        yield running


@pytest.fixture
async def http(server: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5.0) as client:
        yield client
    server.clear_faults()


async def complete(http: httpx.AsyncClient, model: str, **extra: Any) -> dict[str, Any]:
    body = {"model": model, "messages": [{"role": "user", "content": PROMPT}], **extra}
    response = await http.post("/chat/completions", json=body)
    assert response.status_code == 200
    return dict(response.json())


async def test_a_think_block_is_reported_inside_completion_tokens(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.THINK))
    body = await complete(http, "m")
    usage = body["usage"]
    content = body["choices"][0]["message"]["content"]
    assert content.startswith("<think>")
    assert usage["completion_tokens"] == len(content) // 4
    assert usage["completion_tokens_details"] == {"reasoning_tokens": len(THINK_BLOCK) // 4}
    assert "reasoning_tokens" not in usage
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_reasoning_content_is_reported_beside_completion_tokens(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.REASONING_ONLY))
    body = await complete(http, "m")
    usage = body["usage"]
    reasoning = body["choices"][0]["message"]["reasoning_content"]
    assert usage["completion_tokens"] == 0
    assert usage["reasoning_tokens"] == len(reasoning) // 4 > 0
    assert "completion_tokens_details" not in usage
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["reasoning_tokens"]


async def test_a_plain_answer_reports_no_reasoning(http: httpx.AsyncClient) -> None:
    usage = (await complete(http, "plain"))["usage"]
    assert set(usage) == {"prompt_tokens", "completion_tokens", "total_tokens"}


async def test_slow_answers_normally_after_its_latency(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.SLOW, latency_s=0.3))
    started = time.perf_counter()
    body = await complete(http, "m")
    assert time.perf_counter() - started >= 0.3
    assert "predictions" in body["choices"][0]["message"]["content"]
    fast = time.perf_counter()
    await complete(http, "other")
    assert time.perf_counter() - fast < 0.3


async def test_slow_is_set_through_the_control_route(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    root = str(http.base_url).removesuffix("/v1/")
    async with httpx.AsyncClient(base_url=root, timeout=5.0) as control:
        ok = await control.put("/_sandbox/faults/m", json={"mode": "slow", "latency_s": 0.2})
        bad = await control.put("/_sandbox/faults/m", json={"mode": "slow"})
    assert ok.status_code == 200 and server.faults()["m"] == Fault(FaultMode.SLOW, latency_s=0.2)
    assert bad.status_code == 400 and "needs latency_s" in bad.json()["error"]["message"]


@pytest.mark.parametrize("latency", [None, 0.0])
def test_slow_needs_a_latency(latency: float | None) -> None:
    with pytest.raises(ValueError, match="needs latency_s"):
        Fault(FaultMode.SLOW, latency_s=latency)
    with pytest.raises(ValueError, match="needs latency_s"):
        parse_fault_spec("m=slow")
