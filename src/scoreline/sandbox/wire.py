"""HTTP/1.1 over asyncio streams with h11: read one request, write one reply, or misbehave.

The sandbox needs what a framework hides: leaving a request unanswered on an open
connection and tearing a connection down with a TCP RST. So it speaks HTTP itself,
with h11 doing the parsing and framing, on plain asyncio streams.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum
from http import HTTPStatus
from typing import Any

import h11

MAX_BODY_BYTES = 8 * 1024 * 1024
_CHUNK = 65536


class Action(Enum):
    """A way of not answering a request."""

    HANG = "hang"
    """Keep the connection open and silent until the peer or the server closes it."""
    RESET = "reset"
    """Abort the connection with a TCP RST."""


@dataclass(frozen=True, slots=True)
class Request:
    """One complete HTTP request as the router sees it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """One complete HTTP response with a Content-Length body."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


class BodyTooLargeError(Exception):
    """The request body is larger than MAX_BODY_BYTES."""


def json_reply(status: int, data: Any, *, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    """Return a JSON reply with `data` serialised compactly."""
    return Reply(status, json.dumps(data, separators=(",", ":")).encode(), headers=headers)


async def read_request(conn: h11.Connection, reader: asyncio.StreamReader) -> Request | None:
    """Read the next request on a keep-alive connection.

    Returns:
        The request, or None when the peer closed the connection between requests.

    Raises:
        h11.RemoteProtocolError: on malformed HTTP or a connection closed mid-request.
        BodyTooLargeError: when the body exceeds MAX_BODY_BYTES.
    """
    head: h11.Request | None = None
    chunks: list[bytes] = []
    size = 0
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await reader.read(_CHUNK))
        elif isinstance(event, h11.Request):
            head = event
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_BODY_BYTES:
                raise BodyTooLargeError
            chunks.append(event.data)
        elif isinstance(event, h11.EndOfMessage) and head is not None:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in head.headers}
            target = head.target.decode("latin-1")
            return Request(head.method.decode("ascii"), target, headers, b"".join(chunks))
        elif isinstance(event, h11.ConnectionClosed):
            return None


async def write_reply(conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply) -> None:
    """Send `reply`; h11 adds `connection: close` when the connection cannot be reused."""
    headers = [
        ("content-type", reply.content_type),
        ("content-length", str(len(reply.body))),
        ("server", "scoreline-sandbox"),
        *reply.headers,
    ]
    data = conn.send(
        h11.Response(status_code=reply.status, headers=headers, reason=_reason(reply.status))
    )
    if reply.body:
        data += conn.send(h11.Data(data=reply.body))
    data += conn.send(h11.EndOfMessage())
    writer.write(data)
    await writer.drain()


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def can_reuse(conn: h11.Connection) -> bool:
    """Tell whether both sides finished cleanly, so another request may follow."""
    return conn.our_state is h11.DONE and conn.their_state is h11.DONE


async def hang(reader: asyncio.StreamReader) -> None:
    """Stay silent until the peer closes the connection (or the transport is aborted)."""
    while await reader.read(_CHUNK):
        pass


def reset(writer: asyncio.StreamWriter) -> None:
    """Abort the connection so the peer sees a TCP RST rather than a clean close."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
