"""The one HTTP client every source goes through.

It adds the key header, paces requests (``sources.pacing``), retries timeouts, connection
errors, 5xx answers and 429s with exponential back-off through tenacity (a 429 waits what
the source says instead), sends ``If-None-Match`` / ``If-Modified-Since`` when the source
gave an ``ETag`` or ``Last-Modified`` for the same request (a 304 returns what we had), and
turns every failure into a ``SourceError`` whose message has been redacted.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from scoreline.redaction import redact
from scoreline.sources.clock import Clock, SystemClock
from scoreline.sources.errors import (
    QuotaExhaustedError,
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceRateLimitedError,
    SourceRequestError,
    SourceUnavailableError,
)
from scoreline.sources.pacing import Pacing, PacingRules

__all__ = ["RetryPolicy", "SourceClient", "SourceResponse", "SourceStats"]

logger = logging.getLogger(__name__)
_CACHE_SIZE = 256
_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is tried."""

    attempts: int = 4
    """Tries in all, the first included."""
    backoff_s: float = 1.0
    """The first back-off; it doubles after each failure."""
    max_backoff_s: float = 30.0
    max_wait_s: float = 90.0
    """A 429 asking for a longer wait fails at once (``SourceRateLimitedError``)."""
    timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class SourceResponse:
    """An answered request."""

    data: Any
    """The JSON body, or the text for ``get_text``."""
    fetched_at: datetime
    """When the answer arrived (for a 304, when the unchanged answer was confirmed)."""
    not_modified: bool = False
    """The source said 304: ``data`` is the body it gave before."""


@dataclass(frozen=True, slots=True)
class SourceStats:
    """What ``scoreline sources`` and ``/metrics`` show of one client."""

    requests: int
    """HTTP requests sent (retries included; a request refused by the quota is not sent)."""
    not_modified: int
    last_success_at: datetime | None
    last_error: str | None
    quota_remaining: int | None
    outcomes: dict[str, int]
    """How requests ended: ``ok``, ``not_modified``, or an ``error_class`` (each failed
    attempt counts, so a retried 503 shows as ``unavailable`` and then ``ok``)."""


class _Retryable(Exception):
    def __init__(self, error: SourceError, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error, self.wait_s = error, wait_s


@dataclass(slots=True)
class _Cached:
    etag: str | None
    last_modified: str | None
    content: bytes


class SourceClient:
    """An ``httpx.Client`` with the source's key, pacing, retries and conditional requests.

    Thread-safe: the requests of one client are serialised (they are paced anyway), so
    its counters, quota and cache stay consistent when a worker's threads share it.
    """

    def __init__(
        self,
        *,
        source: str,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        rules: PacingRules | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        observer: Callable[[str, str], None] | None = None,
    ) -> None:
        """Configure the client; nothing is sent yet.

        Args:
            source: The configured name of the source (in every message).
            base_url: Where the source answers; paths are relative to it.
            headers: Sent with every request (the key header among them).
            secrets: Values masked in every message (the key).
            rules: Pacing rules; none by default.
            retry: Attempts, back-off and timeout.
            clock: Clock for ``fetched_at``, pacing and waits (tests never really wait).
            transport: An httpx transport (tests and proxies); the default one otherwise.
            observer: Called with ``(source, outcome)`` as each request ends (metrics).
        """
        self.source = source
        self._secrets = tuple(s for s in secrets if s)
        self._clock = clock or SystemClock()
        self._retry = retry or RetryPolicy()
        self.pacing = Pacing(rules or PacingRules(), clock=self._clock, source=source)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=dict(headers or {}),
            timeout=self._retry.timeout_s,
            transport=transport,
            follow_redirects=True,
        )
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._requests = 0
        self._not_modified = 0
        self._last_success_at: datetime | None = None
        self._last_error: str | None = None
        self._outcomes: Counter[str] = Counter()
        self._observer = observer
        self._lock = threading.RLock()

    @property
    def clock(self) -> Clock:
        """The clock the client reads (adapters stamp ``fetched_at`` with it)."""
        return self._clock

    @property
    def stats(self) -> SourceStats:
        """Requests sent, 304s, last success and error, and the quota left."""
        return SourceStats(
            requests=self._requests,
            not_modified=self._not_modified,
            last_success_at=self._last_success_at,
            last_error=self._last_error,
            quota_remaining=self.pacing.quota_remaining,
            outcomes=dict(self._outcomes),
        )

    def get_json(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        check: Callable[[Any], None] | None = None,
    ) -> SourceResponse:
        """GET ``path`` and decode its JSON body.

        Args:
            path: Relative to the base URL.
            params: The query.
            check: Raises (through ``fail``) when a decoded body is a refusal or not the
                documented shape, so it counts as that failure rather than a success.

        Raises:
            SourceError: one of its subclasses; see ``sources.errors``.
        """
        with self._lock:
            response = self._get(path, params)
            try:
                data = json.loads(response.data)
            except ValueError:
                raise self._fail(SourceDataError, "the body is not JSON", response.data) from None
            if check is not None:
                check(data)
            self._succeed(response)
        return SourceResponse(data, response.fetched_at, response.not_modified)

    def get_text(self, path: str, params: Mapping[str, Any] | None = None) -> SourceResponse:
        """GET ``path`` and decode its body as text (UTF-8, with a BOM dropped).

        Raises:
            SourceError: one of its subclasses; see ``sources.errors``.
        """
        with self._lock:
            response = self._get(path, params)
            text = response.data.decode("utf-8-sig", errors="replace")
            self._succeed(response)
        return SourceResponse(text, response.fetched_at, response.not_modified)

    def fail(self, cls: type[SourceError], message: str, status: int | None = None) -> SourceError:
        """An error of this source (redacted, counted, and remembered as the last error)."""
        with self._lock:
            return self._fail(cls, message, b"", status)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> SourceClient:
        """Use the client in a ``with`` block."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the connections at the end of the block."""
        self.close()

    def _get(self, path: str, params: Mapping[str, Any] | None) -> SourceResponse:
        key = str(self._http.build_request("GET", path.lstrip("/"), params=params).url)
        retrying = Retrying(
            stop=stop_after_attempt(self._retry.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self._clock.sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            response = retrying(self._send_once, path.lstrip("/"), params, key)
        except _Retryable as exc:
            self._last_error = str(exc.error)
            raise exc.error from None
        return self._settle(response, key)

    def _send_once(self, path: str, params: Mapping[str, Any] | None, key: str) -> httpx.Response:
        try:
            self.pacing.before_request()
        except QuotaExhaustedError as exc:
            self._note(exc.error_class)
            self._last_error = str(exc)
            raise
        headers = {}
        cached = self._cache.get(key)
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        self._requests += 1
        try:
            response = self._http.get(path, params=params, headers=headers)
        except httpx.TimeoutException:
            message = f"no answer within {self._retry.timeout_s:g} s"
            raise _Retryable(self._attempt_failed(SourceUnavailableError, message)) from None
        except httpx.TransportError as exc:
            message = f"connection failed ({type(exc).__name__}: {exc})"
            raise _Retryable(self._attempt_failed(SourceUnavailableError, message)) from None
        self.pacing.after_response(response)
        status = response.status_code
        if status == 429:
            wait = self.pacing.wait_after_429(response)
            message = f"HTTP 429, asked to wait {wait:g} s"
            if wait > self._retry.max_wait_s:
                raise self._fail(SourceRateLimitedError, message, response.content, 429)
            error = self._attempt_failed(SourceRateLimitedError, message, response.content, 429)
            raise _Retryable(error, wait)
        if status >= 500:
            message = f"HTTP {status}"
            error = self._attempt_failed(SourceUnavailableError, message, response.content, status)
            raise _Retryable(error)
        return response

    def _settle(self, response: httpx.Response, key: str) -> SourceResponse:
        status, now = response.status_code, self._clock.now()
        cached = self._cache.get(key)
        if status == 304 and cached is not None:
            self._cache.move_to_end(key)
            return SourceResponse(cached.content, now, not_modified=True)
        if status in (401, 403) or (status == 400 and _names_the_token(response)):
            raise self._fail(
                SourceAuthError, f"HTTP {status}, key rejected", response.content, status
            )
        if status >= 300:
            raise self._fail(SourceRequestError, f"HTTP {status}", response.content, status)
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if etag or modified:
            self._cache[key] = _Cached(etag, modified, response.content)
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return SourceResponse(response.content, now)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.wait_s is not None:
            return exc.wait_s
        backoff = self._retry.backoff_s * 2 ** (state.attempt_number - 1)
        return float(min(self._retry.max_backoff_s, backoff))

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        logger.warning("%s; retrying in %.0f s", exc, wait)

    def _error(
        self, cls: type[SourceError], message: str, body: bytes = b"", status: int | None = None
    ) -> SourceError:
        if body:
            text = redact(body.decode("utf-8", errors="replace"), self._secrets)
            message = f"{message}: {' '.join(text.split())[:_EXCERPT]}"
        return cls(message, source=self.source, status=status, secrets=self._secrets)

    def _attempt_failed(
        self, cls: type[SourceError], message: str, body: bytes = b"", status: int | None = None
    ) -> SourceError:
        """A failed attempt that will be retried: counted, not yet the last error."""
        self._note(cls.error_class)
        return self._error(cls, message, body, status)

    def _fail(
        self, cls: type[SourceError], message: str, body: bytes = b"", status: int | None = None
    ) -> SourceError:
        error = self._error(cls, message, body, status)
        self._note(cls.error_class)
        self._last_error = str(error)
        return error

    def _succeed(self, response: SourceResponse) -> None:
        if response.not_modified:
            self._not_modified += 1
        self._last_success_at = response.fetched_at
        self._note("not_modified" if response.not_modified else "ok")

    def _note(self, outcome: str) -> None:
        self._outcomes[outcome] += 1
        if self._observer is not None:
            self._observer(self.source, outcome)


def _names_the_token(response: httpx.Response) -> bool:
    """football-data.org answers a malformed token with 400 ``Your API token is invalid.``"""
    try:
        message = str(response.json().get("message", ""))
    except (ValueError, AttributeError):
        return False
    return "token" in message.lower()
