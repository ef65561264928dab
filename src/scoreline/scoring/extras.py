"""Optional dependencies: the error when one is missing, and BLAS threads when present.

The error has its own module because both the market (de-margining) and Dixon-Coles raise
it, and Dixon-Coles imports the market.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["MissingExtraError", "import_in_background", "single_threaded_blas"]


class MissingExtraError(ImportError):
    """An optional dependency of a reference model is not installed."""


class _OneThread:
    """BLAS held at one thread while anyone is inside; the original limits come back when
    the last one leaves (threads may overlap: the limit is process-wide)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.limiter: Any = None
        self.controller: Any = None
        self.loaded: tuple[bool, bool] | None = None

    def _controller(self) -> Any:
        """threadpoolctl's controller, found again only when scipy's own BLAS got loaded
        (finding the libraries costs 10-50 ms, the limit itself a tenth of a millisecond)."""
        loaded = ("numpy" in sys.modules, "scipy.linalg" in sys.modules)
        if self.controller is None or loaded != self.loaded:
            from threadpoolctl import ThreadpoolController

            self.controller, self.loaded = ThreadpoolController(), loaded
        return self.controller

    def enter(self) -> None:
        with self.lock:
            if self.inside == 0:
                self.limiter = self._controller().limit(limits=1, user_api="blas")
            self.inside += 1

    def leave(self) -> None:
        with self.lock:
            self.inside -= 1
            if self.inside == 0 and self.limiter is not None:
                self.limiter.restore_original_limits()
                self.limiter = None


_ONE_THREAD = _OneThread()


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (needs ``threadpoolctl``, else no change).

    The products here are small or skinny (resamples x matches, a Dixon-Coles fit's 42
    parameters); OpenBLAS threads only cost on them, and on a busy 2-core machine their
    spinning made a bootstrap 5-50 times slower (measured: a 20 x 50,000 x 20 product 0.17 s
    threaded, 0.003 s on one thread) and a Dixon-Coles fit 330 ms instead of 36 ms, holding
    the GIL all along. Thread-safe and nestable; ``threadpoolctl`` comes with
    ``scoreline[reference]``.
    """
    try:
        _ONE_THREAD.enter()
    except ImportError:
        yield
        return
    try:
        yield
    finally:
        _ONE_THREAD.leave()


def import_in_background(*modules: str) -> threading.Thread:
    """Start importing ``modules`` in a daemon thread and return it (join it when done).

    penaltyblog takes about 2 s to import (it loads pandas and scipy.stats), all in the
    first forecast that needs it. A caller that knows a reference forecaster will run can
    start the import while it does other work (reading a season, starting a sandbox); the
    forecaster's own import then finds the module loaded or waits for it. A module that is
    not installed is left to that import to report.
    """

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError:
                continue

    thread = threading.Thread(target=load, name="scoreline-import", daemon=True)
    thread.start()
    return thread
