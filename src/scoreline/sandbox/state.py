"""The sandbox's mutable state, shared between its event loop and the callers' threads.

Tests and the CLI change faults and read counters from other threads while the
server answers requests, so every access goes through one lock.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

from scoreline.sandbox.faults import Fault


class SandboxState:
    """Faults, latency, request counters and the known model names, behind a lock.

    Each model draws from its own generator seeded with (seed, model name), so whether
    a fault applies to the n-th request of a model does not depend on how requests
    for other models interleave with it.
    """

    def __init__(
        self,
        *,
        latency_s: float,
        faults: dict[str, Fault] | None,
        seed: int,
        models: list[str] | None,
    ) -> None:
        """Start with the given faults and latency and no requests counted."""
        self._lock = threading.Lock()
        self._latency_s = _check_latency(latency_s)
        self._faults = dict(faults or {})
        self._seed = seed
        self._models = list(dict.fromkeys(models or []))
        self._counts: Counter[str] = Counter()
        self._rngs: dict[str, random.Random] = {}

    def set_fault(self, model: str, fault: Fault | None) -> None:
        """Attach `fault` to `model` (None removes it) and restart its random sequence."""
        with self._lock:
            if fault is None:
                self._faults.pop(model, None)
            else:
                self._faults[model] = fault
            self._rngs.pop(model, None)

    def clear_faults(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()
            self._rngs.clear()

    def faults(self) -> dict[str, Fault]:
        """Return a snapshot of the faults by model name."""
        with self._lock:
            return dict(self._faults)

    def set_latency(self, seconds: float) -> None:
        """Set the latency added to every chat completion request."""
        with self._lock:
            self._latency_s = _check_latency(seconds)

    def latency(self) -> float:
        """Return the global latency in seconds."""
        with self._lock:
            return self._latency_s

    def count(self, model: str) -> None:
        """Count one chat completion request for `model`."""
        with self._lock:
            self._counts[model] += 1

    def counts(self) -> dict[str, int]:
        """Return a snapshot of the request counts by model name."""
        with self._lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        """Forget every request counted so far."""
        with self._lock:
            self._counts.clear()

    def models(self) -> list[str]:
        """Return the configured models, then any other model with a fault or a request."""
        with self._lock:
            others = (set(self._faults) | set(self._counts)) - set(self._models)
            return [*self._models, *sorted(others)]

    def decide(self, model: str) -> tuple[Fault | None, float]:
        """Draw whether the model's fault applies to this request.

        Returns:
            The fault to apply (None for a normal answer) and the total latency to add.
        """
        with self._lock:
            fault = self._faults.get(model)
            if fault is None:
                return None, self._latency_s
            delay = self._latency_s + (fault.latency_s or 0.0)
            if fault.p >= 1.0:
                return fault, delay
            rng = self._rngs.get(model)
            if rng is None:
                rng = self._rngs[model] = random.Random(f"{self._seed}:{model}")
            return (fault if rng.random() < fault.p else None), delay


def _check_latency(seconds: float) -> float:
    if seconds < 0:
        raise ValueError(f"latency must be >= 0 seconds, got {seconds}")
    return float(seconds)
