"""The errors of data sources, one tree under ``SourceError``::

    SourceError (ScorelineError)        .source, .error_class, .status
    ├── SourceAuthError                 the key was rejected (HTTP 401/403, or API-Football's
    │                                   HTTP 200 with a token error) or is not set
    ├── QuotaExhaustedError             the daily quota is spent; no request was sent
    ├── SourceRateLimitedError          HTTP 429 with a wait longer than allowed, or retries spent
    ├── SourceUnavailableError          timeouts, connection errors, 5xx after the retries
    ├── SourceRequestError              any other refusal (4xx, API-Football's other errors)
    └── SourceDataError                 a body that is not what the source documents

Every message has been through ``redact`` with the source's key before it is raised, so a
log, the store or ``/admin`` never sees a key. ``UnknownTeamError`` and
``UnknownCompetitionError`` (in ``sources.teams``) are identity problems, not source errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from scoreline.errors import ScorelineError
from scoreline.redaction import redact

__all__ = [
    "QuotaExhaustedError",
    "SourceAuthError",
    "SourceDataError",
    "SourceError",
    "SourceRateLimitedError",
    "SourceRequestError",
    "SourceUnavailableError",
]


class SourceError(ScorelineError):
    """A data source could not answer; the message names the source and never holds a key."""

    error_class: ClassVar[str] = "source"

    def __init__(
        self,
        message: str,
        *,
        source: str,
        status: int | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        """Build the error with its message redacted.

        Args:
            message: What went wrong; redacted here, whatever the caller passed.
            source: The configured name of the source.
            status: The HTTP status, when there was a response.
            secrets: Key values to mask by value (credential shapes are masked anyway).
        """
        super().__init__(redact(f"{source}: {message}", secrets))
        self.source = source
        """The configured name of the source."""
        self.status = status
        """The HTTP status, when there was a response."""

    def __reduce__(self) -> tuple[object, ...]:
        """Keep the error picklable (queue results cross processes)."""
        return (_rebuild, (type(self), str(self), self.source, self.status))


def _rebuild(cls: type[SourceError], text: str, source: str, status: int | None) -> SourceError:
    error = cls.__new__(cls)
    Exception.__init__(error, text)
    error.source, error.status = source, status
    return error


class SourceAuthError(SourceError):
    """The key is missing or the source rejected it: nothing will work until it is fixed."""

    error_class = "auth"


class QuotaExhaustedError(SourceError):
    """The daily quota is reached; requests stop until it resets (no request was sent)."""

    error_class = "quota"
    resets_at: datetime | None = None
    """When the quota resets (midnight UTC for API-Football), if known."""


class SourceRateLimitedError(SourceError):
    """HTTP 429 and the source asked for a longer wait than allowed, or the retries ran out."""

    error_class = "rate_limited"


class SourceUnavailableError(SourceError):
    """Timeouts, refused or broken connections, or 5xx answers after every retry."""

    error_class = "unavailable"


class SourceRequestError(SourceError):
    """The source refused the request itself (bad parameters, a plan without access)."""

    error_class = "request"


class SourceDataError(SourceError):
    """The body is not what the source documents (not JSON, missing fields)."""

    error_class = "data"
