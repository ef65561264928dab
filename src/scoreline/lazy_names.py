"""A package's public names, each loaded from its home module on first use (PEP 562).

``scoreline`` and ``scoreline.scoring`` list their names in ``__all__`` but import nothing
up front: ``import scoreline`` costs a command nothing, and a predict job that needs one
dataclass from the scoring package does not load SciPy for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str], names: Sequence[str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``.

    Args:
        package: The package's name, for the error.
        homes: Each public name and the module that defines it.
        names: The package's ``__all__``.
        namespace: The package's ``globals()``: a name once loaded is kept there, so later
            look-ups do not come back here.
    """

    def getattr_(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(names)

    return getattr_, dir_
