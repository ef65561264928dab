"""When to hedge a primary: its effective call policy and its recent latency percentile.

The policy (``fallback_on``, ``hedge_after_ms``, ``hedge``, the model's value winning over
the provider's) is resolved once, in ``scoreline.config_checks.policy_of``, which the
start-up checks use too; it is re-exported here for callers of models.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from scoreline.config_checks import CallPolicy, policy_of

__all__ = ["HEDGE_MIN_SAMPLES", "CallPolicy", "latency_p95_ms", "p95_by_model", "policy_of"]

HEDGE_MIN_SAMPLES = 20
"""Latencies needed before ``hedge = "p95"`` hedges: a percentile of fewer is noise."""


def latency_p95_ms(
    latencies_ms: Iterable[float], *, min_samples: int = HEDGE_MIN_SAMPLES
) -> float | None:
    """The 95th percentile (nearest rank) of a primary's recent latencies, or ``None``.

    Feed it the latencies of the primary's own calls that answered, and of those a hedge
    cancelled (each a lower bound of what the call would have taken). Leaving the
    cancelled ones out would make every hedge lower the next percentile, until every call
    is hedged; with them the percentile settles where about 5 % of calls are hedged.

    Args:
        latencies_ms: The latencies, in any order.
        min_samples: Fewer than this many: ``None`` (no hedge until the history exists).
    """
    values = sorted(v for v in latencies_ms if math.isfinite(v) and v >= 0)
    if not values or len(values) < min_samples:
        return None
    rank = math.ceil(0.95 * len(values))
    return values[rank - 1]


def p95_by_model(
    latencies: Mapping[str, Iterable[float]], *, min_samples: int = HEDGE_MIN_SAMPLES
) -> dict[str, float]:
    """``latency_p95_ms`` of each model, for ``Registry(hedge_latency=...)``; models with
    too little history are left out."""
    found = {m: latency_p95_ms(v, min_samples=min_samples) for m, v in latencies.items()}
    return {m: p for m, p in found.items() if p is not None}
