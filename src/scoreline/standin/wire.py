"""Replies of the stand-in: JSON with an ``ETag`` and 304s, and the admission every
service route goes through (count, injected fault, key, rate limit)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from scoreline.standin.limits import Gate

__all__ = ["fault_reply", "json_reply"]


def json_reply(
    request: Request,
    data: Any,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    etag: bool = False,
    gate: Gate | None = None,
    service: str = "",
) -> Response:
    """``data`` as JSON; with ``etag``, a matching ``If-None-Match`` gets a bodiless 304."""
    body = json.dumps(data, separators=(",", ":")).encode()
    out = dict(headers or {})
    if etag and status == 200:
        tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        out["ETag"] = tag
        if request.headers.get("if-none-match") == tag:
            if gate is not None:
                gate.count_not_modified(service)
            return Response(status_code=304, headers=out)
    return Response(body, status_code=status, headers=out, media_type="application/json")


def fault_reply(request: Request, status: int, echo: bool) -> Response:
    """An injected failure; with ``echo`` the body repeats the request's headers."""
    detail: dict[str, Any] = {}
    if echo:
        detail["request_headers"] = dict(request.headers)
    detail["message"] = f"stand-in fault: HTTP {status}"
    return Response(json.dumps(detail), status_code=status, media_type="application/json")
