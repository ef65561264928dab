"""The catalog's own rules, checked when a configuration is loaded: every model's provider
and fallback exist, a fallback is on another provider, the fallback map has no cycle, and each
model's call policy (``fallback_on``, the hedge) makes sense.

The effective call policy of a model is resolved here, once (``policy_of``): the start-up
checks read it, and so does the registry that calls the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CallPolicy", "check_catalog", "policy_of"]

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
    yield from _policy_problems(config, seen)


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


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """How one model's calls are made, once the provider's and the model's keys are merged."""

    fallback_on: frozenset[str] | None = None
    """Error classes that go to the fallback; ``None``: all (the contract's default);
    empty: never fall back."""
    hedge_after_ms: int | None = None
    """A fixed hedge delay, when configured."""
    hedge_p95: bool = False
    """Hedge after the primary's recent 95th-percentile latency instead."""

    def falls_back_on(self, error_class: str) -> bool:
        """Whether an error of this class of the primary may go to the fallback."""
        return self.fallback_on is None or error_class in self.fallback_on

    def hedge_delay_ms(self, p95_ms: float | None) -> float | None:
        """When to call the fallback too, or ``None`` for no hedge.

        Args:
            p95_ms: The primary's recent 95th-percentile latency, when known.
        """
        if self.hedge_after_ms is not None:
            return float(self.hedge_after_ms)
        if self.hedge_p95 and p95_ms is not None and p95_ms > 0:
            return p95_ms
        return None


def _hedge_keys(table: Any) -> tuple[int | None, bool] | None:
    """A level's hedge setting, or ``None`` when that level sets none."""
    if table.hedge_after_ms is None and table.hedge is None:
        return None
    return table.hedge_after_ms, table.hedge == "p95"


def policy_of(config: Any, model_id: str) -> CallPolicy:
    """The effective policy of a model (a ``scoreline.config.Config`` and one of its ids).

    ``fallback_on`` and the hedge are resolved separately: a model that sets only
    ``fallback_on`` keeps its provider's hedge, and the reverse.
    """
    model = config.model(model_id)
    provider = config.providers[model.provider]
    listed = model.fallback_on if model.fallback_on is not None else provider.fallback_on
    hedge = _hedge_keys(model) or _hedge_keys(provider) or (None, False)
    return CallPolicy(
        fallback_on=frozenset(listed) if listed is not None else None,
        hedge_after_ms=hedge[0],
        hedge_p95=hedge[1] and hedge[0] is None,
    )


def _policy_problems(config: Any, known: set[str]) -> Iterable[str]:
    """Call-policy keys that contradict themselves or could never act.

    A ``fallback_on`` without a fallback is fine (it has nothing to govern), and
    ``fallback_on = []`` means "never fall back": neither is a problem.
    """
    tables = [(f"providers.{name}", table) for name, table in config.providers.items()]
    tables += [(f"models.{model.id}", model) for model in config.models]
    for where, table in tables:
        if table.hedge_after_ms is not None and table.hedge is not None:
            yield f'{where}: set hedge_after_ms or hedge = "p95", not both'
        listed = table.fallback_on or ()
        for twice in sorted({c for c in listed if listed.count(c) > 1}):
            yield f"{where}.fallback_on: {twice!r} is listed twice"
    for model in config.models:
        if model.provider not in config.providers or model.id not in known:
            continue
        own_hedge = model.hedge_after_ms is not None or model.hedge is not None
        if own_hedge and model.fallback is None:
            key = "hedge_after_ms" if model.hedge_after_ms is not None else "hedge"
            yield f"models.{model.id}.{key}: the model has no fallback to call beside it"
            continue
        yield from _hedge_after_timeout(config, model)


def _hedge_after_timeout(config: Any, model: Any) -> Iterable[str]:
    """A fixed hedge delay at or past the timeout would never fire."""
    if model.fallback is None:
        return
    after = policy_of(config, model.id).hedge_after_ms
    provider = config.providers[model.provider]
    timeout_s = model.timeout_s or provider.timeout_s
    if after is not None and after >= timeout_s * 1000:
        where = (
            f"models.{model.id}"
            if model.hedge_after_ms is not None
            else (f"providers.{model.provider}")
        )
        yield (
            f"{where}.hedge_after_ms: {after} ms is not below the timeout of {model.id} "
            f"({timeout_s:g} s), so the hedge would never fire"
        )
