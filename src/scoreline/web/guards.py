"""ASGI guards around the whole app: a body cap, a cross-site check, security headers.

- ``BodyLimit`` answers 413 as soon as a request declares (``Content-Length``) or streams
  more than ``MAX_BODY_BYTES``; the body is never read past the cap, so a huge upload costs
  no memory.
- ``CrossSiteGuard`` answers 403 to a state-changing request a browser sent from another
  site. Browsers mark every request with ``Sec-Fetch-Site`` (older ones send ``Origin`` on
  every POST); a request with neither is not a browser's, so it carries no ambient cookie
  to abuse and passes (curl with the bearer token, tests). The cookie is SameSite=Strict too.
- ``SecurityHeaders`` adds ``X-Content-Type-Options``, ``Referrer-Policy``, a
  Content-Security-Policy with ``frame-ancestors 'none'`` and ``X-Frame-Options`` to every
  response; the API docs get a policy that lets their bundled viewer load.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MAX_BODY_BYTES",
    "BodyLimit",
    "CrossSiteGuard",
    "SecurityHeaders",
    "security_headers",
]

MAX_BODY_BYTES = 64 * 1024
"""The largest request body accepted (forms and admin POSTs are far smaller)."""
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The dashboard's policy: inline styles, no script, forms posting to itself only."""
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; connect-src 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""The API docs' policy: Swagger UI and ReDoc load their scripts from their CDN."""
_DOCS_PATHS = ("/docs", "/redoc")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SAME_SITE = frozenset({"same-origin", "none"})


def security_headers(path: str) -> list[tuple[str, str]]:
    """The headers every response carries, for a request of ``path``."""
    policy = DOCS_POLICY if path.startswith(_DOCS_PATHS) else PAGE_POLICY
    return [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", policy),
    ]


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    """A JSON error (``{"error", "message"}``, as the app's) sent without running the app."""
    body = json.dumps({"error": code, "message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Answer 413 to a body over ``max_bytes``, declared or streamed, without reading it."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check ``Content-Length`` first, then count what is streamed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not declared.strip().isdigit():
            await _refuse(send, 400, "bad_request", "Content-Length is not a number")
            return
        if declared is not None and int(declared) > self.max_bytes:
            await _refuse(send, 413, "request_entity_too_large", self._too_large())
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, detail=self._too_large())
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> str:
        return f"the request body is over {self.max_bytes // 1024} KiB"


def _cross_site(headers: Headers) -> bool:
    """Whether a browser sent this request from another site."""
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.lower() not in _SAME_SITE
    origin = headers.get("origin")
    if origin is None:
        return False
    host = headers.get("host", "")
    return origin == "null" or urlsplit(origin).netloc.lower() != host.lower()


class CrossSiteGuard:
    """Answer 403 to a POST (or any unsafe method) a browser sent from another site."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass safe methods and same-origin or non-browser requests on."""
        if (
            scope["type"] == "http"
            and scope["method"] not in _SAFE_METHODS
            and _cross_site(Headers(scope=scope))
        ):
            await _refuse(send, 403, "forbidden", "cross-site request refused")
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add ``security_headers`` to every response the wrapped app sends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap ``send`` so each response start carries the headers (unless already set)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in extra:
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
