"""Benchmark: one predict job, 42 catalog models on the sandbox at 300 ms per call.

Prints the wall time of the job and its ratio to a single call's latency, without faults and
with about 10 % of the primaries failing over to their fallback. Calling the models one after
another would cost 42x; the targets are <= 1.5x without faults and <= 2.5x with fallbacks.

    python bench/predict_job.py [--latency-ms 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scoreline import Registry, load_config
from scoreline.predict import SYSTEM_PROMPT, make_accept, predict_match
from scoreline.store import Database, import_matches

HEADER = (
    "match_id,competition,competition_name,season,kickoff_utc,home_team,away_team,"
    "home_goals,away_goals,odds_home,odds_draw,odds_away\n"
)
EXTRA_FALLBACK = """
[[models]]
id = "glm-4.6-syn"
provider = "synthetic"
model = "hf:zai-org/GLM-4.6"
fallback = "qwen3-235b-instruct"
"""
FAILING = ("deepseek-r1-0528-syn", "kimi-k2-thinking-syn", "kimi-k2.5-syn", "glm-4.6-syn")


def write_config(work: Path, base_url: str, *, cooldown_threshold: int = 1000) -> Path:
    """The catalog on the sandbox; cooldown off by default, so every run pays the fallback."""
    path = work / f"bench-{cooldown_threshold}.toml"
    path.write_text(
        f"""database_url = "sqlite:///{work / "bench.db"}"
default_catalog = true
reference_models = false
[cooldown]
threshold = {cooldown_threshold}
[providers.together]
base_url = "{base_url}"
max_concurrency = 64
[providers.synthetic]
base_url = "{base_url}"
max_concurrency = 64
{EXTRA_FALLBACK}"""
    )
    return path


async def single_call(config_path: Path) -> float:
    config = load_config(config_path)
    async with Registry(config) as registry:
        await registry.call_with_fallback("deepseek-v3.1", SYSTEM_PROMPT, "match_id: warm-up\n")
        started = time.perf_counter()
        await registry.call_with_fallback(
            "deepseek-v3.1", SYSTEM_PROMPT, "match_id: x-1\n", accept=make_accept("x-1")
        )
        return time.perf_counter() - started


def run_job(config_path: Path, db: Database, match_id: str, now: datetime) -> tuple[float, dict]:
    config = load_config(config_path)
    started = time.perf_counter()
    summary = asyncio.run(predict_match(db, config, match_id, now=now))
    return time.perf_counter() - started, summary.as_dict()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_sandbox(latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    """The sandbox in its own process, as a remote provider would be: its CPU is not ours."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scoreline.cli",
            "sandbox",
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/_sandbox/stats", timeout=1).read()
            return process, f"{base}/v1"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the sandbox did not start")


def set_fault(base_url: str, model: str, status: int | None) -> None:
    root = base_url.removesuffix("/v1")
    if status is None:
        request = urllib.request.Request(f"{root}/_sandbox/faults/{model}", method="DELETE")
    else:
        data = json.dumps({"mode": "status", "status": status}).encode()
        request = urllib.request.Request(
            f"{root}/_sandbox/faults/{model}",
            data=data,
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
    urllib.request.urlopen(request, timeout=5).read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("TOGETHER_API_KEY", "bench-key")
    os.environ.setdefault("SYNTHETIC_API_KEY", "bench-key")
    sandbox, base_url = start_sandbox(args.latency_ms)
    try:
        rows, single = measure(base_url, args.runs)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    print(
        f"single call latency (median of 3): {single * 1000:.0f} ms "
        f"(sandbox latency {args.latency_ms:.0f} ms)"
    )
    print(
        f"{'scenario':<26} {'models':>6} {'stored':>6} {'fallback':>8} {'wall ms':>8} "
        f"{'x single':>8}"
    )
    for label, asked, predicted, via, wall, ratio, phases in rows:
        parts = " ".join(f"{k} {v:.0f}" for k, v in phases.items())
        print(
            f"{label:<26} {asked:>6} {predicted:>6} {via:>8} {wall * 1000:>8.0f} {ratio:>8.2f}"
            f"   (last run, ms: {parts})"
        )
    print("sequential calls would take about 42x a single call")


def measure(base_url: str, runs_per_scenario: int) -> tuple[list[tuple], float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config_path = write_config(work, base_url)
        db = Database(f"sqlite:///{work / 'bench.db'}")
        db.upgrade()
        kickoff = datetime.now(UTC) + timedelta(hours=1)
        scenarios = (
            ("no faults", False, config_path),
            ("10% primaries fail over", True, config_path),
            (
                "same, primaries in cooldown",
                True,
                write_config(work, base_url, cooldown_threshold=1),
            ),
        )
        runs = runs_per_scenario * len(scenarios) + 1
        lines = [
            f"B-{i:04d},B,Bench League,2026-27,{kickoff:%Y-%m-%dT%H:%M:%SZ},"
            f"Home {i},Away {i},,,2.0,3.4,3.9\n"
            for i in range(runs)
        ]
        (work / "m.csv").write_text(HEADER + "".join(lines))
        import_matches(db, work / "m.csv")
        now = kickoff - timedelta(minutes=20)
        single = statistics.median(asyncio.run(single_call(config_path)) for _ in range(3))
        rows = []
        index = 0
        for label, faults, path in scenarios:
            config = load_config(path)
            for model_id in FAILING:
                set_fault(
                    base_url, config.model(model_id).provider_model(), 503 if faults else None
                )
            if path is not config_path:  # one job to put the failing primaries in cooldown
                run_job(path, db, f"B-{index:04d}", now)
                index += 1
            times, summary = [], {}
            for _ in range(runs_per_scenario):
                elapsed, summary = run_job(path, db, f"B-{index:04d}", now)
                index += 1
                times.append(elapsed)
            wall = statistics.median(times)
            rows.append(
                (
                    label,
                    summary["asked"],
                    summary["predicted"],
                    summary["via_fallback"],
                    wall,
                    wall / single,
                    summary["phases_ms"],
                )
            )
        db.dispose()
    return rows, single


if __name__ == "__main__":
    main()
