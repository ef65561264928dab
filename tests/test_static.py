"""Static checks: lint, formatting and types are kept clean by the suite, not by hand."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINTED = ("src", "tests", "bench")


def assert_clean(module: str, *args: str, timeout: float = 60) -> None:
    """Run ``python -m module args`` at the repository root; fail with its output unless it exits 0.

    The tool runs under this interpreter, so it is the one the ``test`` extra installed and
    it reads the repository's ``pyproject.toml``.
    """
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    command = " ".join((module, *args))
    assert result.returncode == 0, (
        f"`{command}` exited {result.returncode}:\n{result.stdout}{result.stderr}"
    )


def test_ruff_check_and_format_are_clean() -> None:
    assert_clean("ruff", "check", *LINTED)
    assert_clean("ruff", "format", "--check", *LINTED)


@pytest.mark.slow
@pytest.mark.timeout(600)  # a cold mypy run (no cache yet) takes tens of seconds
def test_mypy_is_clean() -> None:
    assert_clean("mypy", "src/scoreline", timeout=570)


MAX_FUNCTION_LINES = 50
MAX_MODULE_LINES = 400


def test_functions_and_modules_stay_small() -> None:
    """No function over 50 lines (docstring included), no module over 400, in ``src``."""

    too_long = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        text = path.read_text()
        name = path.relative_to(ROOT)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {size} lines")
    assert too_long == []
