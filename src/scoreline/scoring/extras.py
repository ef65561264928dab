"""Optional dependencies: the error when one is missing, lean imports, BLAS threads.

The error has its own module because both the market (de-margining) and Dixon-Coles raise
it, and Dixon-Coles imports the market.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "DIXON_COLES_KERNELS",
    "PENALTYBLOG_MODULES",
    "MissingExtraError",
    "import_in_background",
    "import_lean",
    "single_threaded_blas",
]

DIXON_COLES_KERNELS = (
    "penaltyblog.models.loss",
    "penaltyblog.models.gradients",
    "penaltyblog.models.probabilities",
)
"""penaltyblog's compiled modules a Dixon-Coles fit and its grids use (``dixon_coles_fit``)."""
PENALTYBLOG_MODULES = (*DIXON_COLES_KERNELS, "penaltyblog.implied")
"""The parts of penaltyblog the reference forecasters use (Dixon-Coles, de-margining)."""


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


_LEAN_LOCK = threading.RLock()


def _deferred_package(name: str) -> None:
    """Put package ``name`` in ``sys.modules`` with its path but without running its
    ``__init__``; the first attribute not found on it runs the ``__init__`` after all."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"no package named {name!r}", name=name)
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def complete(attribute: str) -> Any:
        with _LEAN_LOCK:
            if package.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(package)
        if attribute in package.__dict__:
            return package.__dict__[attribute]
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    package.__dict__["__getattr__"] = complete
    sys.modules[name] = package


def import_lean(name: str) -> Any:
    """Import module ``name`` without running its parent packages' ``__init__``.

    penaltyblog's ``__init__`` imports every subpackage (plots with matplotlib and plotly,
    scrapers, graphs with networkx, betting with pulp): about 2.3 s, where the compiled
    Dixon-Coles kernels and the de-margining scoreline uses take milliseconds. Parents not
    imported yet are registered without running their ``__init__``; any other use of them
    (``penaltyblog.viz``, ``penaltyblog.__version__``) runs it then, so a later plain
    ``import`` still works.

    Raises:
        ImportError: The module (or a parent) is not installed.
    """
    parts = name.split(".")
    with _LEAN_LOCK:
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if parent not in sys.modules:
                _deferred_package(parent)
            elif sys.modules[parent] is None:  # blocked, as a missing package
                raise ModuleNotFoundError(f"import of {parent} halted", name=parent)
    return importlib.import_module(name)


def import_in_background(*modules: str) -> threading.Thread:
    """Start importing ``modules`` in a daemon thread and return it (join it when done).

    Whatever is imported here is not imported in the first forecast that needs it (with
    penaltyblog's compiled kernels that is a few milliseconds; its public models would load
    pandas and scipy.stats, about 1.3 s). A caller that knows a reference forecaster will
    run can start the import while it does other work (reading a season, starting a
    sandbox); the forecaster's own import then finds the module loaded or waits for it.
    ``"penaltyblog"`` stands for ``PENALTYBLOG_MODULES``, imported lean. A module that is
    not installed is left to that import to report.
    """
    names = [
        m for name in modules for m in (PENALTYBLOG_MODULES if name == "penaltyblog" else (name,))
    ]

    def load() -> None:
        for name in names:
            try:
                if name.startswith("penaltyblog."):
                    import_lean(name)
                else:
                    importlib.import_module(name)
            except ImportError:
                continue

    thread = threading.Thread(target=load, name="scoreline-import", daemon=True)
    thread.start()
    return thread
