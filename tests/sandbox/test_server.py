"""The sandbox over real HTTP on 127.0.0.1, with httpx and the real openai SDK."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import h11
import httpx
import openai
import pytest

import scoreline.sandbox
from scoreline.sandbox import Fault, FaultMode, SandboxServer

PROMPT = (
    "Predict the exact final score of each match.\n"
    "match_id: E0-2024-25-0001 | Arsenal vs Chelsea\n"
    '{"match_id": "SP1-2024-25-0007", "home": "Betis", "away": "Sevilla"}\n'
    'Reply as {"predictions": [{"match_id": "...", "home_score": 0, "away_score": 0}]}'
)
ASKED = ["E0-2024-25-0001", "SP1-2024-25-0007"]


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(models=["listed-model"]).in_thread() as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_state(server: SandboxServer) -> Iterator[None]:
    yield
    server.clear_faults()
    server.reset_counts()
    server.set_latency(0.0)


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=server.base_url, api_key="x", max_retries=0, timeout=5.0
    ) as sdk_client:
        yield sdk_client


@pytest.fixture
async def http(server: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    root = server.base_url.removesuffix("/v1")
    async with httpx.AsyncClient(base_url=root, timeout=5.0) as http_client:
        yield http_client


async def ask(client: openai.AsyncOpenAI, model: str, prompt: str = PROMPT) -> object:
    return await client.chat.completions.create(
        model=model,
        messages=[
            {"role": "system", "content": "You forecast football."},
            {"role": "user", "content": prompt},
        ],
        temperature=0.2,
        max_tokens=512,
        response_format={"type": "json_object"},
    )


def chat_body(model: str, prompt: str = PROMPT) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}]}


def test_public_names_are_declared_once_and_sorted() -> None:
    assert scoreline.sandbox.__all__ == sorted(scoreline.sandbox.__all__)
    public = {n for n in vars(scoreline.sandbox) if not n.startswith("_")}
    assert set(scoreline.sandbox.__all__) == public - {
        "faults",
        "server",
        "replies",
        "routes",
        "state",
        "usage",
        "wire",
    }


def test_binds_loopback_by_default(server: SandboxServer) -> None:
    assert server.host == "127.0.0.1"
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"


async def test_normal_answer_echoes_the_asked_match_ids(client: openai.AsyncOpenAI) -> None:
    reply = await ask(client, "kimi")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    assert reply.model == "kimi" and reply.object == "chat.completion"
    choice = reply.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    predictions = json.loads(choice.message.content or "")["predictions"]
    assert [p["match_id"] for p in predictions] == ASKED
    assert all(0 <= p["home_score"] <= 20 and 0 <= p["away_score"] <= 20 for p in predictions)
    assert reply.usage is not None
    assert reply.usage.completion_tokens == len(choice.message.content or "") // 4
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    again = await ask(client, "kimi")
    assert isinstance(again, openai.types.chat.ChatCompletion)
    assert again.choices[0].message.content == choice.message.content


async def test_answer_without_a_match_id_is_a_bare_score(client: openai.AsyncOpenAI) -> None:
    reply = await ask(client, "kimi", "Arsenal against Chelsea, what is the score?")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    assert set(json.loads(reply.choices[0].message.content or "")) == {"home_score", "away_score"}


async def test_scores_follow_a_football_like_distribution(http: httpx.AsyncClient) -> None:
    prompt = "\n".join(f"match_id: M{i}" for i in range(300))
    response = await http.post("/v1/chat/completions", json=chat_body("glm", prompt))
    predictions = json.loads(response.json()["choices"][0]["message"]["content"])["predictions"]
    scores = [(p["home_score"], p["away_score"]) for p in predictions]
    assert len(scores) == 300
    assert all(h <= 5 and a <= 5 for h, a in scores)
    assert len(set(scores)) >= 10
    assert 0.15 < sum(h == a for h, a in scores) / 300 < 0.40  # draws are common, not dominant
    assert sum(h > a for h, a in scores) > sum(h < a for h, a in scores)  # home advantage


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (500, openai.InternalServerError),
        (503, openai.InternalServerError),
        (429, openai.RateLimitError),
        (401, openai.AuthenticationError),
        (400, openai.BadRequestError),
    ],
)
async def test_status_fault_answers_that_status(
    server: SandboxServer, client: openai.AsyncOpenAI, status: int, error_class: type[Exception]
) -> None:
    server.set_fault("m", Fault(FaultMode.STATUS, status=status))
    with pytest.raises(error_class) as info:
        await ask(client, "m")
    assert isinstance(info.value, openai.APIStatusError)
    assert info.value.status_code == status
    assert isinstance(info.value.body, dict) and "sandbox fault" in info.value.body["message"]


async def test_status_fault_body_is_openai_shaped(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.STATUS))
    response = await http.post("/v1/chat/completions", json=chat_body("m"))
    assert response.status_code == 500
    assert set(response.json()["error"]) == {"message", "type", "param", "code"}


async def test_reset_fault_is_a_connection_error(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.RESET))
    with pytest.raises(openai.APIConnectionError) as info:
        await ask(client, "m")
    assert not isinstance(info.value, openai.APITimeoutError)


async def test_reset_fault_aborts_the_tcp_connection(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.RESET))
    with pytest.raises(httpx.TransportError):
        await http.post("/v1/chat/completions", json=chat_body("m"))


async def test_hang_fault_times_the_client_out(server: SandboxServer) -> None:
    server.set_fault("m", Fault(FaultMode.HANG))
    async with openai.AsyncOpenAI(
        base_url=server.base_url, api_key="x", max_retries=0, timeout=0.5
    ) as impatient:
        with pytest.raises(openai.APITimeoutError):
            await ask(impatient, "m")
    assert server.request_counts() == {"m": 1}


async def test_non_json_fault_sends_html(server: SandboxServer, http: httpx.AsyncClient) -> None:
    server.set_fault("m", Fault(FaultMode.NON_JSON))
    response = await http.post("/v1/chat/completions", json=chat_body("m"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_openai_sdk_returns_non_json_bodies_as_str(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    # Not an exception: the SDK hands back the raw text, so callers must check the type.
    server.set_fault("m", Fault(FaultMode.NON_JSON))
    reply = await ask(client, "m")
    assert isinstance(reply, str) and reply.startswith("<!DOCTYPE html>")


async def test_bad_json_fault_sends_a_truncated_json_body(
    server: SandboxServer, http: httpx.AsyncClient, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.BAD_JSON))
    response = await http.post("/v1/chat/completions", json=chat_body("m"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()
    # The SDK does not wrap this one in an openai.APIError: it leaks the JSONDecodeError.
    with pytest.raises(json.JSONDecodeError):
        await ask(client, "m")


async def test_no_choices_fault(server: SandboxServer, client: openai.AsyncOpenAI) -> None:
    server.set_fault("m", Fault(FaultMode.NO_CHOICES))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion) and reply.choices == []


@pytest.mark.parametrize(
    ("mode", "content"), [(FaultMode.EMPTY_CONTENT, ""), (FaultMode.PROSE, None)]
)
async def test_content_faults_carry_no_score(
    server: SandboxServer, client: openai.AsyncOpenAI, mode: FaultMode, content: str | None
) -> None:
    server.set_fault("m", Fault(mode))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    text = reply.choices[0].message.content
    assert text is not None and not any(c.isdigit() for c in text)
    if content is not None:
        assert text == content


async def test_think_fault_wraps_a_valid_answer(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.THINK))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    text = reply.choices[0].message.content or ""
    assert text.startswith("<think>")
    answer = json.loads(text.split("</think>", 1)[1])
    assert [p["match_id"] for p in answer["predictions"]] == ASKED


async def test_out_of_range_fault_sends_impossible_scores(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.OUT_OF_RANGE))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    predictions = json.loads(reply.choices[0].message.content or "")["predictions"]
    assert [p["match_id"] for p in predictions] == ASKED
    assert all(p["home_score"] > 20 for p in predictions)


async def test_reasoning_only_fault_moves_the_answer(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.REASONING_ONLY))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    message = reply.choices[0].message
    assert message.content is None
    reasoning = (message.model_extra or {})["reasoning_content"]
    assert [p["match_id"] for p in json.loads(reasoning)["predictions"]] == ASKED


async def test_no_usage_fault_is_a_valid_answer_without_usage(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_fault("m", Fault(FaultMode.NO_USAGE))
    reply = await ask(client, "m")
    assert isinstance(reply, openai.types.chat.ChatCompletion)
    assert reply.usage is None
    assert "predictions" in json.loads(reply.choices[0].message.content or "")


async def _outcomes(seed: int) -> list[int]:
    faults = {"m": Fault(FaultMode.STATUS, status=503, p=0.5)}
    async with (
        SandboxServer(seed=seed, faults=faults) as fresh,
        httpx.AsyncClient(base_url=fresh.base_url) as http_client,
    ):
        return [
            (await http_client.post("/chat/completions", json=chat_body("m"))).status_code
            for _ in range(30)
        ]


async def test_probability_gives_a_reproducible_mix() -> None:
    first, second, other_seed = await _outcomes(7), await _outcomes(7), await _outcomes(8)
    assert first == second
    assert set(first) == {200, 503}
    assert other_seed != first


async def test_per_model_latency_applies_without_the_fault(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("m", Fault(FaultMode.STATUS, p=0.0, latency_s=0.05))
    response = await http.post("/v1/chat/completions", json=chat_body("m"))
    assert response.status_code == 200


async def test_counts_every_request_per_model_whatever_the_outcome(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("broken", Fault(FaultMode.STATUS, status=503))
    for model in ["a", "a", "broken", "b", "a"]:
        await http.post("/v1/chat/completions", json=chat_body(model))
    await http.get("/v1/models")
    assert server.request_counts() == {"a": 3, "broken": 1, "b": 1}
    server.reset_counts()
    assert server.request_counts() == {}


async def test_models_lists_configured_faulted_and_seen_models(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    server.set_fault("faulty", Fault(FaultMode.HANG))
    await http.post("/v1/chat/completions", json=chat_body("seen"))
    body = (await http.get("/v1/models")).json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["listed-model", "faulty", "seen"]


async def test_control_routes_set_show_and_remove_faults(
    server: SandboxServer, http: httpx.AsyncClient
) -> None:
    put = await http.put("/_sandbox/faults/hf:org/model-1", json={"mode": "status", "status": 503})
    assert put.status_code == 200
    assert server.faults() == {"hf:org/model-1": Fault(FaultMode.STATUS, status=503)}
    chat = await http.post("/v1/chat/completions", json=chat_body("hf:org/model-1"))
    assert chat.status_code == 503
    stats = (await http.get("/_sandbox/stats")).json()
    assert stats["requests"] == {"hf:org/model-1": 1}
    assert stats["faults"]["hf:org/model-1"] == {
        "mode": "status",
        "status": 503,
        "p": 1.0,
        "latency_s": None,
    }
    assert (await http.delete("/_sandbox/faults/hf:org/model-1")).status_code == 200
    assert (
        await http.post("/v1/chat/completions", json=chat_body("hf:org/model-1"))
    ).status_code == 200


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"mode": "explode"}', b'{"mode": "hang", "x": 1}'])
async def test_control_route_rejects_bad_faults(http: httpx.AsyncClient, body: bytes) -> None:
    response = await http.put("/_sandbox/faults/m", content=body)
    assert response.status_code == 400
    assert "Bad fault for 'm'" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("GET", "/v1/chat/completions", 405),
        ("POST", "/_sandbox/faults/m", 405),
        ("POST", "/v1/chat/completions", 400),
    ],
)
async def test_unknown_routes_and_bad_requests_get_json_errors(
    http: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await http.request(method, path, content=b"not json")
    assert response.status_code == status
    assert "message" in response.json()["error"]


async def test_malformed_http_gets_400(server: SandboxServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"THIS IS NOT HTTP\r\n\r\n")
    raw = await reader.read()
    writer.close()
    assert raw.startswith(b"HTTP/1.1 400")


async def test_keeps_the_connection_alive_between_requests(server: SandboxServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    conn = h11.Connection(h11.CLIENT)
    statuses = []
    for model in ["a", "b"]:
        body = json.dumps(chat_body(model)).encode()
        headers = [("host", "127.0.0.1"), ("content-length", str(len(body)))]
        writer.write(
            conn.send(h11.Request(method="POST", target="/v1/chat/completions", headers=headers))
        )
        writer.write(conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
        while not isinstance(event := conn.next_event(), h11.EndOfMessage):
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Response):
                statuses.append(event.status_code)
        conn.start_next_cycle()
    writer.close()
    assert statuses == [200, 200]


async def test_concurrent_requests_are_all_answered(
    server: SandboxServer, client: openai.AsyncOpenAI
) -> None:
    server.set_latency(0.3)
    started = time.perf_counter()
    replies = await asyncio.gather(*(ask(client, "kimi", f"match_id: C-{i}") for i in range(40)))
    print(f"40 concurrent calls at 300 ms latency took {time.perf_counter() - started:.2f} s")
    for i, reply in enumerate(replies):
        assert isinstance(reply, openai.types.chat.ChatCompletion)
        assert (
            json.loads(reply.choices[0].message.content or "")["predictions"][0]["match_id"]
            == f"C-{i}"
        )
    assert server.request_counts() == {"kimi": 40}


async def test_stop_closes_hanging_connections() -> None:
    async with (
        SandboxServer(faults={"m": Fault(FaultMode.HANG)}) as fresh,
        httpx.AsyncClient(base_url=fresh.base_url, timeout=30.0) as http_client,
    ):
        pending = asyncio.create_task(http_client.post("/chat/completions", json=chat_body("m")))
        for _ in range(500):
            if fresh.request_counts():
                break
            await asyncio.sleep(0.01)
        assert fresh.request_counts() == {"m": 1}
        await fresh.stop()
        with pytest.raises(httpx.TransportError):
            await asyncio.wait_for(pending, 10)
        with pytest.raises(httpx.ConnectError):
            await http_client.post("/chat/completions", json=chat_body("m"))


async def test_api_key_is_enforced_and_never_echoed() -> None:
    async with SandboxServer(api_key="s3cret-key") as guarded:
        for key in ["wrong", "s3cret-key"]:
            async with openai.AsyncOpenAI(
                base_url=guarded.base_url, api_key=key, max_retries=0, timeout=5.0
            ) as sdk_client:
                if key == "wrong":
                    with pytest.raises(openai.AuthenticationError) as info:
                        await ask(sdk_client, "m")
                    assert "s3cret" not in str(info.value.body) and "wrong" not in str(
                        info.value.body
                    )
                else:
                    assert isinstance(await ask(sdk_client, "m"), openai.types.chat.ChatCompletion)
        async with httpx.AsyncClient(base_url=guarded.base_url) as http_client:
            assert (await http_client.get("/models")).status_code == 401
            assert (
                await http_client.post("/chat/completions", json=chat_body("m"))
            ).status_code == 401
        assert guarded.request_counts() == {"m": 3}


def test_runs_in_a_thread_and_stops() -> None:
    sandbox = SandboxServer(faults={"m": Fault(FaultMode.STATUS, status=429)})
    with sandbox.in_thread():
        response = httpx.post(f"{sandbox.base_url}/chat/completions", json=chat_body("m"))
        assert response.status_code == 429
        port = sandbox.port
    with pytest.raises(RuntimeError):
        _ = sandbox.port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models")


def test_rejects_negative_latency(server: SandboxServer) -> None:
    with pytest.raises(ValueError, match="latency"):
        server.set_latency(-1)


def _start_serve_forever() -> subprocess.Popen[str]:
    code = "from scoreline.sandbox import serve_forever; serve_forever(port=0, models=['x'])"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    )


def test_serve_forever_prints_its_url_and_stops_cleanly_on_ctrl_c_or_sigterm() -> None:
    # Both processes start at once: most of their start-up is importing the package.
    processes = {signal.SIGINT: _start_serve_forever(), signal.SIGTERM: _start_serve_forever()}
    try:
        for stop_signal, process in processes.items():
            assert process.stdout is not None
            base_url = process.stdout.readline().split(" at ")[1].split()[0]
            assert base_url.startswith("http://127.0.0.1:")
            assert httpx.get(f"{base_url}/models").json()["data"][0]["id"] == "x"
            process.send_signal(stop_signal)
        for process in processes.values():
            assert process.wait(timeout=10) == 0
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
            if process.stdout is not None:
                process.stdout.close()
