"""The shape of the package: declared public names, and imports that point one way."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import scoreline

SRC = Path(scoreline.__file__).parent
PACKAGES = [
    "scoreline",
    "scoreline.llm",
    "scoreline.predict",
    "scoreline.store",
    "scoreline.scoring",
    "scoreline.queue",
    "scoreline.sandbox",
    "scoreline.report",
    "scoreline.sources",
    "scoreline.standin",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist_once(name: str) -> None:
    """``__all__`` (kept sorted by ruff's RUF022) names only real attributes, each once."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    missing = [item for item in exported if not hasattr(module, item)]
    assert missing == []


def test_public_api_of_the_design() -> None:
    """The names design §6 promises to notebooks and outside tests."""
    for item in (
        "load_config",
        "Registry",
        "ProviderError",
        "ConfigError",
        "CallResult",
        "Attempt",
    ):
        assert item in scoreline.__all__
    assert {"error_class", "model_id", "status"} <= set(
        vars(scoreline.ProviderError("m", model_id="x", provider="p"))
    ) | {"error_class"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


RULES = {
    # package: scoreline packages it must never import
    "llm": {
        "predict",
        "store",
        "scoring",
        "queue",
        "web",
        "report",
        "cli",
        "commands",
        "demo",
        "sandbox",
        "backtest",
    },
    "store": {
        "llm",
        "predict",
        "scoring",
        "queue",
        "web",
        "report",
        "cli",
        "commands",
        "demo",
        "backtest",
    },
    "scoring": {"llm", "predict", "queue", "web", "cli", "commands", "demo", "sandbox"},
    "predict": {"queue", "web", "report", "cli", "commands", "demo", "backtest"},
    "queue": {"web", "cli", "commands", "demo"},
    "sandbox": {
        "llm",
        "predict",
        "store",
        "scoring",
        "queue",
        "web",
        "report",
        "cli",
        "commands",
        "demo",
    },
}


@pytest.mark.parametrize("package", sorted(RULES))
def test_imports_point_down_the_pipeline(package: str) -> None:
    bad = []
    for path in (SRC / package).rglob("*.py"):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "scoreline" and len(parts) > 1 and parts[1] in RULES[package]:
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert bad == []


def test_llm_knows_nothing_of_football_or_sql() -> None:
    words = ("sqlalchemy", "match_id", "home_team", "kickoff")
    offenders = [
        f"{path.name}: {word}"
        for path in (SRC / "llm").rglob("*.py")
        for word in words
        if word in path.read_text()
    ]
    assert offenders == []
