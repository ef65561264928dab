"""The sandbox server: an OpenAI-compatible HTTP/1.1 server that fails on purpose.

It runs on the caller's event loop (`async with SandboxServer() as server`) or on its
own loop in a daemon thread (`with SandboxServer().in_thread() as server`), which suits
pytest session fixtures and the CLI. `serve_forever` runs it in the foreground.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import TracebackType
from typing import Any

import h11

from scoreline.sandbox.faults import Fault
from scoreline.sandbox.replies import error_reply
from scoreline.sandbox.routes import Router
from scoreline.sandbox.state import SandboxState
from scoreline.sandbox.usage import with_reasoning_usage
from scoreline.sandbox.wire import (
    Action,
    BodyTooLargeError,
    Reply,
    can_reuse,
    hang,
    read_request,
    reset,
    write_reply,
)

logger = logging.getLogger(__name__)


class SandboxServer:
    """A local OpenAI-compatible server with per-model fault injection.

    Routes: `POST /v1/chat/completions`, `GET /v1/models`, and the unauthenticated
    control routes `GET /_sandbox/stats`, `PUT|DELETE /_sandbox/faults/{model}`.
    The fault, latency and counter methods are thread-safe.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency_s: float = 0.0,
        faults: dict[str, Fault] | None = None,
        seed: int = 0,
        api_key: str | None = None,
        models: list[str] | None = None,
    ) -> None:
        """Configure the server; nothing listens until `start()` or `start_in_thread()`.

        Args:
            host: address to bind; loopback by default so nothing outside the machine reaches it.
            port: port to bind; 0 picks a free one (read it back from `port`).
            latency_s: delay added to every chat completion (requests overlap).
            faults: initial faults by model name.
            seed: seeds the per-model draws deciding whether a fault with p < 1 applies.
            api_key: when set, `/v1` requests need `Authorization: Bearer <api_key>`.
            models: model names listed by `/v1/models` even before they are requested.
        """
        self.host = host
        self._requested_port = port
        self._state = SandboxState(latency_s=latency_s, faults=faults, seed=seed, models=models)
        self._router = Router(self._state, api_key=api_key)
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: when the server has not been started.
        """
        if self._port is None:
            raise RuntimeError("the sandbox server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """The OpenAI base URL clients use, e.g. `http://127.0.0.1:PORT/v1`."""
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/v1"

    async def start(self) -> None:
        """Start listening on the current event loop.

        Raises:
            RuntimeError: when it is already running.
            OSError: when the address cannot be bound.
        """
        if self._server is not None:
            raise RuntimeError("the sandbox server is already running")
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self._requested_port, backlog=512
        )
        self._port = self._server.sockets[0].getsockname()[1]
        logger.info("sandbox listening on %s", self.base_url)

    async def stop(self) -> None:
        """Stop listening and close every open connection, hanging ones included."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task, writer in list(self._connections.items()):
            writer.transport.abort()
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        self._port = None

    async def __aenter__(self) -> SandboxServer:
        """Start the server for an `async with` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server at the end of an `async with` block."""
        await self.stop()

    def start_in_thread(self, *, timeout: float = 10.0) -> SandboxServer:
        """Run the server on its own event loop in a daemon thread; return once it listens.

        Raises:
            RuntimeError: when it already runs in a thread.
            OSError: when the address cannot be bound.
        """
        if self._thread is not None:
            raise RuntimeError("the sandbox server already runs in a thread")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="scoreline-sandbox", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout)
        except BaseException:
            _end_loop(loop, thread, timeout)
            raise
        self._loop, self._thread = loop, thread
        return self

    def stop_in_thread(self, *, timeout: float = 10.0) -> None:
        """Stop a server started with `start_in_thread` and end its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        try:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout)
        finally:
            _end_loop(loop, thread, timeout)

    @contextmanager
    def in_thread(self) -> Iterator[SandboxServer]:
        """Run the server in a thread for the duration of a `with` block."""
        self.start_in_thread()
        try:
            yield self
        finally:
            self.stop_in_thread()

    def set_fault(self, model: str, fault: Fault | None) -> None:
        """Attach a fault to `model`, or remove its fault with None."""
        self._state.set_fault(model, fault)

    def clear_faults(self) -> None:
        """Remove every fault."""
        self._state.clear_faults()

    def faults(self) -> dict[str, Fault]:
        """Return the current faults by model name."""
        return self._state.faults()

    def set_latency(self, seconds: float) -> None:
        """Set the latency added to every chat completion request."""
        self._state.set_latency(seconds)

    def request_counts(self) -> dict[str, int]:
        """Return chat completion requests received per model, whatever their outcome."""
        return self._state.counts()

    def reset_counts(self) -> None:
        """Set every request count back to zero."""
        self._state.reset_counts()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            await self._converse(h11.Connection(h11.SERVER), reader, writer)
        except (OSError, h11.LocalProtocolError):
            pass  # the peer went away, or the connection broke mid-reply
        except asyncio.CancelledError:
            # Only stop() cancels these tasks, which asyncio's streams own. Ending normally
            # keeps Python 3.11's StreamReaderProtocol callback from logging the
            # cancellation as an error (it calls task.exception() on a cancelled task).
            pass
        finally:
            self._connections.pop(task, None)
            writer.close()

    async def _converse(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                request = await read_request(conn, reader)
            except h11.RemoteProtocolError as exc:
                await _refuse(
                    conn, writer, error_reply(exc.error_status_hint, "Malformed HTTP request.")
                )
                return
            except BodyTooLargeError:
                await _refuse(conn, writer, error_reply(413, "The request body is too large."))
                return
            if request is None:
                return
            outcome = await self._router.handle(request)
            if outcome is Action.RESET:
                reset(writer)
                return
            if outcome is Action.HANG:
                await hang(reader)
                return
            assert isinstance(outcome, Reply)
            await write_reply(conn, writer, with_reasoning_usage(outcome))
            if not can_reuse(conn):
                return
            conn.start_next_cycle()


async def _refuse(conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply) -> None:
    if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
        await write_reply(conn, writer, reply)


def _end_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread, timeout: float) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout)
    if not thread.is_alive():
        loop.close()


def _announce(server: SandboxServer) -> None:
    print(
        f"scoreline sandbox: OpenAI-compatible API at {server.base_url} (Ctrl-C to stop)",
        flush=True,
    )


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    latency_s: float = 0.0,
    faults: dict[str, Fault] | None = None,
    seed: int = 0,
    api_key: str | None = None,
    models: list[str] | None = None,
    on_ready: Callable[[SandboxServer], None] | None = None,
) -> None:
    """Run a sandbox server in the foreground until Ctrl-C or SIGTERM, then stop it cleanly.

    Args:
        host: address to bind (loopback by default).
        port: port to bind; 0 picks a free one.
        latency_s: delay added to every chat completion.
        faults: faults by model name.
        seed: seeds the draws for faults with p < 1.
        api_key: bearer token required on `/v1` routes, if set.
        models: model names listed by `/v1/models`.
        on_ready: called once listening (the CLI renders the URL); by default the URL is printed.
    """
    server = SandboxServer(
        host, port, latency_s=latency_s, faults=faults, seed=seed, api_key=api_key, models=models
    )
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(server, on_ready or _announce))


async def _serve(server: SandboxServer, on_ready: Callable[[SandboxServer], None]) -> None:
    stopping = asyncio.Event()
    with suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    async with server:
        on_ready(server)
        await stopping.wait()
