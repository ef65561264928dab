"""Configuration loading: catalog defaults, merging, and refusal of broken fallback maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreline.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scoreline.toml"
    path.write_text(text)
    return path


def test_builtin_catalog_has_42_models_and_3_fallbacks() -> None:
    config = load_config()
    llms = [m for m in config.models if m.provider != "reference"]
    assert len(llms) == 42
    assert {m.provider for m in llms} == {"together", "synthetic"}
    assert {m.id for m in config.models if m.provider == "reference"} == {
        "ref-market",
        "ref-dixon-coles",
        "ref-home-2-1",
        "ref-draw-1-1",
    }
    fallbacks = {m.id: m.fallback for m in config.models if m.fallback}
    assert fallbacks == {
        "deepseek-r1-0528-syn": "deepseek-r1",
        "kimi-k2-thinking-syn": "kimi-k2-instruct",
        "kimi-k2.5-syn": "kimi-k2-instruct",
    }
    r1 = config.model("deepseek-r1")
    assert (r1.reply_handler, r1.prompt_variant, r1.timeout_s) == (
        "strip-thinking-tags",
        "thinking-stripped",
        60,
    )


def test_model_without_key_is_inactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    monkeypatch.setenv("SYNTHETIC_API_KEY", "k")
    config = load_config()
    assert not config.is_active("deepseek-r1")
    assert config.inactive_reason("deepseek-r1") == "no API key: TOGETHER_API_KEY is not set"
    assert config.is_active("kimi-k2.5-syn")


def test_file_without_models_keeps_catalog_and_overrides_provider(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'database_url = "sqlite:///x.db"\n[providers.together]\nbase_url = "http://127.0.0.1:9/v1"\n',
    )
    config = load_config(path)
    assert len(config.models) == 46
    assert config.providers["together"].base_url == "http://127.0.0.1:9/v1"
    assert config.providers["together"].api_key_env == "TOGETHER_API_KEY"
    assert config.database_url == "sqlite:///x.db"


def test_file_models_replace_catalog_unless_asked(tmp_path: Path) -> None:
    body = '[providers.local]\nbase_url = "http://127.0.0.1:8000/v1"\n[[models]]\nid = "m1"\nprovider = "local"\n'
    only = load_config(write(tmp_path, "reference_models = false\n" + body))
    assert [m.id for m in only.models] == ["m1"]
    merged = load_config(write(tmp_path, "default_catalog = true\n" + body))
    assert len(merged.models) == 47
    assert merged.is_active("m1")  # keyless local provider


def test_env_variable_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[[models]]\nid = "m1"\nprovider = "together"\n')
    monkeypatch.setenv("SCORELINE_CONFIG", str(path))
    assert load_config().models[0].id == "m1"


BAD_MAPS = [
    ("self", [("a", "a")], "models.a.fallback: a model cannot be its own fallback"),
    ("unknown", [("a", "ghost")], "models.a.fallback: unknown model 'ghost'"),
    ("two-cycle", [("a", "b"), ("b", "a")], "fallback cycle a -> b -> a"),
    ("three-cycle", [("a", "b"), ("b", "c"), ("c", "a")], "fallback cycle a -> b -> c -> a"),
    ("cycle behind a chain", [("x", "a"), ("a", "b"), ("b", "a")], "fallback cycle a -> b -> a"),
]


@pytest.mark.parametrize(("name", "edges", "message"), BAD_MAPS, ids=[b[0] for b in BAD_MAPS])
def test_broken_fallback_map_is_refused(
    tmp_path: Path, name: str, edges: list[tuple[str, str]], message: str
) -> None:
    ids = sorted({n for edge in edges for n in edge if n != "ghost"})
    lines = ['[providers.p]\nbase_url = "http://127.0.0.1:1/v1"\n']
    targets = dict(edges)
    for model_id in ids:
        lines.append(f'[[models]]\nid = "{model_id}"\nprovider = "p"\n')
        if model_id in targets:
            lines.append(f'fallback = "{targets[model_id]}"\n')
    path = write(tmp_path, "".join(lines))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            '[[models]]\nid = "m"\nprovider = "nowhere"\n',
            "models.m.provider: unknown provider 'nowhere'",
        ),
        (
            '[[models]]\nid = "m"\nprovider = "together"\nprice_prompt_per_1m = -1\n',
            "models[0] (id 'm').price_prompt_per_1m",
        ),
        (
            '[[models]]\nid = "m"\nprovider = "together"\nreply_handler = "magic"\n',
            "models[0] (id 'm').reply_handler",
        ),
        (
            '[providers.together]\napi_key = "sk-secret"\n',
            "providers.together.api_key: keys may not be written",
        ),
        ('[providers.together]\ntimeout_s = "soon"\n', "providers.together.timeout_s"),
        ("database_url = [\n", "invalid TOML"),
        ('colour = "blue"\n', "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_file_names_file_and_key(tmp_path: Path, body: str, fragment: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)
    assert "sk-secret" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize("url", ["ftp://h/q", "amqp://h/", "sqlite://q.db", "sqlite:///", "q.db"])
def test_a_queue_url_the_backend_cannot_build_is_refused(tmp_path: Path, url: str) -> None:
    path = tmp_path / "scoreline.toml"
    path.write_text(f'queue_url = "{url}"\n')
    with pytest.raises(ConfigError, match="queue_url: Value error"):
        load_config(path)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-1"])
def test_a_provider_timeout_must_be_finite_and_positive(tmp_path: Path, value: str) -> None:
    path = tmp_path / "scoreline.toml"
    path.write_text(f"[providers.together]\ntimeout_s = {value}\n")
    with pytest.raises(ConfigError, match=r"providers\.together\.timeout_s"):
        load_config(path)
