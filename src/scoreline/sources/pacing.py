"""Pacing: keep under a source's per-minute limit and stop before its daily quota.

A ``Pacing`` is asked before every request (it may sleep, or refuse with
``QuotaExhaustedError`` without sending anything) and told every response's headers. The
header names come from the adapter: football-data.org says ``X-Requests-Available-Minute``
and ``X-RequestCounter-Reset`` (seconds until the minute's counter resets); API-Football says
``x-ratelimit-requests-remaining`` for the day and ``X-RateLimit-Remaining`` for the minute.
Our own count of requests backs the headers up when a source does not send them.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import httpx

from scoreline.sources.clock import Clock
from scoreline.sources.errors import QuotaExhaustedError

__all__ = ["Pacing", "PacingRules"]

WINDOW_S = 60.0
_WAIT_IN_BODY = re.compile(r"(?i)wait\s+(\d+(?:\.\d+)?)\s*second")


@dataclass(frozen=True, slots=True)
class PacingRules:
    """What a source allows and which headers say how much is left."""

    per_minute: int | None = None
    """Requests a minute we allow ourselves; ``None``: only the headers pace."""
    daily_quota: int | None = None
    """Requests a UTC day; ``None``: no daily limit of our own."""
    quota_reserve: int = 0
    """Requests kept back from the daily quota (for an operator's manual check)."""
    minute_remaining_header: str | None = None
    minute_reset_header: str | None = None
    """Seconds until the minute's counter resets (also read on a 429)."""
    daily_remaining_header: str | None = None
    daily_limit_header: str | None = None


class Pacing:
    """The pacing state of one source client (one key); not shared between processes."""

    def __init__(self, rules: PacingRules, *, clock: Clock, source: str) -> None:
        """Start with nothing sent today and nothing known from headers."""
        self.rules = rules
        self._clock = clock
        self._source = source
        self._sent: deque[float] = deque()
        self._resume_at = 0.0
        self._day: date | None = None
        self._sent_today = 0
        self._daily_remaining: int | None = None
        self._daily_limit: int | None = rules.daily_quota

    @property
    def quota_remaining(self) -> int | None:
        """Requests left today, as far as we know (``None`` when there is no daily quota)."""
        self._roll_day()
        known = []
        if self._daily_remaining is not None:
            known.append(self._daily_remaining)
        if self.rules.daily_quota is not None:
            known.append(self.rules.daily_quota - self._sent_today)
        return max(0, min(known)) if known else None

    def before_request(self) -> None:
        """Wait for the minute's window, or refuse when the day's quota is spent.

        Raises:
            QuotaExhaustedError: at (or within ``quota_reserve`` of) the daily quota.
        """
        remaining = self.quota_remaining
        if remaining is not None and remaining <= self.rules.quota_reserve:
            raise self._quota_error(remaining)
        now = self._clock.monotonic()
        wait = self._resume_at - now
        per_minute = self.rules.per_minute
        while self._sent and self._sent[0] <= now - WINDOW_S:
            self._sent.popleft()
        if per_minute and len(self._sent) >= per_minute:
            wait = max(wait, self._sent[-per_minute] + WINDOW_S - now)
        if wait > 0:
            self._clock.sleep(wait)
        self._sent.append(self._clock.monotonic())
        self._sent_today += 1
        if self._daily_remaining is not None:
            self._daily_remaining -= 1

    def after_response(self, response: httpx.Response) -> None:
        """Learn what is left from the response's headers."""
        rules, headers = self.rules, response.headers
        minute_left = _number(headers, rules.minute_remaining_header)
        if minute_left is not None and minute_left <= 0:
            reset = _number(headers, rules.minute_reset_header)
            self._resume_at = self._clock.monotonic() + (reset if reset else WINDOW_S)
        daily_left = _number(headers, rules.daily_remaining_header)
        if daily_left is not None:
            self._daily_remaining = int(daily_left)
        daily_limit = _number(headers, rules.daily_limit_header)
        if daily_limit is not None:
            self._daily_limit = int(daily_limit)

    def wait_after_429(self, response: httpx.Response) -> float:
        """Seconds a 429 asks us to wait: the reset header, ``Retry-After``, the body's
        "Wait N seconds", else a whole minute."""
        for name in (self.rules.minute_reset_header, "Retry-After"):
            seconds = _number(response.headers, name)
            if seconds is not None:
                return max(seconds, 0.0)
        found = _WAIT_IN_BODY.search(response.text[:500])
        return float(found.group(1)) if found else WINDOW_S

    def _roll_day(self) -> None:
        today = self._clock.now().astimezone(UTC).date()
        if today != self._day:
            self._day, self._sent_today, self._daily_remaining = today, 0, None

    def _quota_error(self, remaining: int) -> QuotaExhaustedError:
        limit = self._daily_limit
        of = f" of {limit}" if limit is not None else ""
        tomorrow = self._clock.now().astimezone(UTC).date() + timedelta(days=1)
        resets_at = datetime.combine(tomorrow, time(), tzinfo=UTC)
        error = QuotaExhaustedError(
            f"daily quota reached: {remaining}{of} requests left"
            f" (keeping {self.rules.quota_reserve} back); no request sent until it resets"
            f" at {resets_at:%Y-%m-%d %H:%M} UTC",
            source=self._source,
        )
        error.resets_at = resets_at
        return error


def _number(headers: httpx.Headers, name: str | None) -> float | None:
    if not name or name not in headers:
        return None
    try:
        return float(headers[name])
    except ValueError:
        return None
