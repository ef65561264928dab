"""``scoreline models check``: one sample prediction per model, through the fallback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from scoreline.config import Config, ConfigError
from scoreline.llm import ProviderError, Registry
from scoreline.predict.parse import make_accept
from scoreline.predict.prompt import SYSTEM_PROMPT, render_prompt, sample_context

__all__ = ["check_models", "list_models"]


def list_models(config: Config) -> list[dict[str, Any]]:
    """The catalog as plain rows, with whether each model can be called and why not."""
    return [
        {
            "model_id": m.id,
            "provider": m.provider,
            "model": m.provider_model(),
            "display_name": m.label(),
            "tier": m.tier,
            "price_prompt_per_1m": m.price_prompt_per_1m,
            "price_completion_per_1m": m.price_completion_per_1m,
            "fallback": m.fallback,
            "active": config.is_active(m.id),
            "inactive_reason": config.inactive_reason(m.id),
        }
        for m in config.models
    ]


async def _check_one(
    registry: Registry, model_id: str, user_prompt: str, match_id: str
) -> dict[str, Any]:
    started = time.perf_counter()
    row: dict[str, Any] = {
        "model_id": model_id,
        "ok": False,
        "used_fallback": False,
        "answered_by": None,
        "error_class": None,
        "latency_ms": 0.0,
    }
    try:
        result = await registry.call_with_fallback(
            model_id, SYSTEM_PROMPT, user_prompt, accept=make_accept(match_id)
        )
    except ProviderError as exc:
        row["error_class"] = exc.error_class
        row["used_fallback"] = any(a.is_fallback for a in exc.attempts)
    else:
        row.update(ok=True, used_fallback=result.used_fallback, answered_by=result.answered_by)
    row["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return row


async def check_models(
    config: Config, model_ids: Sequence[str] | None, *, now: datetime
) -> list[dict[str, Any]]:
    """Check the given models (default: every active one) concurrently.

    Returns:
        One row per model: ``model_id``, ``ok``, ``used_fallback``, ``answered_by``,
        ``error_class``, ``latency_ms``.

    Raises:
        ConfigError: An id is unknown or cannot be called.
    """
    ids = (
        list(model_ids)
        if model_ids
        else [m.id for m in config.active_models() if config.providers[m.provider].kind == "openai"]
    )
    for model_id in ids:
        if not config.has_model(model_id):
            raise ConfigError(f"unknown model {model_id!r}")
        reason = config.inactive_reason(model_id)
        if reason:
            raise ConfigError(f"model {model_id!r} cannot be checked: {reason}")
    context = sample_context(now)
    prompt = render_prompt(context)
    async with Registry(config) as registry:
        return list(
            await asyncio.gather(
                *(_check_one(registry, i, prompt, context.fixture.match_id) for i in ids)
            )
        )
