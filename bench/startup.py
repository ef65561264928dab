"""Benchmark: what a person waits for — start-up, import, memory, the demo.

Times whole processes, as a user's shell runs them, and quotes each against
``python -c "import openai"``: every timed run is paired with an openai import just before
it, and the ratio is the median of the pairs' ratios, so a slow minute on a shared machine
slows both sides of a pair. Each command runs once untimed first, and bytecode is cached
as an installed package's is (``PYTHONDONTWRITEBYTECODE`` is dropped). Memory is the resident
set (VmRSS, Linux ``/proc``) of an idle ``scoreline worker`` and of ``scoreline serve``
after its first page.

    python bench/startup.py [--runs 5] [--csv FILE] [--json]

Targets: ``--help`` <= 0.3 s (<= 0.4x the openai import), ``models`` <= 1.0 s, ``import-matches``
of 10,438 rows <= 1.5 s, idle worker <= 120 MiB, serve <= 150 MiB. Without ``--csv`` the
10,438 rows are the bundled Premier League seasons repeated under new match ids. ``--json``
gives each time in s (``*_s``) and its ratio (``*_x``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from scoreline.store import bundled_matches_path

ROWS = 10_438


OPENAI = [sys.executable, "-c", "import openai"]


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - started


def paired(
    make_argv: Callable[[int], list[str]], runs: int, cwd: Path, env: dict[str, str]
) -> tuple[float, float]:
    """Median wall time of ``runs`` processes, and the median ratio to the openai import.

    ``make_argv(i)`` may differ per run (and prepare it); one untimed run comes first.
    """
    _run(make_argv(runs), cwd, env)
    times, ratios = [], []
    for i in range(runs):
        argv = make_argv(i)
        base = _run(OPENAI, cwd, env)
        took = _run(argv, cwd, env)
        times.append(took)
        ratios.append(took / base)
    return statistics.median(times), statistics.median(ratios)


def write_matches(path: Path, rows: int = ROWS) -> Path:
    """``rows`` matches in the bundled CSV's shape: its seasons again and again, new ids."""
    with bundled_matches_path().open(newline="", encoding="utf-8") as f:
        source = list(csv.DictReader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(source[0]))
        writer.writeheader()
        for i in range(rows):
            row = dict(source[i % len(source)])
            row["match_id"] = f"{row['match_id']}-r{i // len(source)}"
            writer.writerow(row)
    return path


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def idle_rss_mib(
    argv: list[str], cwd: Path, env: dict[str, str], ready: Callable[[], None]
) -> float:
    """The resident set of a long-running command once ``ready()`` returned, then stop it."""
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        ready()
        time.sleep(1.0)  # let it settle into its idle loop
        return _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_http(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def measure(runs: int, csv_path: Path | None, work: Path, *, demo_only: bool) -> dict[str, float]:
    """Every figure of the benchmark (or the openai import and the demo): s, ratio and MiB."""
    env = {**os.environ, "SCORELINE_CONFIG": str(work / "scoreline.toml"), "HOME": str(work)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as an installed package has
    (work / "scoreline.toml").write_text(
        f'database_url = "sqlite:///{work / "scoreline.db"}"\n'
        f'queue_url = "sqlite:///{work / "queue.db"}"\n'
    )
    cli = [sys.executable, "-m", "scoreline.cli"]
    openai = [_run(OPENAI, work, env) for _ in range(runs)]
    figures = {"openai_import_s": statistics.median(openai)}

    def time_it(name: str, make_argv: Callable[[int], list[str]], n: int = runs) -> None:
        figures[f"{name}_s"], figures[f"{name}_x"] = paired(make_argv, n, work, env)

    if demo_only:
        time_it("demo", lambda _: [*cli, "demo"])
        return figures
    time_it("help", lambda _: [*cli, "--help"])
    time_it("models_validate", lambda _: [*cli, "models", "validate"])
    subprocess.run([*cli, "init"], cwd=work, env=env, check=True, capture_output=True)
    time_it("models", lambda _: [*cli, "models"])
    matches = csv_path or write_matches(work / "matches.csv")

    def fresh_import(i: int) -> list[str]:
        config = work / f"import-{i}.toml"
        config.write_text(f'database_url = "sqlite:///{work / f"import-{i}.db"}"\n')
        init = [*cli, "-c", str(config), "init"]
        subprocess.run(init, cwd=work, env=env, check=True, capture_output=True)
        return [*cli, "-c", str(config), "import-matches", str(matches)]

    time_it("import_matches", fresh_import)
    figures["worker_idle_rss_mib"] = idle_rss_mib(
        [*cli, "worker"], work, env, lambda: time.sleep(4)
    )
    port = _free_port()
    figures["serve_rss_mib"] = idle_rss_mib(
        [*cli, "serve", "--port", str(port)],
        work,
        env,
        lambda: _wait_http(f"http://127.0.0.1:{port}/"),
    )
    time_it("demo", lambda _: [*cli, "demo"], max(1, runs // 2))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--csv", type=Path, help=f"a matches CSV to import (default: {ROWS} bundled rows)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--demo-only", action="store_true", help="time only `scoreline demo` (--runs times)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scoreline-startup-") as tmp:
        figures = measure(args.runs, args.csv, Path(tmp), demo_only=args.demo_only)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'figure':<22} {'value':>9}  {'x openai import':>15}")
    for name, value in figures.items():
        if name.endswith("_x"):
            continue
        unit = "MiB" if name.endswith("mib") else "s"
        ratio = figures.get(name.removesuffix("_s") + "_x")
        shown = f"{ratio:.2f}x" if ratio is not None else ""
        print(f"{name:<22} {value:>7.2f} {unit:<3} {shown:>13}")


if __name__ == "__main__":
    main()
