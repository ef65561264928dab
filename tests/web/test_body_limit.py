"""Request bodies are capped at 64 KiB and refused with 413 before they are read."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from scoreline.web.guards import MAX_BODY_BYTES
from tests.web.conftest import ADMIN_TOKEN


@pytest.fixture
def server(app: FastAPI, secrets_env: None) -> Iterator[int]:
    """The real app behind uvicorn on a free port of 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield port
    instance.should_exit = True
    thread.join(timeout=10)


def _status_line(sock: socket.socket) -> str:
    sock.settimeout(5)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


def test_a_declared_huge_body_is_refused_before_it_is_sent(server: int) -> None:
    """A 200 MB login form was read whole (575 MB RSS); now nothing of it is read."""
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 209715200\r\n\r\ntoken="
        )
        assert _status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"


def test_a_streamed_body_is_cut_off_at_the_cap(server: int) -> None:
    """Chunked, with no Content-Length: counted as it arrives, refused past 64 KiB."""
    chunk = b"t" * 16384
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(5):  # 80 KiB, and never the final empty chunk
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        assert _status_line(sock) == "HTTP/1.1 413 Request Entity Too Large"


def test_large_bodies_get_413_and_small_ones_pass(client: TestClient) -> None:
    big = b"token=" + b"x" * MAX_BODY_BYTES
    declared = client.post("/admin/login", content=big)
    assert declared.status_code == 413
    assert declared.json()["error"] == "request_entity_too_large"

    def stream() -> Iterator[bytes]:
        yield b"token="
        for _ in range(8):
            yield b"x" * 16384

    streamed = client.post("/admin/login", content=stream())
    assert streamed.status_code == 413
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    api = client.post("/api/admin/models/alpha/enable", content=big, headers=bearer)
    assert api.status_code == 413
    login = client.post("/admin/login", data={"token": ADMIN_TOKEN}, follow_redirects=False)
    assert login.status_code == 303


def test_a_malformed_content_length_is_a_400(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n")
        assert _status_line(sock).startswith("HTTP/1.1 400")
