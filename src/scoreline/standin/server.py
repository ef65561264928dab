"""Running the stand-in: in a thread for tests, in the foreground for the command.

Example:
    with StandIn().in_thread() as standin:
        source = build_source("fd", SourceConfig(kind="football-data.org",
            base_url=standin.football_data_org_url, api_key_env="FD"), env={"FD": standin.fd_token})
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import uvicorn

from scoreline.standin.app import build_app
from scoreline.standin.limits import Gate
from scoreline.standin.season import load_matches
from scoreline.standin.world import World

__all__ = ["DEFAULT_START", "StandIn", "serve_forever"]

DEFAULT_START = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
"""Three and a half hours before the first kick-off of the 2025-26 matchday 15."""


class StandIn:
    """football-data.org, API-Football and football-data.co.uk on one local port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        now: datetime = DEFAULT_START,
        matches_file: Path | None = None,
        postponed: int | None = 1,
        corrected: int | None = 2,
        gate: Gate | None = None,
    ) -> None:
        """Configure it; nothing listens until ``start_in_thread`` (or ``in_thread``).

        Args:
            host: Address to bind (loopback by default).
            port: Port to bind; 0 picks a free one.
            now: Start of the simulated clock (aware UTC).
            matches_file: A CSV with the bundled file's header; the bundled E0 by default.
            postponed: Which upcoming match (0 = the next) is postponed; None for none.
            corrected: Which upcoming match gets a corrected result; None for none.
            gate: Keys, limits and the timer of the minute windows (defaults: free tiers).
        """
        self.host, self._port = host, port
        self.world = World(
            load_matches(matches_file), now=now, postponed=postponed, corrected=corrected
        )
        self.gate = gate or Gate()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._bound: int | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._bound is None:
            raise RuntimeError("the stand-in is not running")
        return f"http://{self.host}:{self._bound}"

    @property
    def football_data_org_url(self) -> str:
        """The ``base_url`` of a football-data.org source."""
        return f"{self.url}/fd/v4"

    @property
    def api_football_url(self) -> str:
        """The ``base_url`` of an API-Football source."""
        return f"{self.url}/af"

    @property
    def football_data_co_uk_url(self) -> str:
        """The ``base_url`` of a football-data.co.uk source."""
        return f"{self.url}/couk"

    @property
    def fd_token(self) -> str:
        """The token football-data.org accepts."""
        return self.gate.fd_token

    @property
    def af_key(self) -> str:
        """The key API-Football accepts."""
        return self.gate.af_key

    def advance(self, seconds: float) -> datetime:
        """Move the simulated clock on."""
        return self.world.advance(seconds)

    def start_in_thread(self, timeout: float = 10.0) -> StandIn:
        """Serve from a daemon thread; return once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("the stand-in already runs")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it a reply written in two parts waits
        # for the client's delayed ACK (~40 ms a request).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self._port))
        config = uvicorn.Config(
            build_app(self.world, self.gate),
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="scoreline-standin",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the stand-in did not start")
            time.sleep(0.01)
        self._bound = sock.getsockname()[1]
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and end the thread."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self._bound = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout)

    @contextmanager
    def in_thread(self) -> Iterator[StandIn]:
        """Serve for the duration of a ``with`` block."""
        self.start_in_thread()
        try:
            yield self
        finally:
            self.stop()


def serve_forever(standin: StandIn, on_ready: Callable[[StandIn], None]) -> None:
    """Serve ``standin`` until Ctrl-C or SIGTERM, then stop it cleanly."""
    stopping = threading.Event()
    with suppress(ValueError):  # signals can only be set from the main thread
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with standin.in_thread():
        on_ready(standin)
        with suppress(KeyboardInterrupt):
            while not stopping.wait(0.5):
                pass
