"""The echo faults repeat the caller's key, so clients can prove they never pass it on."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from scoreline.sandbox import Fault, FaultMode, SandboxServer, parse_fault_spec

KEY = "sk-echo-test-0a1b2c3d"
BODY = {"model": "m", "messages": [{"role": "user", "content": "match_id: E0-2024-25-0001"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer().in_thread() as running:
        yield running


def _chat(server: SandboxServer, mode: FaultMode) -> httpx.Response:
    server.set_fault("m", Fault(mode))
    url = f"{server.base_url}/chat/completions"
    return httpx.post(url, json=BODY, headers={"Authorization": f"Bearer {KEY}"}, timeout=5)


def test_echo_auth_answers_200_with_a_page_repeating_the_header(server: SandboxServer) -> None:
    response = _chat(server, FaultMode.ECHO_AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"Authorization: Bearer {KEY}" in response.text[:80]  # where an excerpt would cut


def test_echo_key_names_the_key_as_the_match_id(server: SandboxServer) -> None:
    response = _chat(server, FaultMode.ECHO_KEY)
    assert response.status_code == 200
    content = response.json()["choices"][0]["message"]["content"]
    assert KEY in content.splitlines()[0]
    document = json.loads(content.split("\n", 1)[1])
    assert document["predictions"][0]["match_id"] == KEY


def test_echo_modes_parse_from_specs() -> None:
    assert parse_fault_spec("m=echo_auth") == ("m", Fault(FaultMode.ECHO_AUTH))
    assert parse_fault_spec("m=echo_key@0.5") == ("m", Fault(FaultMode.ECHO_KEY, p=0.5))
