"""The package surface: ``__all__`` and the bundled match data."""

from __future__ import annotations

import csv
import importlib
import pkgutil

import pytest

import scoreline.store
from scoreline.store import Database, bundled_matches_path, import_matches


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    names = scoreline.store.__all__
    assert names == sorted(names, key=_isort_key)
    public = {n for n in vars(scoreline.store) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(scoreline.store.__path__)}
    assert public - modules - {"annotations"} == set(names)


def test_every_module_declares_all() -> None:
    for info in pkgutil.iter_modules(scoreline.store.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"scoreline.store.{info.name}")
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name}"


def test_bundled_e0_has_five_full_premier_league_seasons() -> None:
    path = bundled_matches_path()
    assert path == bundled_matches_path("E0")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1900
    assert {r["competition"] for r in rows} == {"E0"}
    seasons = sorted({r["season"] for r in rows})
    assert seasons == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert (path.parent / "README.md").is_file()


def test_unknown_bundled_competition() -> None:
    with pytest.raises(FileNotFoundError, match=r"no bundled matches for 'XX' \(bundled: E0\)"):
        bundled_matches_path("XX")
    with pytest.raises(FileNotFoundError):
        bundled_matches_path("../matches")


def test_bundled_file_imports(db: Database) -> None:
    report = import_matches(db, bundled_matches_path())
    assert (report.inserted, report.rows) == (1900, 1900)
