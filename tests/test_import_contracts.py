"""The layers of design §7 are enforced by import-linter's contracts in ``pyproject.toml``.

One test runs ``lint-imports`` on the package; the others copy the package, add an import
that points the wrong way and check that the contracts catch it, so a contract that has
quietly stopped checking anything fails the suite too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import scoreline

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(scoreline.__file__).parent


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``lint-imports`` with the configuration found in ``cwd``."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", script, "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def copy_with_import(tmp_path: Path, module: str, statement: str) -> Path:
    """A copy of the package and its configuration, with ``statement`` added to ``module``."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    package = tmp_path / "src" / "scoreline"
    shutil.copytree(SRC, package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    target = package.joinpath(*module.split(".")[1:]).with_suffix(".py")
    target.write_text(target.read_text() + f"\n{statement}  # noqa\n")
    return tmp_path / "src"


@pytest.mark.parametrize(
    ("module", "statement", "contract"),
    [
        ("scoreline.store.db", "import scoreline.web", "store knows nothing"),
        ("scoreline.llm.call", "import scoreline.store", "llm and forecast know nothing"),
        ("scoreline.report.window", "import sqlalchemy", "only the store speaks SQL"),
        ("scoreline.predict.parse", "import scoreline.commands", "Imports point down"),
        ("scoreline.sources.http", "import scoreline.store", "data sources know football"),
        ("scoreline.standin.wire", "import scoreline.sources", "the football stand-in"),
        ("scoreline.sandbox.replies", "import scoreline.llm", "the sandbox stands alone"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, statement: str, contract: str
) -> None:
    pythonpath = copy_with_import(tmp_path, module, statement)
    result = lint_imports(tmp_path, pythonpath)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken
    assert module in broken
