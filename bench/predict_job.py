"""Benchmark: one predict job, 42 catalog models on the sandbox at 300 ms per call.

Prints the wall time of the job and its ratio to a single call's latency and to the healthy
job: without faults, with about 10 % of the primaries failing over to their fallback, and
with one primary slowed to 5x its usual latency, unhedged and hedged (``hedge_after_ms`` on
both providers). Calling the models one after another would cost 42x; the targets are
<= 1.3x one call without faults, <= 2.2x with four failing primaries, and the hedged slow
primary <= 1.3x the healthy job. ``--profile`` prints where a healthy job's time goes. The
``cpu ms`` column is the CPU the job cost this process (every thread): unlike the wall time,
it hardly moves with the machine's load, and at sandbox latencies it is most of the overhead.
Jobs run as a worker thread runs them (``run_predict``: one event loop and its provider
clients kept from job to job); ``--fresh-loop`` runs each on a new loop with clients of its
own, as every job did before.

    python bench/predict_job.py [--latency-ms 300] [--runs 3] [--hedge-after-ms 450] [--profile]
        [--fresh-loop]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
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
from scoreline.llm import close_thread_loop
from scoreline.predict import SYSTEM_PROMPT, make_accept, predict_match
from scoreline.predict.job import run_predict
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
SLOW = "kimi-k2.5-syn"
"""The primary slowed to 5x its usual latency (its fallback: kimi-k2-instruct)."""


def write_config(
    work: Path, base_url: str, *, cooldown_threshold: int = 1000, hedge_after_ms: int | None = None
) -> Path:
    """The catalog on the sandbox; cooldown off by default, so every run pays the fallback."""
    path = work / f"bench-{cooldown_threshold}-{hedge_after_ms}.toml"
    hedge = f"hedge_after_ms = {hedge_after_ms}\n" if hedge_after_ms else ""
    path.write_text(
        f"""database_url = "sqlite:///{work / "bench.db"}"
default_catalog = true
reference_models = false
[cooldown]
threshold = {cooldown_threshold}
[providers.together]
base_url = "{base_url}"
max_concurrency = 64
{hedge}[providers.synthetic]
base_url = "{base_url}"
max_concurrency = 64
{hedge}{EXTRA_FALLBACK}"""
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


FRESH_LOOP = False
"""Whether each job runs on a new event loop with its own clients (``--fresh-loop``)."""


def run_job(config_path: Path, db: Database, match_id: str, now: datetime) -> tuple[float, dict]:
    """Wall seconds and the summary, with ``cpu_ms``: the process CPU the job took."""
    config = load_config(config_path)
    started, cpu = time.perf_counter(), time.process_time()
    if FRESH_LOOP:
        summary = asyncio.run(predict_match(db, config, match_id, now=now))
    else:
        summary = run_predict(db, config, match_id, now=now)
    wall = time.perf_counter() - started
    return wall, summary.as_dict() | {"cpu_ms": (time.process_time() - cpu) * 1000}


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


def set_fault(base_url: str, model: str, fault: dict[str, object] | None) -> None:
    """Put a fault (``{"mode": ..., ...}``) on a wire model, or remove it with ``None``."""
    root = base_url.removesuffix("/v1")
    if fault is None:
        request = urllib.request.Request(f"{root}/_sandbox/faults/{model}", method="DELETE")
    else:
        data = json.dumps(fault).encode()
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
    parser.add_argument("--hedge-after-ms", type=int, default=None, help="default 1.5x latency")
    parser.add_argument("--profile", action="store_true", help="profile one healthy job")
    parser.add_argument(
        "--fresh-loop", action="store_true", help="a new event loop and clients per job"
    )
    args = parser.parse_args()
    global FRESH_LOOP  # one switch for every job of the run
    FRESH_LOOP = args.fresh_loop
    hedge_after_ms = args.hedge_after_ms or int(args.latency_ms * 1.5)
    os.environ.setdefault("TOGETHER_API_KEY", "bench-key")
    os.environ.setdefault("SYNTHETIC_API_KEY", "bench-key")
    sandbox, base_url = start_sandbox(args.latency_ms)
    try:
        rows, single = measure(base_url, args.runs, args.latency_ms, hedge_after_ms)
        profile = profile_job(base_url) if args.profile else None
    finally:
        close_thread_loop()
        sandbox.terminate()
        sandbox.wait(10)
    report(rows, single, args.latency_ms)
    if profile is not None:
        print(profile)


def report(rows: list[tuple], single: float, latency_ms: float) -> None:
    print(
        f"single call latency (median of 3): {single * 1000:.0f} ms "
        f"(sandbox latency {latency_ms:.0f} ms)"
    )
    print(
        f"{'scenario':<34} {'models':>6} {'stored':>6} {'fallback':>8} {'wall ms':>8} "
        f"{'x single':>8} {'x healthy':>9} {'cpu ms':>6}"
    )
    healthy = rows[0][4]
    for label, asked, predicted, via, wall, cpu, phases in rows:
        parts = " ".join(f"{k} {v:.0f}" for k, v in phases.items())
        print(
            f"{label:<34} {asked:>6} {predicted:>6} {via:>8} {wall * 1000:>8.0f} "
            f"{wall / single:>8.2f} {wall / healthy:>9.2f} {cpu:>6.0f}   (last run, ms: {parts})"
        )
    print("sequential calls would take about 42x a single call")
    print(
        "a hedged job cannot end before hedge_after_ms plus one fallback call: with every "
        "call at the same latency its floor is (hedge_after_ms + latency) / healthy wall"
    )


def scenarios(
    work: Path, base_url: str, latency_ms: float, hedge_after_ms: int
) -> list[tuple[str, dict[str, dict[str, object]], Path, bool]]:
    """(label, faults by model id, configuration, warm-up job first) of each scenario."""
    plain = write_config(work, base_url)
    failing: dict[str, dict[str, object]] = {m: {"mode": "status", "status": 503} for m in FAILING}
    slow = {SLOW: {"mode": "slow", "latency_s": 4 * latency_ms / 1000}}
    hedged = write_config(work, base_url, hedge_after_ms=hedge_after_ms)
    return [
        ("no faults", {}, plain, True),  # warm: the first job of a process costs ~3x the CPU
        ("10% primaries fail over", failing, plain, False),
        (
            "same, primaries in cooldown",
            failing,
            write_config(work, base_url, cooldown_threshold=1),
            True,
        ),
        ("one primary 5x slower", slow, plain, False),
        (f"same, hedge_after_ms = {hedge_after_ms}", slow, hedged, False),
        ("no faults, hedge on", {}, hedged, False),
    ]


def measure(
    base_url: str, runs_per_scenario: int, latency_ms: float, hedge_after_ms: int
) -> tuple[list[tuple], float]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plan = scenarios(work, base_url, latency_ms, hedge_after_ms)
        db = Database(f"sqlite:///{work / 'bench.db'}")
        db.upgrade()
        kickoff = datetime.now(UTC) + timedelta(hours=1)
        runs = (runs_per_scenario + 1) * len(plan)
        lines = [
            f"B-{i:04d},B,Bench League,2026-27,{kickoff:%Y-%m-%dT%H:%M:%SZ},"
            f"Home {i},Away {i},,,2.0,3.4,3.9\n"
            for i in range(runs)
        ]
        (work / "m.csv").write_text(HEADER + "".join(lines))
        import_matches(db, work / "m.csv")
        now = kickoff - timedelta(minutes=20)
        single = statistics.median(asyncio.run(single_call(plan[0][2])) for _ in range(3))
        rows = []
        index = 0
        wire = load_config(plan[0][2])
        for label, faults, path, warm in plan:
            for model_id in {*FAILING, SLOW}:
                set_fault(base_url, wire.model(model_id).provider_model(), faults.get(model_id))
            if warm:  # a first job: imports and caches warmed, or primaries put in cooldown
                run_job(path, db, f"B-{index:04d}", now)
                index += 1
            times: list[float] = []
            cpus: list[float] = []
            summary: dict = {}
            for _ in range(runs_per_scenario):
                elapsed, summary = run_job(path, db, f"B-{index:04d}", now)
                index += 1
                times.append(elapsed)
                cpus.append(summary["cpu_ms"])
            wall, cpu = statistics.median(times), statistics.median(cpus)
            row = (summary["asked"], summary["predicted"], summary["via_fallback"], wall, cpu)
            rows.append((label, *row, summary["phases_ms"]))
        db.dispose()
    return rows, single


AREAS = (
    ("openai SDK", ("/openai/",)),
    ("HTTP client (httpx, httpcore, h11, anyio)", ("/httpx", "/httpcore", "/h11/", "/anyio/")),
    ("socket syscalls (send, connect, recv)", ("_socket.socket",)),
    ("waiting for plan/store threads", ("_thread.lock",)),
    ("event loop (asyncio, selectors, ssl)", ("/asyncio/", "selectors.py", "/ssl.py", "_asyncio")),
    ("store (sqlalchemy, sqlite3)", ("/sqlalchemy/", "sqlite3")),
    ("scoreline.llm", ("/scoreline/llm/",)),
    ("scoreline (predict, config, ...)", ("/scoreline/",)),
    ("json, re, pydantic, dataclasses", ("/json/", "/pydantic", "re.Pattern", "dataclasses.py")),
)
IDLE = ("<method 'poll' of 'select.epoll' objects>", "<method 'select' of 'select.epoll' objects>")


def profile_job(base_url: str) -> str:
    """Where one healthy job's main-thread CPU goes, by area (plan and store run in a thread)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = write_config(work, base_url)
        db = Database(f"sqlite:///{work / 'bench.db'}")
        db.upgrade()
        kickoff = datetime.now(UTC) + timedelta(hours=1)
        row = f"P-0,B,Bench League,2026-27,{kickoff:%Y-%m-%dT%H:%M:%SZ},H,A,,,2.0,3.4,3.9\n"
        (work / "m.csv").write_text(HEADER + row + row.replace("P-0", "P-1"))
        import_matches(db, work / "m.csv")
        now = kickoff - timedelta(minutes=20)
        run_job(path, db, "P-0", now)  # warm: imports, TLS context, statements
        profiler = cProfile.Profile()
        profiler.enable()
        wall, summary = run_job(path, db, "P-1", now)
        profiler.disable()
        db.dispose()
    return describe_profile(pstats.Stats(profiler), wall, summary["phases_ms"])


def describe_profile(stats: pstats.Stats, wall: float, phases: dict[str, float]) -> str:
    totals: dict[str, float] = {}
    idle = 0.0
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name in IDLE:
            idle += tottime
            continue
        where = f"{filename}:{name}"
        area = next((a for a, marks in AREAS if any(m in where for m in marks)), "other")
        totals[area] = totals.get(area, 0.0) + tottime
    lines = [
        f"profile of one healthy job (wall {wall * 1000:.0f} ms, under cProfile; phases ms: "
        + " ".join(f"{k} {v:.0f}" for k, v in phases.items())
        + ")",
        f"  {'waiting in epoll (idle)':<40} {idle * 1000:>7.0f} ms",
    ]
    for area, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        lines.append(f"  {area:<40} {seconds * 1000:>7.0f} ms")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
