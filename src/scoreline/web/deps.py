"""What routes share: the app's store, configuration and clock, query parsing, the queue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import HTTPException, Request

from scoreline.config import Config
from scoreline.moments import check_window
from scoreline.report import parse_moment, today_window
from scoreline.store import Database

__all__ = [
    "DATE_PATTERN",
    "AppState",
    "QueueUnavailableError",
    "app_state",
    "fallback_window",
    "filter_window",
    "parse_filter_time",
    "read_queue",
]

log = logging.getLogger("scoreline.web")

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ].+)?$"
"""What ``since``/``until`` look like: a date, or an ISO datetime (no zone means UTC)."""


@dataclass(frozen=True)
class AppState:
    """Everything a request needs, built once by ``create_app``."""

    config: Config
    db: Database
    clock: Callable[[], datetime]
    head_revision: str | None


def app_state(request: Request) -> AppState:
    """The state ``create_app`` stored on the application."""
    state: AppState = request.app.state.scoreline
    return state


def parse_filter_time(name: str, value: str | None, *, end_of_day: bool) -> datetime | None:
    """A ``since``/``until`` query value as aware UTC; a 422 naming the parameter if bad."""
    if value is None or value == "":
        return None
    try:
        return parse_moment(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise HTTPException(422, detail=f"query.{name}: {exc}") from None


def _checked(since: datetime | None, until: datetime | None) -> None:
    try:
        check_window(since, until)
    except ValueError as exc:
        raise HTTPException(422, detail=f"query.since: {exc}") from None


def filter_window(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """``since``/``until`` as aware UTC (``until`` a date includes that day); a 422 when
    either is bad or ``since`` is after ``until``, as the CLI refuses them."""
    window = (
        parse_filter_time("since", since, end_of_day=False),
        parse_filter_time("until", until, end_of_day=True),
    )
    _checked(*window)
    return window


def fallback_window(
    state: AppState, since: str | None, until: str | None
) -> tuple[datetime, datetime]:
    """The fallback-stats window: the given bounds, each defaulting to today (UTC); a 422
    when ``since`` ends up after ``until``."""
    start, end = today_window(state.clock())
    given_since, given_until = filter_window(since, until)
    window = (given_since or start, given_until or end)
    _checked(*window)
    return window


class QueueUnavailableError(Exception):
    """The queue cannot be asked: its module is not installed yet, or it does not answer.

    Attributes:
        state: ``unavailable`` (no queue module) or ``unreachable`` (it raised).
    """

    def __init__(self, state: str, message: str) -> None:
        self.state = state
        super().__init__(message)


def read_queue(config: Config) -> dict[str, Any]:
    """``scoreline.queue.queue_status``, imported lazily.

    Raises:
        QueueUnavailableError: No queue module, or the queue raised (the error's class is
            logged, its message is not returned: it could hold a URL with a password).
    """
    try:
        from scoreline.queue import queue_status
    except ImportError:
        raise QueueUnavailableError("unavailable", "the queue module is not installed") from None
    try:
        return dict(queue_status(config))
    except Exception as exc:  # any backend failure means "not reachable"
        log.warning("queue status failed: %s", type(exc).__name__)
        raise QueueUnavailableError(
            "unreachable", f"the queue did not answer ({type(exc).__name__})"
        ) from None
