"""One call on behalf of a model and its record: the ``Attempt`` every call leaves, whatever
happens to it (an answer, an error, a rejection by ``accept``, or a cancellation)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from scoreline.llm.call import Reply
from scoreline.llm.errors import ProviderError, UnparseableError
from scoreline.llm.evidence import VERDICT_OK, VERDICT_REJECTED, Evidence

__all__ = ["CANCELLED", "Attempt", "CallResult", "attempt_call", "result_of"]

T = TypeVar("T")

CANCELLED = "cancelled"
"""The error class of a call cancelled because the other call of a hedge answered first:
neither a success nor a failure of the model it called."""


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


async def attempt_call(
    model_id: str,
    call: Callable[[str], Awaitable[Reply]],
    accept: Callable[[str], Any],
    attempts: list[Attempt],
    *,
    is_fallback: bool,
    hedged: bool = False,
    provider: str = "",
) -> tuple[Reply, Any]:
    """One call plus ``accept``; records the attempt whatever happens, cancellation included.

    ``provider`` names the called model's provider for the record of a cancelled call,
    which has no reply or error to take it from.
    """
    started = time.perf_counter()
    try:
        reply = await call(model_id)
    except ProviderError as exc:
        attempts.append(_failed(exc, _since(started), is_fallback, hedged))
        raise
    except asyncio.CancelledError:
        attempts.append(
            Attempt(model_id, provider, False, _since(started), CANCELLED, None, hedged=hedged)
        )
        raise
    record = _answered(reply, is_fallback, hedged)
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


def _answered(reply: Reply, is_fallback: bool, hedged: bool) -> Attempt:
    """The record of a call that got a reply (before ``accept`` judges it)."""
    return Attempt(
        model_id=reply.model_id,
        provider=reply.provider,
        ok=True,
        latency_ms=reply.latency_ms,
        prompt_tokens=reply.prompt_tokens,
        completion_tokens=reply.completion_tokens,
        is_fallback=is_fallback,
        evidence=reply.evidence,
        reasoning_tokens=reply.reasoning_tokens,
        cost_usd=reply.cost_usd,
        hedged=hedged,
    )


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _failed(exc: ProviderError, latency_ms: float, is_fallback: bool, hedged: bool) -> Attempt:
    """The record of a call that raised; a reply that was unusable still reports its cost."""
    usage = exc.usage
    return Attempt(
        model_id=exc.model_id,
        provider=exc.provider,
        ok=False,
        latency_ms=latency_ms,
        error_class=exc.error_class,
        status=exc.status,
        prompt_tokens=usage.prompt_tokens if usage is not None else None,
        completion_tokens=usage.completion_tokens if usage is not None else None,
        is_fallback=is_fallback,
        evidence=exc.evidence,
        reasoning_tokens=usage.reasoning_tokens if usage is not None else None,
        cost_usd=usage.cost_usd if usage is not None else None,
        hedged=hedged,
    )


def _judged(evidence: Evidence | None, verdict: str, reason: object) -> Evidence | None:
    """The reply's evidence with its parse verdict; a call that gave none records none."""
    if evidence is None:
        return None
    return evidence.judged(verdict, str(reason) if reason is not None else None)


def result_of(model_id: str, reply: Reply, value: Any, attempts: list[Attempt], used: bool) -> Any:
    """The successful result; attempts listed primary first, whatever order they ended in."""
    return CallResult(
        model_id=model_id,
        text=reply.text,
        value=value,
        used_fallback=used,
        answered_by=reply.model_id,
        attempts=tuple(sorted(attempts, key=lambda a: a.is_fallback)),
    )
