from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import scoreline.scoring as scoring

SOURCE = Path(scoring.__file__).parent


def test_all_lists_exactly_the_public_names() -> None:
    """Every listed name loads from the module named for it, and nothing else is offered."""
    assert set(scoring.__all__) == set(scoring._HOMES)
    assert len(scoring.__all__) == len(set(scoring.__all__))
    assert dir(scoring) == sorted(scoring.__all__)
    for name, home in scoring._HOMES.items():
        assert getattr(scoring, name) is getattr(importlib.import_module(home), name)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        scoring.nothing_here  # noqa: B018


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


STORE_MODULES = {"settle.py", "ranking.py"}
"""The score job and the leaderboard: the only scoring modules that use the store."""


def test_scoring_knows_nothing_of_providers() -> None:
    forbidden = (
        "scoreline.llm",
        "scoreline.predict",
        "scoreline.queue",
        "scoreline.web",
        "scoreline.backtest",
        "scoreline.commands",
        "openai",
    )
    for path in SOURCE.glob("*.py"):
        for name in _imports(path, top_level_only=False):
            assert not name.startswith(forbidden), f"{path.name} imports {name}"


def test_the_rules_touch_no_database() -> None:
    for path in SOURCE.glob("*.py"):
        if path.name in STORE_MODULES:
            continue
        for name in _imports(path, top_level_only=False):
            assert not name.startswith(("scoreline.store", "sqlalchemy")), (
                f"{path.name} imports {name}"
            )


def test_penaltyblog_is_imported_lazily() -> None:
    for path in SOURCE.glob("*.py"):
        assert not any(n.startswith("penaltyblog") for n in _imports(path, top_level_only=True)), (
            path.name
        )
