"""Fixtures for provider tests: a sandbox on 127.0.0.1 and configurations pointing at it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoreline.config import Config, load_config

SECRET_A = "sk-ALPHA-SECRET-7f3a9c"
SECRET_B = "sk-BETA-SECRET-51d2e8"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recognisable keys for both test providers."""
    monkeypatch.setenv("SL_TEST_ALPHA_KEY", SECRET_A)
    monkeypatch.setenv("SL_TEST_BETA_KEY", SECRET_B)


def sandbox_config(tmp_path: Path, base_url: str, models: str, *, extra: str = "") -> Config:
    """A configuration with providers ``alpha`` and ``beta`` on the sandbox, plus the models."""
    text = f"""
reference_models = false
{extra}
[cooldown]
threshold = 1000
[providers.alpha]
base_url = "{base_url}"
api_key_env = "SL_TEST_ALPHA_KEY"
timeout_s = 5
[providers.beta]
base_url = "{base_url}"
api_key_env = "SL_TEST_BETA_KEY"
timeout_s = 5
{models}
"""
    path = tmp_path / "sandbox.toml"
    path.write_text(text)
    return load_config(path)


def model(model_id: str, provider: str, fallback: str | None = None, **extra: object) -> str:
    """One ``[[models]]`` table; the provider model name is ``<id>-wire``."""
    lines = [f'[[models]]\nid = "{model_id}"\nprovider = "{provider}"\nmodel = "{model_id}-wire"']
    if fallback:
        lines.append(f'fallback = "{fallback}"')
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"
