from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import scoreline.scoring as scoring

SOURCE = Path(scoring.__file__).parent


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(scoring).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    }
    assert set(scoring.__all__) == public
    assert len(scoring.__all__) == len(set(scoring.__all__))


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
