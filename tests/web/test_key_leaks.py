"""A provider that echoes the API key never leaks it, end to end.

The sandbox answers 200 with a proxy page that repeats the ``Authorization`` header, and
with a reply naming the key as its match id (the parser rejects it, quoting the id). A real
``scoreline predict`` process runs against it on a SQLite file; then its stdout and stderr,
the database file's bytes and every admin response are searched for the keys.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from scoreline.config import Config, load_config
from scoreline.sandbox import Fault, FaultMode, SandboxServer
from scoreline.store import Database, Model
from scoreline.web import ADMIN_TOKEN_ENV, create_app
from scoreline.web.schemas import without_secrets
from tests.cli import run_cli
from tests.predict.conftest import import_with_fixtures
from tests.web.conftest import ADMIN_TOKEN as WEB_ADMIN_TOKEN
from tests.web.conftest import PROVIDER_KEY, Seeded

KEY_A = "sk-leak-alpha-5be1c0d7e93f"
"""Shaped like a key."""
KEY_B = "ZqOpaqueBetaKey4q1"
"""No known shape: only its configured value can mask it."""
ADMIN = "adm-leak-test-token-1"
MATCH = "E0-2024-25-0300"
MODELS = {
    # id: (provider, fallback, fault of its wire model)
    "page-then-json": ("alpha", "json-fallback", FaultMode.ECHO_AUTH),
    "json-fallback": ("beta", None, FaultMode.ECHO_KEY),
    "lone-json": ("alpha", None, FaultMode.ECHO_KEY),
    "lone-page": ("beta", None, FaultMode.ECHO_AUTH),
    "fine": ("beta", None, None),
}


def _write_config(directory: Path, base_url: str) -> Path:
    lines = [
        f'database_url = "sqlite:///{directory / "scoreline.db"}"',
        'queue_url = "memory://"',
        "reference_models = false",
    ]
    for name, env in (("alpha", "SL_LEAK_ALPHA_KEY"), ("beta", "SL_LEAK_BETA_KEY")):
        lines += [f"[providers.{name}]", f'base_url = "{base_url}"', f'api_key_env = "{env}"']
        lines += ["timeout_s = 5"]
    for model_id, (provider, fallback, _) in MODELS.items():
        lines += ["[[models]]", f'id = "{model_id}"', f'provider = "{provider}"']
        lines += [f'model = "{model_id}-wire"']
        lines += [f'fallback = "{fallback}"'] if fallback else []
    path = directory / "scoreline.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scoreline(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env, timeout=120)


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    found = []
    for key in (KEY_A, KEY_B, ADMIN):
        for piece in (key, key[-10:], key[:10]):
            if piece.encode() in data:
                found.append(piece)
    return found


@pytest.fixture
def run_dir(tmp_path: Path, fresh_sandbox: SandboxServer) -> Path:
    for model_id, (_, _, mode) in MODELS.items():
        if mode is not None:
            fresh_sandbox.set_fault(f"{model_id}-wire", Fault(mode))
    _write_config(tmp_path, fresh_sandbox.base_url)
    return tmp_path


def test_an_echoed_key_reaches_no_output_row_or_response(
    run_dir: Path, fresh_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path = run_dir / "scoreline.toml"
    env = {**os.environ, "SL_LEAK_ALPHA_KEY": KEY_A, "SL_LEAK_BETA_KEY": KEY_B}
    env[ADMIN_TOKEN_ENV] = ADMIN
    init = _scoreline(["init", "--config", str(config_path)], env)
    assert init.returncode == 0, init.stderr
    db = Database(f"sqlite:///{run_dir / 'scoreline.db'}")
    import_with_fixtures(db, run_dir, {MATCH})
    db.dispose()

    predict = ["predict", "--match", MATCH, "--allow-after-kickoff", "--config", str(config_path)]
    runs = [_scoreline(predict, env), _scoreline([*predict, "--json"], env)]
    check = _scoreline(["models", "check", "--json", "--config", str(config_path)], env)
    for run in [*runs, check]:
        assert "Traceback" not in run.stderr, run.stderr
        assert _leaks(run.stdout) == [] and _leaks(run.stderr) == [], (run.stdout, run.stderr)
    assert runs[0].returncode == 0, runs[0].stderr
    assert "***" in runs[0].stderr  # the echo was logged, masked
    assert fresh_sandbox.request_counts()["lone-page-wire"] >= 1

    for name in ("scoreline.db", "scoreline.db-wal", "scoreline.db-journal"):
        path = run_dir / name
        if path.exists():
            assert _leaks(path.read_bytes()) == [], name

    monkeypatch.setenv(ADMIN_TOKEN_ENV, ADMIN)
    monkeypatch.setenv("SL_LEAK_ALPHA_KEY", KEY_A)
    monkeypatch.setenv("SL_LEAK_BETA_KEY", KEY_B)
    store = Database(f"sqlite:///{run_dir / 'scoreline.db'}")
    try:
        _assert_admin_responses_clean(load_config(config_path), store)
    finally:
        store.dispose()


def _assert_admin_responses_clean(config: Config, store: Database) -> None:
    app = create_app(config, db=store)
    headers = {"Authorization": f"Bearer {ADMIN}"}
    with TestClient(app, headers=headers, raise_server_exceptions=False) as client:
        login = client.post("/admin/login", data={"token": ADMIN}, follow_redirects=False)
        assert login.status_code == 303
        models = client.get("/api/admin/models").json()
        errors = {m["model_id"]: m["last_error"] or "" for m in models}
        assert "***" in errors["lone-page"] and "***" in errors["lone-json"]
        paths = [p for p in app.openapi()["paths"] if "{" not in p]
        paths += ["/admin", "/", f"/matches/{MATCH}", "/api/admin/models/lone-page/enable"]
        for path in paths:
            method = "POST" if path.endswith("/enable") else "GET"
            response = client.request(method, path, follow_redirects=False)
            assert response.status_code < 500, path
            shown = response.text + str(dict(response.headers))
            assert _leaks(shown) == [], (path, _leaks(shown))


def test_errors_stored_before_redaction_are_served_masked(
    admin: TestClient, seeded: Seeded
) -> None:
    """A database written by an older version may hold a key in ``last_error``."""
    leaked = f"invalid_body: body is not JSON: 'Authorization: Bearer {PROVIDER_KEY}'"
    with seeded.db.session() as session:
        session.execute(update(Model).where(Model.id == "beta").values(last_error=leaked))
    admin.post("/admin/login", data={"token": WEB_ADMIN_TOKEN})
    rows = {r["model_id"]: r for r in admin.get("/api/admin/models").json()}
    assert rows["beta"]["last_error"].startswith("invalid_body: body is not JSON: 'Authorization: ")
    for response in (admin.get("/api/admin/models"), admin.get("/admin")):
        assert PROVIDER_KEY not in response.text and PROVIDER_KEY[:12] not in response.text


def test_failed_jobs_are_served_without_secrets() -> None:
    job = {"task": "predict", "error": f"RuntimeError('key {KEY_B} refused')", "retries": 2}
    assert without_secrets(job, [KEY_B]) == {
        "task": "predict",
        "error": "RuntimeError('key *** refused')",
        "retries": 2,
    }
