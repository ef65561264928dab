"""Admin authentication: a bearer token for the API, an HMAC cookie for the dashboard.

The token comes from ``SCORELINE_ADMIN_TOKEN``, read on every request so a rotation takes
effect at once. Without it the admin surface is closed (503 "admin disabled"), never open.
The dashboard cookie holds ``HMAC-SHA256(token, COOKIE_CONTEXT)``, never the token itself;
it is HttpOnly and SameSite=Strict (which also keeps other sites from posting the forms),
and rotating the token logs every browser out.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

__all__ = [
    "ADMIN_TOKEN_ENV",
    "COOKIE_NAME",
    "admin_token",
    "cookie_value",
    "has_admin_cookie",
    "require_admin",
    "token_matches",
]

ADMIN_TOKEN_ENV = "SCORELINE_ADMIN_TOKEN"
"""Environment variable holding the admin token."""
COOKIE_NAME = "scoreline_admin"
"""Name of the dashboard's admin session cookie."""
COOKIE_CONTEXT = b"scoreline admin session v1"

_bearer = HTTPBearer(auto_error=False, description=f"The token in ${ADMIN_TOKEN_ENV}.")


def admin_token() -> str | None:
    """The configured admin token, or ``None`` when admin is disabled."""
    return os.environ.get(ADMIN_TOKEN_ENV) or None


def token_matches(given: str, token: str) -> bool:
    """Constant-time comparison of a presented token with the configured one."""
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def cookie_value(token: str) -> str:
    """What the admin cookie holds for this token: an HMAC, not the token."""
    return hmac.new(token.encode("utf-8"), COOKIE_CONTEXT, hashlib.sha256).hexdigest()


def has_admin_cookie(request: Request, token: str) -> bool:
    """Whether the request carries a valid admin cookie for the current token."""
    presented = request.cookies.get(COOKIE_NAME, "")
    return hmac.compare_digest(presented.encode("utf-8"), cookie_value(token).encode("utf-8"))


def require_admin(
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),
) -> None:
    """Dependency of every admin API route.

    Raises:
        HTTPException: 503 when no token is configured; 401 when the bearer token is
            missing or wrong.
    """
    token = admin_token()
    if token is None:
        raise HTTPException(503, detail=f"admin disabled: {ADMIN_TOKEN_ENV} is not set")
    if credentials is None or not token_matches(credentials.credentials, token):
        raise HTTPException(
            401, detail="missing or wrong admin token", headers={"WWW-Authenticate": "Bearer"}
        )
