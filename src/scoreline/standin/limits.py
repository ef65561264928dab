"""What the stand-in counts and refuses: keys, per-minute windows, the daily quota, and
injected faults. Thread-safe.

football-data.org counts requests per key in a one-minute window and says what is left in
``X-Requests-Available-Minute`` and ``X-RequestCounter-Reset``; API-Football counts per key
and UTC day (the simulated day) and says ``x-ratelimit-requests-remaining``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

__all__ = ["Fault", "Gate", "Window"]

WINDOW_S = 60.0


@dataclass
class Window:
    """One key's one-minute window."""

    started: float
    count: int = 0


@dataclass(frozen=True, slots=True)
class Fault:
    """The next ``count`` requests to a service answer ``status`` (with the request's
    headers echoed in the body when ``echo``, as a careless proxy would)."""

    status: int
    count: int
    echo: bool = False


@dataclass
class Gate:
    """Limits, keys, faults and counters of the stand-in."""

    fd_token: str = "standin-fd-token"
    af_key: str = "standin-af-key"
    fd_per_minute: int = 10
    af_daily: int = 100
    af_per_minute: int = 10
    bad_key: bool = False
    """Reject every key (football-data.org 403, API-Football 200 with ``errors``)."""
    timer: Callable[[], float] = time.monotonic
    """The time of the minute windows (tests share their fake clock's)."""
    delays: dict[str, float] = field(default_factory=dict)
    """Seconds each service waits before answering (a slow or hung upstream)."""
    requests: Counter[str] = field(default_factory=Counter)
    """Requests received per service (``fd``, ``af``, ``csv``), refused ones included."""
    not_modified: Counter[str] = field(default_factory=Counter)
    _windows: dict[tuple[str, str], Window] = field(default_factory=dict)
    _daily: dict[tuple[str, date], int] = field(default_factory=dict)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def key_ok(self, service: str, key: str | None) -> bool:
        """Whether ``key`` is the service's valid key (never, in bad-key mode)."""
        expected = self.fd_token if service == "fd" else self.af_key
        return not self.bad_key and key == expected

    def count(self, service: str) -> None:
        """Count one request received."""
        with self._lock:
            self.requests[service] += 1

    def count_not_modified(self, service: str) -> None:
        """Count one request answered 304."""
        with self._lock:
            self.not_modified[service] += 1

    def take_minute(self, service: str, key: str, limit: int) -> tuple[bool, int, int]:
        """Use one request of the key's minute: (allowed, left, seconds to reset)."""
        now = self.timer()
        with self._lock:
            window = self._windows.get((service, key))
            if window is None or now - window.started >= WINDOW_S:
                window = self._windows[(service, key)] = Window(now)
            reset = max(1, int(window.started + WINDOW_S - now + 0.999))
            if window.count >= limit:
                return False, 0, reset
            window.count += 1
            return True, limit - window.count, reset

    def take_day(self, key: str, day: date) -> tuple[bool, int]:
        """Use one request of the key's daily quota: (allowed, left)."""
        with self._lock:
            used = self._daily.get((key, day), 0)
            if used >= self.af_daily:
                return False, 0
            self._daily[(key, day)] = used + 1
            return True, self.af_daily - used - 1

    def set_fault(self, service: str, fault: Fault | None) -> None:
        """Inject (or clear) a fault for the service's next requests."""
        with self._lock:
            if fault is None or fault.count <= 0:
                self._faults.pop(service, None)
            else:
                self._faults[service] = fault

    def take_fault(self, service: str) -> Fault | None:
        """The fault to answer this request with, if one is pending (and use it up)."""
        with self._lock:
            fault = self._faults.get(service)
            if fault is None:
                return None
            left = fault.count - 1
            if left <= 0:
                self._faults.pop(service)
            else:
                self._faults[service] = Fault(fault.status, left, fault.echo)
            return fault

    def reset_limits(self) -> None:
        """Forget every window and daily count."""
        with self._lock:
            self._windows.clear()
            self._daily.clear()
