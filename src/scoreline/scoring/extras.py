"""Optional dependencies: the error when one is missing, and BLAS threads when present.

The error has its own module because both the market (de-margining) and Dixon-Coles raise
it, and Dixon-Coles imports the market.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MissingExtraError", "single_threaded_blas"]


class MissingExtraError(ImportError):
    """An optional dependency of a reference model is not installed."""


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit BLAS to one thread inside the block (needs ``threadpoolctl``, else no change).

    The products here are small or skinny (resamples x matches); OpenBLAS threads only
    cost on them, and on a busy 2-core machine their spinning made a bootstrap 5-50 times
    slower (measured: a 20 x 50,000 x 20 product 0.17 s threaded, 0.003 s on one thread).
    ``threadpoolctl`` comes with ``scoreline[reference]``.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
