"""Provider clients kept open between jobs, and the long-lived event loop they live on.

Opening a client per job costs every job its TCP (and TLS) connects and the clients' set-up:
with 42 models at sandbox latencies that is a visible share of a job's CPU. A ``ClientPool``
keeps its clients open across registries (the registry takes one per model), so
connections stay in their pools.

An ``AsyncOpenAI`` client (its ``httpx2`` connection pool) belongs to the event loop it was
first used on, so a pool is tied to one loop: a ``JobLoop`` is one loop per worker thread,
with its pool, kept for the thread's life and closed when the worker stops. A client is
keyed by everything it is built from (base URL, key, timeout, concurrency): a configuration
changed between jobs gets a new client, and the one it replaces is closed once no registry
holds it. After the process's first job the long-lived heap is frozen
(``heap.freeze_after_first_job``).
"""

from __future__ import annotations

import asyncio
import functools
import ssl
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import certifi
import httpx2
import openai

from scoreline.config import ProviderConfig
from scoreline.heap import freeze_after_first_job

__all__ = ["ClientPool", "JobLoop", "close_thread_loop", "new_client", "thread_loop"]

T = TypeVar("T")
_KEYLESS = "not-needed"  # the SDK insists on a key; local servers ignore it


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs ~50 ms, once per client
    otherwise."""
    return ssl.create_default_context(cafile=certifi.where())


def new_client(provider: ProviderConfig, key: str | None) -> openai.AsyncOpenAI:
    """A client of the provider: no SDK retries, its timeout, a connection pool sized to its
    concurrency."""
    return openai.AsyncOpenAI(
        api_key=key or _KEYLESS,
        base_url=provider.base_url,
        max_retries=0,
        timeout=provider.timeout_s,
        http_client=httpx2.AsyncClient(
            verify=_tls_context(),
            timeout=provider.timeout_s,
            limits=httpx2.Limits(
                max_connections=provider.max_concurrency * 2,
                max_keepalive_connections=provider.max_concurrency,
            ),
        ),
    )


def _fingerprint(provider: ProviderConfig, key: str | None) -> tuple[object, ...]:
    """What the client is built from: any change needs a new client."""
    return (provider.base_url, key, provider.timeout_s, provider.max_concurrency)


@dataclass
class _Entry:
    client: openai.AsyncOpenAI
    fingerprint: tuple[object, ...]
    holders: int = 0
    retired: bool = False


@dataclass
class ClientPool:
    """One open client per name (the registry's: provider and model), shared by the
    registries of one event loop."""

    _entries: dict[str, _Entry] = field(default_factory=dict)
    _retired: list[_Entry] = field(default_factory=list)

    def acquire(self, name: str, provider: ProviderConfig, key: str | None) -> openai.AsyncOpenAI:
        """The open client of ``name``, built on first use or when the provider's settings
        changed; ``release`` it when done."""
        fingerprint = _fingerprint(provider, key)
        entry = self._entries.get(name)
        if entry is None or entry.fingerprint != fingerprint:
            if entry is not None:
                entry.retired = True
                self._retired.append(entry)
            entry = self._entries[name] = _Entry(new_client(provider, key), fingerprint)
        entry.holders += 1
        return entry.client

    async def release(self, client: openai.AsyncOpenAI) -> None:
        """Give a client back; one replaced by newer settings closes with its last holder."""
        for entry in [*self._entries.values(), *self._retired]:
            if entry.client is client:
                entry.holders -= 1
                if entry.retired and entry.holders <= 0:
                    self._retired.remove(entry)
                    await client.close()
                return

    def __len__(self) -> int:
        """Open clients, replaced ones still held included."""
        return len(self._entries) + len(self._retired)

    async def aclose(self) -> None:
        """Close every client (the pool's loop is stopping)."""
        entries = [*self._entries.values(), *self._retired]
        self._entries, self._retired = {}, []
        for entry in entries:
            await entry.client.close()


class JobLoop:
    """One event loop kept open across jobs, with the client pool that lives on it."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner()
        self.clients = ClientPool()

    def run(self, job: Coroutine[Any, Any, T]) -> T:
        """Run a job to completion on this loop (from the thread that owns it)."""
        try:
            return self._runner.run(job)
        finally:
            freeze_after_first_job()

    def close(self) -> None:
        """Close the pool's clients on their loop, then the loop."""
        try:
            self._runner.run(self.clients.aclose())
        finally:
            self._runner.close()


_local = threading.local()


def thread_loop() -> JobLoop:
    """This thread's job loop, opened on first use."""
    loop: JobLoop | None = getattr(_local, "loop", None)
    if loop is None:
        loop = _local.loop = JobLoop()
    return loop


def close_thread_loop() -> None:
    """Close this thread's job loop and its clients, if it has one (a worker stopping)."""
    loop: JobLoop | None = getattr(_local, "loop", None)
    _local.loop = None
    if loop is not None:
        loop.close()
