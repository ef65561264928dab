"""Fallback statistics: how often each model's fallback served, and what that cost.

Everything is read from ``prediction_attempts`` (one row per provider call; ``model_id`` is
the ORIGINAL model, ``called_model_id`` the model actually called, ``is_fallback`` marks the
fallback call) and aggregated in SQL with ``GROUP BY`` by ``store.fallback_attempts``; this
module only joins the few grouped rows with the prices and the cooldowns of the models.

Definitions, for one model and a window ``[since, until]`` on the attempts' ``created_at``:

- ``predictions``: distinct matches the model was asked for (any attempt on its behalf).
- ``fallbacks``: distinct matches whose prediction the fallback served (a fallback call
  that succeeded).
- ``fallback_rate``: ``fallbacks / predictions`` (0 when nothing was asked).
- ``fallback_cost_usd``: the fallback calls' tokens at the prices of the model that
  answered. A call is billed when it succeeded or reported tokens; a failed call without
  token counts (timeout, HTTP error) is taken as unbilled. A billed call whose provider
  reported no token counts gets an estimate: the average of the called model's other
  attempts that did, else ``DEFAULT_PROMPT_TOKENS`` / ``DEFAULT_COMPLETION_TOKENS``, and
  the row is marked ``estimated``.
- ``original_cost_usd``: the same tokens at the original model's prices.
- ``cost_multiplier``: ``fallback_cost_usd / original_cost_usd`` (``None`` when the
  original would have cost nothing); ``exceeds_2x`` when the fallbacks cost more than twice
  the original (or anything at all against a free original).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scoreline.config import Config
from scoreline.store import Database, FallbackCalls, StoredModel, fallback_attempts, list_models

__all__ = [
    "DEFAULT_COMPLETION_TOKENS",
    "DEFAULT_PROMPT_TOKENS",
    "WARN_MULTIPLIER",
    "fallback_stats",
]

DEFAULT_PROMPT_TOKENS = 600
"""Prompt tokens assumed for a billed call when the model never reported any."""
DEFAULT_COMPLETION_TOKENS = 40
"""Completion tokens assumed for a billed call when the model never reported any."""
WARN_MULTIPLIER = 2.0
"""Fallbacks costing more than this many times the original are flagged."""


@dataclass(frozen=True)
class _Tokens:
    """Token totals of one (original, called) group of fallback calls."""

    calls: int
    prompt: float
    completion: float
    estimated: bool


def _prices(config: Config, stored: dict[str, StoredModel], model_id: str) -> tuple[float, float]:
    """USD per 1M prompt/completion tokens: the configuration first, then the store."""
    if config.has_model(model_id):
        model = config.model(model_id)
        return model.price_prompt_per_1m, model.price_completion_per_1m
    row = stored.get(model_id)
    if row is not None:
        return float(row.price_prompt_per_1m or 0), float(row.price_completion_per_1m or 0)
    return 0.0, 0.0


def _cost(prices: tuple[float, float], tokens: _Tokens) -> float:
    return (tokens.prompt * prices[0] + tokens.completion * prices[1]) / 1_000_000


def _tokens(group: FallbackCalls) -> _Tokens:
    """The group's tokens, a missing count estimated from the called model's average."""
    prompt = group.average_prompt
    completion = group.average_completion
    if prompt is None:
        prompt = float(DEFAULT_PROMPT_TOKENS)
    if completion is None:
        completion = float(DEFAULT_COMPLETION_TOKENS)
    return _Tokens(
        calls=group.calls,
        prompt=group.prompt_tokens + group.missing_prompt * prompt,
        completion=group.completion_tokens + group.missing_completion * completion,
        estimated=bool(group.missing_prompt or group.missing_completion),
    )


def _fallback_target(
    config: Config, model_id: str, called: Counter[str], stored: StoredModel | None
) -> str:
    if config.has_model(model_id) and config.model(model_id).fallback:
        return str(config.model(model_id).fallback)
    if called:
        return called.most_common(1)[0][0]
    return str(stored.fallback_id) if stored is not None and stored.fallback_id else ""


def _multiplier(fallback_cost: float, original_cost: float) -> tuple[float | None, bool]:
    if original_cost > 0:
        multiplier = fallback_cost / original_cost
        return round(multiplier, 4), multiplier > WARN_MULTIPLIER
    return None, fallback_cost > 0


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware UTC datetime")
    return moment.astimezone(UTC)


def fallback_stats(
    db: Database,
    config: Config,
    *,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Per-model fallback rates and costs over a window of provider calls.

    Models listed: every model of the configuration that has a fallback, and every model
    whose fallback was called in the window (the configuration may have changed since).

    Args:
        db: The store.
        config: The configuration (fallback map and prices).
        since: Start of the window, inclusive, aware UTC.
        until: End of the window, inclusive, aware UTC.
        now: When to judge ``in_cooldown``; the current time if ``None``.

    Returns:
        ``{"since", "until", "stats": [...], "summary": {...}}``; each stat holds
        ``model_id``, ``fallback_to``, ``predictions``, ``fallbacks``, ``fallback_rate``,
        ``fallback_calls``, ``fallback_cost_usd``, ``original_cost_usd``,
        ``cost_multiplier``, ``exceeds_2x``, ``estimated``, ``primary_failures`` (by error
        class) and ``in_cooldown``. Rows are sorted by fallback rate, highest first.
    """
    since, until = _as_utc(since), _as_utc(until)
    now = _as_utc(now) if now is not None else datetime.now(UTC)
    configured = [m.id for m in config.models if m.fallback]
    attempts = fallback_attempts(db, model_ids=configured, since=since, until=until)
    stored = {model.id: model for model in list_models(db, now=now, cooldown=config.cooldown)}
    by_model: dict[str, list[FallbackCalls]] = defaultdict(list)
    for group in attempts.calls:
        by_model[group.model_id].append(group)
    stats = [
        _stat(config, model_id, by_model[model_id], stored, now)
        | _counts(attempts.asked.get(model_id, 0), attempts.served.get(model_id, 0))
        | {"primary_failures": dict(attempts.primary_failures.get(model_id, {}))}
        for model_id in attempts.model_ids
    ]
    stats.sort(key=lambda s: (-s["fallback_rate"], s["model_id"]))
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "stats": stats,
        "summary": _summary(stats),
    }


def _counts(asked: int, served: int) -> dict[str, Any]:
    return {
        "predictions": asked,
        "fallbacks": served,
        "fallback_rate": round(served / asked, 4) if asked else 0.0,
    }


def _stat(
    config: Config,
    model_id: str,
    groups: list[FallbackCalls],
    stored: dict[str, StoredModel],
    now: datetime,
) -> dict[str, Any]:
    original_prices = _prices(config, stored, model_id)
    fallback_cost = original_cost = 0.0
    estimated = False
    calls: Counter[str] = Counter()
    for group in groups:
        tokens = _tokens(group)
        calls[group.called_model_id] += tokens.calls
        fallback_cost += _cost(_prices(config, stored, group.called_model_id), tokens)
        original_cost += _cost(original_prices, tokens)
        estimated = estimated or tokens.estimated
    multiplier, exceeds = _multiplier(fallback_cost, original_cost)
    row = stored.get(model_id)
    cooldown_until = row.cooldown_until if row is not None else None
    return {
        "model_id": model_id,
        "fallback_to": _fallback_target(config, model_id, calls, row),
        "fallback_calls": sum(calls.values()),
        "fallback_cost_usd": round(fallback_cost, 6),
        "original_cost_usd": round(original_cost, 6),
        "cost_multiplier": multiplier,
        "exceeds_2x": exceeds,
        "estimated": estimated,
        "in_cooldown": cooldown_until is not None and cooldown_until > now,
        "cooldown_until": cooldown_until.isoformat() if cooldown_until else None,
    }


def _summary(stats: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "models_with_fallback": len(stats),
        "models_using_fallback": sum(1 for s in stats if s["fallbacks"]),
        "predictions": sum(s["predictions"] for s in stats),
        "fallbacks": sum(s["fallbacks"] for s in stats),
        "models_over_2x": sum(1 for s in stats if s["exceeds_2x"]),
        "models_in_cooldown": sum(1 for s in stats if s["in_cooldown"]),
        "fallback_cost_usd": round(sum(s["fallback_cost_usd"] for s in stats), 6),
        "original_cost_usd": round(sum(s["original_cost_usd"] for s in stats), 6),
    }
