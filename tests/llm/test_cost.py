"""Reasoning tokens and the cost of each call, from the usage the sandbox reports over HTTP."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from scoreline import Registry
from scoreline.config import Config, ModelConfig
from scoreline.llm import CallResult, EmptyContentError, Usage, call_cost_usd, usage_of
from scoreline.predict import make_accept
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"
PRICES_OF: dict[str, dict[str, float]] = {
    "p": {"price_prompt_per_1m": 1.5, "price_completion_per_1m": 4.0},
    "f": {"price_prompt_per_1m": 0.2, "price_completion_per_1m": 0.8},
}
PRICES, FALLBACK_PRICES = PRICES_OF["p"], PRICES_OF["f"]


@pytest.fixture
def config(tmp_path: Path, fresh_sandbox: SandboxServer) -> Config:
    prices = {m: "\n".join(f"{k} = {v}" for k, v in p.items()) for m, p in PRICES_OF.items()}
    primary = model("p", "alpha", "f", output="json_object") + prices["p"] + "\n"
    models = primary + model("f", "beta") + prices["f"] + "\n"
    return sandbox_config(tmp_path, fresh_sandbox.base_url, models)


async def ask(config: Config) -> CallResult[Any]:
    async with Registry(config) as registry:
        return await registry.call_with_fallback("p", "s", USER, accept=make_accept(MATCH))


def expected(prompt: int, billed_completion: int, prices: dict[str, float]) -> float:
    prompt_price, completion_price = (
        prices["price_prompt_per_1m"],
        prices["price_completion_per_1m"],
    )
    return prompt * prompt_price / 1e6 + billed_completion * completion_price / 1e6


async def test_included_reasoning_tokens_are_read_and_not_billed_twice(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.THINK))
    (attempt,) = (await ask(config)).attempts
    assert attempt.reasoning_tokens and attempt.completion_tokens
    assert attempt.completion_tokens > attempt.reasoning_tokens  # included in completion
    assert attempt.prompt_tokens is not None
    cost = expected(attempt.prompt_tokens, attempt.completion_tokens, PRICES)
    assert attempt.cost_usd == pytest.approx(cost, abs=1e-9)


async def test_separate_reasoning_tokens_are_added_to_the_bill(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.REASONING_ONLY))
    (attempt,) = (await ask(config)).attempts
    assert attempt.completion_tokens == 0 and attempt.reasoning_tokens
    assert attempt.prompt_tokens is not None
    cost = expected(attempt.prompt_tokens, attempt.reasoning_tokens, PRICES)
    assert attempt.cost_usd == pytest.approx(cost, abs=1e-9) and attempt.cost_usd > 0


async def test_a_plain_reply_has_no_reasoning_and_a_cost(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    (attempt,) = (await ask(config)).attempts
    assert attempt.reasoning_tokens is None
    assert attempt.prompt_tokens is not None and attempt.completion_tokens is not None
    cost = expected(attempt.prompt_tokens, attempt.completion_tokens, PRICES)
    assert attempt.cost_usd == pytest.approx(cost, abs=1e-9) and attempt.cost_usd > 0


async def test_no_usage_means_an_unknown_cost(config: Config, fresh_sandbox: SandboxServer) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.NO_USAGE))
    (attempt,) = (await ask(config)).attempts
    assert attempt.cost_usd is None and attempt.reasoning_tokens is None


async def test_a_fallback_costs_both_calls_each_at_its_own_price(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.PROSE))
    primary, fallback = (await ask(config)).attempts
    assert primary.error_class == "unparseable" and fallback.ok
    for attempt, prices in ((primary, PRICES), (fallback, FALLBACK_PRICES)):
        assert attempt.prompt_tokens is not None and attempt.completion_tokens is not None
        cost = expected(attempt.prompt_tokens, attempt.completion_tokens, prices)
        assert attempt.cost_usd == pytest.approx(cost, abs=1e-9) and attempt.cost_usd > 0


async def test_an_empty_reply_is_still_billed_and_keeps_its_usage_through_pickling(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.EMPTY_CONTENT))
    fresh_sandbox.set_fault("f-wire", Fault(FaultMode.EMPTY_CONTENT))
    with pytest.raises(EmptyContentError) as info:
        await ask(config)
    primary = info.value.attempts[0]
    assert primary.error_class == "empty_content" and primary.prompt_tokens
    assert primary.cost_usd == pytest.approx(expected(primary.prompt_tokens, 0, PRICES))
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.usage == info.value.usage and copy.usage.cost_usd is not None


async def test_a_transport_failure_has_no_cost(
    config: Config, fresh_sandbox: SandboxServer
) -> None:
    fresh_sandbox.set_fault("p-wire", Fault(FaultMode.STATUS, status=503))
    primary, _ = (await ask(config)).attempts
    assert primary.cost_usd is None and primary.prompt_tokens is None


def test_usage_styles_and_prices() -> None:
    priced = ModelConfig(
        id="m", provider="x", price_prompt_per_1m=2.0, price_completion_per_1m=10.0
    )
    openai_style = usage_of(
        {
            "usage": {
                "prompt_tokens": 1000,
                "completion_tokens": 500,
                "completion_tokens_details": {"reasoning_tokens": 400},
            }
        }
    )
    assert openai_style == Usage(1000, 500, 400, reasoning_included=True)
    assert call_cost_usd(openai_style, priced) == pytest.approx(0.002 + 0.005)
    apart = usage_of(
        {"usage": {"prompt_tokens": 1000, "completion_tokens": 100, "reasoning_tokens": 400}}
    )
    assert apart == Usage(1000, 100, 400, reasoning_included=False)
    assert apart is not None and apart.billed_completion_tokens == 500
    assert call_cost_usd(apart, priced) == pytest.approx(0.002 + 0.005)
    assert usage_of({"choices": []}) is None and call_cost_usd(None, priced) is None
    assert usage_of({"usage": {"prompt_tokens": -3, "completion_tokens": True}}) == Usage(
        None, None
    )
    assert call_cost_usd(Usage(None, None), priced) is None
