"""The public surfaces of ``scoreline.report`` and ``scoreline.web``: ``__all__`` is exact."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

import scoreline.report
import scoreline.web


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


@pytest.mark.parametrize("package", [scoreline.report, scoreline.web])
def test_all_is_sorted_and_complete(package: ModuleType) -> None:
    names = package.__all__
    assert names == sorted(names, key=_isort_key)
    public = {n for n in vars(package) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    assert public - modules - {"annotations"} == set(names)


@pytest.mark.parametrize("package", [scoreline.report, scoreline.web])
def test_every_module_declares_all(package: ModuleType) -> None:
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name}"


def test_templates_ship_inside_the_package() -> None:
    from importlib import resources

    templates = resources.files("scoreline.web").joinpath("templates")
    names = {entry.name for entry in templates.iterdir()}
    assert {"base.html", "leaderboard.html", "match.html", "admin.html"} <= names
