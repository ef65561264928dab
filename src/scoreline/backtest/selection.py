"""Which models a backtest asks, and what their forecasters need.

``backtest_config`` reduces the configuration to the chosen models (their fallbacks kept,
inactive); ``needs`` reads the chosen forecasters' traits: whether any calls a provider (then
matches are predicted side by side, through the predict job) and how much history they read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoreline.config import Config, ConfigError, ProviderConfig
from scoreline.forecast import Forecaster
from scoreline.llm import Registry
from scoreline.predict import build_forecasters
from scoreline.scoring import REFERENCE_FORECASTERS

__all__ = ["DEFAULT_MODELS", "Needs", "backtest_config", "needs"]

DEFAULT_MODELS = tuple(REFERENCE_FORECASTERS)
"""The reference forecasters: the backtest's models unless others are chosen."""


def backtest_config(config: Config, model_ids: Sequence[str] | None = None) -> Config:
    """The configuration the replay predicts with: only the chosen models are active.

    Their fallback targets stay in the catalog (inactive) so that fallbacks still work;
    everything else, and every provider nobody uses, is dropped, which keeps the predict
    job's per-match model sync and client set small.

    Args:
        config: The full configuration.
        model_ids: Models to ask (default: ``DEFAULT_MODELS``).

    Returns:
        The reduced configuration.

    Raises:
        ConfigError: A chosen model is not in the configuration.
    """
    chosen = list(model_ids or DEFAULT_MODELS)
    unknown = [m for m in chosen if not config.has_model(m)]
    if unknown:
        raise ConfigError(f"{config.source}: unknown model(s) for the backtest: {unknown}")
    keep = set(chosen)
    for model_id in chosen:
        fallback = config.model(model_id).fallback
        if fallback is not None:
            keep.add(fallback)
    models = [
        m.model_copy(update={"active": m.active and m.id in chosen})
        for m in config.models
        if m.id in keep
    ]
    used = {m.provider for m in models}
    providers = {name: p for name, p in config.providers.items() if name in used}
    reduced = config.model_copy(update={"models": models, "providers": providers})
    forecasters = _forecasters(reduced)
    local = {m.provider for m in models if not forecasters[m.id].calls_provider}
    providers = {name: _serial(p) if name in local else p for name, p in providers.items()}
    return reduced.model_copy(update={"providers": providers})


def _forecasters(config: Config) -> dict[str, Forecaster]:
    """The configuration's forecasters, to read their traits (never called: no client)."""
    return build_forecasters(config, Registry(config))


def _serial(provider: ProviderConfig) -> ProviderConfig:
    """One in-process forecaster at a time: they are numpy/scipy code that holds the GIL
    most of the time, so running them side by side only adds switching."""
    return provider.model_copy(update={"max_concurrency": 1})


@dataclass(frozen=True)
class Needs:
    """What the chosen forecasters need, read from their traits."""

    calls_provider: bool
    """Some forecaster calls a provider (network-bound): predict matches side by side."""
    history_days: int | None
    """Days of history they read before a match with odds; None: all."""


def needs(config: Config, chosen: Sequence[str]) -> Needs:
    """What the chosen forecasters need, from their traits."""
    forecasters = _forecasters(config)
    picked = [forecasters[m] for m in chosen]
    known = [f.history_days for f in picked if f.history_days is not None]
    return Needs(
        calls_provider=any(f.calls_provider for f in picked),
        history_days=max(known, default=0) if len(known) == len(picked) else None,
    )
