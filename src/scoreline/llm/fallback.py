"""The fallback contract: try the primary once, then its fallback once, never further.

This module is pure: it is handed a function that performs one call and the ids to call,
and decides nothing about cooldowns, databases or keys. The registry supplies all of that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

from scoreline.llm.attempt import Attempt, CallResult, attempt_call, result_of
from scoreline.llm.call import Reply
from scoreline.llm.errors import ProviderError
from scoreline.llm.hedge import hedged_call

__all__ = ["Attempt", "CallResult", "run_with_fallback"]

T = TypeVar("T")
log = logging.getLogger("scoreline.llm.fallback")


async def run_with_fallback(
    model_id: str,
    fallback_id: str | None,
    call: Callable[[str], Awaitable[Reply]],
    accept: Callable[[str], T] | None = None,
    *,
    skip_primary: bool = False,
    fallback_on: Collection[str] | None = None,
    hedge_after_ms: float | None = None,
    provider_of: Callable[[str], str] = lambda model_id: "",
) -> CallResult[T]:
    """Call ``model_id``; on a ``ProviderError`` call ``fallback_id`` once, never its fallback.

    Args:
        model_id: The primary, the model asked for.
        fallback_id: The fallback to use, or ``None`` when there is none or it cannot be
            called (its provider has no key): then the primary's error propagates unchanged.
        call: Performs one call of the given model id and raises ``ProviderError`` on failure.
        accept: Parses the text or raises to reject it; runs inside the fallback scope.
        skip_primary: The primary is in cooldown: go straight to the fallback.
        fallback_on: The primary's error classes that go to the fallback (``None``: all,
            design §1.2); another class propagates at once.
        hedge_after_ms: Also call the fallback after this long without an answer (``hedge``).
        provider_of: The provider of a model id (recorded for a cancelled call).

    Raises:
        ProviderError: The primary's (no fallback, or a class not in ``fallback_on``), or
            the fallback's chained from the primary's; ``.attempts`` holds the calls made.
    """
    check: Callable[[str], Any] = accept if accept is not None else (lambda text: text)
    scope = _Scope(model_id, fallback_id, call, check, fallback_on)
    if fallback_id is not None and skip_primary:
        log.info("model %s is in cooldown; calling fallback %s directly", model_id, fallback_id)
        return await scope.fallback(fallback_id, None)
    if fallback_id is not None and hedge_after_ms is not None:
        return await hedged_call(
            model_id,
            fallback_id,
            call,
            check,
            scope.attempts,
            delay_ms=hedge_after_ms,
            provider_of=provider_of,
            after_failure=scope.after_failure,
        )
    try:
        reply, value = await attempt_call(model_id, call, check, scope.attempts, is_fallback=False)
    except ProviderError as exc:
        return await scope.after_failure(exc)
    return result_of(model_id, reply, value, scope.attempts, used=False)


@dataclass
class _Scope:
    """One ``run_with_fallback``: what it calls and the attempts it has made so far."""

    model_id: str
    fallback_id: str | None
    call: Callable[[str], Awaitable[Reply]]
    check: Callable[[str], Any]
    fallback_on: Collection[str] | None
    attempts: list[Attempt] = field(default_factory=list)

    async def after_failure(self, exc: ProviderError) -> CallResult[Any]:
        """The primary failed: its error propagates, or the fallback is called (§1.2-1.4)."""
        exc.attempts = tuple(self.attempts)
        fallback_id = self.fallback_id
        if fallback_id is None:
            raise exc
        if self.fallback_on is not None and exc.error_class not in self.fallback_on:
            log.warning(
                "model %s failed (%s); fallback_on does not list %s: %s is not called",
                self.model_id,
                exc,
                exc.error_class,
                fallback_id,
            )
            raise exc
        log.warning("model %s failed (%s); trying fallback %s", self.model_id, exc, fallback_id)
        return await self.fallback(fallback_id, exc)

    async def fallback(
        self, fallback_id: str, primary_error: ProviderError | None
    ) -> CallResult[Any]:
        """The one fallback call; both failed: its error, chained from the primary's."""
        try:
            reply, value = await attempt_call(
                fallback_id, self.call, self.check, self.attempts, is_fallback=True
            )
        except ProviderError as exc:
            exc.attempts = tuple(self.attempts)
            log.error(
                "model %s failed (%s) and its fallback %s failed too (%s)",
                self.model_id,
                primary_error if primary_error is not None else "skipped: cooldown",
                fallback_id,
                exc,
            )
            raise exc from primary_error
        log.info("fallback %s answered for model %s", fallback_id, self.model_id)
        return result_of(self.model_id, reply, value, self.attempts, used=True)
