"""Provider errors: every failed call becomes one of these, whatever the SDK raised.

Hierarchy (``error_class`` in brackets)::

    ProviderError
    ├── TransportError                 the request got no HTTP answer
    │   ├── ProviderTimeoutError       [timeout]
    │   └── ProviderConnectionError    [connection]  refused, reset, DNS
    ├── HTTPStatusError                an HTTP status >= 400 (``status``)
    │   ├── RateLimitedError           [rate_limited]  429
    │   ├── AuthError                  [auth]          401, 403
    │   ├── ClientError                [client_error]  other 4xx
    │   └── ServerError                [server_error]  5xx
    └── ReplyError                     an HTTP 200 whose reply is unusable
        ├── InvalidBodyError           [invalid_body]  not JSON, no choices
        ├── EmptyContentError          [empty_content] nothing left after extraction
        └── UnparseableError           [unparseable]   rejected by the caller's ``accept``

Every error carries ``model_id``, ``provider`` and ``status`` and pickles, so a queue can store
it. Its message is redacted on construction (``scoreline.redaction``): whatever a provider
echoed, a credential never reaches a log, a row or a response through it. Misuse (an unknown
model, a missing key for the primary) raises ``ConfigError`` instead, outside this tree, so
``except ProviderError`` never hides a configuration mistake.
"""

from __future__ import annotations

from typing import Any, ClassVar

from scoreline.redaction import redact

__all__ = [
    "AuthError",
    "ClientError",
    "EmptyContentError",
    "HTTPStatusError",
    "InvalidBodyError",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "RateLimitedError",
    "ReplyError",
    "ServerError",
    "TransportError",
    "UnparseableError",
    "error_for_status",
]


class ProviderError(Exception):
    """A call to a model failed."""

    error_class: ClassVar[str] = "provider_error"
    """Short, stable name of the kind of failure, stored with each attempt."""

    def __init__(
        self,
        message: str,
        *,
        model_id: str,
        provider: str,
        status: int | None = None,
        attempts: tuple[Any, ...] = (),
        evidence: Any = None,
        usage: Any = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        """What went wrong, with anything shaped like a credential masked."""
        self.model_id = model_id
        """The model that was called (not necessarily the one asked for)."""
        self.provider = provider
        self.status = status
        """The HTTP status, when the provider sent one."""
        self.attempts: tuple[Any, ...] = tuple(attempts)
        """Attempt records of the fallback call that raised this error, when there was one
        (``llm.Attempt`` values; kept through pickling)."""
        self.evidence = evidence
        """What the failed call sent and got back (an ``llm.Evidence``), when it got that far."""
        self.usage = usage
        """The tokens a failed reply still reported (an ``llm.usage.Usage``): it is billed."""

    def __str__(self) -> str:
        status = f" HTTP {self.status}" if self.status is not None else ""
        return f"{self.model_id} ({self.provider}){status}: {self.error_class}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        state = (
            self.message,
            self.model_id,
            self.provider,
            self.status,
            self.attempts,
            self.evidence,
            self.usage,
        )
        return (_rebuild, (type(self), *state))


def _rebuild(
    cls: type[ProviderError],
    message: str,
    model_id: str,
    provider: str,
    status: int | None,
    attempts: tuple[Any, ...] = (),
    evidence: Any = None,
    usage: Any = None,
) -> ProviderError:
    return cls(
        message,
        model_id=model_id,
        provider=provider,
        status=status,
        attempts=attempts,
        evidence=evidence,
        usage=usage,
    )


class TransportError(ProviderError):
    """No HTTP answer arrived."""

    error_class = "transport"


class ProviderTimeoutError(TransportError):
    """The provider did not answer within the model's timeout."""

    error_class = "timeout"


class ProviderConnectionError(TransportError):
    """The connection was refused, reset or could not be made."""

    error_class = "connection"


class HTTPStatusError(ProviderError):
    """The provider answered with an HTTP status >= 400."""

    error_class = "http_status"


class RateLimitedError(HTTPStatusError):
    """HTTP 429: the provider is throttling us."""

    error_class = "rate_limited"


class AuthError(HTTPStatusError):
    """HTTP 401 or 403: the key is wrong or lacks access."""

    error_class = "auth"


class ClientError(HTTPStatusError):
    """Any other 4xx: the provider rejected the request (unknown model, bad parameter)."""

    error_class = "client_error"


class ServerError(HTTPStatusError):
    """HTTP 5xx: the provider broke."""

    error_class = "server_error"


class ReplyError(ProviderError):
    """HTTP 200, but the reply cannot be used."""

    error_class = "reply"


class InvalidBodyError(ReplyError):
    """The body is not JSON or has no choices."""

    error_class = "invalid_body"


class EmptyContentError(ReplyError):
    """The reply holds no text once content and reasoning fields are read."""

    error_class = "empty_content"


class UnparseableError(ReplyError):
    """The caller's ``accept`` rejected the text (for scoreline: no valid score)."""

    error_class = "unparseable"


def error_for_status(status: int) -> type[HTTPStatusError]:
    """The error class for an HTTP status >= 400."""
    if status == 429:
        return RateLimitedError
    if status in (401, 403):
        return AuthError
    if status >= 500:
        return ServerError
    return ClientError
