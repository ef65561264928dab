"""Running the real ``scoreline`` command line in a subprocess, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["run_cli"]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``scoreline ARGS`` with this interpreter; a wide, colourless terminal unless ``env``
    is given, so a line is never wrapped or split by escape codes."""
    if env is None:
        env = {**os.environ, "COLUMNS": "220", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "scoreline.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
