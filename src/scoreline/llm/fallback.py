"""The fallback contract: try the primary once, then its fallback once, never further.

This module is pure: it is handed a function that performs one call and the ids to call,
and decides nothing about cooldowns, databases or keys. The registry supplies all of that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from scoreline.llm.call import Reply
from scoreline.llm.errors import ProviderError, UnparseableError
from scoreline.llm.evidence import VERDICT_OK, VERDICT_REJECTED, Evidence

__all__ = ["Attempt", "CallResult", "run_with_fallback"]

T = TypeVar("T")
log = logging.getLogger("scoreline.llm.fallback")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One provider call made on behalf of a model."""

    model_id: str
    """The model actually called."""
    provider: str
    ok: bool
    latency_ms: float
    error_class: str | None = None
    status: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    is_fallback: bool = False
    evidence: Evidence | None = None
    """What was sent and received, and the parse verdict (``None``: no call was made)."""
    reasoning_tokens: int | None = None
    """Tokens spent thinking, when the provider reports them."""
    cost_usd: float | None = None
    """What the call cost at the catalog's prices (``None``: usage not reported)."""
    hedged: bool = False
    """Made while the other call for the same prediction was still running."""


@dataclass(frozen=True, slots=True)
class CallResult(Generic[T]):
    """A successful call, possibly served by the fallback."""

    model_id: str
    """The model that was asked for; predictions are attributed to it."""
    text: str
    value: T
    """What ``accept`` returned (the text itself when no ``accept`` was given)."""
    used_fallback: bool
    answered_by: str
    attempts: tuple[Attempt, ...]


async def _attempt(
    model_id: str,
    call: Callable[[str], Awaitable[Reply]],
    accept: Callable[[str], Any],
    attempts: list[Attempt],
    *,
    is_fallback: bool,
) -> tuple[Reply, Any]:
    """One call plus ``accept``; records the attempt whatever happens."""
    started = time.perf_counter()
    try:
        reply = await call(model_id)
    except ProviderError as exc:
        attempts.append(_failed(exc, (time.perf_counter() - started) * 1000, is_fallback))
        raise
    record = Attempt(
        model_id=reply.model_id,
        provider=reply.provider,
        ok=True,
        latency_ms=reply.latency_ms,
        prompt_tokens=reply.prompt_tokens,
        completion_tokens=reply.completion_tokens,
        is_fallback=is_fallback,
        evidence=reply.evidence,
    )
    try:
        value = accept(reply.text)
    except Exception as exc:  # accept rejects by raising anything
        evidence = _judged(reply.evidence, getattr(exc, "kind", None) or VERDICT_REJECTED, exc)
        error_class = UnparseableError.error_class
        attempts.append(
            replace(record, ok=False, error_class=error_class, status=200, evidence=evidence)
        )
        raise UnparseableError(
            f"reply rejected: {exc}",
            model_id=reply.model_id,
            provider=reply.provider,
            status=200,
            evidence=evidence,
        ) from exc
    attempts.append(replace(record, evidence=_judged(reply.evidence, VERDICT_OK, None)))
    return reply, value


def _failed(exc: ProviderError, latency_ms: float, is_fallback: bool) -> Attempt:
    """The record of a call that raised."""
    return Attempt(
        model_id=exc.model_id,
        provider=exc.provider,
        ok=False,
        latency_ms=latency_ms,
        error_class=exc.error_class,
        status=exc.status,
        is_fallback=is_fallback,
        evidence=exc.evidence,
    )


def _judged(evidence: Evidence | None, verdict: str, reason: object) -> Evidence | None:
    """The reply's evidence with its parse verdict; a call that gave none records none."""
    if evidence is None:
        return None
    return evidence.judged(verdict, str(reason) if reason is not None else None)


def _result(model_id: str, reply: Reply, value: Any, attempts: list[Attempt], used: bool) -> Any:
    return CallResult(
        model_id=model_id,
        text=reply.text,
        value=value,
        used_fallback=used,
        answered_by=reply.model_id,
        attempts=tuple(attempts),
    )


async def run_with_fallback(
    model_id: str,
    fallback_id: str | None,
    call: Callable[[str], Awaitable[Reply]],
    accept: Callable[[str], T] | None = None,
    *,
    skip_primary: bool = False,
) -> CallResult[T]:
    """Call ``model_id``; on any ``ProviderError`` call ``fallback_id`` once, never its fallback.

    Args:
        model_id: The primary, the model asked for.
        fallback_id: The fallback to use, or ``None`` when there is none or it cannot be
            called (its provider has no key): then the primary's error propagates unchanged.
        call: Performs one call of the given model id and raises ``ProviderError`` on failure.
        accept: Parses the text or raises to reject it; runs inside the fallback scope.
        skip_primary: The primary is in cooldown: go straight to the fallback.

    Returns:
        The result, with ``used_fallback`` and one ``Attempt`` per call made.

    Raises:
        ProviderError: The primary's error when there is no fallback; the fallback's error,
            chained from the primary's, when both fail. ``.attempts`` holds the calls made.
    """
    check: Callable[[str], Any] = accept if accept is not None else (lambda text: text)
    attempts: list[Attempt] = []
    primary_error: ProviderError | None = None
    if fallback_id is None or not skip_primary:
        try:
            reply, value = await _attempt(model_id, call, check, attempts, is_fallback=False)
            return _result(model_id, reply, value, attempts, used=False)
        except ProviderError as exc:
            exc.attempts = tuple(attempts)
            if fallback_id is None:
                raise
            primary_error = exc
            log.warning("model %s failed (%s); trying fallback %s", model_id, exc, fallback_id)
    else:
        log.info("model %s is in cooldown; calling fallback %s directly", model_id, fallback_id)
    return await _fallback(model_id, fallback_id, call, check, attempts, primary_error)


async def _fallback(
    model_id: str,
    fallback_id: str,
    call: Callable[[str], Awaitable[Reply]],
    check: Callable[[str], Any],
    attempts: list[Attempt],
    primary_error: ProviderError | None,
) -> Any:
    """The one fallback call; both failed: its error, chained from the primary's."""
    try:
        reply, value = await _attempt(fallback_id, call, check, attempts, is_fallback=True)
    except ProviderError as exc:
        exc.attempts = tuple(attempts)
        log.error(
            "model %s failed (%s) and its fallback %s failed too (%s)",
            model_id,
            primary_error if primary_error is not None else "skipped: cooldown",
            fallback_id,
            exc,
        )
        raise exc from primary_error
    log.info("fallback %s answered for model %s", fallback_id, model_id)
    return _result(model_id, reply, value, attempts, used=True)
