"""Admin authentication: a bearer token for the API, a signed session for the dashboard.

The token comes from ``SCORELINE_ADMIN_TOKEN``, read on every request so a rotation takes
effect at once. Without it the admin surface is closed (503 "admin disabled"), never open.

A dashboard session is an itsdangerous timed signature over a random session id, never the
token: it expires after ``SESSION_TTL_S`` (12 h). Its signing key is derived from the token
and from a secret drawn when the app starts, so rotating the token or restarting the server
signs every browser out; signing out revokes the session id at once. The cookie is HttpOnly
and SameSite=Strict. Wrong tokens, in the sign-in form or as a bearer token, are counted
per client: after ``MAX_FAILURES`` within ``FAILURE_WINDOW_S`` the client gets 429 until the
window has passed, whatever it sends.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

__all__ = [
    "ADMIN_TOKEN_ENV",
    "COOKIE_NAME",
    "FAILURE_WINDOW_S",
    "MAX_FAILURES",
    "SESSION_TTL_S",
    "AdminAuth",
    "LoginThrottle",
    "Sessions",
    "admin_auth",
    "admin_token",
    "client_of",
    "require_admin",
    "token_matches",
    "too_many_attempts",
]

ADMIN_TOKEN_ENV = "SCORELINE_ADMIN_TOKEN"
"""Environment variable holding the admin token."""
COOKIE_NAME = "scoreline_admin"
"""Name of the dashboard's admin session cookie."""
SESSION_TTL_S = 12 * 3600
"""How long a dashboard session lasts."""
MAX_FAILURES = 5
"""Wrong tokens a client may send within ``FAILURE_WINDOW_S`` before it gets 429."""
FAILURE_WINDOW_S = 60.0
"""The window over which wrong tokens are counted."""
_KEY_CONTEXT = b"scoreline admin session v2"
_TRACKED_CLIENTS = 10_000

_bearer = HTTPBearer(auto_error=False, description=f"The token in ${ADMIN_TOKEN_ENV}.")


def admin_token() -> str | None:
    """The configured admin token, or ``None`` when admin is disabled."""
    return os.environ.get(ADMIN_TOKEN_ENV) or None


def token_matches(given: str, token: str) -> bool:
    """Constant-time comparison of a presented token with the configured one."""
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


class Sessions:
    """Signed, expiring, revocable dashboard sessions.

    Args:
        clock: Seconds since the epoch (tests move it to expire a session).
        ttl_s: How long a session lasts.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, ttl_s: int = SESSION_TTL_S):
        self.clock = clock
        self.ttl_s = ttl_s
        self._boot = secrets.token_bytes(32)
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def _serializer(self, token: str) -> URLSafeTimedSerializer:
        sessions = self

        class Signer(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(sessions.clock())

        key = hmac.new(token.encode("utf-8"), self._boot + _KEY_CONTEXT, hashlib.sha256).digest()
        return URLSafeTimedSerializer(key, salt="admin-session", signer=Signer)

    def issue(self, token: str) -> str:
        """A new session's cookie value (a signed random id, not the token)."""
        return self._serializer(token).dumps({"sid": secrets.token_urlsafe(16)})

    def _session_id(self, cookie: str | None, token: str) -> str | None:
        if not cookie:
            return None
        try:
            data: Any = self._serializer(token).loads(cookie, max_age=self.ttl_s)
        except BadSignature:  # a bad signature, an expired one, or a malformed cookie
            return None
        sid = data.get("sid") if isinstance(data, dict) else None
        return sid if isinstance(sid, str) and sid not in self._revoked else None

    def valid(self, cookie: str | None, token: str) -> bool:
        """Whether the cookie is a live session signed for the current token."""
        return self._session_id(cookie, token) is not None

    def revoke(self, cookie: str | None, token: str) -> None:
        """End the cookie's session now (signing out); a dead cookie is ignored."""
        now = self.clock()
        sid = self._session_id(cookie, token)
        with self._lock:
            self._revoked = {s: end for s, end in self._revoked.items() if end > now}
            if sid is not None:
                self._revoked[sid] = now + self.ttl_s


@dataclass
class LoginThrottle:
    """Wrong tokens per client within a sliding window; past the limit the client waits."""

    max_failures: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    """Sync routes run in a thread pool: one client's count is updated by one at a time."""

    def _recent(self, client: str) -> deque[float]:
        failures = self._failures.get(client, deque())
        cutoff = self.clock() - self.window_s
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int | None:
        """Seconds the client must wait before trying again, or ``None`` if it may try."""
        with self._lock:
            failures = self._recent(client)
            if len(failures) < self.max_failures:
                return None
            return max(1, math.ceil(failures[0] + self.window_s - self.clock()))

    def fail(self, client: str) -> None:
        """Count one wrong token (the table of clients is bounded; the oldest go first)."""
        with self._lock:
            failures = self._recent(client)
            failures.append(self.clock())
            self._failures.pop(client, None)
            self._failures[client] = failures
            while len(self._failures) > _TRACKED_CLIENTS:
                self._failures.pop(next(iter(self._failures)))

    def forget(self, client: str) -> None:
        """A right token: the client starts afresh."""
        with self._lock:
            self._failures.pop(client, None)


@dataclass
class AdminAuth:
    """The app's admin sessions and its throttle of wrong tokens."""

    sessions: Sessions = field(default_factory=Sessions)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)


def admin_auth(request: Request) -> AdminAuth:
    """The ``AdminAuth`` that ``create_app`` stored on the application."""
    auth: AdminAuth = request.app.state.admin_auth
    return auth


def client_of(request: Request) -> str:
    """Who is counted for the throttle: the peer address."""
    return request.client.host if request.client is not None else "unknown"


def too_many_attempts(retry_after: int) -> HTTPException:
    """The 429 a throttled client gets, saying when to try again."""
    return HTTPException(
        429,
        detail=f"too many wrong admin tokens; try again in {retry_after} s",
        headers={"Retry-After": str(retry_after)},
    )


def require_admin(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> None:
    """Dependency of every admin API route.

    Raises:
        HTTPException: 503 when no token is configured; 429 when the client sent too many
            wrong tokens lately; 401 when the bearer token is missing or wrong.
    """
    token = admin_token()
    if token is None:
        raise HTTPException(503, detail=f"admin disabled: {ADMIN_TOKEN_ENV} is not set")
    throttle, client = admin_auth(request).throttle, client_of(request)
    wait = throttle.retry_after(client)
    if wait is not None:
        raise too_many_attempts(wait)
    if credentials is None or not token_matches(credentials.credentials, token):
        if credentials is not None:
            throttle.fail(client)
        raise HTTPException(
            401, detail="missing or wrong admin token", headers={"WWW-Authenticate": "Bearer"}
        )
