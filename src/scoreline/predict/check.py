"""``scoreline models check``: one sample forecast per model, through its ``Forecaster``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from scoreline.config import Config, ConfigError
from scoreline.forecast import ForecastContext, Forecaster, ForecastError
from scoreline.llm import Registry
from scoreline.predict.forecasters import build_forecasters, context_of
from scoreline.predict.prompt import sample_context

__all__ = ["check_models"]


async def _check_one(forecaster: Forecaster, context: ForecastContext) -> dict[str, Any]:
    started = time.perf_counter()
    row: dict[str, Any] = {
        "model_id": forecaster.model_id,
        "ok": False,
        "used_fallback": False,
        "answered_by": None,
        "error_class": None,
        "latency_ms": 0.0,
    }
    try:
        forecast = await forecaster.forecast(context)
    except ForecastError as exc:
        row["error_class"] = exc.error_class
        row["used_fallback"] = any(a.is_fallback for a in exc.attempts)
    else:
        row.update(ok=True, used_fallback=forecast.used_fallback, answered_by=forecast.answered_by)
    row["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return row


def _default_ids(config: Config, forecasters: Mapping[str, Forecaster]) -> list[str]:
    """Every active model whose forecaster calls a provider (checking a rule proves nothing)."""
    return [m.id for m in config.active_models() if forecasters[m.id].calls_provider]


def _check_ids(config: Config, ids: Sequence[str]) -> None:
    for model_id in ids:
        if not config.has_model(model_id):
            raise ConfigError(f"unknown model {model_id!r}")
        reason = config.inactive_reason(model_id)
        if reason:
            raise ConfigError(f"model {model_id!r} cannot be checked: {reason}")


async def check_models(
    config: Config,
    model_ids: Sequence[str] | None,
    *,
    now: datetime,
    outputs: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Check the given models (default: every active one that calls a provider) concurrently,
    each in the output mode the store learned for it (``outputs``), as its jobs would ask it.

    Returns:
        One row per model: ``model_id``, ``ok``, ``used_fallback``, ``answered_by``,
        ``error_class``, ``latency_ms``.

    Raises:
        ConfigError: An id is unknown or cannot be called.
    """
    if model_ids:
        _check_ids(config, model_ids)
    context = context_of(sample_context(now).fixture)
    async with Registry(config, outputs=outputs) as registry:
        forecasters = build_forecasters(config, registry)
        ids = list(model_ids) if model_ids else _default_ids(config, forecasters)
        return list(await asyncio.gather(*(_check_one(forecasters[i], context) for i in ids)))
