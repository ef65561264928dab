"""The cyclic garbage collector and the objects that live as long as the process.

A command's modules (the ``openai`` SDK's types above all), its configuration and its caches
are hundreds of thousands of objects that are never garbage. Left to the collector, every
full collection walks them all again: measured on the demo, five full collections took
0.44-0.52 s of a 5 s run, and in a worker one ~200 ms pause lands in some job every few
jobs. ``gc.freeze()`` moves them out of the collector's sight; what is allocated afterwards
is collected as usual. The price is that garbage made while loading, frozen with the rest,
is never freed: a few megabytes at most, once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["freeze_after_first_job", "long_lived"]


@contextmanager
def long_lived() -> Iterator[None]:
    """What the block creates lives as long as the process (a command's imports): no
    collection runs while it is made, and it is frozen afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


_settled = threading.Event()


def freeze_after_first_job() -> None:
    """Once per process, after its first job: collect, then freeze what is left.

    The first job loads the rest of the pipeline (the SDK, the HTTP stack, the reference
    forecasters' libraries) and fills the caches; from then on those are long-lived too.
    """
    if not _settled.is_set():
        _settled.set()
        gc.collect()
        gc.freeze()
