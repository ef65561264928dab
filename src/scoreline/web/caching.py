"""Conditional GET for the public pages and their JSON: ``ETag``, ``Cache-Control`` and 304.

The ETag is a hash of the response body, so it changes exactly when what a reader sees
changes (a new prediction, a result, a new release) and needs no bookkeeping of what a page
depends on. A client (or a proxy) sending the tag back in ``If-None-Match`` gets a bodiless
304. ``max-age`` is short: the leaderboard moves when a match is scored.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CACHED_PREFIXES", "CACHE_CONTROL", "ConditionalGet", "etag_of", "is_cached_path"]

CACHE_CONTROL = "public, max-age=60"
"""What every cached answer says: anyone may keep it for a minute, then revalidate."""
CACHED_PREFIXES = (
    "/models/",
    "/matches",
    "/competitions",
    "/compare",
    "/about",
    "/og/",
    "/api/leaderboard",
    "/api/models/",
    "/api/matches",
    "/api/competitions",
    "/api/compare",
)
"""Public read-only paths (and ``/`` itself); the admin area, health and metrics never."""


def is_cached_path(path: str) -> bool:
    """Whether answers for ``path`` get an ETag and ``Cache-Control``."""
    return path == "/" or path.startswith(CACHED_PREFIXES)


def etag_of(body: bytes) -> str:
    """A strong ETag for a body: the first 128 bits of its SHA-256, quoted."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


class ConditionalGet:
    """Tag successful GET answers of ``is_cached_path`` paths; 304 when the tag matches.

    The answer is buffered to hash it: these pages are a few tens of kilobytes at most.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass anything else through; buffer, tag and maybe replace a cacheable answer."""
        if scope["type"] != "http" or scope["method"] != "GET" or not is_cached_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await _finish(send, start, b"".join(chunks), asked)

        await self.app(scope, receive, buffered)


async def _finish(send: Send, start: Message, body: bytes, asked: str | None) -> None:
    """Send the buffered answer, tagged when it is a 200 (or a 304 in its place)."""
    if start["status"] != 200:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    etag = etag_of(body)
    headers = MutableHeaders(raw=list(start["headers"]))
    headers["etag"] = etag
    headers["cache-control"] = CACHE_CONTROL
    if _matches(asked, etag):
        kept = [(k, v) for k, v in headers.raw if k not in (b"content-length", b"content-type")]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({**start, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})
