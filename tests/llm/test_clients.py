"""Provider clients kept open between registries: one loop per thread, connections reused."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scoreline import Registry
from scoreline.config import Config
from scoreline.llm import ClientPool, JobLoop, close_thread_loop, thread_loop
from scoreline.predict import make_accept
from scoreline.sandbox import SandboxServer
from tests.llm.conftest import model, sandbox_config

pytestmark = pytest.mark.usefixtures("keys")

MATCH = "E0-2024-25-0042"
USER = f"match_id: {MATCH}\n"


class CountingProxy:
    """A TCP relay to the sandbox that counts the connections clients open through it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.accepted = 0
        self.port = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def serve(self, ready: threading.Event, stop: asyncio.Event) -> None:
        server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await stop.wait()


@contextmanager
def counting_proxy(sandbox: SandboxServer) -> Iterator[CountingProxy]:
    proxy = CountingProxy(sandbox.port)
    loop = asyncio.new_event_loop()
    ready, stop = threading.Event(), asyncio.Event()
    thread = threading.Thread(
        target=loop.run_until_complete, args=(proxy.serve(ready, stop),), daemon=True
    )
    thread.start()
    ready.wait(5)
    try:
        yield proxy
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)
        loop.close()


def _config(tmp_path: Path, port: int) -> Config:
    base_url = f"http://127.0.0.1:{port}/v1"
    return sandbox_config(tmp_path, base_url, model("p", "alpha") + model("q", "alpha"))


async def _job(config: Config, clients: ClientPool | None) -> None:
    async with Registry(config, clients=clients) as registry:
        for model_id in ("p", "q"):
            result = await registry.call_with_fallback(model_id, "s", USER, make_accept(MATCH))
            assert result.answered_by == model_id


def test_jobs_on_one_job_loop_reuse_the_connections(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    with counting_proxy(fresh_sandbox) as proxy:
        config = _config(tmp_path, proxy.port)
        loop = JobLoop()
        try:
            for _ in range(3):
                loop.run(_job(config, loop.clients))
        finally:
            loop.close()
        assert proxy.accepted == 2  # one per model, opened by the first job only
        assert len(loop.clients) == 0


def test_registries_without_a_pool_open_their_own_connections(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    with counting_proxy(fresh_sandbox) as proxy:
        config = _config(tmp_path, proxy.port)
        for _ in range(3):
            asyncio.run(_job(config, None))
        assert proxy.accepted == 3  # one per job: the provider's client is the job's own


async def test_changed_settings_get_a_new_client_and_the_old_one_closes(
    tmp_path: Path, fresh_sandbox: SandboxServer
) -> None:
    config = _config(tmp_path, fresh_sandbox.port)
    provider = config.providers["alpha"]
    pool = ClientPool()
    first = pool.acquire("alpha/p", provider, "key-1")
    assert pool.acquire("alpha/p", provider, "key-1") is first
    await pool.release(first)
    rotated = pool.acquire("alpha/p", provider, "key-2")  # a key rotated between jobs
    assert rotated is not first and not first.is_closed()  # still held once
    await pool.release(first)
    assert first.is_closed() and not rotated.is_closed()
    slower = provider.model_copy(update={"timeout_s": 60.0})
    assert pool.acquire("alpha/p", slower, "key-2") is not rotated
    await pool.aclose()
    assert rotated.is_closed() and len(pool) == 0


def test_the_thread_loop_is_kept_until_closed(tmp_path: Path, fresh_sandbox: SandboxServer) -> None:
    config = _config(tmp_path, fresh_sandbox.port)
    loop = thread_loop()
    try:
        assert thread_loop() is loop
        loop.run(_job(config, loop.clients))
        assert len(loop.clients) == 2
    finally:
        close_thread_loop()
    assert len(loop.clients) == 0
    assert thread_loop() is not loop
    close_thread_loop()
