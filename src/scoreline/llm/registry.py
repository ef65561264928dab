"""The registry: one client per provider, per-provider concurrency, cooldowns and the fallback.

``Registry`` is the public entry point for calling models::

    async with Registry(config) as registry:
        result = await registry.call_with_fallback(model_id, system, user, accept=parse)

Cooldown decisions live behind the ``CooldownStore`` protocol: in memory by default (a
notebook learns from its own calls), or a read-only view of what the store derived from the
attempt records (the predict job), so every worker shares what one learns.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, TypeVar

import openai

from scoreline.config import Config, ConfigError, ModelConfig
from scoreline.health import PrimaryCall, cooldown_until
from scoreline.llm.attempt import CANCELLED, Attempt
from scoreline.llm.call import Reply, call_model
from scoreline.llm.clients import ClientPool, new_client
from scoreline.llm.errors import ProviderError
from scoreline.llm.fallback import CallResult, run_with_fallback
from scoreline.llm.output import OutputMode, lower_output, reply_schema_of, resolve_output
from scoreline.llm.policy import CallPolicy, policy_of
from scoreline.redaction import redact

__all__ = ["CooldownStore", "MemoryCooldown", "Registry"]

T = TypeVar("T")
_REASON_CHARS = 300


def _redacting(accept: Callable[[str], T], secrets: tuple[str, ...]) -> Callable[[str], T]:
    """``accept`` whose rejection reason is redacted and bounded.

    The fallback quotes the reason in the ``UnparseableError`` and its log line, and a
    parser may quote the reply (a value, an id), which a model can fill with anything it
    was sent. The original exception is dropped, not chained, so no traceback shows it.
    """

    def check(text: str) -> T:
        try:
            return accept(text)
        except Exception as exc:  # accept rejects by raising anything
            reason = redact(str(exc) or type(exc).__name__, secrets)[:_REASON_CHARS]
            kind = getattr(exc, "kind", None)
        rejection = ValueError(reason)
        rejection.kind = kind  # type: ignore[attr-defined]  # the verdict, kept for the record
        raise rejection

    return check


class CooldownStore(Protocol):
    """Where the cooldown state of failing primaries is kept."""

    async def in_cooldown(self, model_id: str) -> bool:
        """Whether calls should skip this primary now."""
        ...

    async def record(self, model_id: str, *, ok: bool) -> None:
        """Record whether the primary answered, when it has a fallback serving it."""
        ...


class MemoryCooldown:
    """Cooldown state for one process (notebooks, tests, a single CLI run).

    It keeps the primary's recent calls and asks ``scoreline.health.cooldown_until``, the
    rule the store applies to the attempt records, so both decide alike.
    """

    def __init__(
        self, *, threshold: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.seconds = seconds
        self._clock = clock
        self._calls: dict[str, list[PrimaryCall]] = {}

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def in_cooldown(self, model_id: str) -> bool:
        """Whether the cooldown started by the last failures is still running."""
        calls = self._calls.get(model_id, [])
        until = cooldown_until(calls, threshold=self.threshold, seconds=self.seconds)
        return until is not None and self._now() < until

    async def record(self, model_id: str, *, ok: bool) -> None:
        """Remember the primary's call, newest first (only ``threshold`` calls matter)."""
        call = PrimaryCall(ok=ok, error_class=None if ok else "error", at=self._now())
        calls = [call, *self._calls.get(model_id, [])]
        self._calls[model_id] = calls[: self.threshold]


class Registry:
    """Provider clients and the fallback call, for every model of a configuration."""

    def __init__(
        self,
        config: Config,
        *,
        cooldown: CooldownStore | None = None,
        env: Mapping[str, str] | None = None,
        outputs: Mapping[str, str] | None = None,
        hedge_latency: Mapping[str, float] | None = None,
        clients: ClientPool | None = None,
    ) -> None:
        """Prepare a registry; clients are opened by ``async with``.

        Args:
            config: The validated configuration.
            cooldown: Shared cooldown state; defaults to in-memory state from ``config.cooldown``.
            env: Where to read API keys (defaults to ``os.environ``).
            outputs: Output modes the store learned, by model id (probed, or lowered after a
                refusal); a mode set in the configuration wins over them.
            hedge_latency: Each primary's recent 95th-percentile latency in ms
                (``scoreline.llm.policy.latency_p95_ms``), for models with ``hedge = "p95"``.
            clients: Take the providers' clients from this pool (of the running event loop)
                and leave them open on exit, so the next registry reuses their connections;
                by default the registry opens its own and closes them.
        """
        self.config = config
        self.cooldown: CooldownStore = cooldown or MemoryCooldown(
            threshold=config.cooldown.threshold, seconds=config.cooldown.seconds
        )
        self._env = env
        self._pool = clients
        self._keys: dict[str, str | None] = {}
        """The key of each provider that can be called (``None``: keyless)."""
        self._clients: dict[str, openai.AsyncOpenAI] = {}
        """Open clients: by provider, or by model id when they come from the pool."""
        self._limits: dict[str, asyncio.Semaphore] = {}
        self._secrets: tuple[str, ...] = ()
        self.learned_outputs: dict[str, str] = dict(outputs or {})
        """Learned output modes; a refusal of the mode lowers the model's entry here."""
        self.hedge_latency: dict[str, float] = dict(hedge_latency or {})
        self._policies: dict[str, CallPolicy] = {}

    async def __aenter__(self) -> Registry:
        secrets = []
        for name, provider in self.config.providers.items():
            if not provider.base_url or not provider.has_credentials(self._env):
                continue  # nothing to call: in-process forecasters, or no key
            key = provider.api_key(self._env)
            if key:
                secrets.append(key)
            self._keys[name] = key
            if self._pool is None:
                self._clients[name] = new_client(provider, key)
            self._limits[name] = asyncio.Semaphore(provider.max_concurrency)
        self._secrets = tuple(secrets)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every provider client (give it back, when it came from a pool)."""
        clients, self._clients, self._keys = self._clients, {}, {}
        for client in clients.values():
            if self._pool is not None:
                await self._pool.release(client)
            else:
                await client.close()

    def can_call(self, model_id: str) -> bool:
        """Whether the model's provider has a client (it has a ``base_url`` and its key)."""
        return self.config.has_model(model_id) and self.config.model(model_id).provider in (
            self._keys
        )

    def fallback_for(self, model_id: str) -> str | None:
        """The fallback that would serve this model now, or ``None`` when none can.

        ``fallback_on = []`` turns the fallback off: no error, cooldown or hedge calls it.
        """
        target = self.config.model(model_id).fallback
        if target is None or not self.can_call(target):
            return None
        return None if self.policy_for(model_id).fallback_on == frozenset() else target

    def policy_for(self, model_id: str) -> CallPolicy:
        """The model's effective ``fallback_on`` and hedge (``scoreline.llm.policy``)."""
        policy = self._policies.get(model_id)
        if policy is None:
            policy = self._policies[model_id] = policy_of(self.config, model_id)
        return policy

    def hedge_after_ms(self, model_id: str) -> float | None:
        """When a call of this primary calls its fallback too, or ``None`` for never."""
        return self.policy_for(model_id).hedge_delay_ms(self.hedge_latency.get(model_id))

    def output_for(self, model_id: str) -> OutputMode:
        """The output mode the model's next call uses (``scoreline.llm.output``)."""
        model = self.config.model(model_id)
        provider = self.config.providers[model.provider]
        return resolve_output(model, provider, self.learned_outputs.get(model_id))

    async def call(
        self,
        model_id: str,
        system_prompt: str,
        user_prompt: str,
        *,
        output: str | None = None,
        schema: Mapping[str, Any] | None = None,
    ) -> Reply:
        """Call one model once, without fallback, within its provider's concurrency limit.

        Args:
            model_id: The model.
            system_prompt: The system message.
            user_prompt: The user message.
            output: Force this output mode (the probe does); default ``output_for``.
            schema: The reply's JSON Schema, sent in ``json_schema`` mode.

        Raises:
            ConfigError: The model is unknown or its provider cannot be called.
            ProviderError: The call failed.
        """
        if not self.config.has_model(model_id):
            raise ConfigError(f"unknown model {model_id!r}")
        model = self.config.model(model_id)
        provider = self.config.providers[model.provider]
        if model.provider not in self._keys:
            if not self._keys and not self._limits:
                raise ConfigError("the registry is not open: use 'async with Registry(config)'")
            reason = self.config.inactive_reason(model_id, self._env) or "not callable"
            raise ConfigError(f"model {model_id!r} cannot be called: {reason}")
        mode = output or self.output_for(model_id)
        async with self._limits[model.provider]:
            try:
                return await call_model(
                    self._client_for(model),
                    model,
                    provider,
                    system_prompt,
                    user_prompt,
                    secrets=self._secrets,
                    output=mode,
                    schema=schema,
                )
            except ProviderError as exc:
                if exc.evidence is not None and exc.evidence.output_refused:
                    self._lower(model_id, mode)
                raise

    def _client_for(self, model: ModelConfig) -> openai.AsyncOpenAI:
        """The client a call of ``model`` goes through.

        From a pool, each model gets a client of its own: the HTTP connection pool scans all
        of its connections on every request and response, so one per provider with dozens
        of connections costs every call that scan; per model it holds one or two.
        """
        if self._pool is None:
            return self._clients[model.provider]
        client = self._clients.get(model.id)
        if client is None:
            slot = f"{model.provider}/{model.provider_model()}"
            provider = self.config.providers[model.provider]
            client = self._pool.acquire(slot, provider, self._keys[model.provider])
            self._clients[model.id] = client
        return client

    def _lower(self, model_id: str, mode: str) -> None:
        """A refusal of ``mode``: the model's next calls use the next weaker one."""
        lower = lower_output(mode)
        if lower is not None:
            self.learned_outputs[model_id] = lower

    async def call_with_fallback(
        self,
        model_id: str,
        system_prompt: str,
        user_prompt: str,
        accept: Callable[[str], T] | None = None,
        *,
        schema: Mapping[str, Any] | None = None,
    ) -> CallResult[T]:
        """Call the model, falling back once to its configured fallback (design §1).

        Args:
            model_id: The model asked for; the result is attributed to it.
            system_prompt: The system message (the model's prompt variant is appended).
            user_prompt: The user message.
            accept: Returns the parsed value or raises to reject the reply; a rejection
                triggers the fallback like any other failure.
            schema: The reply's JSON Schema for ``json_schema`` mode; by default the one
                ``accept`` declares (``scoreline.llm.output.reply_schema_of``).

        Returns:
            The result with text, value, ``used_fallback``, ``answered_by`` and attempts.

        Raises:
            ConfigError: The model is unknown or its own provider cannot be called.
            ProviderError: The primary failed with no usable fallback, or both failed.
        """
        if not self.can_call(model_id):
            await self.call(model_id, system_prompt, user_prompt)  # raises the ConfigError
        fallback_id = self.fallback_for(model_id)
        skip = fallback_id is not None and await self.cooldown.in_cooldown(model_id)

        shape = schema if schema is not None else reply_schema_of(accept)

        async def one_call(target: str) -> Reply:
            return await self.call(target, system_prompt, user_prompt, schema=shape)

        check = _redacting(accept, self._secrets) if accept is not None else None
        try:
            result = await self._with_policy(model_id, fallback_id, one_call, check, skip)
        except ProviderError as exc:
            await self._learn(model_id, fallback_id, exc.attempts)
            raise
        await self._learn(model_id, fallback_id, result.attempts)
        return result

    async def _with_policy(
        self,
        model_id: str,
        fallback_id: str | None,
        one_call: Callable[[str], Awaitable[Reply]],
        check: Callable[[str], T] | None,
        skip: bool,
    ) -> CallResult[T]:
        """``run_with_fallback`` under the model's ``fallback_on`` and hedge."""
        return await run_with_fallback(
            model_id,
            fallback_id,
            one_call,
            check,
            skip_primary=skip,
            fallback_on=self.policy_for(model_id).fallback_on,
            hedge_after_ms=self.hedge_after_ms(model_id) if fallback_id else None,
            provider_of=lambda target: self.config.model(target).provider,
        )

    async def _learn(
        self, model_id: str, fallback_id: str | None, attempts: tuple[Attempt, ...]
    ) -> None:
        """Tell the cooldown how the primary did; a call a hedge cancelled says nothing."""
        if fallback_id is None:
            return
        for attempt in attempts:
            if not attempt.is_fallback and attempt.error_class != CANCELLED:
                await self.cooldown.record(model_id, ok=attempt.ok)
