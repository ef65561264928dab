"""Routing for the sandbox: the OpenAI-compatible routes and the `/_sandbox` control routes.

The router turns one parsed request into a reply or an `Action` (hang, reset); it
never touches sockets, so the connection code stays the only place that does.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any
from urllib.parse import unquote, urlsplit

from scoreline.sandbox.faults import Fault
from scoreline.sandbox.replies import chat_reply, error_reply, prompt_text
from scoreline.sandbox.state import SandboxState
from scoreline.sandbox.wire import Action, Reply, Request, json_reply

logger = logging.getLogger(__name__)

_FAULTS_PREFIX = "/_sandbox/faults/"


class Router:
    """Answers requests from the shared state; the API key is checked on `/v1` routes."""

    def __init__(self, state: SandboxState, *, api_key: str | None) -> None:
        """Serve `state`; when `api_key` is set, `/v1` requests must carry it as a bearer token."""
        self._state = state
        self._api_key = api_key

    async def handle(self, request: Request) -> Reply | Action:
        """Answer one request; a bug in a handler becomes a 500, not a dead connection."""
        try:
            return await self._route(request)
        except Exception:
            logger.exception("sandbox: error while handling %s %s", request.method, request.target)
            return error_reply(500, "Internal sandbox error.")

    async def _route(self, request: Request) -> Reply | Action:
        path = urlsplit(request.target).path
        method = request.method
        if path == "/v1/chat/completions":
            return await self._chat(request) if method == "POST" else _not_allowed("POST")
        if path == "/v1/models":
            return self._list_models(request) if method == "GET" else _not_allowed("GET")
        if path == "/_sandbox/stats":
            return self._stats() if method == "GET" else _not_allowed("GET")
        if path.startswith(_FAULTS_PREFIX) and len(path) > len(_FAULTS_PREFIX):
            model = unquote(path[len(_FAULTS_PREFIX) :])
            if method == "PUT":
                return self._put_fault(model, request.body)
            if method == "DELETE":
                self._state.set_fault(model, None)
                return json_reply(200, {"model": model, "fault": None})
            return _not_allowed("PUT, DELETE")
        return error_reply(404, f"No route for {method} {path}.")

    def _authorized(self, request: Request) -> bool:
        if self._api_key is None:
            return True
        given = request.headers.get("authorization", "").encode()
        return hmac.compare_digest(given, f"Bearer {self._api_key}".encode())

    async def _chat(self, request: Request) -> Reply | Action:
        try:
            payload = json.loads(request.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return error_reply(400, "The request body is not valid JSON.")
        model = payload.get("model") if isinstance(payload, dict) else None
        if not isinstance(model, str) or not model:
            return error_reply(400, "'model' is required and must be a non-empty string.")
        self._state.count(model)
        if not self._authorized(request):
            return error_reply(401)
        messages = payload.get("messages")
        if not isinstance(messages, list) or not messages:
            return error_reply(400, "'messages' must be a non-empty array.")
        fault, delay = self._state.decide(model)
        if delay > 0:
            await asyncio.sleep(delay)
        authorization = request.headers.get("authorization", "")
        return chat_reply(
            fault,
            model=model,
            prompt=prompt_text(messages),
            authorization=authorization,
            response_format=payload.get("response_format"),
        )

    def _list_models(self, request: Request) -> Reply:
        if not self._authorized(request):
            return error_reply(401)
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "scoreline-sandbox"}
            for m in self._state.models()
        ]
        return json_reply(200, {"object": "list", "data": data})

    def _stats(self) -> Reply:
        faults = {m: f.as_dict() for m, f in sorted(self._state.faults().items())}
        body = {
            "requests": dict(sorted(self._state.counts().items())),
            "faults": faults,
            "latency_s": self._state.latency(),
        }
        return json_reply(200, body)

    def _put_fault(self, model: str, body: bytes) -> Reply:
        try:
            data: Any = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("the body must be a JSON object {mode, status?, p?, latency_s?}")
            fault = Fault.from_mapping(data)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            return error_reply(400, f"Bad fault for {model!r}: {exc}")
        self._state.set_fault(model, fault)
        return json_reply(200, {"model": model, "fault": fault.as_dict()})


def _not_allowed(allowed: str) -> Reply:
    reply = error_reply(405, f"Method not allowed; use {allowed}.")
    return Reply(reply.status, reply.body, headers=(("allow", allowed),))
