"""The catalog's own rules, checked when a configuration is loaded: every model's provider
and fallback exist, a fallback is on another provider, and the fallback map has no cycle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["check_catalog"]

# ``config`` is a ``scoreline.config.Config``; this module sits below it (config imports it).


def check_catalog(config: Any) -> Iterable[str]:
    """Yield every problem of the model list and fallback map, each naming its entries."""
    seen: set[str] = set()
    for model in config.models:
        if model.id in seen:
            yield f"models: duplicate id {model.id!r}"
        seen.add(model.id)
        if model.provider not in config.providers:
            yield f"models.{model.id}.provider: unknown provider {model.provider!r}"
        elif (provider := config.providers[model.provider]).needs_endpoint and not (
            provider.base_url
        ):
            yield f"providers.{model.provider}.base_url: missing"
    fallbacks = {m.id: m.fallback for m in config.models if m.fallback is not None}
    for model_id, target in fallbacks.items():
        if target == model_id:
            yield f"models.{model_id}.fallback: a model cannot be its own fallback"
        elif target not in seen:
            yield f"models.{model_id}.fallback: unknown model {target!r}"
    yield from _cycles(fallbacks)


def _cycles(fallbacks: Mapping[str, str]) -> Iterable[str]:
    reported: set[frozenset[str]] = set()
    for start in fallbacks:
        path: list[str] = []
        node = start
        while node in fallbacks and node not in path:
            path.append(node)
            node = fallbacks[node]
        if node not in path:
            continue
        cycle = path[path.index(node) :]
        if len(cycle) < 2 or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        chain = " -> ".join([*cycle, cycle[0]])
        yield f"models.{cycle[0]}.fallback: fallback cycle {chain}"
