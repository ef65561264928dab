"""The processes a chaos run drives: the sandbox, the workers, a private Redis, CLI commands.

Every process is a real subprocess with its output in a log file of its own, so a failed
run can be read afterwards, and the worker logs can be searched (for a deadlock, say).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PrivateRedis",
    "Sandbox",
    "WorkerPool",
    "free_port",
    "run_scoreline",
    "stop",
    "tail",
]

READY = "Huey consumer started"
"""What a worker logs once it consumes jobs."""
_ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float, what: str) -> None:
    """Block until something accepts connections on the port, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def wait_http(url: str, timeout: float, what: str) -> None:
    """Block until ``url`` answers 200: a port held by another process does not count."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not answer {url} within {timeout:.0f} s")


def tail(log: Path, lines: int = 20) -> str:
    """The end of a log, for failure messages."""
    if not log.exists():
        return f"({log.name}: no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """Start a process with stdout and stderr appended to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=_ENV)


def scoreline(*args: str) -> list[str]:
    """The command line of ``scoreline ARGS`` with this interpreter."""
    return [sys.executable, "-m", "scoreline.cli", *args]


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL: the process gets no chance to clean up, as when a machine dies."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def stop(proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Ask politely (SIGTERM), then kill after ``timeout`` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            kill(proc)


def run_scoreline(config: Path, *args: str) -> str:
    """Run one ``scoreline`` command to completion; fail with its output when it fails."""
    done = subprocess.run(
        scoreline("--config", str(config), *args),
        capture_output=True,
        text=True,
        env=_ENV,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"scoreline {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Sandbox:
    """``scoreline sandbox`` on a fixed port, so it can be killed and started again."""

    faults: list[str]
    seed: int
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        args = ["sandbox", "--port", str(self.port), "--latency-ms", "50", "--seed", str(self.seed)]
        for spec in self.faults:
            args += ["--fault", spec]
        self.proc = spawn(scoreline(*args), self.log)
        root = self.base_url.removesuffix("/v1")
        wait_http(f"{root}/_sandbox/stats", 30, "the sandbox")
        assert self.proc.poll() is None, f"the sandbox exited:\n{tail(self.log)}"

    def kill(self) -> None:
        if self.proc is not None:
            kill(self.proc)

    def restart(self, down_s: float = 1.5) -> None:
        """SIGKILL the sandbox, stay down a moment (calls fail to connect), start it again."""
        self.kill()
        time.sleep(down_s)
        self.start()


@dataclass
class PrivateRedis:
    """A ``redis-server`` of the run's own, without persistence, so restarting it is safe."""

    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.proc = spawn([*args, "--daemonize", "no"], self.log)
        wait_port(self.port, 10, "redis-server")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, timeout=5)

    def restart(self, down_s: float = 1.0) -> None:
        """Kill Redis (its queued jobs are lost with it) and start an empty one."""
        if self.proc is not None:
            kill(self.proc)
        time.sleep(down_s)
        self.start()


@dataclass
class WorkerPool:
    """``size`` worker processes; one is SIGKILLed and replaced at a time.

    A worker is only killed while all are up, as machines die one at a time: on a loaded
    machine a fresh worker needs seconds to start, and killing faster than that would
    measure the start-up time, not the pipeline.
    """

    config: Path
    log_dir: Path
    size: int
    slots: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)
    """The running workers and their logs."""
    logs: list[Path] = field(default_factory=list)
    """Every worker's log, the killed ones' too."""
    killed: int = 0

    def _start_one(self) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.log_dir / f"worker-{len(self.logs):02d}.log"
        self.logs.append(log)
        args = scoreline("--config", str(self.config), "worker", "--workers", "2")
        return spawn(args, log), log

    def start(self, timeout: float = 60) -> None:
        """Start the pool and wait until every worker consumes."""
        self.slots = [self._start_one() for _ in range(self.size)]
        deadline = time.monotonic() + timeout
        while not self.ready():
            assert time.monotonic() < deadline, f"workers not ready within {timeout:.0f} s"
            time.sleep(0.2)

    def ready(self) -> bool:
        """Whether every worker's consumer has started (a fresh process takes seconds)."""
        return all(
            log.exists() and READY in log.read_text(errors="replace") for _, log in self.slots
        )

    def kill_one(self, rng: random.Random) -> None:
        """SIGKILL a worker chosen at random and start its replacement."""
        index = rng.randrange(len(self.slots))
        kill(self.slots[index][0])
        self.killed += 1
        self.slots[index] = self._start_one()

    def stop_all(self) -> None:
        for proc, _ in self.slots:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.slots:
            stop(proc)

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs if log.exists())
