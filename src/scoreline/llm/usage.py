"""Token usage as a provider reports it, and what a call cost at the catalog's prices.

Providers report thinking two ways: OpenAI-style ``completion_tokens_details.
reasoning_tokens``, already counted in ``completion_tokens``; or a ``reasoning_tokens`` beside
``completion_tokens``, not counted in it. Both are billed as completion tokens, so the cost
adds the second kind and not the first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Usage", "call_cost_usd", "priced", "usage_of"]


def _count(value: Any) -> int | None:
    """A token count, or ``None`` for anything that is not a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


@dataclass(frozen=True, slots=True)
class Usage:
    """The tokens of one call, as reported."""

    prompt_tokens: int | None
    completion_tokens: int | None
    reasoning_tokens: int | None = None
    reasoning_included: bool = True
    """Whether ``completion_tokens`` already counts the reasoning tokens."""
    cost_usd: float | None = None
    """Set by ``priced``: what these tokens cost at the called model's prices."""

    @property
    def billed_completion_tokens(self) -> int | None:
        """Completion tokens as billed: reasoning reported apart is added."""
        if self.completion_tokens is None and self.reasoning_tokens is None:
            return None
        extra = 0 if self.reasoning_included else (self.reasoning_tokens or 0)
        return (self.completion_tokens or 0) + extra


def usage_of(body: Any) -> Usage | None:
    """The usage of a chat completion body, or ``None`` when it reports none."""
    usage = body.get("usage") if isinstance(body, dict) else None
    if not isinstance(usage, dict):
        return None
    details = usage.get("completion_tokens_details")
    included = _count(details.get("reasoning_tokens")) if isinstance(details, dict) else None
    separate = _count(usage.get("reasoning_tokens"))
    return Usage(
        prompt_tokens=_count(usage.get("prompt_tokens")),
        completion_tokens=_count(usage.get("completion_tokens")),
        reasoning_tokens=included if included is not None else separate,
        reasoning_included=included is not None or separate is None,
    )


def priced(usage: Usage | None, model: Any) -> Usage | None:
    """The usage with its cost at the called model's prices (a ``ModelConfig``)."""
    if usage is None:
        return None
    return replace(usage, cost_usd=call_cost_usd(usage, model))


def call_cost_usd(usage: Usage | None, model: Any) -> float | None:
    """What a call cost at the called model's prices (a ``ModelConfig``).

    ``None`` when the provider reported no usage: an unknown cost is not a free one.
    """
    if usage is None:
        return None
    completion = usage.billed_completion_tokens
    if usage.prompt_tokens is None and completion is None:
        return None
    cost = (usage.prompt_tokens or 0) * model.price_prompt_per_1m / 1e6 + (
        completion or 0
    ) * model.price_completion_per_1m / 1e6
    return round(cost, 10)
