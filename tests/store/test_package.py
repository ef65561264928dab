"""The package surface: ``__all__`` and the bundled match data."""

from __future__ import annotations

import ast
import csv
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import scoreline.store
from scoreline.store import Database, bundled_matches_path, import_matches


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    names = scoreline.store.__all__
    assert names == sorted(names, key=_isort_key)
    assert len(set(names)) == len(names)
    for name in names:
        home = importlib.import_module(scoreline.store._HOMES[name])
        assert getattr(scoreline.store, name) is getattr(home, name), name
    assert dir(scoreline.store) == sorted(names)
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        _ = scoreline.store.nothing_here  # type: ignore[attr-defined]


def test_stub_lists_the_same_names_from_the_same_homes() -> None:
    """``__init__.pyi`` is what type checkers see: it must match what the package loads."""
    stub = ast.parse((Path(scoreline.store.__file__).parent / "__init__.pyi").read_text())
    imported = {
        alias.name: node.module
        for node in stub.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == scoreline.store._HOMES
    declared = next(n for n in stub.body if isinstance(n, ast.Assign))
    assert ast.literal_eval(declared.value) == scoreline.store.__all__


def test_a_name_loads_only_its_home() -> None:
    """``import-matches`` pays for the matches and their tables, not every query module."""
    code = (
        "import sys\n"
        "from scoreline.store import import_matches\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('scoreline.store.'))\n"
        "print(' '.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "scoreline.store.matches" in out
    for heavy in ("attempt_stats", "batches", "history", "browse", "snapshots"):
        assert f"scoreline.store.{heavy}" not in out


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
