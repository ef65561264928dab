"""Hedged calls: when the primary is slow, call the fallback too and keep the first valid answer.

The primary starts alone. If it ends (answer or error) before the hedge delay, nothing else
happens here: ``after_failure`` applies the ordinary fallback rules to its error. Otherwise the
fallback is called while the primary keeps running; the first answer ``accept`` takes wins and
the other call is cancelled (its attempt recorded as ``cancelled``). An answer ``accept``
rejects does not win: the other call is awaited. Never more than two calls; both fail: the
fallback's error, chained from the primary's, as when the fallback runs after the primary.

Once the fallback is running its answer counts whatever the primary's error turns out to be:
the call is already made and paid for, so ``fallback_on`` is not asked again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from scoreline.llm.attempt import Attempt, CallResult, attempt_call, result_of
from scoreline.llm.call import Reply
from scoreline.llm.errors import ProviderError

__all__ = ["hedged_call"]

log = logging.getLogger("scoreline.llm.fallback")

Task = asyncio.Task[tuple[Reply, Any]]


async def hedged_call(
    model_id: str,
    fallback_id: str,
    call: Callable[[str], Awaitable[Reply]],
    check: Callable[[str], Any],
    attempts: list[Attempt],
    *,
    delay_ms: float,
    provider_of: Callable[[str], str],
    after_failure: Callable[[ProviderError], Awaitable[CallResult[Any]]],
) -> CallResult[Any]:
    """Call the primary; after ``delay_ms`` with no answer, race the fallback against it.

    ``check`` is ``accept``; every call's record goes to ``attempts``; ``provider_of`` names
    a model's provider for the record of a cancelled call; ``after_failure`` is the ordinary
    fallback path, for a primary that failed before the hedge.
    """

    def start(target: str, *, is_fallback: bool) -> Task:
        work = attempt_call(
            target,
            call,
            check,
            attempts,
            is_fallback=is_fallback,
            hedged=is_fallback,
            provider=provider_of(target),
        )
        return asyncio.ensure_future(work)

    primary = start(model_id, is_fallback=False)
    tasks = [primary]
    try:
        await asyncio.wait(tasks, timeout=delay_ms / 1000)
        if primary.done():
            try:
                reply, value = primary.result()
            except ProviderError as exc:
                return await after_failure(exc)
            return result_of(model_id, reply, value, attempts, used=False)
        log.info("model %s silent after %.0f ms; calling %s too", model_id, delay_ms, fallback_id)
        tasks.append(start(fallback_id, is_fallback=True))
        return await _first_valid(model_id, primary, tasks[1], attempts)
    finally:
        await _cancel(task for task in tasks if not task.done())


async def _first_valid(
    model_id: str, primary: Task, fallback: Task, attempts: list[Attempt]
) -> CallResult[Any]:
    """The first answer ``accept`` takes (the primary's when both end together)."""
    pending: set[Task] = {primary, fallback}
    errors: dict[Task, ProviderError] = {}
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in sorted(done, key=lambda t: t is fallback):
            try:
                reply, value = task.result()
            except ProviderError as exc:
                errors[task] = exc
                continue
            await _cancel(pending)
            used = task is fallback
            if used:
                log.info("fallback %s answered first for model %s", reply.model_id, model_id)
            return result_of(model_id, reply, value, attempts, used=used)
    primary_error, error = errors[primary], errors[fallback]
    primary_error.attempts = error.attempts = tuple(sorted(attempts, key=lambda a: a.is_fallback))
    log.error(
        "model %s failed (%s) and its fallback %s, called beside it, failed too (%s)",
        model_id,
        primary_error,
        error.model_id,
        error,
    )
    raise error from primary_error


async def _cancel(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel the calls still running and wait until each has recorded its attempt."""
    running = list(tasks)
    for task in running:
        task.cancel()
    if running:
        await asyncio.gather(*running, return_exceptions=True)
